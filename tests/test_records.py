"""The pages of events and actors, and creating an actor for any party."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import STATED_ON
from tests.evidence import coded, said
from tracker.models import Actor, Delegation, Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(source, russia, ukraine):
    event = Event.objects.create(
        slug="bishkek",
        title="CSTO summit in Bishkek",
        kind="summit",
        occurred_on=STATED_ON,
        date_note="reported a day later",
        certainty="medium",
        location="Bishkek",
        description="Putin spoke on the outline.",
        source=source,
    )
    event.parties.add(russia, ukraine)
    return event


def test_an_event_has_a_page_with_its_date_place_parties_and_source(client, event, source):
    assert event.get_absolute_url() == "/events/bishkek/"
    response = client.get(event.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Thursday 27 November 2025" in body and "reported a day later" in body
    assert "Reported" in body  # the certainty
    assert "Bishkek" in body and "Putin spoke on the outline." in body
    assert "/parties/russia/" in body and "/parties/ukraine/" in body
    assert source.get_absolute_url() in body


def test_an_event_that_went_on_for_days_shows_its_end_on_its_page_and_in_the_list(client, event):
    event.ends_on = STATED_ON + datetime.timedelta(days=2)
    event.save()
    assert "27–29 Nov 2025" in client.get(event.get_absolute_url()).content.decode()
    assert "27–29 Nov 2025" in client.get(reverse("event_list")).content.decode()


def test_an_event_is_recorded_with_its_end_and_refused_one_before_its_start(analyst_client, source):
    data = {
        "title": "Geneva talks",
        "slug": "geneva",
        "kind": "talks",
        "occurred_on": "2025-11-23",
        "ends_on": "2025-11-22",
        "precision": "day",
        "source": source.pk,
        "certainty": "high",
    }
    response = analyst_client.post(reverse("event_create"), data)
    assert response.status_code == 422
    assert "It cannot end before it starts." in response.content.decode()
    assert not Event.objects.exists()
    data["ends_on"] = "2025-11-24"
    assert analyst_client.post(reverse("event_create"), data).status_code == 302
    assert Event.objects.get().ends_on == datetime.date(2025, 11, 24)


def test_uncertain_delegations_are_marked_on_the_event_page(client, event, russia, ukraine):
    Delegation.objects.create(event=event, party=russia, certainty="high")
    Delegation.objects.create(event=event, party=ukraine, certainty="low")
    body = client.get(event.get_absolute_url()).content.decode()
    delegations = body.split('id="delegations"')[1].split("</section>")[0]
    assert delegations.count('class="certainty low"') == 1
    assert "certainty high" not in delegations  # confirmed is not marked


def test_edit_and_delete_links_show_only_to_those_allowed(client, viewer, analyst, event):
    edit, delete = (
        reverse("event_edit", args=["bishkek"]),
        reverse("event_delete", args=["bishkek"]),
    )
    body = client.get(event.get_absolute_url()).content.decode()
    assert edit not in body and delete not in body
    client.force_login(viewer)
    body = client.get(event.get_absolute_url()).content.decode()
    assert edit not in body and delete not in body
    client.force_login(analyst)
    body = client.get(event.get_absolute_url()).content.decode()
    assert edit in body and delete in body


def test_an_actor_has_a_page_with_party_role_and_the_statements_they_made(client, putin, position):
    assert putin.get_absolute_url() == "/actors/putin/"
    response = client.get(putin.get_absolute_url())
    body = response.content.decode()
    assert "President" in body and "/parties/russia/" in body
    assert position.statement.get_absolute_url() in body
    assert position.get_absolute_url() in body  # its coding
    assert list(response.context["page"]) == [position.statement]


def test_the_actors_statements_are_paged(client, putin, position):
    for n in range(60):
        said(putin.party, speaker=putin, stated_on=STATED_ON - datetime.timedelta(days=n + 1))
    first = client.get(putin.get_absolute_url())
    assert len(first.context["page"]) == 50
    second = client.get(putin.get_absolute_url(), {"page": 2})
    assert len(second.context["page"]) == 11
    assert client.get(putin.get_absolute_url(), {"page": "x"}).status_code == 200


@pytest.mark.parametrize("url", ["/events/nope/", "/actors/nope/"])
def test_missing_records_are_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("size", [1, 30])
def test_the_event_and_actor_pages_cost_the_same_at_any_size(
    client, event, putin, position, size, django_assert_num_queries
):
    for n in range(size):
        statement = said(putin.party, speaker=putin, event=event, quote=f"q{n}")
        coded(statement=statement, stance="opposes", point=position.point, summary=f"s{n}")
    # the event with its source, its parties, its plans, its delegations, count of
    # statements, a page of statements with speaker and event, their sources,
    # translations, codings
    with django_assert_num_queries(9):
        client.get(event.get_absolute_url())
    # the actor with its party, their roles, count of their statements, a page of
    # statements with speaker and event, their sources, translations, codings
    with django_assert_num_queries(7):
        client.get(putin.get_absolute_url())


def test_an_analyst_creates_an_actor_for_any_party_from_the_actor_list(analyst_client, ukraine):
    response = analyst_client.post(
        reverse("actor_new"),
        {"name": "Rustem Umerov", "slug": "umerov", "party": ukraine.pk, "role": "Negotiator"},
    )
    actor = Actor.objects.get(slug="umerov")
    assert response.status_code == 302 and response["Location"] == actor.get_absolute_url()
    assert actor.party == ukraine
    assert actor.history.get().history_user.username == "anna"


def test_a_viewer_cannot_create_an_actor(viewer_client, ukraine):
    response = viewer_client.post(
        reverse("actor_new"), {"name": "X", "slug": "x", "party": ukraine.pk}
    )
    assert response.status_code == 403
    assert not Actor.objects.exists()


@pytest.mark.parametrize("url_name", ["actor_new", "event_create"])
def test_new_is_not_a_slug_an_actor_or_event_can_take(analyst_client, ukraine, source, url_name):
    data = {"name": "X", "title": "X", "slug": "new", "party": ukraine.pk}
    data.update(occurred_on="2025-11-27", source=source.pk, kind="talks", certainty="high")
    data.update(precision="day", role="other")
    response = analyst_client.post(reverse(url_name), data)
    assert response.status_code == 422
    assert "reserved" in response.content.decode()
