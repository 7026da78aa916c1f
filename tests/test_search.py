"""Search across points, positions, sources, events and actors, with filters.

On PostgreSQL the search is full-text; on SQLite a fallback. The seed tests run
on both databases and compare each with the same reference, so both give the
same results there.
"""

import datetime

import pytest
from django.db import connection

from tests.conftest import STATED_ON, populate
from tests.evidence import coded, said, territory_topic
from tests.seeding import load_seed
from tracker.analysis.search import SEARCH_CAP, SEARCH_KINDS, search, search_words
from tracker.models import Event, Topic, Translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(position, point, putin, source, ukraine):
    event = Event.objects.create(
        slug="bishkek",
        title="CSTO summit in Bishkek",
        description="Putin speaks on territory.",
        occurred_on=STATED_ON,
        source=source,
    )
    event.parties.add(position.party)
    other = coded(
        ukraine,
        "opposes",
        point=point,
        summary="Kyiv rejects ceding territory",
        quote="We will not give up our land",
        stated_on=STATED_ON - datetime.timedelta(days=3),
        source=source,
    )
    return event, other


def found(response):
    return {kind: list(records) for kind, (_, records, _) in response.context["results"].items()}


def test_it_finds_every_kind_of_record(client, record, point, position, putin, source):
    event, other = record
    results = found(client.get("/search/?q=putin"))
    assert results["positions"] == [] and results["statements"] == []
    assert results["actors"] == [putin]
    assert results["sources"] == [source]
    assert results["events"] == [event]
    assert found(client.get("/search/?q=crimea"))["points"] == [point]
    assert found(client.get("/search/?q=withdraw"))["positions"] == [position]


def test_it_searches_quotes_and_needs_every_word(client, record):
    event, other = record
    results = found(client.get("/search/?q=give+up+land"))
    assert results["positions"] == [other]
    assert results["statements"] == [other.statement]
    assert found(client.get("/search/?q=give+up+sea"))["positions"] == []


def test_it_is_case_insensitive_and_ignores_punctuation(client, record, putin):
    assert found(client.get("/search/?q=%22VLADIMIR%22+(putin)!"))["actors"] == [putin]


def test_filters_narrow_to_the_kinds_that_carry_them(client, record, position):
    event, other = record
    results = found(client.get("/search/?q=territory&party=ukraine"))
    assert set(results) == {"positions", "statements", "events", "actors"}
    assert results["positions"] == [other]
    assert results["events"] == []
    results = found(client.get("/search/?q=territory&stance=opposes"))
    assert set(results) == {"positions"} and results["positions"] == [other]
    territory = territory_topic()
    other.point.topics.add(territory)
    results = found(client.get("/search/?q=territory&topic=territory"))
    assert set(results) == {"points", "positions"}
    assert set(results["positions"]) == {position, other}, "both are on a territory point"


def test_the_plan_filter_covers_positions_on_points_components_and_the_plan(
    client, record, plan, component, russia, source
):
    on_plan = coded(
        russia,
        "unclear",
        plan=plan,
        summary="Territory unclear",
        stated_on=STATED_ON,
        source=source,
    )
    results = found(client.get(f"/search/?q=territory&plan={plan.slug}"))
    assert on_plan in results["positions"]
    response = client.get("/search/?q=territory&plan=nonexistent-plan")
    assert response.status_code == 400


def test_the_date_range_applies_to_positions_events_and_sources(client, record, position):
    event, other = record
    day = STATED_ON.isoformat()
    results = found(client.get(f"/search/?q=territory&start={day}&end={day}"))
    assert set(results) == {"positions", "statements", "sources", "events"}
    assert other not in results["positions"]
    assert other.statement not in results["statements"]
    assert results["events"] == [event]


@pytest.mark.parametrize("query", ["q=x&start=31-12-2025", "q=x&stance=maybe", "q=x&page=0"])
def test_bad_filters_are_a_400_with_a_message(client, record, query):
    response = client.get(f"/search/?{query}")
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()


def test_an_empty_query_asks_for_words(client, record):
    response = client.get("/search/?q=+!+")
    assert response.status_code == 200
    assert response.context["results"] == {}
    assert "Type a word or two" in response.content.decode()


@pytest.fixture
def territorial(point, russia, ukraine, source):
    """Ukraine's and Russia's positions on a point filed under "Territory"."""
    territory = territory_topic()
    point.topics.add(territory)
    kyiv = coded(ukraine, "red_line", point=point, summary="No withdrawal.", source=source)
    moscow = coded(russia, "demands", point=point, summary="Withdrawal first.", source=source)
    return kyiv, moscow


def test_a_search_word_finds_positions_on_points_of_the_topic_it_names(client, territorial):
    kyiv, moscow = territorial
    response = client.get("/search/?q=territorial&party=ukraine")
    assert response.status_code == 200
    assert found(response)["positions"] == [kyiv]
    assert set(found(client.get("/search/?q=territorial"))["positions"]) == {kyiv, moscow}
    assert "on US 28 · 21. Territory" in response.content.decode()


def test_a_topic_match_needs_the_beginning_of_a_word_of_its_name(client, territorial):
    assert found(client.get("/search/?q=torial"))["positions"] == []
    assert found(client.get("/search/?q=territ"))["points"] != []


def test_it_finds_statements_in_their_own_language_and_in_translation(
    client, ukraine, point, source
):
    statement = said(
        ukraine,
        quote="Ми не віддамо нашу землю",
        language="uk",
        statement_summary="Zelensky on land.",
        source=source,
    )
    Translation.objects.create(
        statement=statement,
        language="en",
        text="We will not give away our land",
        rendered_by="Reuters",
    )
    coding = coded(ukraine, "red_line", statement=statement, point=point)
    results = found(client.get("/search/?q=землю"))
    assert results["statements"] == [statement] and results["positions"] == [coding]
    results = found(client.get("/search/?q=give+away+land"))
    assert results["statements"] == [statement] and results["positions"] == [coding]
    body = client.get("/search/?q=give+away").content.decode()
    assert 'lang="uk"' in body and "Ми не віддамо" in body


def test_results_are_capped_per_kind_with_a_more_link(client, plan, point):
    populate(plan, parties=1, points=SEARCH_CAP + 5)
    response = client.get("/search/?q=point")
    label, records, more = response.context["results"]["points"]
    assert len(records) == SEARCH_CAP and more
    body = response.content.decode()
    assert "kind=points&amp;page=1" in body
    response = client.get("/search/?q=point&kind=points&page=1")
    assert list(response.context["results"]) == ["points"]
    label, records, more = response.context["results"]["points"]
    assert len(records) == SEARCH_CAP + 5 and not more


def test_the_header_has_a_search_box(client, db):
    body = client.get("/timeline/").content.decode()
    assert 'action="/search/"' in body and 'name="q"' in body


def test_user_text_is_escaped(client, record, point):
    point.title = "<img src=x onerror=alert(1)> Crimea"
    point.save()
    body = client.get("/search/?q=crimea").content.decode()
    assert "<img src=x" not in body


def test_the_page_costs_the_same_queries_at_two_sizes(
    client, record, plan, territorial, django_assert_num_queries
):
    populate(plan, parties=1, points=3)
    said(territorial[0].party, statement_summary="Talks go on.")  # a word beginning with t
    url = "/search/?q=t"
    # change marker (ETag), the topics, points and their topics, positions and their
    # statements' sources, statements, their sources, their translations, sources,
    # events, actors, then the parties, topics and plans for the filter selects
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200
    other = plan.__class__.objects.create(slug="other", title="o", short_title="o")
    populate(other, parties=6, points=40, positions_per_cell=2)
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200


# The seed: the database's search against a plain reference, on SQLite and PostgreSQL.

SEED_QUERIES = [
    "Putin",
    "NATO",
    "frozen assets",
    "Geneva",
    "territory",
    "Witkoff",
    "security guarantees",
    "Reuters",
    "sanctions",
    "withdraw",
]


def reference(kind, words):
    """Records with every word at the start of a word in one of the kind's fields,
    a translation of their statement, or (loosely) the name of one of their topics."""
    import re
    from functools import reduce

    from tracker.analysis.search import topics_matching

    topics = list(Topic.objects.values_list("pk", "slug", "name"))

    def value(record, path):
        return reduce(lambda obj, name: getattr(obj, name, None), path.split("__"), record)

    def texts_of(record):
        texts = [str(value(record, name) or "") for name in kind.fields]
        statement = value(record, kind.statement) if kind.statement else None
        if kind.statement == "pk":
            statement = record
        if statement is not None:
            texts += [t.text for t in statement.translations.all()]
        return texts

    def topic_pks(record):
        point = record if kind.point == "pk" else value(record, kind.point or "-")
        return {t.pk for t in point.topics.all()} if point is not None else set()

    matches = set()
    for record in kind.model.objects.all():
        texts, tagged = texts_of(record), topic_pks(record)
        if all(
            any(re.search(rf"(?<!\w){re.escape(w)}", t, re.I) for t in texts)
            or tagged & topics_matching(w, topics)
            for w in words
        ):
            matches.add(record.pk)
    return matches


@pytest.mark.parametrize("query", SEED_QUERIES)
def test_on_the_seed_the_database_search_matches_the_reference(query):
    load_seed()
    words = search_words(query)
    results = search({"q": query}, cap=10_000)
    for name, kind in SEARCH_KINDS.items():
        got = {record.pk for record in results[name][1]}
        assert got == reference(kind, words), f"{connection.vendor}: {name} for {query!r}"
    assert any(results[name][1] for name in results), f"{query!r} finds nothing on the seed"


def test_it_matches_at_the_start_of_a_word_in_any_script_and_case(client, russia, source):
    statement = said(russia, quote="Путин и сенаторы", language="ru", source=source)
    assert found(client.get("/search/?q=путин"))["statements"] == [statement]
    assert found(client.get("/search/?q=сенатор"))["statements"] == [statement]
    assert found(client.get("/search/?q=енатор"))["statements"] == []
