"""The lists of plans, parties, actors, sources and events: filters, sorting, pages, cost."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import STATED_ON, populate
from tests.evidence import coded, said
from tracker.lists import PER_PAGE
from tracker.models import Actor, Event, Party, Plan, PlanAuthor, Source, Statement, Translation

pytestmark = pytest.mark.django_db

LISTS = ["plan_list", "party_list", "actor_list", "source_list", "event_list", "statement_list"]


def names(response, attribute):
    return [getattr(row, attribute) for row in response.context["page"]]


def grow(size, party):
    """``size`` more plans, sources and events (each event with ``party``)."""
    for n in range(size):
        day = STATED_ON - datetime.timedelta(days=n)
        Plan.objects.create(
            slug=f"plan-{n}", title=f"Draft {n}", short_title=f"D{n}", presented_on=day
        )
        source = Source.objects.create(slug=f"source-{n}", title=f"Report {n}", published_on=day)
        event = Event.objects.create(
            slug=f"event-{n}", title=f"Talks {n}", occurred_on=day, source=source
        )
        event.parties.add(party)


@pytest.fixture
def cast(plan, point, position, russia, ukraine, putin, source):
    Event.objects.create(
        slug="bishkek",
        title="CSTO summit in Bishkek",
        kind="summit",
        occurred_on=STATED_ON,
        location="Bishkek",
        source=source,
    ).parties.add(russia)
    Event.objects.create(
        slug="geneva-talks",
        title="Geneva talks",
        kind="talks",
        occurred_on=datetime.date(2025, 11, 23),
        source=source,
    ).parties.add(ukraine)
    geneva = Plan.objects.create(
        slug="geneva",
        title="Geneva framework",
        short_title="Geneva",
        presented_on=datetime.date(2025, 11, 23),
        status="negotiating",
    )
    PlanAuthor.objects.create(plan=geneva, party=ukraine, role="author")
    Actor.objects.create(slug="zelensky", name="Volodymyr Zelensky", party=ukraine)


@pytest.mark.parametrize("name", LISTS)
def test_each_list_answers_anyone(client, cast, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.context["page"].paginator.count >= 1


def test_the_plan_list_is_newest_first_and_filters_by_status_author_and_dates(client, cast):
    response = client.get(reverse("plan_list"))
    assert names(response, "slug") == ["geneva", "us-draft"]  # undated last
    response = client.get(reverse("plan_list"), {"status": "negotiating"})
    assert names(response, "slug") == ["geneva"]
    response = client.get(reverse("plan_list"), {"party": "ukraine"})
    assert names(response, "slug") == ["geneva"]
    response = client.get(reverse("plan_list"), {"start": "2025-11-24"})
    assert names(response, "slug") == []
    response = client.get(reverse("plan_list"), {"q": "framework geneva"})
    assert names(response, "slug") == ["geneva"]


def test_the_plan_list_sorts_by_any_offered_column_both_ways(client, cast):
    assert names(client.get("/plans/?sort=title"), "title") == [
        "Geneva framework",
        "U.S. 28-point draft",
    ]
    assert names(client.get("/plans/?sort=-title"), "title") == [
        "U.S. 28-point draft",
        "Geneva framework",
    ]
    assert names(client.get("/plans/?sort=-points"), "slug") == ["us-draft", "geneva"]


def test_the_party_list_groups_parties_by_kind_and_filters_by_kind(client, cast):
    Party.objects.create(slug="nato", name="NATO", short_name="NATO", kind="alliance")
    response = client.get(reverse("party_list"))
    body = response.content.decode()
    assert names(response, "slug") == ["russia", "ukraine", "nato"]  # states, then alliances
    assert body.index(">State<") < body.index(">Alliance<")
    response = client.get(reverse("party_list"), {"kind": "alliance"})
    assert names(response, "slug") == ["nato"]


def test_the_party_list_counts_actors_and_statements(client, cast):
    response = client.get(reverse("party_list"), {"sort": "-statements"})
    russia = response.context["page"][0]
    assert (russia.slug, russia.actor_count, russia.statement_count) == ("russia", 1, 1)
    assert russia.last_stated == STATED_ON


def test_the_actor_list_filters_by_party_and_links_each_actor(client, cast, putin):
    response = client.get(reverse("actor_list"), {"party": "russia"})
    assert names(response, "slug") == ["putin"]
    assert putin.get_absolute_url() in response.content.decode()
    response = client.get(reverse("actor_list"), {"sort": "-statements"})
    assert names(response, "slug") == ["putin", "zelensky"]
    assert response.context["page"][0].statement_count == 1


def test_the_source_list_filters_by_kind_text_and_dates(client, cast, source):
    Source.objects.create(slug="kremlin", title="Kremlin readout", kind="official")
    assert names(client.get("/sources/?kind=official"), "slug") == ["kremlin"]
    assert names(client.get("/sources/?q=reuters"), "slug") == ["reuters-bishkek"]
    assert names(client.get("/sources/?start=2025-11-27&end=2025-11-27"), "slug") == [
        "reuters-bishkek"
    ]


def test_the_event_list_filters_by_kind_party_and_dates(client, cast):
    assert names(client.get("/events/"), "slug") == ["bishkek", "geneva-talks"]
    assert names(client.get("/events/?kind=talks"), "slug") == ["geneva-talks"]
    assert names(client.get("/events/?party=russia"), "slug") == ["bishkek"]
    assert names(client.get("/events/?end=2025-11-24"), "slug") == ["geneva-talks"]
    assert names(client.get("/events/?sort=title"), "slug") == ["bishkek", "geneva-talks"]


def test_a_sorted_column_says_so_and_its_link_reverses_it(client, cast):
    body = client.get("/events/?kind=summit&sort=title").content.decode()
    assert 'aria-sort="ascending"><a href="?kind=summit&amp;sort=-title">' in body


@pytest.mark.parametrize(
    "query",
    [
        "sort=bogus",
        "page=abc",
        "page=0",
        "page=%C2%B2",
        "start=2025-02-30",
        "start=99999-01-01",
        "party=nobody",
        "kind=spaceship",
        "start=2025-11-28&end=2025-11-01",
        "q=" + "x" * 201,
    ],
)
def test_bad_parameters_get_a_400_page_that_says_what_is_wrong(client, cast, query):
    response = client.get(f"/events/?{query}")
    assert response.status_code == 400
    assert response.context["page"] is None
    assert "These parameters cannot be used" in response.content.decode()


def test_pages_keep_the_filters_and_sort_and_work_without_javascript(client, russia, source):
    grow(PER_PAGE + 5, russia)
    first = client.get("/events/?party=russia&sort=title")
    body = first.content.decode()
    assert 'href="?party=russia&amp;sort=title&amp;page=2" rel="next"' in body
    second = client.get("/events/?party=russia&sort=title&page=2")
    assert len(second.context["page"]) == 5
    assert second.context["page"].number == 2
    # A page past the end shows the last page rather than an error.
    assert client.get("/events/?party=russia&page=99").context["page"].number == 2


@pytest.mark.parametrize(
    ("name", "perm_label"),
    [
        ("plan_list", "New plan"),
        ("party_list", "New party"),
        ("actor_list", "New actor"),
        ("source_list", "New source"),
        ("event_list", "New event"),
        ("statement_list", "New statement"),
    ],
)
def test_the_new_button_shows_only_to_those_who_may_create(
    client, viewer, analyst, name, perm_label
):
    assert perm_label not in client.get(reverse(name)).content.decode()
    client.force_login(viewer)
    assert perm_label not in client.get(reverse(name)).content.decode()
    client.force_login(analyst)
    assert perm_label in client.get(reverse(name)).content.decode()


def test_new_actor_from_a_list_filtered_by_party_starts_in_that_party(analyst_client, russia):
    body = analyst_client.get("/actors/?party=russia").content.decode()
    assert 'href="/actors/new/?party=russia">New actor' in body
    form = analyst_client.get("/actors/new/?party=russia").context["form"]
    assert form.initial["party"] == russia


def test_user_text_in_lists_is_escaped(client, source, russia):
    Event.objects.create(
        slug="x", title="<script>alert(1)</script>", occurred_on=STATED_ON, source=source
    )
    body = client.get("/events/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_lists_refuse_writes(client):
    assert client.post(reverse("plan_list")).status_code == 405


# Query counts: each list costs the same at two data sizes.

LIST_QUERIES = {
    # count of matching rows, the page of rows with point counts, their authors
    # with party and actor, the parties offered in the "authored by" filter
    "plan_list": 4,
    # count, the page of parties with their actor and statement counts
    "party_list": 2,
    # count, the page of actors with their parties and statement counts, the
    # parties offered in the filter
    "actor_list": 3,
    # count, the page of sources with the statements citing each
    "source_list": 2,
    # count, the page of events with their sources, the page's events'
    # parties, the parties offered in the filter
    "event_list": 4,
    # count, the page of statements with party, speaker and event, their sources,
    # translations, the translations' sources, codings with their subjects and
    # coders, the parties, plans and speakers offered in the filters
    "statement_list": 9,
}


@pytest.mark.parametrize("size", [2, 40])
@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_at_any_size(
    client, plan, position, name, size, django_assert_num_queries
):
    populate(plan, parties=size, points=3)
    grow(size, position.party)
    source = Source.objects.get(slug="source-0")
    Translation.objects.bulk_create(
        Translation(statement=s, language="ru", text="т", rendered_by="TASS", source=source)
        for s in Statement.objects.all()
    )
    with django_assert_num_queries(LIST_QUERIES[name]):
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert len(response.context["page"]) == min(PER_PAGE, response.context["page"].paginator.count)


@pytest.mark.parametrize("size", [2, 40])
def test_a_filtered_list_costs_the_same_for_an_analyst(
    analyst_client, plan, position, size, django_assert_num_queries
):
    populate(plan, parties=size, points=3)
    grow(size, position.party)
    # session, user, the chosen party, count, the page of events with their
    # sources, their parties, the parties offered in the filter, the user's
    # own and group permissions (the "New event" button)
    with django_assert_num_queries(9):
        response = analyst_client.get("/events/", {"party": position.party.slug, "page": 2})
    assert response.status_code == 200
    assert "New event" in response.content.decode()


# Statements: what a party said, in the original and in English


def test_the_statement_list_answers_what_russia_said_in_a_week_in_the_original_and_english(
    client, russia, ukraine, putin, point, source
):
    inside = said(
        russia,
        speaker=putin,
        stated_on=datetime.date(2025, 11, 21),
        quote="Это может стать основой",
        language="ru",
    )
    Translation.objects.create(
        statement=inside, language="en", text="It could be a basis", rendered_by="Reuters"
    )
    coded(statement=inside, stance="basis", point=point)
    said(russia, stated_on=datetime.date(2025, 11, 28), quote="Too late")
    said(ukraine, stated_on=datetime.date(2025, 11, 24), quote="Ukraine said this")
    query = {"party": "russia", "plan": point.plan.slug, "start": "2025-11-21", "end": "2025-11-27"}
    response = client.get(reverse("statement_list"), query)
    body = response.content.decode()
    assert list(response.context["page"]) == [inside]
    assert '<figure class="said original" lang="ru">' in body
    assert "Это может стать основой" in body
    assert '<figure class="said translation" lang="en">' in body
    assert "It could be a basis" in body and "Reuters" in body
    assert "Accepts as a basis" in body and point.get_absolute_url() in body
    assert "Too late" not in body and "Ukraine said this" not in body
    said(russia, stated_on=datetime.date(2025, 11, 22), quote="Not about any plan")
    assert list(client.get(reverse("statement_list"), query).context["page"]) == [inside]


def test_the_statement_list_filters_by_speaker_and_language(client, russia, putin):
    by_putin = said(russia, speaker=putin, language="ru", quote="Да")
    said(russia, language="en", quote="Yes")
    assert list(client.get("/statements/?speaker=putin").context["page"]) == [by_putin]
    assert list(client.get("/statements/?language=ru").context["page"]) == [by_putin]
    assert client.get("/statements/?language=1").status_code == 400


def test_the_statements_are_reached_from_the_navigation(client):
    assert 'href="/statements/"' in client.get("/").content.decode()
