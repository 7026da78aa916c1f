"""The negotiation in its own time: events on the days they happened,
statements on the days they were said, and points' status steps on the days
they are dated, with the stance chart drawn from them.

Never the record's own time: when a record was typed in or loaded is not news
(that is the history's business, and ``?as_of=``'s).
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from ..models import (
    Event,
    PointStatus,
    Position,
    Stance,
    Statement,
)

TIMELINE_LIMIT = 500
KIND_ORDER = {"event": 0, "status": 1, "statement": 2}


@dataclass
class TimelineEntry:
    date: datetime.date
    kind: str  # "event", "status" or "statement"
    item: object


def statements_with_codings():
    return (
        Statement.objects.select_related("party", "speaker", "event")
        .prefetch_related(
            "sources",
            "translations",
            Prefetch("positions", queryset=Position.objects.with_subject().order_by("pk")),
        )
        .order_by("-said_on", "-pk")
    )


def timeline(party=None, topic=None, start=None, end=None, limit=TIMELINE_LIMIT):
    """Events, statements and status steps merged in date order, and where the list was cut.

    At most ``limit`` of each kind, the latest: in a live negotiation the
    newest entries matter most. When a kind is cut, all start from the same
    day (the latest of the cut-off days) so that the list does not show
    events for a span it shows no statements for; that day is returned, or
    None when nothing was cut. With a party: its statements, the events it
    took part in and the steps it agreed to. Events carry no topic: with a
    topic only statements coded on points of that topic, and those points'
    steps, are listed.
    """
    statements = statements_with_codings()
    events = Event.objects.select_related("source").prefetch_related("parties")
    events = events.order_by("-occurred_on", "-pk")
    statuses = PointStatus.objects.select_related("point__plan", "source").prefetch_related(
        "agreed_by"
    )
    statuses = statuses.order_by("-on", "-pk")
    if party is not None:
        statements = statements.filter(party=party)
        events = events.filter(parties=party)
        statuses = statuses.filter(agreed_by=party)
    if topic:
        coded = Position.objects.filter(point__topics=topic).values("statement")
        statements = statements.filter(pk__in=coded)
        statuses = statuses.filter(point__topics=topic)
    if start:
        statements = statements.filter(said_on__gte=start)
        # An event that began before ``start`` and went on after it is in the span.
        events = events.filter(Q(occurred_on__gte=start) | Q(ends_on__gte=start))
        statuses = statuses.filter(on__gte=start)
    if end:
        statements = statements.filter(said_on__lte=end)
        events = events.filter(occurred_on__lte=end)
        statuses = statuses.filter(on__lte=end)
    kinds = {
        "statement": (list(statements[: limit + 1]), lambda s: s.said_on),
        "event": ([] if topic else list(events[: limit + 1]), lambda e: e.occurred_on),
        "status": (list(statuses[: limit + 1]), lambda s: s.on),
    }
    cut_days, entries = [], []
    for kind, (items, day_of) in kinds.items():
        if len(items) > limit:
            items = items[:limit]
            cut_days.append(day_of(items[-1]))
        entries += [TimelineEntry(day_of(item), kind, item) for item in items]
    since = max(cut_days) if cut_days else None
    if since is not None:
        entries = [entry for entry in entries if entry.date >= since]
    entries.sort(key=lambda entry: (entry.date, KIND_ORDER[entry.kind]))
    return entries, since


# Zoom: the last N days that have entries (counted back from the latest entry), or all.
ZOOMS = {"7": ("Last 7 days", 7), "30": ("Last 30 days", 30), "all": ("All", None)}
DEFAULT_ZOOM = "30"


def zoom(entries, days):
    """The entries of the last ``days`` days up to the latest entry, and that first day.

    A single early event would otherwise stretch the axis so that the weeks
    most entries fall in share its last tenth. ``entries`` are in date order.
    """
    if not entries or days is None:
        return entries, None
    first = entries[-1].date - datetime.timedelta(days=days - 1)
    return [entry for entry in entries if entry.date >= first], first


CHART_WIDTH = 760
CHART_LABEL = 130
CHART_RIGHT = 20
CHART_ROW = 30
CHART_TOP = 34


def stance_chart(entries):
    """Coordinates for a server-rendered SVG: one row per party, a dot per
    statement along a date axis from the first entry to the last, coloured by
    the stance it is first coded with; events as marks on a row of their own.
    A row grows to stack the dots of a busy day one above the other."""
    statements = [e.item for e in entries if e.kind == "statement"]
    events = [e.item for e in entries if e.kind == "event"]
    dates = [s.said_on for s in statements] + [e.occurred_on for e in events]
    dates += [e.ends_on for e in events if e.ends_on]
    if not dates:
        return None
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)
    plot = CHART_WIDTH - CHART_LABEL - CHART_RIGHT

    def x(day):
        return round(CHART_LABEL + (day - first).days / span * plot, 1)

    parties = sorted({s.party for s in statements}, key=lambda p: (p.order, p.name))
    lanes = []
    if events:
        lanes.append(("Events", None, events, lambda e: e.occurred_on))
    for party in parties:
        mine = [s for s in statements if s.party_id == party.pk]
        lanes.append((party.short_name, party, mine, lambda s: s.said_on))
    rows = []
    top = CHART_TOP - CHART_ROW // 2
    for label, party, items, day_of in lanes:
        height = lane_height(items, day_of)
        y = top + height // 2
        placed = stacked(items, day_of, x, y)
        rows.append(chart_row(label, party, y, placed if party else diamonds(placed, x)))
        top += height
    axis_y = top + 4
    label = "%-d %b" if first.year == last.year and span < 200 else "%b %Y"
    ticks = [{"x": x(day), "label": day.strftime(label)} for day in tick_days(first, last)]
    return {
        "width": CHART_WIDTH,
        "height": axis_y + 24,
        "axis_y": axis_y,
        "tick_y": axis_y + 16,
        "plot_left": CHART_LABEL,
        "plot_right": CHART_WIDTH - CHART_RIGHT,
        "rows": rows,
        "ticks": ticks,
        "first": first,
        "last": last,
        "stances": Stance.choices,
    }


DOT_STEP = 11  # vertical distance between the stacked dots of one day


def lane_height(items, day_of):
    busiest = max(Counter(day_of(item) for item in items).values(), default=1)
    return max(CHART_ROW, busiest * DOT_STEP + 10)


def chart_row(label, party, y, dots):
    return {
        "label": label,
        "party": party,
        "y": y,
        "label_y": y + 4,
        "swatch_y": y - 6,
        "dots": dots,
    }


def stacked(items, day_of, x, y):
    """Items of the same day stacked in a column centred on the lane."""
    per_day = Counter(day_of(item) for item in items)
    seen = Counter()
    result = []
    for item in items:
        day = day_of(item)
        offset = (seen[day] - (per_day[day] - 1) / 2) * DOT_STEP
        seen[day] += 1
        codings = item.positions.all() if isinstance(item, Statement) else []
        result.append(
            {
                "cx": x(day),
                "cy": round(y + offset, 1),
                "item": item,
                "coding": codings[0] if codings else None,
            }
        )
    return result


def diamonds(placed, x):
    """Events as diamonds: squares of side 8 turned about their centre; an event that
    went on for days, a diamond on its first day and a bar to its last (``end_x``)."""
    for mark in placed:
        mark["x"], mark["y"] = round(mark["cx"] - 4, 1), round(mark["cy"] - 4, 1)
        ends_on = mark["item"].ends_on
        if ends_on and ends_on > mark["item"].occurred_on:
            mark["end_x"] = x(ends_on)
    return placed


def tick_days(first, last, count=5):
    """At most ``count`` ticks a whole number of days apart, from the first day."""
    span = (last - first).days
    step = max(-(-span // (count - 1)), 1)
    return [first + datetime.timedelta(days=n) for n in range(0, span + 1, step)]
