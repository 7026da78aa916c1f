"""The overview's dashboard: the last week of the negotiation, by the dates things happened,
and what is new in what the signed-in user follows."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Prefetch

from .models import Event, Party, Plan, PlanAuthor, Point, Position, Stance, Statement
from .models.desk import new_in_watched, watching_items

WEEK = datetime.timedelta(days=6)  # the latest day and the six before it
LATEST_POSITIONS = 8
PLANS = 12
FOLLOWED = 8
LABELS = dict(Stance.choices)


@dataclass
class Day:
    date: datetime.date
    events: list = field(default_factory=list)
    parties: dict = field(default_factory=dict)  # slug -> PartyDay


@dataclass
class PartyDay:
    """What one party said on one day: how many positions, of which stance."""

    slug: str
    short_name: str
    stances: list = field(default_factory=list)  # (stance, label, count)

    @property
    def total(self):
        return sum(count for _, _, count in self.stances)


@dataclass
class Week:
    start: datetime.date
    end: datetime.date
    days: list


def shared():
    """What the overview shows every reader alike: the plans by date (with their
    authors and number of points), the record's counts, the latest positions and
    the last week."""
    authors = PlanAuthor.objects.select_related("party", "actor")
    plans = (
        Plan.objects.prefetch_related(Prefetch("authors", queryset=authors))
        .annotate(point_count=Count("points"))
        .order_by(F("presented_on").desc(nulls_last=True), "title")[:PLANS]
    )
    counts = {
        "parties": Party.objects.count(),
        "points": Point.objects.count(),
        "statements": Statement.objects.count(),
        "positions": Position.objects.count(),
        "events": Event.objects.count(),
    }
    latest = Position.objects.with_subject().latest_first()[:LATEST_POSITIONS]
    latest = latest.select_related("coded_by")
    return {"plans": plans, "counts": counts, "positions": latest, "week": last_week()}


def latest_date():
    """The date of the newest event or position (when it occurred or was said), or None."""
    dates = [
        Event.objects.aggregate(last=Max("occurred_on"))["last"],
        Position.objects.aggregate(last=Max("stated_on"))["last"],
    ]
    dates = [d for d in dates if d is not None]
    return max(dates) if dates else None


def last_week():
    """Events and stated positions in the seven days up to the latest dated one.

    Positions are counted per day, party and stance; four queries whatever the
    size (latest dates, events, their parties, the counts).
    """
    end = latest_date()
    if end is None:
        return None
    start = end - WEEK
    days = {}
    events = (
        Event.objects.filter(occurred_on__range=(start, end))
        .select_related("source")
        .prefetch_related("parties")
        .order_by("-occurred_on", "title")
    )
    for event in events:
        days.setdefault(event.occurred_on, Day(event.occurred_on)).events.append(event)
    counts = (
        Position.objects.filter(stated_on__range=(start, end))
        .values("stated_on", "party__slug", "party__short_name", "party__order", "stance")
        .annotate(count=Count("pk"))
        .order_by("-stated_on", "party__order", "party__short_name", "stance")
    )
    for row in counts:
        day = days.setdefault(row["stated_on"], Day(row["stated_on"]))
        slug = row["party__slug"]
        party = day.parties.setdefault(slug, PartyDay(slug, row["party__short_name"]))
        label = LABELS.get(row["stance"], row["stance"])
        party.stances.append((row["stance"], label, row["count"]))
    return Week(start, end, sorted(days.values(), key=lambda d: d.date, reverse=True))


def followed(user):
    """What is new in what ``user`` follows, as /watching/ lists it (without ending the
    visit): the first ``FOLLOWED`` items and how many there are. Four queries: the changes,
    then the statements', codings' and status steps' dates."""
    items = watching_items(list(new_in_watched(user)))
    return items[:FOLLOWED], len(items)
