"""The negotiation in its own time: events on the days they happened,
statements on the days they were said, and points' status steps on the days
they are dated, with the stance chart drawn from them.

Never the record's own time: when a record was typed in or loaded is not news
(that is the history's business, and ``?as_of=``'s).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, replace

from django.db.models import Count, Prefetch, Q

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


def kinds_filtered(party=None, topic=None, start=None, end=None):
    """kind → (queryset, its date field): each kind of entry under the filters, newest first.

    With a party: its statements, the events it took part in and the steps it
    agreed to. Events carry no topic: with a topic only statements coded on
    points of that topic, and those points' steps, are listed (no events).
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
    kinds = {"event": (events, "occurred_on"), "status": (statuses, "on")}
    kinds["statement"] = (statements, "said_on")
    if topic:
        del kinds["event"]
    for kind, (queryset, field) in kinds.items():
        if start and kind == "event":
            # An event that began before ``start`` and went on after it is in the span.
            queryset = queryset.filter(Q(occurred_on__gte=start) | Q(ends_on__gte=start))
        elif start:
            queryset = queryset.filter(**{f"{field}__gte": start})
        if end:
            queryset = queryset.filter(**{f"{field}__lte": end})
        kinds[kind] = (queryset, field)
    return kinds


def entries_of(kinds):
    """TimelineEntry rows of every kind, in date order (a day's events, then steps, then
    statements)."""
    entries = []
    for kind, (queryset, field) in kinds.items():
        entries += [TimelineEntry(getattr(item, field), kind, item) for item in queryset]
    entries.sort(key=lambda entry: (entry.date, KIND_ORDER[entry.kind]))
    return entries


def timeline(party=None, topic=None, start=None, end=None, limit=TIMELINE_LIMIT):
    """Events, statements and status steps merged in date order, and where the list was cut.

    At most ``limit`` of each kind, the latest: in a live negotiation the
    newest entries matter most. When a kind is cut, all start from the same
    day (the latest of the cut-off days) so that the list does not show
    events for a span it shows no statements for; that day is returned, or
    None when nothing was cut. (The party brief's recent list; the timeline
    page reads one window at a time, see ``window``.)
    """
    kinds = kinds_filtered(party, topic, start, end)
    read = {kind: list(queryset[: limit + 1]) for kind, (queryset, _) in kinds.items()}
    cut_days = [
        getattr(items[limit - 1], kinds[kind][1])
        for kind, items in read.items()
        if len(items) > limit
    ]
    entries = [
        TimelineEntry(getattr(item, kinds[kind][1]), kind, item)
        for kind, items in read.items()
        for item in items[:limit]
    ]
    since = max(cut_days) if cut_days else None
    if since is not None:
        entries = [entry for entry in entries if entry.date >= since]
    entries.sort(key=lambda entry: (entry.date, KIND_ORDER[entry.kind]))
    return entries, since


# The timeline page, a window of days at a time: as many whole days, newest first, as hold
# at most this many entries (a single day with more is shown whole: a day is never split).
# As many as the stance tables send at once (stances.ROWS_AT_ONCE), several screens here.
TIMELINE_PAGE = 60


@dataclass(frozen=True)
class Window:
    """The days a timeline page shows, ``first`` to ``last``, and whether there are
    entries (under the same filters) before and after them."""

    first: datetime.date | None
    last: datetime.date | None
    earlier: bool
    later: bool
    count: int = 0


def day_counts(kinds, before=None, after=None, limit=TIMELINE_PAGE):
    """day → entries that day, over the ``limit + 1`` days with entries of each kind
    nearest the cursor: the latest before ``before`` (or of all), or with ``after`` the
    earliest after it. One query per kind, whatever the size of the record.

    Per kind, the days read are all the days with entries between the cursor and the
    last day read, so a run of days that holds at most ``limit`` entries is counted
    exactly; a kind with ``limit + 1`` days read has entries beyond any such run.
    """
    counts, reached = Counter(), {}
    for kind, (queryset, field) in kinds.items():
        days = queryset.order_by().select_related(None).prefetch_related(None)
        days = days.values_list(field)
        if before:
            days = days.filter(**{f"{field}__lt": before})
        if after:
            days = days.filter(**{f"{field}__gt": after})
        days = days.annotate(n=Count("pk", distinct=True))
        days = days.order_by(field if after else f"-{field}")[: limit + 1]
        rows = list(days)
        counts.update(dict(rows))
        if len(rows) > limit:
            reached[kind] = rows[-1][0]
    return counts, reached


def window_of(counts, reached, before=None, after=None, limit=TIMELINE_PAGE):
    """The Window of whole days, from the cursor onwards (back in time, or with ``after``
    forward), that holds at most ``limit`` entries (at least one day)."""
    days = sorted(counts, reverse=not after)
    taken, total = [], 0
    for day in days:
        if taken and total + counts[day] > limit:
            break
        taken.append(day)
        total += counts[day]
    if not taken:
        return Window(None, None, earlier=bool(after), later=bool(before))
    beyond = len(taken) < len(days) or bool(reached)
    first, last = min(taken), max(taken)
    if after:
        return Window(first, last, earlier=True, later=beyond, count=total)
    return Window(first, last, earlier=beyond, later=bool(before), count=total)


def window(
    party=None, topic=None, start=None, end=None, before=None, after=None, zoom=None, limit=None
):
    """One page of the timeline: its Window, its entries in date order, and the zoom's
    first day (None without a zoom).

    ``before`` pages back (the days before that day), ``after`` forward (the
    days after it); neither: the latest days. With ``zoom`` (a number of days)
    the range starts that many days back from the latest entry under the
    filters, whichever page is shown. Three queries to place the window (two
    with a topic: no events), three more with a zoom and a cursor (the latest
    day), then the entries of the window's days.
    """
    limit = limit or TIMELINE_PAGE
    kinds = kinds_filtered(party, topic, start, end)
    zoom_start = None
    if zoom is not None and (before or after):
        latest = latest_day(kinds)
        if latest is not None:
            zoom_start = days_back(latest, zoom - 1)
    floor = max((day for day in (start, zoom_start) if day), default=None)
    if after and floor and floor > datetime.date.min:  # nothing before the range is read
        after = max(after, floor - datetime.timedelta(days=1))
    counts, reached = day_counts(kinds, before, after, limit)
    if zoom is not None and not (before or after) and counts:
        zoom_start = days_back(max(counts), zoom - 1)
    if zoom_start is not None:
        # The same as bounding the queries: the days read are the nearest to the cursor.
        counts = Counter({day: n for day, n in counts.items() if day >= zoom_start})
        reached = {kind: day for kind, day in reached.items() if day >= zoom_start}
    shown = window_of(counts, reached, before, after, limit)
    if after and floor:
        shown = replace(shown, earlier=after >= floor)
    if shown.first is None:
        return shown, [], zoom_start
    in_window = {
        kind: (queryset.filter(**{f"{field}__range": (shown.first, shown.last)}), field)
        for kind, (queryset, field) in kinds.items()
    }
    return shown, entries_of(in_window), zoom_start


def days_back(day, days):
    """``days`` days before ``day``, or the calendar's first day."""
    return day - min(datetime.timedelta(days=days), day - datetime.date.min)


def latest_day(kinds):
    """The latest day with an entry of any kind (one query per kind), or None."""
    days = [
        queryset.prefetch_related(None).order_by(f"-{field}").values_list(field, flat=True).first()
        for queryset, field in kinds.values()
    ]
    return max((day for day in days if day), default=None)


# Zoom: the last N days that have entries (counted back from the latest entry), or all.
ZOOMS = {"7": ("Last 7 days", 7), "30": ("Last 30 days", 30), "all": ("All", None)}
DEFAULT_ZOOM = "30"


def newest_first(entries):
    """The page's list: the latest day first, each day's events, steps and statements in
    that order (``entries`` are in date order)."""
    return sorted(entries, key=lambda entry: (-entry.date.toordinal(), KIND_ORDER[entry.kind]))


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
