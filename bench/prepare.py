"""The benchmark's steps inside Django, against the database in DATABASE_URL.

``python -m bench.prepare load small|large OUT.json`` loads a dataset (timed);
``python -m bench.prepare measure OUT.json`` signs a user in, resolves the request
table against the data, counts each request's SQL queries once with the test
client, and writes what wrk needs (paths, cookies, the edit form) as JSON;
``python -m bench.prepare marker OUT.json`` times the change marker (and the
count-and-max it replaced) as the history stands, then at five times the rows.
"""

import datetime
import json
import secrets
import string
import sys
import time
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import django

SEED = 7
EDIT_CONNECTIONS = 4
AS_OF_VIEWS = 50
MARKER_GROWTH = 5  # the marker is timed at the history's size, then at five times it


def load(dataset):
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import LARGE, TINY, WIDE, generate
    from tracker.models import ChangeMarker

    # Each dataset's database is a copy of one migrated template: its own epoch,
    # so that the shared cache never takes one dataset's tables for another's.
    ChangeMarker.renew()
    started = time.perf_counter()
    seed_fixture = Path(__file__).resolve().parent.parent / "fixtures" / "seed.json"
    if dataset == "large":
        info = generate(SEED, LARGE)
    elif dataset == "wide":
        info = generate(SEED, WIDE)
    elif seed_fixture.exists():
        call_command("loaddata", "seed", verbosity=0)
        info = {"fixture": "seed"}
    else:
        info = generate(SEED, TINY)
    info["load_seconds"] = round(time.perf_counter() - started, 2)
    # Planner statistics, as a database in service would have them after a load.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return info


def find_targets():
    from django.db.models import Count

    from bench.table import Targets
    from tracker.analysis.timeline import window
    from tracker.models import Change, Plan, Point

    plan = Plan.objects.annotate(n=Count("points")).order_by("-n", "pk").first()
    point = plan.points.annotate(n=Count("positions")).order_by("-n", "number").first()
    busiest = (
        Point.history.values("id").annotate(n=Count("history_id")).order_by("-n", "id").first()
    )
    busy = Point.objects.select_related("plan").get(pk=busiest["id"]) if busiest else point
    changes = Change.objects.count()
    middle = Change.objects.order_by("changed_at", "pk").values_list("changed_at", flat=True)
    as_of = middle[changes // 2].date() if changes else django.utils.timezone.localdate()
    spare = plan.points.exclude(pk__in=[point.pk, busy.pk]).order_by("number")
    return Targets(
        plan=plan.slug,
        point=point.number,
        busy_plan=busy.plan.slug,
        busy_point=busy.number,
        as_of=as_of.isoformat(),
        edit_points=[(plan.slug, p.number) for p in spare[: EDIT_CONNECTIONS + 1]],
        plan_pk=plan.pk,
        point_pk=point.pk,
        busy_pk=busy.pk,
        moments=moments(AS_OF_VIEWS),
        before=(window()[0].first or django.utils.timezone.localdate()).isoformat(),
    )


def moments(count):
    """``count`` distinct minutes spread over the history, for as-of views."""
    from django.db.models import Max, Min

    from tracker.models import Change

    span = Change.objects.aggregate(first=Min("changed_at"), last=Max("changed_at"))
    if span["first"] is None:
        return []
    step = max((span["last"] - span["first"]) / count, datetime.timedelta(minutes=1))
    return [(span["first"] + step * (n + 1)).strftime("%Y-%m-%dT%H:%M") for n in range(count)]


class FormFields(HTMLParser):
    """The values a browser would submit from the first form in a page."""

    def __init__(self):
        super().__init__()
        self.fields, self.done, self.select, self.textarea = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.done or not a.get("name") and tag not in ("option",):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file", "reset"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select:
            if "selected" in a or self.select not in self.fields:
                self.fields[self.select] = a.get("value") or ""
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.done = True


def edit_form(client, path, varied):
    parser = FormFields()
    parser.feed(client.get(path, headers={"HX-Request": "true"}).content.decode())
    fields = parser.fields
    for name in ("csrfmiddlewaretoken", "version", "summary", varied):
        fields.pop(name, None)
    return fields


def signed_in_client():
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from tracker.roles import ANALYST

    # Staff, so that the admin's pages (the peers of the tracker's) open for it too.
    user, _ = User.objects.get_or_create(username="bench-analyst", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=ANALYST))
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def count(client, method, path, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method.lower())(path, **kwargs)
    return response, len(queries)


def measure():
    from django.conf import settings
    from django.test.utils import setup_test_environment

    from bench.table import INLINE_FIELD, ROWS, resolve, resolve_named, slug
    from tracker.models import Point

    setup_test_environment()  # records the templates a response rendered (this process only)
    targets = find_targets()
    client = signed_in_client()
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    rows = []
    for row in ROWS:
        path = resolve(row, targets)
        entry = {"name": row.name, "kind": row.kind, "method": row.method, "path": path}
        rows.append(entry)
        if path is None:
            continue
        headers = {"HX-Request": "true"} if row.htmx else {}
        entry["htmx"] = row.htmx
        if row.kind == "same-bytes":  # its bytes are saved by the driver from the live page
            entry.update(queries=0, status=200, source=resolve_named(row.same_bytes, targets))
            entry["file"] = slug(row.same_bytes)
            continue
        if row.kind == "revalidation":
            entry["status"], entry["queries"] = revalidation_cost(client, path)
            continue
        if row.method == "GET":
            response, entry["queries"] = count(client, "GET", path, headers=headers)
            entry["status"] = response.status_code
            used = [t.name for t in response.templates if t.name]
            if row.template and not any(row.template in name for name in used):
                entry["path"] = None
                entry["note"] = f"no {row.template} template rendered: the view ignores the query"
            continue
        # The edit POST: one point per wrk connection, each carrying its own version.
        points = [replace(targets, point=n) for _, n in targets.edit_points]
        paths = [resolve(row, t) for t in points]
        fields = edit_form(client, paths[0], INLINE_FIELD)
        versions = [Point.objects.get(plan__slug=t.plan, number=t.point).version for t in points]
        data = {**fields, "version": versions[0], "summary": "counted", INLINE_FIELD: "counted"}
        response, entry["queries"] = count(client, "POST", paths[0], data=data, headers=headers)
        entry["status"] = response.status_code
        versions[0] = Point.objects.get(plan__slug=points[0].plan, number=points[0].point).version
        entry["edit"] = {
            "paths": paths[1:],
            "versions": versions[1:],
            "body": urlencode(fields),
            "field": INLINE_FIELD,
        }
    return {
        "moments": targets.moments,
        "targets": targets.__dict__,
        "cookie": (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}"
        ),
        "csrf_header": csrf,
        "rows": rows,
    }


def revalidation_cost(client, path):
    """Status and queries of a repeat view that sends back the page's ETag."""
    client.get(path)  # may set the CSRF cookie, which changes the ETag
    etag = client.get(path).get("ETag")
    if etag is None:
        return None, None
    response, queries = count(client, "GET", path, headers={"If-None-Match": etag})
    return response.status_code, queries


def marker_cost():
    """The marker's cost (and the count-and-max it replaced) now and at 5x the change rows.

    The extra rows are copies of the index with shifted history ids, written in
    SQL: the timings only need the table's size.
    """
    from django.db import connection
    from django.db.models import Count, Max

    from tracker.models import Change, ChangeMarker

    def mean_ms(function, repeat):
        """The mean of the fastest of five batches: the machine's other load is not the query's."""
        function()
        batches = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(repeat):
                function()
            batches.append((time.perf_counter() - started) / repeat * 1000)
        return round(min(batches), 3)

    def count_and_max():
        return Change.objects.order_by().aggregate(count=Count("pk"), last=Max("pk"))

    def timings():
        return {
            "changes": Change.objects.count(),
            "marker_ms": mean_ms(Change.marker, 200),
            "count_and_max_ms": mean_ms(count_and_max, 5),
        }

    result = [timings()]
    columns = "changed_at, user_id, model, object_id, object_repr, action, summary, party_id"
    last = Change.objects.aggregate(last=Max("pk"))["last"] or 0
    with connection.cursor() as cursor:
        for n in range(1, MARKER_GROWTH):
            cursor.execute(
                f"INSERT INTO tracker_change ({columns}, history_id) "  # nosec B608
                f"SELECT {columns}, history_id + %s FROM tracker_change WHERE id <= %s",
                [n * 1_000_000_000, last],
            )
        cursor.execute("ANALYZE")
    ChangeMarker.bump(Change.objects.count() - result[0]["changes"])
    result.append(timings())
    return result


def main():
    django.setup()
    step, out = sys.argv[1], sys.argv[-1]
    if step == "load":
        result = load(sys.argv[2])
    elif step == "marker":
        result = marker_cost()
    else:
        result = measure()
    Path(out).write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
