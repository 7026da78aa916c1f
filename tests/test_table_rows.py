"""Big stance tables send their first screenful at once and the rest on demand.

The plan page, the matrix and both as-of pages draw the first ROWS_AT_ONCE
rows; a "Next rows" link (a plain ``?page=`` for readers without JavaScript)
carries ``hx-get`` of ``?rows=START-STOP``, which answers just those rows and
the next link.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import populate
from tests.test_asof import record_all
from tracker.models import Plan
from tracker.stances import ROWS_AT_ONCE, default_plan

PLAN_ROW = re.compile(r'<tr class="status-')


def matrix_url(plan, **params):
    return reverse("matrix"), {"plan": plan.slug, **params}


def rows_in(response):
    return len(PLAN_ROW.findall(response.content.decode()))


def more_rows_link(response):
    """(hx-get, href) of the "Next rows" sentinel, or None."""
    html = response.content.decode()
    match = re.search(r'class="more-rows"[^>]*hx-get="([^"]+)".*?<a href="([^"]+)">Next rows', html)
    return (
        (match.group(1).replace("&amp;", "&"), match.group(2).replace("&amp;", "&"))
        if match
        else None
    )


@pytest.fixture
def big_plan(plan):
    populate(plan, parties=3, points=130)
    return plan


@pytest.mark.parametrize("page_url", ["plan", "matrix"])
def test_a_big_table_draws_the_first_screenful_and_links_the_next_rows(client, big_plan, page_url):
    url = big_plan.get_absolute_url() if page_url == "plan" else reverse("matrix")
    params = {} if page_url == "plan" else {"plan": big_plan.slug}
    response = client.get(url, params)
    assert rows_in(response) == ROWS_AT_ONCE
    fetch, href = more_rows_link(response)
    assert f"rows={ROWS_AT_ONCE}-{2 * ROWS_AT_ONCE}" in fetch and "page=2" in href
    assert 'hx-trigger="intersect once"' in response.content.decode()

    second = client.get(fetch)
    assert second.status_code == 200
    assert "<html" not in second.content.decode()  # only the rows, to append
    assert rows_in(second) == ROWS_AT_ONCE
    assert f"rows={2 * ROWS_AT_ONCE}-{3 * ROWS_AT_ONCE}" in more_rows_link(second)[0]
    drawn, link = 2 * ROWS_AT_ONCE, more_rows_link(second)
    while link:
        rest = client.get(link[0])
        assert "<html" not in rest.content.decode()
        drawn += rows_in(rest)
        link = more_rows_link(rest)
    assert drawn == 130


@pytest.mark.parametrize("page_url", ["plan", "matrix"])
def test_without_javascript_the_next_rows_are_plain_pages(client, big_plan, page_url):
    url = big_plan.get_absolute_url() if page_url == "plan" else reverse("matrix")
    params = {} if page_url == "plan" else {"plan": big_plan.slug}
    last_page = -(-130 // ROWS_AT_ONCE)
    response = client.get(url, {**params, "page": last_page})
    html = response.content.decode()
    first = (last_page - 1) * ROWS_AT_ONCE
    assert "<html" in html and rows_in(response) == 130 - first
    assert f"Rows {first + 1}–130 of 130" in html and "First rows" in html
    assert more_rows_link(response) is None
    numbers = [int(n) for n in re.findall(r"Point (\d+)<", html)]
    assert numbers and min(numbers) >= first


def test_a_continued_component_says_so_on_the_plan_page(client, big_plan):
    response = client.get(big_plan.get_absolute_url(), {"rows": "60-120"})
    assert "(continued)" in response.content.decode()
    assert "(continued)" not in client.get(big_plan.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"page": "0"},
        {"page": "x"},
        {"page": "99999999999"},
        {"rows": "9-3"},
        {"rows": "a-b"},
        {"rows": "0-100000"},
        {"rows": "1"},
    ],
)
def test_bad_rows_or_pages_are_400_not_500(client, big_plan, bad):
    assert client.get(big_plan.get_absolute_url(), bad).status_code == 400
    assert client.get(reverse("matrix"), {"plan": big_plan.slug, **bad}).status_code == 400


def test_a_page_past_the_end_is_empty_not_an_error(client, big_plan):
    response = client.get(big_plan.get_absolute_url(), {"page": 50})
    assert response.status_code == 200 and rows_in(response) == 0


def test_the_matrix_rows_keep_the_filters(client, big_plan):
    response = client.get(reverse("matrix"), {"plan": big_plan.slug, "status": "open"})
    fetch, href = more_rows_link(response)
    assert "status=open" in fetch and "status=open" in href


def test_as_of_pages_send_their_rows_on_demand_too(client, big_plan):
    record_all(timezone.now() - datetime.timedelta(days=1))
    as_of = (timezone.now() + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    for url in [big_plan.get_absolute_url(), reverse("matrix")]:
        params = {"plan": big_plan.slug, "as_of": as_of}
        response = client.get(url, params)
        assert rows_in(response) == ROWS_AT_ONCE
        fetch, _ = more_rows_link(response)
        assert "as_of=" in fetch
        assert rows_in(client.get(fetch)) == ROWS_AT_ONCE


@pytest.mark.parametrize("points", [70, 200])
def test_a_range_of_rows_costs_the_same_queries_at_any_size(
    client, plan, points, django_assert_num_queries
):
    populate(plan, parties=4, points=points)
    # plan, plan choices, component choices, parties, change marker, codings,
    # points (a range draws no filter form: no topic choices)
    with django_assert_num_queries(7):
        response = client.get(reverse("matrix"), {"plan": plan.slug, "rows": "60-120"})
    assert rows_in(response) == min(points, 120) - 60
    # plan, change marker, codings, points, parties with stances
    with django_assert_num_queries(5):
        response = client.get(plan.get_absolute_url(), {"rows": "60-120"})
    assert rows_in(response) == min(points, 120) - 60


def test_a_range_is_kept_until_something_is_saved(client, big_plan, django_assert_num_queries):
    url = big_plan.get_absolute_url()
    first = client.get(url, {"rows": "60-120"}).content
    # plan, change marker
    with django_assert_num_queries(2):
        assert client.get(url, {"rows": "60-120"}).content == first
    assert client.get(url, {"rows": "120-180"}).content != first


def test_the_default_matrix_plan_is_the_latest_plan_with_positions(client, plan, position):
    plan.presented_on = datetime.date(2025, 11, 20)
    plan.save()
    Plan.objects.create(
        slug="newer-empty",
        title="Newer, no positions",
        short_title="Newer",
        presented_on=datetime.date(2025, 12, 1),
    )
    assert default_plan() == plan
    response = client.get(reverse("matrix"))
    assert response.context["plan"] == plan
