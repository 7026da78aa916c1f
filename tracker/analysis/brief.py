"""A party's printable brief: its stances per plan and what changed lately."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from ..models import (
    Change,
    Plan,
    Point,
    Position,
)

DEFAULT_DAYS = 14
BRIEF_CHANGES = 200


@dataclass
class BriefPlan:
    plan: Plan
    rows: list  # (point, latest position or None)
    overall: list  # latest positions on the plan itself or its components


def party_brief(party):
    """The party's latest stance on every point of every plan, grouped by plan."""
    points = Point.objects.select_related("plan", "component").order_by(
        F("plan__presented_on").asc(nulls_last=True), "plan__title", "plan", "number"
    )
    latest = {
        position.point_id: position
        for position in Position.objects.filter(party=party)
        .latest_per_point_and_party()
        .select_related("source", "speaker")
    }
    broader = (
        Position.objects.filter(party=party, point__isnull=True)
        .select_related("source", "speaker", "plan", "component__plan")
        .latest_first()
    )
    overall = defaultdict(list)
    seen = set()
    for position in broader:
        subject = (
            ("component", position.component_id)
            if position.component_id
            else (
                "plan",
                position.plan_id,
            )
        )
        if subject in seen:
            continue  # only the latest on each plan or component
        seen.add(subject)
        plan = position.plan or position.component.plan
        overall[plan.pk].append(position)
    plans = {}
    for point in points:
        brief = plans.get(point.plan_id)
        if brief is None:
            brief = plans[point.plan_id] = BriefPlan(point.plan, [], overall.get(point.plan_id, []))
        brief.rows.append((point, latest.get(point.pk)))
    return list(plans.values())


def recent_changes(party, days, now=None):
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    changes = Change.objects.filter(party=party, changed_at__gte=since).select_related("user")
    return list(changes[:BRIEF_CHANGES]), since
