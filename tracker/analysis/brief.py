"""A party's printable brief: its stances per plan and what happened lately,
both in negotiation time (as things stood on a day, ``?on=``)."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from ..models import Plan, Point, Position
from .standing import latest_day, said_by, status_steps_on
from .timeline import timeline

DEFAULT_DAYS = 14
BRIEF_ENTRIES = 200


@dataclass
class BriefPlan:
    plan: Plan
    rows: list  # (point, its status step then or None, [codings said on the latest day])
    overall: list  # the latest codings on the plan itself or on each of its components


def party_brief(party, on=None):
    """The party's latest stance on every point of every plan, grouped by plan.

    Latest by the date said: every coding said on that day is kept, so that
    two statements of one day both show. With ``on``, only what was said on
    or before that day, plans presented by then, and each point's status
    step as dated then.
    """
    points = Point.objects.select_related("plan", "component").order_by(
        F("plan__presented_on").asc(nulls_last=True), "plan__title", "plan", "number"
    )
    if on is not None:
        points = points.filter(Q(plan__presented_on__lte=on) | Q(plan__presented_on=None))
    codings = said_by(Position.objects.filter(party=party), on)
    codings = (
        codings.select_related("statement__speaker", "provision", "plan", "component__plan")
        .prefetch_related("statement__sources", "statement__translations")
        .order_by("-stated_on", "-pk")
    )
    latest = latest_day(codings, subject_key)
    points = list(points)
    steps = status_steps_on(on, points) if on is not None else {}
    plans = {}
    for point in points:
        brief = plans.get(point.plan_id)
        if brief is None:
            brief = plans[point.plan_id] = BriefPlan(point.plan, [], overall(latest, point.plan))
        brief.rows.append((point, steps.get(point.pk), latest.get(("point", point.pk), [])))
    return list(plans.values())


def subject_key(position):
    if position.point_id:
        return ("point", position.point_id)
    if position.component_id:
        return ("component", position.component_id)
    return ("plan", position.plan_id)


def overall(latest, plan):
    on_plan = latest.get(("plan", plan.pk), [])
    on_components = [
        position
        for (kind, _), positions in latest.items()
        if kind == "component"
        for position in positions
        if position.component.plan_id == plan.pk
    ]
    return on_plan + sorted(on_components, key=lambda p: p.component.number)


def recent(party, days, on=None):
    """What happened in the ``days`` days up to ``on`` (today when None), in
    negotiation time: the party's statements on the days said, the events it
    took part in, the status steps it agreed to; newest first."""
    until = on or timezone.localdate()
    since = until - datetime.timedelta(days=days - 1)
    entries, _ = timeline(party=party, start=since, end=until, limit=BRIEF_ENTRIES)
    return entries[::-1], since, until
