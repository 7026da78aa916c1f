"""The overview as a dashboard: the last week, the latest positions, the plans by date."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import STATED_ON
from tracker import dashboard
from tracker.models import Event, Plan

from .evidence import coded

pytestmark = pytest.mark.django_db

DEC_2 = datetime.date(2025, 12, 2)


def add_position(position, stated_on, stance="opposes", party=None):
    return coded(
        party=party or position.party,
        point=position.point,
        stance=stance,
        summary=f"Said on {stated_on}",
        stated_on=stated_on,
        source=position.statement.sources.first(),
    )


def test_the_week_is_the_seven_days_up_to_the_latest_dated_item(position, source, russia):
    Event.objects.create(
        slug="visit", title="Witkoff visits Moscow", occurred_on=DEC_2, source=source
    )
    add_position(position, datetime.date(2025, 11, 26))
    add_position(position, datetime.date(2025, 11, 25))  # a day too early
    week = dashboard.last_week()
    assert (week.start, week.end) == (datetime.date(2025, 11, 26), DEC_2)
    assert [day.date for day in week.days] == [DEC_2, STATED_ON, datetime.date(2025, 11, 26)]
    assert [e.title for e in week.days[0].events] == ["Witkoff visits Moscow"]
    [party_day] = week.days[1].parties.values()
    assert (party_day.slug, party_day.total, party_day.stances) == (
        "russia",
        1,
        [("supports", "Supports", 1)],
    )


def test_the_week_goes_by_the_date_said_not_the_date_recorded(position):
    # Recorded last, but said long before: it does not move the week.
    add_position(position, datetime.date(2025, 8, 1))
    week = dashboard.last_week()
    assert week.end == STATED_ON
    assert datetime.date(2025, 8, 1) not in [day.date for day in week.days]


def test_positions_are_counted_per_party_and_stance(position, ukraine):
    add_position(position, STATED_ON, stance="supports")
    add_position(position, STATED_ON, stance="opposes")
    add_position(position, STATED_ON, stance="opposes", party=ukraine)
    [day] = dashboard.last_week().days
    assert {slug: (p.total, p.stances) for slug, p in day.parties.items()} == {
        "russia": (3, [("opposes", "Opposes", 1), ("supports", "Supports", 2)]),
        "ukraine": (1, [("opposes", "Opposes", 1)]),
    }


def test_an_empty_record_has_no_week(db):
    assert dashboard.last_week() is None


def test_the_overview_shows_the_week_latest_positions_and_plans_by_date(client, position, plan):
    older = add_position(position, datetime.date(2025, 11, 1))
    later = Plan.objects.create(
        slug="geneva", title="Geneva framework", short_title="Geneva", presented_on=STATED_ON
    )
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["positions"]) == [position, older]
    assert list(response.context["plans"]) == [later, plan]  # newest first, undated last
    assert later.get_absolute_url() in body and plan.get_absolute_url() in body
    assert position.get_absolute_url() in body
    assert "The last week: 21 Nov – 27 Nov 2025" in body
    assert "/timeline/?party=russia&amp;start=2025-11-27&amp;end=2025-11-27" in body


def test_the_overview_says_so_when_nothing_is_recorded(client, db):
    body = client.get("/").content.decode()
    assert "Nothing dated is recorded yet." in body
    assert "No positions recorded yet." in body


# What changed in what the signed-in user follows


def follow_and_visit(client, kind, target):
    client.post(reverse("watch", args=[kind, target.pk]), {"follow": "1"})
    client.get(reverse("watching"))  # from here on, what is new


def test_the_overview_shows_what_changed_in_what_you_follow_with_a_link_to_watching(
    viewer_client, point, russia, ukraine, source
):
    follow_and_visit(viewer_client, "party", ukraine)
    coded(russia, "supports", point=point, source=source)  # not followed
    coded(ukraine, "opposes", point=point, source=source, stated_on=datetime.date(2025, 11, 20))
    coded(ukraine, "supports", point=point, source=source, stated_on=DEC_2)
    response = viewer_client.get("/")
    body = response.content.decode()
    assert "What changed in what you follow" in body
    items = response.context["followed"]
    assert items and all(item["change"].party == ukraine for item in items)
    said = [item["said_on"] for item in items if item["change"].model == "position"]
    assert said == [DEC_2, datetime.date(2025, 11, 20)]  # negotiation time, latest first
    assert f'href="{reverse("watching")}">all {len(items)} on Watching</a>' in body
    for item in items:
        assert f'href="{item["link"]}"' in body
    # The overview does not end the visit: /watching/ lists the same, then nothing new.
    listed = viewer_client.get(reverse("watching")).context["items"]
    assert [i["change"] for i in listed] == [i["change"] for i in items]
    assert (
        "Nothing new since your last visit to Watching." in viewer_client.get("/").content.decode()
    )


def test_the_overview_lists_at_most_a_few_and_counts_them_all(
    viewer_client, point, ukraine, source
):
    follow_and_visit(viewer_client, "party", ukraine)
    for day in range(1, 5):
        coded(
            ukraine, "opposes", point=point, source=source, stated_on=datetime.date(2025, 11, day)
        )
    response = viewer_client.get("/")
    assert len(response.context["followed"]) == dashboard.FOLLOWED
    count = response.context["watching_count"]
    assert count == len(viewer_client.get(reverse("watching")).context["items"]) > 8


def test_the_overview_has_no_such_section_for_anonymous_readers_or_those_who_follow_nothing(
    client, viewer, point, russia, source
):
    coded(russia, "supports", point=point, source=source)
    assert "What changed in what you follow" not in client.get("/").content.decode()
    client.force_login(viewer)
    response = client.get("/")
    assert response.context.get("followed") is None
    assert "What changed in what you follow" not in response.content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_a_followers_overview_costs_the_same_at_two_sizes(
    viewer_client, plan, point, ukraine, source, size, django_assert_num_queries
):
    follow_and_visit(viewer_client, "plan", plan)
    for n in range(size):
        coded(ukraine, "opposes", point=point, source=source, statement_summary=f"S{n}")
    # session, change marker (ETag), user, 5 counts, latest event date, latest position
    # date, the week's events (none: their parties are not read), the week's stance
    # counts, the user's and their groups' permissions (the navigation), plans with point
    # counts, their authors, latest positions; what is new in what they follow: the
    # changes (which also give the navigation's count), the statements' and codings'
    # dates (no status step changed: their dates are not read)
    with django_assert_num_queries(20):
        response = viewer_client.get("/")
    assert response.context["watching_count"] == 3 * size


def test_the_overview_is_drawn_once_per_state_of_the_record(
    client, position, ukraine, point, source, django_assert_num_queries
):
    def main(response):
        body = response.content.decode()
        return body[body.index("<main") :]

    first = main(client.get("/"))
    # Kept: only the change marker is read (for the ETag and the key of the drawing).
    with django_assert_num_queries(1):
        assert main(client.get("/")) == first
    # Any recorded write retires it: the new coding is listed at once.
    new = coded(ukraine, "opposes", point=point, source=source)
    assert new.get_absolute_url() in client.get("/").content.decode()
