"""The read-only pages: what they show and what they cost."""

import pytest
from django.urls import reverse

from tests.conftest import populate
from tests.tables import cell_classes, stance_table
from tracker.models import Event

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_overview_lists_plans_counts_and_events(client, position):
    response = client.get("/")
    assert response.status_code == 200
    assert b"U.S. 28-point draft" in response.content
    assert response.context["counts"] == {"parties": 1, "points": 1, "positions": 1, "events": 0}


def test_plan_page_groups_points_by_component_with_latest_stances(
    client, plan, point, position, russia
):
    older = position.__class__.objects.create(
        party=russia,
        point=point,
        stance="opposes",
        summary="Earlier view",
        stated_on=position.stated_on.replace(day=1),
        source=position.source,
    )
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    table = stance_table(response)
    [(component, rows, _)] = table.sections()
    assert component == point.component
    [(shown_point, _)] = rows
    assert shown_point == point
    assert table.parties == [russia]
    assert table.stance(point, russia) == position.stance  # the newer position's
    assert position.stance != older.stance
    body = response.content.decode()
    assert "m-supports" in cell_classes(body, point, russia)
    assert f"Component {component.number}: {component.title}" in body


def test_point_page_shows_text_lineage_and_positions(client, point, position, plan):
    from tracker.models import Plan, Point

    later_plan = Plan.objects.create(slug="geneva", title="Geneva framework", short_title="Geneva")
    later = Point.objects.create(
        plan=later_plan, number=3, title="Territory, bracketed", text="t", derived_from=point
    )
    response = client.get(point.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Crimea and Donbas recognised." in body
    assert later.get_absolute_url() in body
    assert "Wants Ukraine to withdraw." in body
    assert "Vladimir Putin" in body
    assert position.source.get_absolute_url() in body


def test_party_page_lists_actors_and_positions(client, russia, putin, position):
    response = client.get(russia.get_absolute_url())
    body = response.content.decode()
    assert "Vladimir Putin" in body and "President" in body
    assert position.get_absolute_url() in body


def test_source_page_lists_what_cites_it(client, source, position):
    response = client.get(source.get_absolute_url())
    assert response.status_code == 200
    assert position.get_absolute_url() in response.content.decode()


def test_user_text_is_escaped(client, point, position):
    position.summary = "<script>alert(1)</script>"
    position.save()
    body = client.get(point.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize(
    "url",
    [
        "/plans/nope/",
        "/plans/us-draft/points/999/",
        "/parties/nope/",
        "/sources/999/",
        "/positions/00000000-0000-0000-0000-000000000000/",
    ],
)
def test_missing_objects_are_404(client, plan, url):
    assert client.get(url).status_code == 404


def test_pages_refuse_writes(client, plan):
    assert client.post(plan.get_absolute_url()).status_code == 405


# Query counts: each page costs the same at two data sizes.


def _count_queries(client, django_assert_num_queries, url, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [(2, 3), (8, 30)])
def test_overview_query_count_is_fixed(client, plan, position, size, django_assert_num_queries):
    populate(plan, parties=size[0], points=size[1])
    for n in range(size[0]):
        event = Event.objects.create(
            slug=f"e{n}", title=f"Talks {n}", occurred_on=position.stated_on, source=position.source
        )
        event.parties.add(position.party)
    # change marker (ETag), plans with point counts, 4 counts, latest positions, latest
    # event date, latest position date, the week's events, their parties, the week's
    # stance counts
    _count_queries(client, django_assert_num_queries, "/", 12)


@pytest.mark.parametrize("size", [(2, 3), (8, 30)])
def test_plan_page_query_count_is_fixed(client, plan, position, size, django_assert_num_queries):
    populate(plan, parties=size[0], points=size[1])
    # plan, change marker, points with components, latest positions, parties
    _count_queries(client, django_assert_num_queries, plan.get_absolute_url(), 5)


def test_plan_page_reuses_its_tables_until_something_is_saved_and_per_permission(
    client, analyst, plan, component, point, position, django_assert_num_queries
):
    first = client.get(plan.get_absolute_url()).content.decode()
    assert "stance-supports" in first and "Edit<span" not in first
    # plan, change marker: the tables, parties included, come from the cache
    _count_queries(client, django_assert_num_queries, plan.get_absolute_url(), 2)
    client.force_login(analyst)
    signed_in = client.get(plan.get_absolute_url()).content.decode()
    assert f'href="/plans/{plan.slug}/components/{component.number}/edit/"' in signed_in
    point.title = "Territory, renamed"
    point.save_checked(point.version, user=analyst)
    client.logout()
    after = client.get(plan.get_absolute_url()).content.decode()
    assert "Territory, renamed" in after and "Edit<span" not in after


@pytest.mark.parametrize("size", [1, 6])
def test_point_page_query_count_is_fixed(
    client, plan, point, position, size, django_assert_num_queries
):
    populate(plan, parties=size, points=2, positions_per_cell=size)
    from tracker.models import Position

    Position.objects.filter(party__slug__startswith=plan.slug).update(point=point)
    # change marker (ETag), point with plan/component/origin, derivatives, positions
    # with party/speaker/source
    _count_queries(client, django_assert_num_queries, point.get_absolute_url(), 4)


@pytest.mark.parametrize("size", [2, 120])
def test_party_page_query_count_is_fixed(
    client, plan, russia, position, size, django_assert_num_queries
):
    populate(plan, parties=1, points=size)
    from tracker.models import Position

    Position.objects.filter(party__slug__startswith=plan.slug).update(party=russia)
    # change marker (ETag), party, actors, count of positions, one page of positions
    # with their subjects
    _count_queries(client, django_assert_num_queries, russia.get_absolute_url(), 5)


def test_party_page_lists_positions_newest_first_fifty_to_a_page(client, plan, russia, source):
    import datetime

    from tracker.models import Point, Position

    for number in range(1, 61):
        point = Point.objects.create(plan=plan, number=number, title=f"P{number}", text="t")
        Position.objects.create(
            party=russia,
            point=point,
            stance="supports",
            summary=f"Said thing {number:02d}.",
            stated_on=datetime.date(2025, 9, 1) + datetime.timedelta(days=number),
            source=source,
        )
    first = client.get(russia.get_absolute_url()).content.decode()
    assert "Said thing 60." in first and "Said thing 11." in first
    assert "Said thing 10." not in first
    assert "1–50 of 60" in first and 'href="?page=2"' in first
    second = client.get(russia.get_absolute_url() + "?page=2").content.decode()
    assert "Said thing 10." in second and "Said thing 01." in second
    assert "Said thing 11." not in second
    assert client.get(russia.get_absolute_url() + "?page=zz").status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_source_page_query_count_is_fixed(
    client, plan, source, position, size, django_assert_num_queries
):
    populate(plan, parties=1, points=size)
    from tracker.models import Position

    Position.objects.all().update(source=source)
    # change marker (ETag), source, positions with their subjects, events
    _count_queries(client, django_assert_num_queries, reverse("source_detail", args=[source.pk]), 4)


def test_party_colours_come_from_a_stylesheet_not_inline_styles(client, russia, position):
    css = client.get("/parties.css")
    assert css["Content-Type"].startswith("text/css")
    assert ".party-russia { --party: #b91c1c; }" in css.content.decode()
    page = client.get(russia.get_absolute_url()).content.decode()
    assert "style=" not in page
