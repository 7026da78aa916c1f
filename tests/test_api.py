"""The JSON API: each endpoint's query count, filters, conditional GET and the schema."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

from tests.conftest import populate
from tests.evidence import coded, said
from tracker.models import (
    Actor,
    Delegation,
    Event,
    Party,
    Plan,
    Point,
    PointLink,
    PointStatus,
    Provision,
    Source,
    Topic,
    Translation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def grow(n):
    """A plan of n points (each with a provision, a topic, a link to the plan before it), n
    parties, their statements with translations and codings, events and sources."""
    plan = Plan.objects.create(slug=f"size-{n}", title=f"Size {n}", short_title=f"S{n}")
    populate(plan, parties=n, points=n)
    earlier = Plan.objects.create(slug=f"before-{n}", title="Before", short_title="B")
    source = Source.objects.get(slug=f"bulk-{plan.slug}")
    for point in plan.points.all():
        topic = Topic.objects.create(slug=f"topic-{n}-{point.number}", name=f"T{point.number}")
        point.topics.add(topic)
        Provision.objects.create(point=point, number=1, title="a")
        old = Point.objects.create(plan=earlier, number=point.number, title="Old", text="Old")
        PointLink.objects.create(earlier=old, later=point, plan=plan, kind="revised", source=source)
        status = PointStatus.objects.create(
            point=point,
            status="agreed",
            on=datetime.date(2025, 11, 25),
            source=source,
            certainty="low",
        )
        status.agreed_by.add(Party.objects.first())
    for party in Party.objects.filter(slug__startswith=plan.slug):
        statement = said(party, speaker=party.actors.first(), source=source, quote="Text")
        Translation.objects.create(statement=statement, language="en", text="T", source=source)
        coded(statement=statement, stance="rejects", plan=plan)
        party.member_of.add(Party.objects.exclude(pk=party.pk).first())
        event = Event.objects.create(
            slug=f"event-{party.slug}", title="E", occurred_on="2025-11-27", source=source
        )
        event.parties.add(party)
        event.plans.add(plan)
        delegation = Delegation.objects.create(event=event, party=party, source=source)
        delegation.actors.add(*party.actors.all())
    Source.objects.create(slug=f"cited-{n}", title="C").cites.add(source)


# Per endpoint: the queries of one page, whatever its size. Each read starts with the
# change marker (for the ETag), then the page of rows, then one query per prefetched set.
ENDPOINTS = {
    # marker, plans, authors
    "/api/plans/": 3,
    # marker, points (+plan, component), topics, provisions, earlier links, later links,
    # statuses (+source), their parties
    "/api/points/": 8,
    # marker, components (+plan)
    "/api/components/": 2,
    # marker, parties, member_of
    "/api/parties/": 3,
    # marker, actors (+party), roles
    "/api/actors/": 3,
    # marker, statements (+party, speaker, event), sources, translations, their sources,
    # codings (+subject)
    "/api/statements/": 6,
    # marker, positions (+statement, party, subject)
    "/api/positions/": 2,
    # marker, sources, cites
    "/api/sources/": 3,
    # marker, events (+source), parties, plans, delegations (+party, source), their actors
    "/api/events/": 6,
}


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"size": 200})
    assert response.status_code == 200, response.content
    assert response.json()["results"]
    return len(queries)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_it_reads_each_endpoint_in_the_same_queries_at_two_sizes(client, url):
    grow(2)
    small = count(client, url)
    grow(6)
    assert count(client, url) == small == ENDPOINTS[url]


def test_it_reads_the_change_log_in_the_same_queries_at_two_sizes(viewer_client):
    grow(2)
    # session, user, marker, changes (+user, party); the permission check is cached
    small = count(viewer_client, "/api/changes/")
    grow(6)
    assert count(viewer_client, "/api/changes/") == small


def test_it_shows_a_point_with_its_provisions_and_lineage(client):
    grow(2)
    body = client.get("/api/plans/size-2/points/1/").json()
    assert body["plan"] == "size-2"
    assert body["provisions"] == [{"number": 1, "title": "a", "text": ""}]
    assert body["earlier"][0]["point"] == {"plan": "before-2", "number": 1}
    assert body["earlier"][0]["kind"] == "revised"
    assert body["earlier"][0]["source"] == "bulk-size-2"
    assert body["earlier"][0]["certainty"] == "medium"  # a link is reported unless confirmed
    assert body["statuses"][0]["status"] == "agreed"
    assert body["statuses"][0]["certainty"] == "low"
    assert body["statuses"][0]["agreed_by"] == [Party.objects.first().slug]
    old = client.get("/api/plans/before-2/points/1/").json()
    assert old["later"][0]["point"] == {"plan": "size-2", "number": 1}
    assert old["later"][0]["certainty"] == "medium"


def test_it_shows_an_event_with_its_end_and_delegations(client):
    grow(2)
    event = Event.objects.first()
    event.ends_on = datetime.date(2025, 11, 29)
    event.save()
    body = client.get(f"/api/events/{event.slug}/").json()
    assert (body["occurred_on"], body["ends_on"]) == ("2025-11-27", "2025-11-29")
    (delegation,) = body["delegations"]
    assert delegation["party"] == event.parties.get().slug
    assert delegation["certainty"] == "medium"
    assert delegation["role"] == "negotiator"


def test_it_shows_a_statement_with_translations_and_codings(client, position):
    statement = position.statement
    body = client.get(f"/api/statements/{statement.uid}/").json()
    assert body["party"] == "russia"
    assert body["speaker"] == "putin"
    assert body["codings"][0]["stance"] == "supports"
    assert body["codings"][0]["point"] == {"plan": "us-draft", "number": 21}


def test_it_filters_positions_like_the_pages(client, position, ukraine, point):
    coded(ukraine, "rejects", point=point, stated_on=datetime.date(2025, 12, 5))

    def stances(**query):
        return [row["stance"] for row in client.get("/api/positions/", query).json()["results"]]

    assert stances(party="ukraine") == ["rejects"]
    assert stances(stance="supports") == ["supports"]
    assert stances(plan="us-draft") == ["supports", "rejects"]
    assert stances(plan="nothing") == []
    assert stances(said_after="2025-12-01") == ["rejects"]
    assert stances(said_before="2025-12-01") == ["supports"]
    assert stances(on="2025-12-01") == ["supports"]


def test_it_filters_statements_by_their_codings(client, position, ukraine, point):
    coded(ukraine, "rejects", point=point, stated_on=datetime.date(2025, 12, 5))
    topic = Topic.objects.create(slug="test-topic", name="Test topic")
    point.topics.add(topic)
    rows = client.get("/api/statements/", {"stance": "rejects"}).json()["results"]
    assert [row["party"] for row in rows] == ["ukraine"]
    rows = client.get("/api/statements/", {"topic": "test-topic", "plan": "us-draft"}).json()
    assert len(rows["results"]) == 2


def test_it_refuses_a_bad_filter_with_a_400(client, position):
    assert client.get("/api/positions/", {"stance": "maybe"}).status_code == 400
    assert client.get("/api/statements/", {"said_after": "yesterday"}).status_code == 400
    assert client.get("/api/points/", {"plan": "bad slug\x00"}).status_code == 400


def test_it_pages_with_a_cursor(client):
    grow(3)
    first = client.get("/api/parties/", {"size": 2}).json()
    second = client.get(first["next"]).json()
    names = [row["slug"] for row in first["results"] + second["results"]]
    assert len(names) == len(set(names)) == 3
    assert client.get("/api/parties/", {"cursor": "garbage"}).status_code == 404


def test_it_answers_a_repeat_request_with_304_until_something_changes(client, position):
    first = client.get("/api/positions/")
    etag = first["ETag"]
    again = client.get("/api/positions/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    Actor.objects.create(slug="lavrov", name="Sergei Lavrov", party=position.party)
    changed = client.get("/api/positions/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_it_refuses_writes_with_405(client):
    assert client.post("/api/plans/", {}).status_code == 405
    assert client.delete("/api/plans/us-draft/").status_code in (404, 405)


def test_it_keeps_the_change_log_from_anonymous_callers(viewer_client, position):
    assert Client().get("/api/changes/").status_code == 401
    assert viewer_client.get("/api/changes/").status_code == 200


def test_its_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/statements/" in schema["paths"]


def test_its_docs_page_loads_swagger_from_the_site_not_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()


@pytest.mark.parametrize(
    "url",
    [
        "/api/plans/us-draft/points/99999999999999999999/",
        "/api/plans/us-draft/components/99999999999999999999/",
        "/api/changes/99999999999999999999/",
        "/api/statements/00000000-0000-0000-0000-00000000zzzz/",
        "/api/positions/?said_after=0001-01-01T00:00%2B05:00&on=9999-12-31",
        "/api/statements/?party=%00&size=99999999999999999999",
        "/api/points/?cursor=%ED%A0%80",
    ],
)
def test_it_answers_hostile_addresses_without_a_5xx(admin_client_, position, url):
    assert admin_client_.get(url).status_code < 500
