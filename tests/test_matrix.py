"""The stance matrix: what each cell shows, filters, the cell panel, and its cost."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import STATED_ON, populate
from tests.evidence import said
from tests.tables import stance_table
from tracker.models import Plan, Point, Position, Topic

from .evidence import coded

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def cell_html(response, point, party):
    body = response.content.decode()
    start = body.index(f'id="c{point.pk}-{party.pk}"')
    return body[start : body.index("</td>", start)]


def test_it_colours_each_cell_by_the_latest_stance(client, plan, point, position, russia, ukraine):
    coded(
        party=russia,
        point=point,
        stance="opposes",
        summary="Earlier",
        stated_on=STATED_ON - datetime.timedelta(days=5),
        source=position.statement.sources.first(),
    )
    response = client.get(reverse("matrix"), {"plan": plan.slug})
    assert response.status_code == 200
    cell = cell_html(response, point, russia)
    assert 'class="m m-supports lean-for"' in cell
    assert "Supports (2 statements)" in cell  # the earlier statement is counted, not shown
    assert 'class="m m-none lean-none"' in cell_html(response, point, ukraine)
    assert reverse("matrix_cell", args=[point.pk, russia.pk]) in cell
    assert b"stance-red_line" in response.content  # the legend


def test_statements_of_the_same_day_are_all_shown(client, plan, point, position, russia):
    coded(russia, "red_line", point=point, stated_on=position.stated_on, summary="Same day")
    cell = cell_html(client.get(reverse("matrix"), {"plan": plan.slug}), point, russia)
    assert 'class="m m-mixed lean-between"' in cell
    assert "Supports and Red line, the same day (2 statements)" in cell


def test_one_statement_coded_on_two_points_counts_once_in_each(client, plan, point, russia):
    other = Point.objects.create(plan=plan, number=2, title="Europe", text="t")
    first = coded(russia, "conditional", point=point, conditions="If Europe asks")
    coded(statement=first.statement, stance="conditional", point=other, conditions="Same")
    response = client.get(reverse("matrix"), {"plan": plan.slug})
    for where in (point, other):
        cell = cell_html(response, where, russia)
        assert "Conditional" in cell and "statements" not in cell


def test_on_a_day_shows_the_negotiation_as_it_stood_then(client, plan, point, position, russia):
    coded(russia, "rejects", point=point, stated_on=position.stated_on + datetime.timedelta(days=1))
    url = reverse("matrix")
    assert "m-rejects" in cell_html(client.get(url, {"plan": plan.slug}), point, russia)
    then = client.get(url, {"plan": plan.slug, "on": position.stated_on.isoformat()})
    assert "m-supports" in cell_html(then, point, russia)
    assert b"As the negotiation stood on" in then.content
    before = position.stated_on - datetime.timedelta(days=1)
    earlier = client.get(url, {"plan": plan.slug, "on": before.isoformat()})
    assert "m-none" in cell_html(earlier, point, russia)
    assert client.get(url, {"plan": plan.slug, "on": "2025-13-40"}).status_code == 400


def test_it_shows_the_newest_plan_by_default(client, plan, point):
    presented = datetime.date(2025, 11, 23)
    newer = Plan.objects.create(
        slug="geneva", title="Geneva", short_title="Geneva", presented_on=presented
    )
    response = client.get(reverse("matrix"))
    assert response.context["plan"] == newer


def test_an_unknown_plan_is_a_404(client, plan):
    assert client.get(reverse("matrix"), {"plan": "no-such-plan"}).status_code == 404


def test_it_filters_by_topic_status_and_component(client, plan, point, component):
    first = Point.objects.create(plan=plan, number=1, title="Sovereignty", text="t")
    first.topics.add(Topic.objects.get_or_create(slug="sovereignty", defaults={"name": "S"})[0])
    point.topics.add(Topic.objects.get_or_create(slug="territory", defaults={"name": "T"})[0])
    url = reverse("matrix")

    def shown(**filters):
        table = stance_table(client.get(url, {"plan": plan.slug, **filters}))
        return [point.number for point in table.points]

    assert shown() == [1, 21]
    assert shown(topic="territory") == [21]
    assert shown(component=component.number) == [21]
    assert shown(status="agreed") == []


def test_bad_filters_are_ignored_with_a_message(client, plan, point):
    response = client.get(reverse("matrix"), {"plan": plan.slug, "topic": "x", "component": "y"})
    assert response.status_code == 200
    assert "not understood" in response.content.decode()
    assert len(stance_table(response).points) == 1


def test_a_cell_shows_the_partys_positions_as_a_fragment_or_a_page(client, point, position, russia):
    url = reverse("matrix_cell", args=[point.pk, russia.pk])
    fragment = client.get(url, **HTMX)
    page = client.get(url)
    assert b"Wants Ukraine to withdraw." in fragment.content and b"<html" not in fragment.content
    assert b"Wants Ukraine to withdraw." in page.content and b"<html" in page.content
    assert "HX-Request" in fragment["Vary"]
    assert b"Sign in</a> to add a position" in page.content


def test_adding_a_position_in_a_cell_recolours_the_cell(analyst_client, point, ukraine, source):
    url = reverse("matrix_cell", args=[point.pk, ukraine.pk])
    statement = said(ukraine, statement_summary="Zelensky on guarantees")
    panel = analyst_client.get(url, **HTMX).content.decode()
    assert "Add a position" in panel and "Zelensky on guarantees" in panel
    assert f"/statements/new/?party={ukraine.slug}&amp;point={point.pk}" in panel
    data = {"stance": "conditional", "summary": "Only with guarantees.", "certainty": "high"}
    data.update(statement=statement.pk, conditions="Security guarantees first")
    response = analyst_client.post(url, data, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Position added." in body
    swapped = f'id="c{point.pk}-{ukraine.pk}" class="m m-conditional lean-between flash"'
    assert f"{swapped} hx-swap-oob" in body
    assert Position.objects.get(party=ukraine).stance == "conditional"


def test_adding_a_position_in_a_cell_without_javascript_redirects(
    analyst_client, point, ukraine, source
):
    url = reverse("matrix_cell", args=[point.pk, ukraine.pk])
    data = {"stance": "supports", "summary": "Yes.", "certainty": "high"}
    data["statement"] = said(ukraine).pk
    response = analyst_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert Position.objects.get().coded_by.username == "anna"


def test_a_bad_position_in_a_cell_is_refused_with_422(analyst_client, point, ukraine):
    url = reverse("matrix_cell", args=[point.pk, ukraine.pk])
    response = analyst_client.post(url, {"stance": "maybe", "summary": ""}, **HTMX)
    assert response.status_code == 422
    assert not Position.objects.exists()


def test_a_viewer_cannot_add_a_position_in_a_cell(viewer_client, point, ukraine, source):
    url = reverse("matrix_cell", args=[point.pk, ukraine.pk])
    assert b"Add a position" not in viewer_client.get(url).content
    data = {"stance": "supports", "summary": "Yes.", "stated_on": "2025-11-27"}
    assert viewer_client.post(url, {**data, "source": source.pk}).status_code == 403
    assert not Position.objects.exists()


@pytest.mark.parametrize("size", [(2, 3), (6, 20)])
def test_the_matrix_costs_the_same_queries_at_any_size(
    client, plan, django_assert_num_queries, size
):
    parties, points = size
    populate(plan, parties=parties, points=points, positions_per_cell=2)
    # plan, plan choices, topic choices, component choices, parties, change
    # marker, codings, points
    with django_assert_num_queries(8):
        response = client.get(reverse("matrix"), {"plan": plan.slug})
    assert response.content.decode().count('<tr class="status-') == points


@pytest.mark.parametrize("size", [(2, 3), (6, 20)])
def test_the_matrix_costs_the_same_for_an_analyst(
    analyst_client, plan, django_assert_num_queries, size
):
    parties, points = size
    populate(plan, parties=parties, points=points)
    # the eight above, plus session, user, user permissions, group permissions
    with django_assert_num_queries(12):
        analyst_client.get(reverse("matrix"), {"plan": plan.slug})


def test_a_second_look_reuses_the_rendered_table_until_something_is_saved(
    client, analyst, plan, point, position, russia, django_assert_num_queries
):
    url = reverse("matrix")
    first = client.get(url, {"plan": plan.slug}).content.decode()
    assert "m-supports" in first
    # the plan, the choices its filters are checked against (plans, topics;
    # components only for a chosen one), the change marker: the page is kept, so no
    # parties, points or codings are read while the record is unchanged
    with django_assert_num_queries(4, info="kept page"):
        again = client.get(url, {"plan": plan.slug}).content.decode()

    def table(page):
        return page[page.index('<table class="matrix"') : page.index("</table>")]

    assert table(again) == table(first)
    position.stance = "opposes"
    position.save_checked(position.version, user=analyst)
    after = client.get(url, {"plan": plan.slug}).content.decode()
    assert "m-opposes" in after and "m-supports" not in after
    filtered = client.get(url, {"plan": plan.slug, "status": "agreed"}).content.decode()
    assert "No points match these filters." in filtered


@pytest.mark.parametrize("per_cell", [1, 5])
def test_the_point_page_costs_the_same_queries_at_any_size(
    analyst_client, plan, django_assert_num_queries, per_cell
):
    populate(plan, parties=4, points=2, positions_per_cell=per_cell)
    point = plan.points.first()
    # session, change marker (ETag), user, point, its topics, provisions, user
    # and group permissions, verbatim texts, status steps, earlier and later
    # lineage links, codings with their statements
    with django_assert_num_queries(13):
        response = analyst_client.get(point.get_absolute_url())
    assert response.content.decode().count('class="position"') == 4 * per_cell
    assert b"Add a position" in response.content
