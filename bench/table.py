"""The requests the benchmark drives: one table, resolved with ``reverse()`` at run time.

A row names the URL (candidate URL names, first one that exists wins), its
arguments and query string drawn from the dataset's targets, and its kind, which
sets the throughput target relative to the ceiling. A row whose URL name does
not exist (a page not built yet) is reported "not available".
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse

# The point field the inline edit rows open and post (the POST changes it each time).
INLINE_FIELD = "title"

# Minimum throughput as a fraction of the ceiling's, by kind (issues 7 and 17); the admin
# peers and the same-bytes rows are yardsticks for other rows, with no target of their own.
TARGET_RATIO = {
    "read": 0.3,
    "history": 0.3,
    "fragment": 0.5,
    "edit": 0.25,
    "static": 0.3,
    "revalidation": 0.5,
}
P99_TARGET_MS = 100
# A page against its admin peer (at least), a cache hit against its same bytes (issue 17).
PEER_TARGET = 3.0
SAME_BYTES_TARGET = 0.3


@dataclass(frozen=True)
class Row:
    name: str
    # ceiling | read | history | fragment | edit | static | peer | same-bytes | revalidation
    kind: str
    url_names: tuple = ()
    args: str = ""  # "plan", "point", "busy" or "" (see Targets.args)
    query: tuple = ()  # target keys sent as the query string
    htmx: bool = False
    method: str = "GET"
    template: str = ""  # a template the response must render, else the feature is missing
    peer: str = ""  # the admin row this page is held against
    same_bytes: str = ""  # for a page: its same-bytes row; for a same-bytes row: its page
    revalidates: str = ""  # a revalidation row: the page whose ETag it sends back


@dataclass
class Targets:
    """What the rows point at in the loaded dataset."""

    plan: str
    point: int
    busy_plan: str
    busy_point: int
    as_of: str
    edit_points: list = field(default_factory=list)  # [(plan slug, number)], one per connection
    plan_pk: int = 0
    point_pk: int = 0
    busy_pk: int = 0
    moments: list = field(default_factory=list)  # as-of moments spread over the history
    # The timeline's earlier window: ``?zoom=all&before=`` the first day of its latest page.
    zoom: str = "all"
    before: str = ""

    def args(self, key):
        return {
            "": [],
            "plan": [self.plan],
            "point": [self.plan, self.point],
            "busy": [self.busy_plan, self.busy_point],
            "field": [self.plan, self.point, INLINE_FIELD],
            "point_pk": [self.point_pk],
            "busy_pk": [self.busy_pk],
        }[key]

    @property
    def plan__id__exact(self):  # the admin changelist's filter on the plan
        return self.plan_pk


ROWS = [
    Row("ceiling", "ceiling", ("bench_ceiling",)),
    Row("overview", "read", ("overview",)),
    Row(
        "plan page",
        "read",
        ("plan_detail",),
        args="plan",
        peer="admin point list",
        same_bytes="plan page, same bytes",
    ),
    Row("plan page, same bytes", "same-bytes", same_bytes="plan page"),
    Row("plan page, 304", "revalidation", revalidates="plan page"),
    Row("point page", "read", ("point_detail",), args="point", peer="admin point form"),
    Row(
        "stance matrix",
        "read",
        ("matrix",),
        query=("plan",),
        same_bytes="stance matrix, same bytes",
    ),
    Row("stance matrix, same bytes", "same-bytes", same_bytes="stance matrix"),
    Row("timeline", "read", ("timeline",)),
    Row("timeline, earlier window", "fragment", ("timeline",), query=("zoom", "before"), htmx=True),
    Row("htmx fragment", "fragment", ("point_field_edit",), args="field", htmx=True),
    Row(
        "busy point history",
        "history",
        ("point_history",),
        args="busy",
        peer="admin point history",
    ),
    Row("recent changes", "read", ("recent_changes", "changes")),
    Row(
        "admin point list",
        "peer",
        ("admin:tracker_point_changelist",),
        query=("plan__id__exact",),
    ),
    Row("admin point form", "peer", ("admin:tracker_point_change",), args="point_pk"),
    Row("admin point history", "peer", ("admin:tracker_point_history",), args="busy_pk"),
    Row("as-of matrix", "history", ("matrix",), query=("plan", "as_of"), template="asof"),
    Row("as-of plan page", "history", ("plan_detail",), "plan", ("as_of",), template="asof"),
    Row("edit POST", "edit", ("point_field_edit",), args="field", htmx=True, method="POST"),
    Row("static file", "static"),
]


def resolve(row, targets, args_key=None):
    """The row's path with its query string, or None when its page does not exist."""
    if row.kind == "static":
        return static("tracker/style.css")
    if row.kind == "same-bytes":
        return reverse("bench_same_bytes", args=[slug(row.same_bytes)])
    if row.kind == "revalidation":
        page = next(r for r in ROWS if r.name == row.revalidates)
        return resolve(page, targets)
    for name in row.url_names:
        try:
            path = reverse(name, args=targets.args(args_key or row.args))
        except NoReverseMatch:
            continue
        if row.query:
            path += "?" + urlencode({key: getattr(targets, key) for key in row.query})
        return path
    return None


def resolve_named(name, targets):
    return resolve(next(r for r in ROWS if r.name == name), targets)


def slug(name):
    return "".join(c if c.isalnum() else "-" for c in name)
