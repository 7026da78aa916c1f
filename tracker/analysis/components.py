"""A plan's components with the stances on their points, summed up."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..models import (
    Component,
    Position,
    Stance,
)

STANCE_KEYS = [value for value, _ in Stance.choices]


@dataclass
class ComponentSummary:
    component: Component | None
    points: list
    tallies: list  # (party, {stance: count}) for parties with a stance here
    positions: list  # positions on the component itself, latest first


def component_summaries(plan):
    """Each component with its points (open and disputed first), how many of
    its points each party supports, conditions, opposes or leaves unclear
    (latest stance per point), and the positions on the component itself."""
    components = list(plan.components.all())
    points = list(plan.points.select_related("plan", "component").open_first())
    latest = (
        Position.objects.filter(point__plan=plan)
        .latest_per_point_and_party()
        .select_related("party")
        .only("pk", "point_id", "stance", "party")
    )
    on_components = (
        Position.objects.filter(component__plan=plan)
        .select_related("party", "speaker", "source")
        .latest_first()
    )
    component_of = {point.pk: point.component_id for point in points}
    counts = defaultdict(Counter)
    parties = {}
    for position in latest:
        parties[position.party_id] = position.party
        counts[(component_of.get(position.point_id), position.party_id)][position.stance] += 1
    ordered_parties = sorted(parties.values(), key=lambda p: (p.order, p.name))
    by_component = defaultdict(list)
    for position in on_components:
        by_component[position.component_id].append(position)

    def summary(component):
        key = component.pk if component else None
        tallies = [
            (party, [counts[(key, party.pk)][stance] for stance in STANCE_KEYS])
            for party in ordered_parties
            if counts[(key, party.pk)]
        ]
        return ComponentSummary(
            component=component,
            points=[p for p in points if p.component_id == key],
            tallies=tallies,
            positions=by_component.get(key, []) if component else [],
        )

    summaries = [summary(component) for component in components]
    if any(point.component_id is None for point in points):
        summaries.append(summary(None))
    return summaries
