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

    @property
    def place(self):
        """Where the entry stands in the newest-first order, as the page links write it."""
        return f"{self.date.isoformat()}.{self.kind}.{self.item.pk:d}"


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


# The timeline page: this many entries at a time, newest first. A busy day runs over
# several pages; the links carry the place where a page stopped (``Place``).
TIMELINE_PAGE = 60


@dataclass(frozen=True)
class Place:
    """A place in the timeline's newest-first order, which a page starts after
    (``?before=``) or ends before (``?after=``).

    That order is: days newest first; within a day its events, then its
    status steps, then its statements; within a kind the newest record
    first. A place is a day and an entry of that day (``2025-11-23.statement.412``),
    or a day alone (``2025-11-23``): before all of that day, or after all of it.
    """

    day: datetime.date
    kind: str = ""
    pk: int = 0

    @classmethod
    def edge(cls, day, before):
        """The place past the whole of ``day``: its end (paging back), its start (forward)."""
        return cls(day, "" if before else "-", 0)

    @classmethod
    def of(cls, entry):
        return cls(entry.date, entry.kind, entry.item.pk)

    @property
    def rank(self):
        if self.kind in KIND_ORDER:
            return KIND_ORDER[self.kind]
        return -1 if self.kind == "-" else len(KIND_ORDER)

    @property
    def key(self):
        return (-self.day.toordinal(), self.rank, -self.pk)

    def __str__(self):
        return self.param

    @property
    def param(self):
        """As ``?before=`` and ``?after=`` write it."""
        if self.kind in KIND_ORDER:
            return f"{self.day.isoformat()}.{self.kind}.{self.pk:d}"
        return self.day.isoformat()


def order_key(entry):
    """An entry's place in the newest-first order (see ``Place``), as a sortable tuple."""
    return (-entry.date.toordinal(), KIND_ORDER[entry.kind], -entry.item.pk)


def past(queryset, field, kind, place, forward=False):
    """The entries of ``queryset`` (of ``kind``, dated by ``field``) after ``place`` in
    the newest-first order, nearest first; with ``forward``, those before it."""
    rank, day = KIND_ORDER[kind], place.day
    same_day = Q(**{field: day})
    if not forward:
        if rank < place.rank:
            later = Q(**{f"{field}__lt": day})
        elif rank == place.rank:
            later = Q(**{f"{field}__lt": day}) | same_day & Q(pk__lt=place.pk)
        else:
            later = Q(**{f"{field}__lte": day})
        return queryset.filter(later).order_by(f"-{field}", "-pk")
    if rank > place.rank:
        earlier = Q(**{f"{field}__gt": day})
    elif rank == place.rank:
        earlier = Q(**{f"{field}__gt": day}) | same_day & Q(pk__gt=place.pk)
    else:
        earlier = Q(**{f"{field}__gte": day})
    return queryset.filter(earlier).order_by(field, "pk")


@dataclass(frozen=True)
class Window:
    """What a timeline page shows: its entries' first and last days, how many, and
    where the pages before and after it start (None when there is nothing there)."""

    first: datetime.date | None = None
    last: datetime.date | None = None
    count: int = 0
    earlier: Place | None = None
    later: Place | None = None


def window(
    party=None, topic=None, start=None, end=None, before=None, after=None, zoom=None, limit=None
):
    """One page of the timeline: its Window, its entries newest first, and the zoom's
    first day (None without a zoom).

    ``before`` (a Place) pages back, ``after`` forward; neither: the latest
    entries. With ``zoom`` (a number of days) only the entries of that many days
    back from the latest entry under the filters are shown, whichever page. One
    query per kind of entry (and its prefetches), the nearest ``limit + 1`` of
    each: the page is the nearest ``limit`` of them all. Three more with a zoom
    and a place (for the latest day).
    """
    limit = limit or TIMELINE_PAGE
    kinds = kinds_filtered(party, topic, start, end)
    place = after or before
    floor = None
    if zoom is not None and place:
        latest = latest_day(kinds)
        floor = days_back(latest, zoom - 1) if latest else None
    read = []
    for kind, (queryset, field) in kinds.items():
        if floor:
            queryset = queryset.filter(**{f"{field}__gte": floor})
        if place:
            queryset = past(queryset, field, kind, place, forward=bool(after))
        else:
            queryset = queryset.order_by(f"-{field}", "-pk")
        read += [TimelineEntry(getattr(item, field), kind, item) for item in queryset[: limit + 1]]
    read.sort(key=order_key, reverse=bool(after))
    if zoom is not None and not place and read:
        floor = days_back(read[0].date, zoom - 1)
        read = [entry for entry in read if entry.date >= floor]
    shown, beyond = read[:limit], len(read) > limit
    if after:
        shown.reverse()
    if not shown:
        return Window(), [], floor
    newest, oldest = Place.of(shown[0]), Place.of(shown[-1])
    if after:
        # The place the reader came back from is on the page before (unless it was a
        # day alone before the whole range).
        earlier = oldest if after.kind or not floor or after.day >= floor else None
        later = newest if beyond else None
    else:
        earlier = oldest if beyond else None
        later = newest if before else None
    page = Window(shown[-1].date, shown[0].date, len(shown), earlier, later)
    return page, shown, floor


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
