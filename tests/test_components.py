"""A plan's components: their points, open ones first, and stances tallied per party."""

import datetime

import pytest
from django.db.models import F

from tests.conftest import STATED_ON, populate
from tests.evidence import coded
from tests.seeding import load_seed
from tracker.analysis.components import STANCE_KEYS
from tracker.models import Component, Point, PointStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def points(plan, component, point):
    agreed = Point.objects.create(
        plan=plan, number=2, title="Agreed one", text="t", component=component, status="agreed"
    )
    disputed = Point.objects.create(
        plan=plan, number=30, title="Disputed one", text="t", component=component, status="disputed"
    )
    loose = Point.objects.create(plan=plan, number=40, title="Unassigned", text="t")
    return agreed, disputed, loose


def tallied(summary):
    """{party slug: {stance: count}} of a component summary."""
    return {
        party.slug: dict(zip(STANCE_KEYS, counts, strict=True)) for party, counts in summary.tallies
    }


def url(plan):
    return f"/plans/{plan.slug}/components/"


def test_it_lists_open_and_disputed_points_before_agreed_ones(client, plan, points, point):
    agreed, disputed, loose = points
    response = client.get(url(plan))
    assert response.status_code == 200
    first, unassigned = response.context["summaries"]
    assert [p.number for p, _ in first.points] == [point.number, disputed.number, agreed.number]
    assert unassigned.component is None and unassigned.points == [(loose, None)]


def test_it_counts_each_party_s_latest_stance_per_point(
    client, plan, points, point, position, russia, ukraine, source
):
    agreed, disputed, _ = points
    # superseded by ``position`` (supports), so not counted
    coded(russia, "opposes", point=point, stated_on=STATED_ON - datetime.timedelta(days=5))
    coded(russia, "conditional", point=agreed, stated_on=STATED_ON)
    coded(ukraine, "red_line", point=disputed, stated_on=STATED_ON)
    first = client.get(url(plan)).context["summaries"][0]
    tallies = {
        party.slug: dict(zip(STANCE_KEYS, counts, strict=True)) for party, counts in first.tallies
    }
    assert {slug: {k: n for k, n in counts.items() if n} for slug, counts in tallies.items()} == {
        "russia": {"supports": 1, "conditional": 1},
        "ukraine": {"red_line": 1},
    }


def test_on_a_day_it_counts_what_was_said_by_then_and_the_status_steps_dated_then(
    client, plan, points, point, position, russia, source
):
    agreed, disputed, _ = points
    earlier = STATED_ON - datetime.timedelta(days=5)
    coded(russia, "opposes", point=point, stated_on=earlier)
    PointStatus.objects.create(point=agreed, status="bracketed", on=earlier, source=source)
    PointStatus.objects.create(point=agreed, status="agreed", on=STATED_ON, source=source)
    PointStatus.objects.create(point=point, status="agreed", on=earlier, source=source)
    response = client.get(url(plan) + f"?on={earlier.isoformat()}")
    assert response.status_code == 200
    first = response.context["summaries"][0]
    tallies = {
        party.slug: dict(zip(STANCE_KEYS, counts, strict=True)) for party, counts in first.tallies
    }
    assert tallies["russia"]["opposes"] == 1 and tallies["russia"]["supports"] == 0
    steps = {p.number: step.status if step else None for p, step in first.points}
    assert steps == {point.number: "agreed", agreed.number: "bracketed", disputed.number: None}
    assert [p.number for p, _ in first.points][-1] == point.number, "settled by then: last"
    assert "As the negotiation stood on 22 November 2025" in response.content.decode()
    assert client.get(url(plan) + "?on=2025-02-30").status_code == 400


def test_it_shows_positions_on_the_component_itself(client, plan, component, russia, source):
    on_component = coded(
        russia, "unclear", component=component, summary="Vague about it", source=source
    )
    response = client.get(url(plan))
    assert response.context["summaries"][0].positions == [on_component]
    assert "Vague about it" in response.content.decode()


def test_an_unknown_plan_is_a_404(client):
    assert client.get("/plans/nope/components/").status_code == 404


def test_the_plan_page_links_to_its_components(client, plan, point):
    assert url(plan) in client.get(plan.get_absolute_url()).content.decode()


def test_the_page_costs_the_same_queries_at_two_sizes(
    client, plan, points, position, source, django_assert_num_queries
):
    populate(plan, parties=1, points=2)
    coded(position.party, "unclear", component=plan.components.first())
    PointStatus.objects.create(point=points[0], status="agreed", on=STATED_ON, source=source)
    # change marker (ETag), plan, its components, its points (with plan and component)
    # and their topics, codings on its points (with party), codings on its components
    # with their statements' sources; with ?on=, the status steps then and who agreed
    with django_assert_num_queries(8):
        assert client.get(url(plan)).status_code == 200
    with django_assert_num_queries(10):
        assert client.get(url(plan) + "?on=2025-11-27").status_code == 200
    # populate() makes its own component, so grow a second plan and move it over
    other = plan.__class__.objects.create(slug="other", title="o", short_title="o")
    populate(other, parties=6, points=40, positions_per_cell=2)
    Component.objects.filter(plan=other).update(plan=plan, number=98)
    Point.objects.filter(plan=other).update(plan=plan, number=F("number") + 1000)
    with django_assert_num_queries(8):
        assert client.get(url(plan)).status_code == 200
    with django_assert_num_queries(10):
        assert client.get(url(plan) + "?on=2025-11-27").status_code == 200


def test_on_the_seed_the_us_draft_has_four_components_with_russia_s_stances(client):
    load_seed()
    summaries = client.get("/plans/us-28-point-plan/components/").context["summaries"]
    assert [s.component.number for s in summaries] == [1, 2, 3, 4]
    for summary in summaries:
        statuses = [p.status for p, _ in summary.points]
        assert statuses == sorted(statuses, key=lambda s: s not in ("open", "disputed", "leaders"))
    peace = {party.slug: counts for party, counts in summaries[0].tallies}
    assert sum(peace["russia"]) >= 1
