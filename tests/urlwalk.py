"""Every URL the project routes, with a concrete address and what each role may do there.

``ROUTES`` maps each URL name to how to build its arguments from the test cast and
what each role gets for GET and POST. ``url_names()`` reads the resolver, so a URL
added to tracker/urls.py without a row here makes the permission walk and the CSP
test fail instead of escaping them.

Expected outcomes per role:
- an int: that exact status;
- ``LOGIN``: a redirect to the sign-in page;
- ``ANY``: anything but a 5xx (an analyst's empty POST may be a 422, a 302 ...).

Only the roles listed in ``writers`` may change the database, and only by POST.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db.models import Max, Sum
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tracker.models import ApiToken, Change, Event, Plan, Point, PointLink

ROLES = ("anonymous", "viewer", "analyst", "superuser")
LOGIN = "login"
ANY = "any"


def expect(anonymous, viewer, analyst, superuser):
    return dict(zip(ROLES, (anonymous, viewer, analyst, superuser), strict=True))


EVERYONE_200 = expect(200, 200, 200, 200)
EVERYONE_405 = expect(405, 405, 405, 405)
# A page that edits: anonymous users are sent to sign in, viewers refused.
EDITOR_ONLY = expect(LOGIN, 403, 200, 200)
EDITOR_POST = expect(LOGIN, 403, ANY, ANY)
SIGNED_IN_200 = expect(LOGIN, 200, 200, 200)


API_KINDS = (
    "plan",
    "point",
    "component",
    "party",
    "actor",
    "statement",
    "position",
    "source",
    "event",
)


@dataclass
class Route:
    get: dict
    post: dict
    kwargs: object = None  # callable(cast) -> dict of URL kwargs
    writers: tuple = ()
    html: bool = True  # the GET answer is an HTML page (for the CSP test)
    query: object = ""  # a string, or callable(cast) -> string
    post_data: dict = field(default_factory=dict)

    def build_kwargs(self, cast):
        return self.kwargs(cast) if self.kwargs else {}

    def url(self, name, cast):
        query = self.query(cast) if callable(self.query) else self.query
        return reverse(name, kwargs=self.build_kwargs(cast)) + query


def read_page(kwargs=None, **extra):
    return Route(get=EVERYONE_200, post=EVERYONE_405, kwargs=kwargs, **extra)


def edit_page(kwargs=None, **extra):
    return Route(
        get=EDITOR_ONLY, post=EDITOR_POST, kwargs=kwargs, writers=("analyst", "superuser"), **extra
    )


def history_page(kwargs=None, **extra):
    return Route(get=SIGNED_IN_200, post=EVERYONE_405, kwargs=kwargs, **extra)


# Anonymous callers are asked for a token (401) before the method is looked at.
API_CHANGES = Route(get=expect(401, 200, 200, 200), post=expect(401, 405, 405, 405), html=False)

ROUTES = {
    # Reading the record
    "overview": read_page(),
    "healthz": read_page(html=False),
    "party_colours": read_page(html=False),
    "plan_detail": read_page(lambda c: {"slug": c.plan.slug}),
    "point_detail": read_page(lambda c: {"slug": c.plan.slug, "number": c.point.number}),
    "party_detail": read_page(lambda c: {"slug": c.russia.slug}),
    "source_detail": read_page(lambda c: {"pk": c.source.pk}),
    "position_detail": read_page(lambda c: {"uid": c.position.uid}),
    "actor_detail": read_page(lambda c: {"slug": c.putin.slug}),
    "event_detail": read_page(lambda c: {"slug": c.event.slug}),
    "statement_detail": read_page(lambda c: {"uid": c.position.statement.uid}),
    "favicon": Route(get=expect(302, 302, 302, 302), post=EVERYONE_405, html=False),
    # Lists: public, filtered by GET parameters
    "plan_list": read_page(),
    "party_list": read_page(),
    "actor_list": read_page(),
    "source_list": read_page(),
    "event_list": read_page(),
    "statement_list": read_page(),
    # Analysis: read-only, public
    "compare": read_page(),
    "plan_components": read_page(lambda c: {"slug": c.plan.slug}),
    "timeline": read_page(),
    "search": read_page(query="?q=Territory"),
    "provenance": read_page(),
    "party_brief": read_page(lambda c: {"slug": c.russia.slug}),
    # History: signed-in readers; restoring is an analyst's write
    "plan_history": history_page(lambda c: {"slug": c.plan.slug}),
    "point_history": history_page(lambda c: {"slug": c.plan.slug, "number": c.point.number}),
    "party_history": history_page(lambda c: {"slug": c.russia.slug}),
    "source_history": history_page(lambda c: {"pk": c.source.pk}),
    "position_history": history_page(lambda c: {"uid": c.position.uid}),
    "object_history": history_page(lambda c: {"model": "point", "pk": c.point.pk}),
    "restore_version": Route(
        get=EVERYONE_405,
        post=EDITOR_POST,
        kwargs=lambda c: {"model": "point", "pk": c.point.pk},
        writers=("analyst", "superuser"),
    ),
    "recent_changes": history_page(),
    "changes_feed": history_page(html=False),
    "changes_export": history_page(html=False),
    "changes_export_csv": history_page(html=False),
    "changes_export_json": history_page(html=False),
    # Following: the token in a private feed's URL stands for a session (a bad one is a 404)
    "watching": history_page(),
    "watch": Route(
        get=SIGNED_IN_200,
        post=expect(LOGIN, 302, 302, 302),
        kwargs=lambda c: {"kind": "point", "pk": c.point.pk},
        writers=("viewer", "analyst", "superuser"),
        post_data={"follow": "1"},
    ),
    "private_changes_feed": Route(
        get=expect(404, 404, 404, 404),
        post=EVERYONE_405,
        kwargs=lambda c: {"token": "nope"},
        html=False,
    ),
    "private_watching_feed": Route(
        get=expect(404, 404, 404, 404),
        post=EVERYONE_405,
        kwargs=lambda c: {"token": "nope"},
        html=False,
    ),
    # Editing: analysts and superusers; an empty POST is an invalid form (422)
    "matrix": read_page(),
    "matrix_cell": Route(
        get=EVERYONE_200,
        post=EDITOR_POST,
        kwargs=lambda c: {"point": c.point.pk, "party": c.russia.pk},
        writers=("analyst", "superuser"),
    ),
    "plan_create": edit_page(),
    "plan_edit": edit_page(lambda c: {"slug": c.plan.slug}),
    "plan_delete": edit_page(lambda c: {"slug": c.plan.slug}),
    "plan_new_version": edit_page(lambda c: {"slug": c.plan.slug}),
    "component_create": edit_page(lambda c: {"slug": c.plan.slug}),
    "component_edit": edit_page(lambda c: {"slug": c.plan.slug, "number": c.component.number}),
    "component_delete": edit_page(lambda c: {"slug": c.plan.slug, "number": c.component.number}),
    "point_create": edit_page(lambda c: {"slug": c.plan.slug}),
    "point_edit": edit_page(lambda c: {"slug": c.plan.slug, "number": c.point.number}),
    "point_delete": edit_page(lambda c: {"slug": c.plan.slug, "number": c.point.number}),
    "point_field_edit": edit_page(
        lambda c: {"slug": c.plan.slug, "number": c.point.number, "field": "title"}
    ),
    "point_field_show": read_page(
        lambda c: {"slug": c.plan.slug, "number": c.point.number, "field": "title"}
    ),
    "position_create_for_point": edit_page(
        lambda c: {"slug": c.plan.slug, "number": c.point.number}
    ),
    "position_create_for_party": edit_page(lambda c: {"slug": c.russia.slug}),
    "position_edit": edit_page(lambda c: {"uid": c.position.uid}),
    "position_delete": edit_page(lambda c: {"uid": c.position.uid}),
    "statement_create": edit_page(),
    "statement_edit": edit_page(lambda c: {"uid": c.position.statement.uid}),
    "statement_delete": edit_page(lambda c: {"uid": c.position.statement.uid}),
    "party_create": edit_page(),
    "party_edit": edit_page(lambda c: {"slug": c.russia.slug}),
    "party_delete": edit_page(lambda c: {"slug": c.russia.slug}),
    "actor_create": edit_page(lambda c: {"slug": c.russia.slug}),
    "actor_new": edit_page(),
    "actor_edit": edit_page(lambda c: {"slug": c.putin.slug}),
    "actor_delete": edit_page(lambda c: {"slug": c.putin.slug}),
    "source_create": edit_page(),
    "source_edit": edit_page(lambda c: {"pk": c.source.pk}),
    "source_delete": edit_page(lambda c: {"pk": c.source.pk}),
    "event_create": edit_page(),
    "event_edit": edit_page(lambda c: {"slug": c.event.slug}),
    "event_delete": edit_page(lambda c: {"slug": c.event.slug}),
    # Export (public) and import (tracker.import_fixture); an empty import changes nothing
    "export": read_page(),
    "export_fixture": read_page(html=False),
    "export_matrix": read_page(html=False, query=lambda c: f"?plan={c.plan.slug}"),
    "import_fixture": Route(get=EDITOR_ONLY, post=EVERYONE_405),
    "import_preview": Route(get=EVERYONE_405, post=EDITOR_POST),
    "import_apply": Route(get=EVERYONE_405, post=EDITOR_POST),
    "import_cancel": Route(get=EVERYONE_405, post=EDITOR_POST),
    # Accounts (django.contrib.auth.urls); an empty POST is an invalid form.
    "user_settings": Route(
        get=SIGNED_IN_200,
        post=expect(LOGIN, 422, 422, 422),
        writers=("viewer", "analyst", "superuser"),
    ),
    "api_token_create": Route(
        get=EVERYONE_405,
        post=expect(LOGIN, 422, 422, 422),
        writers=("viewer", "analyst", "superuser"),
    ),
    # Someone else's token: not found.
    "api_token_revoke": Route(
        get=EVERYONE_405,
        post=expect(LOGIN, 404, 404, 404),
        kwargs=lambda c: {"pk": c.token.pk},
    ),
    "feed_token_regenerate": Route(
        get=EVERYONE_405,
        post=expect(LOGIN, 302, 302, 302),
        writers=("viewer", "analyst", "superuser"),
    ),
    "digest_settings": Route(
        get=EVERYONE_405,
        post=expect(LOGIN, 422, 422, 422),
        writers=("viewer", "analyst", "superuser"),
    ),
    "login": Route(get=EVERYONE_200, post=EVERYONE_200),
    "logout": Route(get=EVERYONE_405, post=expect(302, 302, 302, 302)),
    "password_change": Route(get=SIGNED_IN_200, post=SIGNED_IN_200),
    "password_change_done": Route(get=SIGNED_IN_200, post=expect(LOGIN, 405, 405, 405)),
    "password_reset": Route(get=EVERYONE_200, post=EVERYONE_200),
    "password_reset_done": Route(get=EVERYONE_200, post=EVERYONE_405),
    "password_reset_confirm": Route(
        get=EVERYONE_200, post=EVERYONE_200, kwargs=lambda c: {"uidb64": "MQ", "token": "bad"}
    ),
    "password_reset_complete": Route(get=EVERYONE_200, post=EVERYONE_405),
    # The JSON API: read-only (a write is 405); the change log as on /changes/
    **{f"api:{kind}-list": read_page(html=False) for kind in API_KINDS},
    "api:plan-detail": read_page(lambda c: {"slug": c.plan.slug}, html=False),
    "api:point-detail": read_page(
        lambda c: {"slug": c.plan.slug, "number": c.point.number}, html=False
    ),
    "api:component-detail": read_page(
        lambda c: {"slug": c.plan.slug, "number": c.component.number}, html=False
    ),
    "api:party-detail": read_page(lambda c: {"slug": c.russia.slug}, html=False),
    "api:actor-detail": read_page(lambda c: {"slug": c.putin.slug}, html=False),
    "api:statement-detail": read_page(lambda c: {"uid": c.position.statement.uid}, html=False),
    "api:position-detail": read_page(lambda c: {"uid": c.position.uid}, html=False),
    "api:source-detail": read_page(lambda c: {"slug": c.source.slug}, html=False),
    "api:event-detail": read_page(lambda c: {"slug": c.event.slug}, html=False),
    "api:change-list": API_CHANGES,
    "api:change-detail": Route(
        get=API_CHANGES.get,
        post=API_CHANGES.post,
        kwargs=lambda c: {"pk": Change.objects.values_list("pk", flat=True).last()},
        html=False,
    ),
    "api:schema": read_page(html=False),
    "api:docs": read_page(),
}


# The query parameters each page reads, for the hostile walk (tests/test_hostile_walk.py).
# A URL without an entry fails that walk, like a URL without a row in ROUTES.
AS_OF = ("as_of",)
VERSIONS = ("page", "a", "b")
CHANGES = ("user", "model", "party", "since", "until", "before", "after")
NEXT = ("next",)
API_SAID = ("plan", "party", "topic", "stance", "said_after", "said_before", "on")
READS = {
    "overview": (),
    "healthz": (),
    "party_colours": (),
    "plan_detail": (*AS_OF, "rows", "page"),
    "point_detail": (),
    "party_detail": ("page",),
    "source_detail": (),
    "position_detail": (),
    "compare": ("a", "b", "c", "party", "changed", "conflicts"),
    "plan_components": (),
    "timeline": ("party", "topic", "start", "end", "zoom", "before", "after"),
    "search": ("q", "party", "stance", "topic", "plan", "start", "end", "kind", "page"),
    "provenance": ("list", "page"),
    "party_brief": ("days",),
    "plan_list": ("q", "sort", "page", "status", "party", "start", "end"),
    "party_list": ("q", "sort", "page", "kind"),
    "actor_list": ("q", "sort", "page", "party"),
    "source_list": ("q", "sort", "page", "kind", "start", "end"),
    "event_list": ("q", "sort", "page", "kind", "party", "start", "end"),
    "statement_list": (
        "q",
        "sort",
        "page",
        "party",
        "plan",
        "speaker",
        "start",
        "end",
        "language",
    ),
    "statement_detail": (),
    "statement_create": ("party", "point", "next"),
    "statement_edit": NEXT,
    "statement_delete": NEXT,
    "actor_detail": ("page",),
    "event_detail": (),
    "favicon": (),
    "user_settings": (),
    "api_token_create": (),
    "api_token_revoke": (),
    "plan_history": VERSIONS,
    "point_history": VERSIONS,
    "party_history": VERSIONS,
    "source_history": VERSIONS,
    "position_history": VERSIONS,
    "object_history": VERSIONS,
    "restore_version": (),
    "recent_changes": CHANGES,
    "changes_feed": CHANGES,
    "changes_export": (*CHANGES, "format"),
    "changes_export_csv": CHANGES,
    "changes_export_json": CHANGES,
    "watching": (),
    "watch": (),
    "private_changes_feed": (),
    "private_watching_feed": (),
    "feed_token_regenerate": (),
    "digest_settings": (),
    "matrix": ("plan", "as_of", "topic", "component", "status", "rows", "page"),
    "matrix_cell": (),
    "plan_create": NEXT,
    "plan_edit": NEXT,
    "plan_delete": NEXT,
    "plan_new_version": NEXT,
    "component_create": NEXT,
    "component_edit": NEXT,
    "component_delete": NEXT,
    "point_create": NEXT,
    "point_edit": NEXT,
    "point_delete": NEXT,
    "point_field_edit": NEXT,
    "point_field_show": (),
    "position_create_for_point": NEXT,
    "position_create_for_party": NEXT,
    "position_edit": NEXT,
    "position_delete": NEXT,
    "party_create": NEXT,
    "party_edit": NEXT,
    "party_delete": NEXT,
    "actor_create": NEXT,
    "actor_new": NEXT,
    "actor_edit": NEXT,
    "actor_delete": NEXT,
    "source_create": NEXT,
    "source_edit": NEXT,
    "source_delete": NEXT,
    "event_create": ("party", "next"),
    "event_edit": NEXT,
    "event_delete": NEXT,
    "export": (),
    "export_fixture": ("plan",),
    "export_matrix": ("plan",),
    "import_fixture": (),
    "import_preview": (),
    "import_apply": (),
    "import_cancel": (),
    "login": NEXT,
    "logout": NEXT,
    "password_change": (),
    "password_change_done": (),
    "password_reset": (),
    "password_reset_done": (),
    "password_reset_confirm": (),
    "password_reset_complete": (),
    **{f"api:{kind}-detail": () for kind in (*API_KINDS, "change")},
    **{f"api:{kind}-list": ("cursor", "size") for kind in API_KINDS},
    "api:plan-list": ("cursor", "size", "status"),
    "api:point-list": ("cursor", "size", "plan", "topic", "status"),
    "api:component-list": ("cursor", "size", "plan"),
    "api:actor-list": ("cursor", "size", "party"),
    "api:statement-list": ("cursor", "size", *API_SAID),
    "api:position-list": ("cursor", "size", *API_SAID),
    "api:source-list": ("cursor", "size", "kind"),
    "api:event-list": ("cursor", "size", "party", "plan", "kind"),
    "api:change-list": ("cursor", "size", "model", "party", "after", "before"),
    "api:schema": ("format", "lang"),
    "api:docs": (),
}


def url_patterns(patterns=None, prefix="", namespace=None):
    """(qualified name, route) for every named pattern outside the admin site."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner == "admin":
                continue  # the admin site is walked through its registry instead
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            if name is None:
                yield (f"<unnamed {prefix}{pattern.pattern}>", prefix + str(pattern.pattern))
                continue
            yield (f"{namespace}:{name}" if namespace else name, prefix + str(pattern.pattern))


def url_names():
    return sorted({name for name, _ in url_patterns()})


def make_cast(plan, point, position, source, russia, putin, component):
    event = Event.objects.create(
        slug="bishkek-remarks",
        title="Putin's remarks in Bishkek",
        occurred_on=datetime.date(2025, 11, 27),
        source=source,
    )
    event.parties.add(russia)
    later = Plan.objects.create(
        slug="geneva", title="Geneva framework", short_title="Geneva", derived_from=plan
    )
    revised = Point.objects.create(
        plan=later, number=1, title="Territory, bracketed", text="Deferred."
    )
    PointLink.objects.create(earlier=point, later=revised, plan=later, kind="revised")
    caches["throttle"].clear()  # the API's request counts start afresh
    owner = User.objects.create_user("token-owner")
    token, _ = ApiToken.issue(owner, "A script")
    return SimpleNamespace(
        plan=plan,
        later=later,
        point=point,
        position=position,
        source=source,
        russia=russia,
        putin=putin,
        component=component,
        event=event,
        token=token,
    )


def fingerprint():
    """A cheap picture of everything a request could change.

    Row counts of every tracker table (history tables included), the highest
    version of each tracked model, and the users' passwords and flags.
    """
    picture = {}
    for model in apps.get_app_config("tracker").get_models():
        picture[model._meta.label] = model.objects.count()
        names = {f.name for f in model._meta.fields}
        if "version" in names and not model.__name__.startswith("Historical"):
            picture[f"{model._meta.label}.version"] = model.objects.aggregate(
                top=Max("version"), total=Sum("version")
            )
    picture["users"] = sorted(
        User.objects.values_list("username", "password", "is_active", "is_staff", "is_superuser")
    )
    picture["memberships"] = User.groups.through.objects.count()
    return picture
