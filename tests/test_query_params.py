"""Query parameters go through the forms of tracker/filters.py: a value a page cannot use
is a clear 400 (or the page's default), never a 500, on either database."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker import filters

pytestmark = pytest.mark.django_db

OVERFLOWING_MOMENT = "0001-01-01T00:00%2B05:00"  # UTC would be in year 0
TEN_KB = "9" * 10_240


def plan_url(plan, query):
    return reverse("plan_detail", args=[plan.slug]) + query


# As of a moment


def test_an_as_of_whose_conversion_to_utc_overflows_is_a_clear_400(client, plan, point):
    for url in (
        plan_url(plan, f"?as_of={OVERFLOWING_MOMENT}"),
        reverse("matrix") + f"?as_of={OVERFLOWING_MOMENT}",
        reverse("matrix") + f"?plan={plan.slug}&as_of={OVERFLOWING_MOMENT}",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "0001-01-01T00:00+05:00 is out of range." in response.content.decode()


def test_an_overflowing_as_of_on_an_unknown_plan_is_a_404(client, plan):
    response = client.get(reverse("plan_detail", args=["nope"]) + f"?as_of={OVERFLOWING_MOMENT}")
    assert response.status_code == 404
    response = client.get(reverse("matrix") + f"?plan=nope&as_of={OVERFLOWING_MOMENT}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (TEN_KB, "This value is too long (10,240 characters)."),
        ("2025-11-20T10:00%00", "Null characters are not allowed."),
        ("", "Give a date or time"),
        ("2025-11-20T10:00%2B99:00", "is not a date or time"),
        ("9999-12-31T23:59", "is in the future"),
    ],
)
def test_an_as_of_that_cannot_be_read_says_why(client, plan, point, value, message):
    response = client.get(plan_url(plan, f"?as_of={value}"))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_moment_field_reads_days_and_minutes_in_the_site_time_zone():
    field = filters.Moment()
    day = field.clean("2025-11-25")
    assert day == datetime.datetime(2025, 11, 25, 23, 59, 59, 999999, tzinfo=datetime.UTC)
    assert field.clean("2025-11-25T14:00+02:00") == datetime.datetime(
        2025, 11, 25, 12, 0, tzinfo=datetime.UTC
    )


# Days


@pytest.mark.parametrize("name", ["recent_changes", "changes_feed"])
@pytest.mark.parametrize("query", ["?until=9999-12-31", "?since=9999-12-31"])
def test_a_day_at_the_end_of_the_calendar_is_a_clear_400(viewer_client, name, query):
    response = viewer_client.get(reverse(name) + query)
    assert response.status_code == 400
    assert "This date is out of range." in response.content.decode()


def test_a_day_the_database_holds_is_read(viewer_client):
    response = viewer_client.get(reverse("recent_changes") + "?since=0001-01-01&until=9999-12-30")
    assert response.status_code == 200


def test_the_timeline_and_search_refuse_the_same_days(client):
    for name in ("timeline", "search"):
        response = client.get(reverse(name) + "?q=x&start=9999-12-31")
        assert response.status_code == 400, name
        assert "This date is out of range." in response.content.decode()


def test_the_timeline_pages_by_days_the_database_holds(client):
    for query in ("?before=9999-12-31", "?after=9999-12-31", "?zoom=all&before=9999-12-31"):
        response = client.get(reverse("timeline") + query)
        assert response.status_code == 400, query
        assert "This date is out of range." in response.content.decode()
    for query in ("?before=9999-12-30", "?start=0001-01-01&after=0001-01-01"):
        assert client.get(reverse("timeline") + query).status_code == 200, query


# Whole numbers


@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "-1", "0"])
def test_a_version_number_no_database_holds_is_a_clear_400(viewer_client, point, value):
    url = reverse("point_history", args=[point.plan.slug, point.number])
    for query in (f"?a={value}", f"?b={value}", f"?a=1&b={value}"):
        response = viewer_client.get(url + query)
        assert response.status_code == 400, query
        assert "Choose versions by their number from the list." in response.content.decode()


def test_the_largest_id_the_database_holds_is_simply_not_found(viewer_client, point):
    url = reverse("point_history", args=[point.plan.slug, point.number])
    response = viewer_client.get(url + "?a=9223372036854775807")
    assert response.status_code == 400
    assert "There is no version 9223372036854775807" in response.content.decode()


@pytest.mark.parametrize("name", ["recent_changes", "changes_feed"])
def test_a_change_cursor_beyond_any_id_is_a_clear_400(viewer_client, name):
    response = viewer_client.get(reverse(name) + "?before=99999999999999999999")
    assert response.status_code == 400


def test_a_page_number_that_does_not_parse_shows_the_first_page(viewer_client, russia, point):
    for value in ("99999999999999999999", TEN_KB, "%00", "%ED%A0%80"):
        response = viewer_client.get(russia.get_absolute_url() + f"?page={value}")
        assert response.status_code == 200
        url = reverse("point_history", args=[point.plan.slug, point.number])
        assert viewer_client.get(url + f"?page={value}").status_code == 200


# Text: NUL, surrogates, length


def test_a_nul_in_the_matrix_plan_is_no_plan(client, plan, point):
    # On PostgreSQL the lookup itself failed: a text value cannot hold NUL.
    assert client.get(reverse("matrix") + "?plan=%00").status_code == 404
    assert client.get(reverse("matrix") + "?plan=us-draft%00").status_code == 404
    assert client.get(reverse("matrix") + f"?plan={plan.slug}").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=x&party=%00",
        "/search/?q=x&plan=%00",
        "/timeline/?party=%00",
        "/compare/?party=%00",
        "/compare/?a=%00",
        "/export/fixture.json?plan=%00",
        "/export/matrix.csv?plan=%00",
    ],
)
def test_a_nul_in_a_filter_is_a_clear_400(client, plan, url):
    assert client.get(url).status_code == 400


def test_a_nul_in_a_change_filter_is_a_clear_400(viewer_client):
    for query in ("?user=%00", "?party=%00", "?model=%00"):
        assert viewer_client.get(reverse("recent_changes") + query).status_code == 400


def test_a_ten_kilobyte_value_is_a_clear_400(client, viewer_client, plan):
    assert client.get(f"/search/?q={TEN_KB}").status_code == 400
    assert client.get(f"/timeline/?party={TEN_KB}").status_code == 400
    assert viewer_client.get(reverse("recent_changes") + f"?user={TEN_KB}").status_code == 400


def test_an_unpaired_surrogate_never_reaches_a_lookup():
    # The web server turns undecodable bytes into U+FFFD; code that builds a form's data
    # itself (or a future JSON API) is refused the same by every field.
    for form in (
        filters.SearchForm({"q": "x\ud800"}),
        filters.SearchForm({"party": "\udc00"}),
        filters.ChangeFilterForm({"user": "\ud800"}),
        filters.ExportForm({"plan": ["ok", "\ud800"]}),
        filters.AsOfForm({"as_of": "2025-11-20\ud800"}),
        filters.VersionsForm({"a": "1\ud800"}),
    ):
        assert not form.is_valid()
        assert "unpaired UTF-16 surrogate" in str(form.errors)


def test_lenient_parameters_fall_back_to_their_defaults(client, russia):
    response = client.get(reverse("party_brief", args=[russia.slug]) + "?days=%00")
    assert response.status_code == 200 and response.context["days"] == 14
    response = client.get(f"/provenance/?list=%00&page={TEN_KB}")
    assert response.status_code == 200
    assert response.context["only"] is None and response.context["page"] == 1


def test_a_filter_error_keeps_what_the_day_was():
    today = timezone.localdate()
    form = filters.ChangeFilterForm({"since": today.isoformat(), "until": "9999-12-31"})
    assert not form.is_valid()
    assert form.cleaned_data["since"] == today
    assert form.errors["until"] == ["This date is out of range."]
