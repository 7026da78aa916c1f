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

# Minimum throughput as a fraction of the ceiling's, by kind (issue 7).
TARGET_RATIO = {"read": 0.3, "history": 0.3, "fragment": 0.5, "edit": 0.25, "static": 0.3}
P99_TARGET_MS = 100


@dataclass(frozen=True)
class Row:
    name: str
    kind: str  # ceiling | read | history | fragment | edit | static
    url_names: tuple = ()
    args: str = ""  # "plan", "point", "busy" or "" (see Targets.args)
    query: tuple = ()  # target keys sent as the query string
    htmx: bool = False
    method: str = "GET"
    template: str = ""  # a template the response must render, else the feature is missing


@dataclass
class Targets:
    """What the rows point at in the loaded dataset."""

    plan: str
    point: int
    busy_plan: str
    busy_point: int
    as_of: str
    edit_points: list = field(default_factory=list)  # [(plan slug, number)], one per connection

    def args(self, key):
        return {
            "": [],
            "plan": [self.plan],
            "point": [self.plan, self.point],
            "busy": [self.busy_plan, self.busy_point],
            "field": [self.plan, self.point, INLINE_FIELD],
        }[key]


ROWS = [
    Row("ceiling", "ceiling", ("bench_ceiling",)),
    Row("overview", "read", ("overview",)),
    Row("plan page", "read", ("plan_detail",), args="plan"),
    Row("point page", "read", ("point_detail",), args="point"),
    Row("stance matrix", "read", ("matrix",), query=("plan",)),
    Row("htmx fragment", "fragment", ("point_field_edit",), args="field", htmx=True),
    Row("busy point history", "history", ("point_history",), args="busy"),
    Row("recent changes", "read", ("recent_changes", "changes")),
    Row("as-of matrix", "history", ("matrix",), query=("plan", "as_of"), template="asof"),
    Row("as-of plan page", "history", ("plan_detail",), "plan", ("as_of",), template="asof"),
    Row("edit POST", "edit", ("point_field_edit",), args="field", htmx=True, method="POST"),
    Row("static file", "static"),
]


def resolve(row, targets, args_key=None):
    """The row's path with its query string, or None when its page does not exist."""
    if row.kind == "static":
        return static("tracker/style.css")
    for name in row.url_names:
        try:
            path = reverse(name, args=targets.args(args_key or row.args))
        except NoReverseMatch:
            continue
        if row.query:
            path += "?" + urlencode({key: getattr(targets, key) for key in row.query})
        return path
    return None
