"""Party briefs: the party's latest stance on every point, and what changed lately."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import STATED_ON, populate
from tracker.models import Change, Plan, Point, Position

pytestmark = pytest.mark.django_db


def url(party, query=""):
    return f"/parties/{party.slug}/brief/{query}"


@pytest.fixture
def record(position, point, plan, russia, source, putin):
    position.quote = "They must withdraw"
    position.save()
    silent = Point.objects.create(plan=plan, number=22, title="Non-aggression", text="t")
    older = Position.objects.create(
        party=russia,
        point=point,
        stance="opposes",
        summary="Earlier view",
        stated_on=STATED_ON - datetime.timedelta(days=10),
        source=source,
    )
    on_plan = Position.objects.create(
        party=russia,
        plan=plan,
        stance="conditional",
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
    assert plans[0].rows == [(point, position), (silent, None)]
    assert plans[0].overall == [on_plan]
    assert plans[1].rows[0][1] is None
    body = response.content.decode()
    assert "They must withdraw" in body and "Vladimir Putin" in body
    assert position.source.get_absolute_url() in body
    assert "Earlier view" not in body
    assert "Basis for talks" in body


def test_it_lists_what_changed_in_the_last_n_days(client, record, russia, position):
    Change.objects.filter(party=russia).update(
        changed_at=timezone.now() - datetime.timedelta(days=30)
    )
    position.summary = "Restated"
    position.save_checked(position.version, summary="per the Bishkek remarks")
    response = client.get(url(russia))
    changes = response.context["changes"]
    assert [change.summary for change in changes] == ["per the Bishkek remarks"]
    assert response.context["days"] == 14
    longer = client.get(url(russia, "?days=45")).context["changes"]
    assert len(longer) > 1


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
    position.quote = "<script>alert(1)</script>"
    position.save()
    assert "<script>alert(1)</script>" not in client.get(url(russia)).content.decode()


def test_the_page_costs_the_same_queries_at_two_sizes(
    client, record, plan, russia, django_assert_num_queries
):
    populate(plan, parties=1, points=2)
    # party, every point with plan and component, the party's latest stance per point,
    # its positions on plans and components, its recent changes with users
    with django_assert_num_queries(5):
        assert client.get(url(russia)).status_code == 200
    other = Plan.objects.create(slug="other", title="o", short_title="o")
    populate(other, parties=6, points=40, positions_per_cell=2)
    Position.objects.filter(point__plan=other).update(party=russia)
    with django_assert_num_queries(5):
        assert client.get(url(russia)).status_code == 200


def test_on_the_seed_russia_s_brief_covers_every_point_with_its_quotes(client):
    call_command("loaddata", "seed", verbosity=0)
    response = client.get("/parties/russia/brief/")
    plans = response.context["plans"]
    assert sum(len(brief.rows) for brief in plans) == Point.objects.count()
    stated = {point.pk for brief in plans for point, position in brief.rows if position}
    assert stated == set(
        Position.objects.filter(party__slug="russia", point__isnull=False).values_list(
            "point", flat=True
        )
    )
    body = response.content.decode()
    assert "armed means" in body
