"""A plan's components with the stances on their points, summed up, as things
stand or as they stood on a day (``?on=``, negotiation time)."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..models import Component, Position, Stance
from .standing import SETTLED, latest_day, said_by, status_steps_on

STANCE_KEYS = [value for value, _ in Stance.choices]


@dataclass
class ComponentSummary:
    component: Component | None
    points: list  # (point, its status step on the day asked for, or None)
    tallies: list  # (party, [count per stance]) for parties with a stance here
    positions: list  # the latest codings on the component itself (all of their day)


def component_summaries(plan, on=None):
    """Each component with its points (open and disputed first), how many of
    its points each party holds each stance on (its latest coding on each
    point by date said), and the codings on the component itself.

    With ``on``: only statements said by then, and each point's status step
    as dated then (points settled by then come last).
    """
    components = list(plan.components.all())
    points = list(
        plan.points.select_related("plan", "component").prefetch_related("topics").open_first()
    )
    steps = status_steps_on(on, points) if on is not None else {}
    if on is not None:
        points.sort(key=lambda p: p.pk in steps and steps[p.pk].status in SETTLED)
    on_points = said_by(Position.objects.filter(point__plan=plan), on)
    on_points = on_points.select_related("party").order_by("-stated_on", "-pk")
    on_points = on_points.only("point_id", "stance", "stated_on", "party")
    on_components = said_by(Position.objects.filter(component__plan=plan), on)
    on_components = (
        on_components.select_related("party", "statement__speaker")
        .prefetch_related("statement__sources")
        .order_by("-stated_on", "-pk")
    )
    component_of = {point.pk: point.component_id for point in points}
    counts = defaultdict(Counter)
    parties = {}
    seen = set()
    for position in on_points:
        if (position.point_id, position.party_id) in seen:
            continue  # an earlier statement: the latest coding is counted
        seen.add((position.point_id, position.party_id))
        parties[position.party_id] = position.party
        counts[(component_of.get(position.point_id), position.party_id)][position.stance] += 1
    ordered_parties = sorted(parties.values(), key=lambda p: (p.order, p.name))
    latest = latest_day(on_components, lambda p: (p.component_id, p.party_id))
    by_component = defaultdict(list)
    for (component, _), positions in latest.items():
        by_component[component] += positions

    def summary(component):
        key = component.pk if component else None
        tallies = [
            (party, [counts[(key, party.pk)][stance] for stance in STANCE_KEYS])
            for party in ordered_parties
            if counts[(key, party.pk)]
        ]
        return ComponentSummary(
            component=component,
            points=[(p, steps.get(p.pk)) for p in points if p.component_id == key],
            tallies=tallies,
            positions=by_component.get(key, []) if component else [],
        )

    summaries = [summary(component) for component in components]
    if any(point.component_id is None for point in points):
        summaries.append(summary(None))
    return summaries
