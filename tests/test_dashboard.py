"""The overview as a dashboard: the last week, the latest positions, the plans by date."""

import datetime

import pytest

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
