"""Times shown in each user's time zone, always marked with it."""

import datetime

import pytest
from django.urls import reverse

from tracker.models import Change, Profile
from tracker.timezones import SESSION_KEY

pytestmark = pytest.mark.django_db

SAID_AT = datetime.datetime(2025, 11, 27, 18, 4, tzinfo=datetime.UTC)


@pytest.fixture
def changed_point(point, analyst):
    """A point changed at 18:04 UTC on 27 November."""
    point.title = "Territory, bracketed"
    point.save_checked(point.version, summary="per Geneva", user=analyst)
    point.history.all().update(history_date=SAID_AT)
    Change.objects.filter(model="point").update(changed_at=SAID_AT)
    return point


def in_kyiv(user):
    Profile.objects.create(user=user, time_zone="Europe/Kyiv")
    return user


def test_times_are_shown_in_utc_and_marked_by_default(analyst_client, changed_point):
    body = analyst_client.get(reverse("recent_changes")).content.decode()
    assert "27 Nov 2025 18:04 UTC" in body
    body = analyst_client.get(reverse("point_history", args=["us-draft", 21])).content.decode()
    assert "27 Nov 2025 18:04:00 UTC" in body


def test_a_user_in_kyiv_sees_times_converted_and_marked(client, analyst, changed_point):
    client.force_login(in_kyiv(analyst))
    body = client.get(reverse("recent_changes")).content.decode()
    assert "27 Nov 2025 20:04 EET" in body and "18:04" not in body
    body = client.get(reverse("point_history", args=["us-draft", 21])).content.decode()
    assert "27 Nov 2025 20:04:00 EET" in body
    # The machine-readable time stays absolute.
    assert 'datetime="2025-11-27T20:04:00+02:00"' in body


def test_summer_time_is_marked_as_such(client, analyst, changed_point):
    changed_point.history.all().update(history_date=SAID_AT.replace(month=7))
    client.force_login(in_kyiv(analyst))
    body = client.get(reverse("point_history", args=["us-draft", 21])).content.decode()
    assert "27 Jul 2025 21:04:00 EEST" in body


def test_a_restore_summary_names_the_zone_of_the_version(client, analyst, changed_point):
    first = changed_point.history.order_by("history_id").first()
    client.force_login(in_kyiv(analyst))
    client.post(
        reverse("restore_version", args=["point", changed_point.pk]),
        {"version": first.history_id, "current": changed_point.version},
    )
    newest = changed_point.history.order_by("-history_id").first()
    assert newest.history_change_reason == "Restored version of 27 Nov 2025 20:04 EET"


def test_the_settings_page_changes_the_zone_for_the_next_pages(
    analyst_client, analyst, changed_point
):
    response = analyst_client.get(reverse("user_settings"))
    assert response.status_code == 200
    assert response.context["form"]["time_zone"].value() == "UTC"
    response = analyst_client.post(reverse("user_settings"), {"time_zone": "Europe/Kyiv"})
    assert response.status_code == 302
    assert Profile.objects.get(user=analyst).time_zone == "Europe/Kyiv"
    assert "20:04 EET" in analyst_client.get(reverse("recent_changes")).content.decode()
    analyst_client.post(reverse("user_settings"), {"time_zone": "America/New_York"})
    assert "13:04 EST" in analyst_client.get(reverse("recent_changes")).content.decode()
    assert Profile.objects.count() == 1


@pytest.mark.parametrize("bad", ["Mars/Olympus", "", "../etc/passwd", "x" * 100])
def test_a_zone_that_does_not_exist_is_refused_and_nothing_changes(analyst_client, analyst, bad):
    response = analyst_client.post(reverse("user_settings"), {"time_zone": bad})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode() or "required" in (
        response.content.decode()
    )
    assert not Profile.objects.exists()


def test_the_settings_page_is_reached_from_the_navigation_when_signed_in(client, viewer):
    assert reverse("user_settings") not in client.get("/").content.decode()
    client.force_login(viewer)
    assert f'href="{reverse("user_settings")}"' in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("user_settings"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_session_from_before_the_setting_reads_the_zone_once(client, analyst, changed_point):
    client.force_login(in_kyiv(analyst))
    session = client.session
    del session[SESSION_KEY]
    session.save()
    assert "20:04 EET" in client.get(reverse("recent_changes")).content.decode()
    assert client.session[SESSION_KEY] == "Europe/Kyiv"


def test_an_unknown_zone_left_in_a_profile_falls_back_to_utc(client, analyst, changed_point):
    Profile.objects.create(user=analyst, time_zone="Gone/Away")
    client.force_login(analyst)
    assert "18:04 UTC" in client.get(reverse("recent_changes")).content.decode()


@pytest.mark.parametrize("zone", ["UTC", "Europe/Kyiv"])
def test_the_zone_costs_no_query_per_page(
    client, analyst, changed_point, zone, django_assert_num_queries
):
    Profile.objects.create(user=analyst, time_zone=zone)
    client.force_login(analyst)
    # session, user, user's own and group permissions (view_change), one page
    # of changes, the page's plan, component and point versions with the
    # versions before them (one query per model), the point versions' topics,
    # change marker (ETag)
    with django_assert_num_queries(10):
        client.get(reverse("recent_changes"))


def test_an_as_of_time_is_read_and_shown_in_the_users_zone(client, analyst, changed_point):
    changed_point.plan.history.all().update(history_date=SAID_AT - datetime.timedelta(days=1))
    client.force_login(in_kyiv(analyst))
    response = client.get(changed_point.plan.get_absolute_url(), {"as_of": "2025-11-27T20:10"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "As of 27 Nov 2025 20:10 (EET)" in body
    # 20:10 in Kyiv is 18:10 UTC: after the change made at 18:04 UTC.
    assert response.context["as_of"] == SAID_AT.replace(minute=10)


def test_a_response_that_shows_no_time_reads_no_session_for_it(
    client, analyst, django_assert_num_queries
):
    client.force_login(in_kyiv(analyst))
    with django_assert_num_queries(2):  # the change marker (ETag), the parties' colours
        assert client.get(reverse("party_colours")).status_code == 200
