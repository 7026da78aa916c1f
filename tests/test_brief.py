"""Party briefs: the party's latest stance on every point, and what changed lately."""

import datetime

import pytest

from tests.conftest import STATED_ON, populate
from tests.evidence import coded
from tests.seeding import load_seed
from tracker.models import Event, Plan, Point, PointStatus, Position, Statement

pytestmark = pytest.mark.django_db


def url(party, query=""):
    return f"/parties/{party.slug}/brief/{query}"


@pytest.fixture
def record(position, point, plan, russia, source, putin):
    statement = position.statement
    statement.text = "They must withdraw"
    statement.save()
    silent = Point.objects.create(plan=plan, number=22, title="Non-aggression", text="t")
    older = coded(
        russia,
        "opposes",
        point=point,
        summary="Earlier view",
        stated_on=STATED_ON - datetime.timedelta(days=10),
        source=source,
    )
    on_plan = coded(
        russia,
        "conditional",
        plan=plan,
        summary="Basis for talks",
        stated_on=STATED_ON,
        source=source,
    )
    plan.presented_on = datetime.date(2025, 11, 20)
    plan.save()
    later = Plan.objects.create(
        slug="geneva",
        title="Geneva framework",
        short_title="Geneva",
        presented_on=datetime.date(2025, 11, 23),
    )
    Point.objects.create(plan=later, number=1, title="Sovereignty", text="t")
    return silent, older, on_plan, later


def test_it_shows_the_latest_stance_on_every_point_of_each_plan(
    client, record, russia, position, point
):
    silent, older, on_plan, later = record
    response = client.get(url(russia))
    assert response.status_code == 200
    plans = response.context["plans"]
    assert [brief.plan.slug for brief in plans] == ["us-draft", "geneva"]
    assert plans[0].rows == [(point, None, [position]), (silent, None, [])]
    assert plans[0].overall == [on_plan]
    assert plans[1].rows[0][2] == []
    body = response.content.decode()
    assert "They must withdraw" in body and "Vladimir Putin" in body
    assert position.statement.sources.get().get_absolute_url() in body
    assert "Earlier view" not in body
    assert "Basis for talks" in body


def test_statements_of_the_same_day_are_all_shown(client, record, russia, position, point):
    remark = coded(
        russia,
        "red_line",
        point=point,
        summary="Crimea and Donbas are Russian.",
        stated_on=position.stated_on,
    )
    response = client.get(url(russia))
    [(_, _, shown), _] = response.context["plans"][0].rows
    assert set(shown) == {position, remark}
    body = response.content.decode()
    assert "Crimea and Donbas are Russian." in body and "Wants Ukraine to withdraw." in body


def test_on_a_day_it_shows_only_what_was_said_by_then(client, record, russia, position, point):
    silent, older, on_plan, later = record
    day = (STATED_ON - datetime.timedelta(days=5)).isoformat()
    response = client.get(url(russia, f"?on={day}"))
    assert response.status_code == 200
    assert response.context["on"] == STATED_ON - datetime.timedelta(days=5)
    plans = response.context["plans"]
    assert [brief.plan.slug for brief in plans] == ["us-draft"], "Geneva came later"
    assert plans[0].rows[0] == (point, None, [older])
    assert plans[0].overall == []
    body = response.content.decode()
    assert "Earlier view" in body and "They must withdraw" not in body
    assert "As the negotiation stood on 22 November 2025" in body


def test_on_a_day_a_point_shows_its_status_step_dated_by_then(
    client, record, russia, point, source
):
    PointStatus.objects.create(
        point=point, status="bracketed", on=datetime.date(2025, 11, 21), source=source
    )
    PointStatus.objects.create(
        point=point, status="agreed", on=datetime.date(2025, 11, 26), source=source
    )
    rows = client.get(url(russia, "?on=2025-11-23")).context["plans"][0].rows
    assert rows[0][1].status == "bracketed"
    rows = client.get(url(russia, "?on=2025-11-26")).context["plans"][0].rows
    assert rows[0][1].status == "agreed"


@pytest.mark.parametrize("on", ["yesterday", "2025-13-01", "99999-01-01"])
def test_a_bad_day_is_a_400_with_a_message(client, record, russia, on):
    response = client.get(url(russia, f"?on={on}"))
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()


def test_it_lists_what_was_said_and_done_in_the_last_n_days_not_what_was_entered(
    client, record, russia, position, source
):
    silent, older, on_plan, later = record
    summit = Event.objects.create(
        slug="bishkek", title="CSTO summit", occurred_on=STATED_ON, source=source
    )
    summit.parties.add(russia)
    step = PointStatus.objects.create(
        point=silent, status="agreed", on=STATED_ON - datetime.timedelta(days=1), source=source
    )
    step.agreed_by.add(russia)
    response = client.get(url(russia, f"?on={STATED_ON.isoformat()}&days=7"))
    items = [entry.item for entry in response.context["entries"]]
    assert items[0] in (position.statement, on_plan.statement, summit)
    assert set(items) == {position.statement, on_plan.statement, summit, step}
    assert response.context["days"] == 7
    longer = client.get(url(russia, f"?on={STATED_ON.isoformat()}"))
    assert longer.context["days"] == 14
    assert older.statement in [entry.item for entry in longer.context["entries"]]
    body = response.content.decode()
    assert "CSTO summit" in body and "Restated" not in body
    assert "Change" not in {type(item).__name__ for item in items}


@pytest.mark.parametrize("days", ["x", "0", "-3", "99999", "1e3"])
def test_bad_days_fall_back_to_the_default_with_a_notice(client, record, russia, days):
    response = client.get(url(russia, f"?days={days}"))
    assert response.status_code == 200
    assert response.context["days"] == 14
    assert "showing the last 14 days" in response.content.decode()


def test_the_brief_is_printable(client, record, russia):
    body = client.get(url(russia)).content.decode()
    assert 'href="/static/tracker/print.css" media="print"' in body
    assert 'class="inline-form no-print"' in body


def test_the_party_page_links_to_the_brief(client, russia):
    assert url(russia) in client.get(russia.get_absolute_url()).content.decode()


def test_an_unknown_party_is_a_404(client, db):
    assert client.get("/parties/nobody/brief/").status_code == 404


def test_user_text_is_escaped(client, record, russia, position):
    position.statement.text = "<script>alert(1)</script>"
    position.statement.save()
    assert "<script>alert(1)</script>" not in client.get(url(russia)).content.decode()


def test_the_page_costs_the_same_queries_at_two_sizes(
    client, record, plan, russia, source, django_assert_num_queries
):
    populate(plan, parties=1, points=2)
    summit = Event.objects.create(slug="s", title="Summit", occurred_on=STATED_ON, source=source)
    summit.parties.add(russia)
    step = PointStatus.objects.create(point=record[0], status="agreed", on=STATED_ON, source=source)
    step.agreed_by.add(russia)
    query = f"?on={STATED_ON.isoformat()}"
    # party; every point with plan and component; the party's codings with statements,
    # their sources and translations; status steps then with who agreed; the latest
    # days: statements with sources, translations and codings, events with parties,
    # steps agreed to with who agreed
    with django_assert_num_queries(15):
        assert client.get(url(russia, query)).status_code == 200
    other = Plan.objects.create(slug="other", title="o", short_title="o")
    populate(other, parties=6, points=40, positions_per_cell=2)
    Statement.objects.filter(positions__point__plan=other).update(party=russia)
    Position.objects.filter(point__plan=other).update(party=russia)
    with django_assert_num_queries(15):
        assert client.get(url(russia, query)).status_code == 200


def test_on_the_seed_russia_s_brief_covers_every_point_with_its_quotes(client):
    load_seed()
    response = client.get("/parties/russia/brief/")
    plans = response.context["plans"]
    assert sum(len(brief.rows) for brief in plans) == Point.objects.count()
    stated = {point.pk for brief in plans for point, _, positions in brief.rows if positions}
    assert stated == set(
        Position.objects.filter(party__slug="russia", point__isnull=False).values_list(
            "point", flat=True
        )
    )
    body = response.content.decode()
    assert "armed means" in body
