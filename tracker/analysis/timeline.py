"""Events and positions by date, and the stance chart drawn from them."""

import datetime
from collections import Counter
from dataclasses import dataclass

from ..models import (
    Event,
    Position,
    Stance,
)

TIMELINE_LIMIT = 500


@dataclass
class TimelineEntry:
    date: datetime.date
    kind: str  # "event" or "position"
    item: object


def timeline(party=None, topic="", start=None, end=None, limit=TIMELINE_LIMIT):
    """Events and positions merged in date order, and where the list was cut.

    At most ``limit`` of each, the latest: in a live negotiation the newest
    entries matter most. When either kind is cut, both start from the same
    day (the later of the two cut-off days) so that the list does not show
    events for a span it shows no positions for; that day is returned, or
    None when nothing was cut. Events carry no topic: with a topic filter
    only positions are listed.
    """
    positions = Position.objects.with_subject().order_by("-stated_on", "-pk")
    events = Event.objects.select_related("source").prefetch_related("parties")
    events = events.order_by("-occurred_on", "-pk")
    if party is not None:
        positions = positions.filter(party=party)
        events = events.filter(parties=party)
    if topic:
        positions = positions.filter(point__topic=topic)
    if start:
        positions = positions.filter(stated_on__gte=start)
        events = events.filter(occurred_on__gte=start)
    if end:
        positions = positions.filter(stated_on__lte=end)
        events = events.filter(occurred_on__lte=end)
    positions = list(positions[: limit + 1])
    events = [] if topic else list(events[: limit + 1])
    cut_days = []
    if len(positions) > limit:
        positions = positions[:limit]
        cut_days.append(positions[-1].stated_on)
    if len(events) > limit:
        events = events[:limit]
        cut_days.append(events[-1].occurred_on)
    since = max(cut_days) if cut_days else None
    entries = [TimelineEntry(p.stated_on, "position", p) for p in positions]
    entries += [TimelineEntry(e.occurred_on, "event", e) for e in events]
    if since is not None:
        entries = [entry for entry in entries if entry.date >= since]
    entries.sort(key=lambda entry: (entry.date, entry.kind != "event"))
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
    stated position along a date axis from the first entry to the last,
    coloured by stance; events as marks on a row of their own.
    A row grows to stack the dots of a busy day one above the other."""
    positions = [e.item for e in entries if e.kind == "position"]
    events = [e.item for e in entries if e.kind == "event"]
    dates = [p.stated_on for p in positions] + [e.occurred_on for e in events]
    if not dates:
        return None
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)
    plot = CHART_WIDTH - CHART_LABEL - CHART_RIGHT

    def x(day):
        return round(CHART_LABEL + (day - first).days / span * plot, 1)

    parties = sorted({p.party for p in positions}, key=lambda p: (p.order, p.name))
    lanes = []
    if events:
        lanes.append(("Events", None, events, lambda e: e.occurred_on))
    for party in parties:
        mine = [p for p in positions if p.party_id == party.pk]
        lanes.append((party.short_name, party, mine, lambda p: p.stated_on))
    rows = []
    top = CHART_TOP - CHART_ROW // 2
    for label, party, items, day_of in lanes:
        height = lane_height(items, day_of)
        y = top + height // 2
        placed = stacked(items, day_of, x, y)
        rows.append(chart_row(label, party, y, placed if party else diamonds(placed)))
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
        result.append({"cx": x(day), "cy": round(y + offset, 1), "item": item})
    return result


def diamonds(placed):
    """Events as diamonds: squares of side 8 turned about their centre."""
    for mark in placed:
        mark["x"], mark["y"] = round(mark["cx"] - 4, 1), round(mark["cy"] - 4, 1)
    return placed


def tick_days(first, last, count=5):
    """At most ``count`` ticks a whole number of days apart, from the first day."""
    span = (last - first).days
    step = max(-(-span // (count - 1)), 1)
    return [first + datetime.timedelta(days=n) for n in range(0, span + 1, step)]
