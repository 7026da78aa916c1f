"""A plan's components: their points, open ones first, and stances tallied per party."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import F

from tests.conftest import STATED_ON, populate
from tracker.models import Component, Point, Position

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


def url(plan):
    return f"/plans/{plan.slug}/components/"


def test_it_lists_open_and_disputed_points_before_agreed_ones(client, plan, points, point):
    agreed, disputed, loose = points
    response = client.get(url(plan))
    assert response.status_code == 200
    first, unassigned = response.context["summaries"]
    assert [p.number for p in first.points] == [point.number, disputed.number, agreed.number]
    assert unassigned.component is None and unassigned.points == [loose]


def test_it_counts_each_party_s_latest_stance_per_point(
    client, plan, points, point, position, russia, ukraine, source
):
    agreed, disputed, _ = points
    Position.objects.create(  # superseded by ``position`` (supports), so not counted
        party=russia,
        point=point,
        stance="opposes",
        summary="earlier",
        stated_on=STATED_ON - datetime.timedelta(days=5),
        source=source,
    )
    Position.objects.create(
        party=russia,
        point=agreed,
        stance="conditional",
        summary="s",
        stated_on=STATED_ON,
        source=source,
    )
    Position.objects.create(
        party=ukraine,
        point=disputed,
        stance="opposes",
        summary="s",
        stated_on=STATED_ON,
        source=source,
    )
    first = client.get(url(plan)).context["summaries"][0]
    tallies = {party.slug: counts for party, counts in first.tallies}
    # supports, conditional, opposes, unclear
    assert tallies == {"russia": [1, 1, 0, 0], "ukraine": [0, 0, 1, 0]}


def test_it_shows_positions_on_the_component_itself(client, plan, component, russia, source):
    on_component = Position.objects.create(
        party=russia,
        component=component,
        stance="unclear",
        summary="Vague about it",
        stated_on=STATED_ON,
        source=source,
    )
    response = client.get(url(plan))
    assert response.context["summaries"][0].positions == [on_component]
    assert "Vague about it" in response.content.decode()


def test_an_unknown_plan_is_a_404(client):
    assert client.get("/plans/nope/components/").status_code == 404


def test_the_plan_page_links_to_its_components(client, plan, point):
    assert url(plan) in client.get(plan.get_absolute_url()).content.decode()


def test_the_page_costs_the_same_queries_at_two_sizes(
    client, plan, points, position, django_assert_num_queries
):
    populate(plan, parties=1, points=2)
    # change marker (ETag), plan, its components, its points (with plan and component),
    # latest stances per point and party (with party), positions on its components
    with django_assert_num_queries(6):
        assert client.get(url(plan)).status_code == 200
    # populate() makes its own component, so grow a second plan and move it over
    other = plan.__class__.objects.create(slug="other", title="o", short_title="o")
    populate(other, parties=6, points=40, positions_per_cell=2)
    Component.objects.filter(plan=other).update(plan=plan, number=98)
    Point.objects.filter(plan=other).update(plan=plan, number=F("number") + 1000)
    with django_assert_num_queries(6):
        assert client.get(url(plan)).status_code == 200


def test_on_the_seed_the_us_draft_has_four_components_with_russia_s_stances(client):
    call_command("loaddata", "seed", verbosity=0)
    summaries = client.get("/plans/us-28-point-plan/components/").context["summaries"]
    assert [s.component.number for s in summaries] == [1, 2, 3, 4]
    for summary in summaries:
        statuses = [p.status for p in summary.points]
        assert statuses == sorted(statuses, key=lambda s: s not in ("open", "disputed", "leaders"))
    peace = {party.slug: counts for party, counts in summaries[0].tallies}
    assert sum(peace["russia"]) >= 1
