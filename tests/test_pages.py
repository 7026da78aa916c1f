"""The read-only pages: what they show and what they cost."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import STATED_ON, populate
from tests.evidence import coded, said
from tests.tables import cell_classes, stance_table
from tracker.models import (
    ActorRole,
    Delegation,
    Event,
    PlanAuthor,
    PointLink,
    PointStatus,
    PointText,
    Position,
    Provision,
    Source,
    Statement,
    Topic,
    Translation,
)

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_overview_lists_plans_counts_and_events(client, position):
    response = client.get("/")
    assert response.status_code == 200
    assert b"U.S. 28-point draft" in response.content
    assert response.context["counts"] == {
        "parties": 1,
        "points": 1,
        "statements": 1,
        "positions": 1,
        "events": 0,
    }


def test_plan_page_groups_points_by_component_with_latest_stances(
    client, plan, point, position, russia
):
    older = coded(
        russia, "opposes", point=point, summary="Earlier view", stated_on=STATED_ON.replace(day=1)
    )
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    table = stance_table(response)
    [(component, rows, _)] = table.sections()
    assert component == point.component
    [(shown_point, _)] = rows
    assert shown_point == point
    assert table.parties == [russia]
    assert table.stance(point, russia) == position.stance  # the newer position's
    assert position.stance != older.stance
    body = response.content.decode()
    assert "m-supports" in cell_classes(body, point, russia)
    assert f"Component {component.number}: {component.title}" in body


def test_point_page_shows_text_lineage_and_positions(client, point, position, plan, source):
    from tracker.models import Plan, Point

    later_plan = Plan.objects.create(slug="geneva", title="Geneva framework", short_title="Geneva")
    later = Point.objects.create(plan=later_plan, number=3, title="Territory, bracketed", text="t")
    PointLink.objects.create(
        earlier=point, later=later, plan=later_plan, kind="merged", source=source
    )
    response = client.get(point.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Crimea and Donbas recognised." in body
    assert later.get_absolute_url() in body and "Merged into" in body
    assert source.get_absolute_url() in body
    assert "Wants Ukraine to withdraw." in body
    assert "Vladimir Putin" in body
    assert position.statement.get_absolute_url() in body
    earlier_page = client.get(later.get_absolute_url()).content.decode()
    assert point.get_absolute_url() in earlier_page and "merged into" in earlier_page


def test_uncertain_lineage_and_status_steps_are_marked_on_the_point_page(
    client, point, plan, source
):
    from tracker.models import Plan, Point, PointStatus

    later_plan = Plan.objects.create(slug="geneva", title="Geneva framework", short_title="Geneva")
    later = Point.objects.create(plan=later_plan, number=3, title="Bracketed", text="t")
    PointLink.objects.create(
        earlier=point, later=later, plan=later_plan, kind="merged", certainty="low"
    )
    PointStatus.objects.create(
        point=point, status="leaders", on=datetime.date(2025, 11, 24), source=source
    )
    body = client.get(point.get_absolute_url()).content.decode().split("<footer")[0]
    assert body.count('class="certainty low"') == 1  # the link: the tracker's own reading
    assert body.count('class="certainty medium"') == 1  # the step: reported
    later_page = client.get(later.get_absolute_url()).content.decode().split("<footer")[0]
    assert 'class="certainty low"' in later_page


def test_point_page_shows_topics_provisions_texts_and_status_history(
    client, point, source, russia, ukraine
):
    topic, _ = Topic.objects.get_or_create(slug="territory", defaults={"name": "Territory"})
    point.topics.add(topic)
    Provision.objects.create(point=point, number=1, title="Recognition of Crimea")
    PointText.objects.create(
        point=point, language="ru", text="Крым признаётся", standing="leaked", source=source
    )
    PointText.objects.create(
        point=point,
        language="en",
        text="Crimea recognised",
        standing="leaked",
        is_translation=True,
        source=source,
    )
    step = PointStatus.objects.create(
        point=point, status="agreed", on=STATED_ON, source=source, note="In Geneva"
    )
    step.agreed_by.add(russia, ukraine)
    body = client.get(point.get_absolute_url()).content.decode()
    assert "Territory" in body and "Recognition of Crimea" in body
    assert 'lang="ru"' in body and "Крым признаётся" in body and "Crimea recognised" in body
    assert "Leaked text" in body or "leaked text" in body
    assert "Agreed" in body and "In Geneva" in body and ukraine.get_absolute_url() in body


def test_party_page_lists_actors_and_statements(client, russia, putin, position):
    response = client.get(russia.get_absolute_url())
    body = response.content.decode()
    assert "Vladimir Putin" in body and "President" in body
    assert position.statement.get_absolute_url() in body
    assert "Belligerent" in body or "Other" in body


def test_source_page_lists_the_statements_it_reports_and_its_citations(client, source, position):
    reuters = Source.objects.create(slug="ft", title="FT report", reliability="fair")
    source.cites.add(reuters)
    response = client.get(source.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert position.statement.get_absolute_url() in body
    assert reuters.get_absolute_url() in body and "Cites" in body
    assert "Not graded" in body
    assert source.get_absolute_url() in client.get(reuters.get_absolute_url()).content.decode()


def test_plan_page_lists_its_authors_with_role_and_certainty(client, plan, russia, putin, source):
    PlanAuthor.objects.create(plan=plan, actor=putin, party=russia, role="author", source=source)
    body = client.get(plan.get_absolute_url()).content.decode()
    assert "Vladimir Putin" in body and "drafted it" in body and "reported" in body


def test_actor_page_shows_dated_roles_and_statements(client, putin, russia, position, source):
    ActorRole.objects.create(
        actor=putin, party=russia, title="President", started_on=STATED_ON.replace(year=2012)
    )
    body = client.get(putin.get_absolute_url()).content.decode()
    assert "President" in body and "in post" in body
    assert position.statement.get_absolute_url() in body


def test_event_page_shows_delegations_plans_and_statements(client, russia, putin, source, plan):
    event = Event.objects.create(
        slug="geneva-talks", title="Geneva talks", occurred_on=STATED_ON, source=source
    )
    event.plans.add(plan)
    delegation = Delegation.objects.create(event=event, party=russia, role="negotiator")
    delegation.actors.add(putin)
    statement = said(russia, speaker=putin, event=event, quote="Мы готовы", language="ru")
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Negotiating party" in body and "Vladimir Putin" in body
    assert plan.get_absolute_url() in body
    assert statement.get_absolute_url() in body and "Мы готовы" in body


def test_statement_page_shows_the_original_and_translations_side_by_side(
    client, russia, putin, source, point, analyst
):
    statement = said(
        russia,
        speaker=putin,
        quote="Это может стать основой",
        language="ru",
        capacity="President",
        precision="week",
        venue="Bishkek press conference",
    )
    Translation.objects.create(
        statement=statement,
        language="en",
        text="This could be a basis",
        rendered_by="Reuters",
        source=source,
    )
    coding = coded(statement=statement, stance="basis", point=point)
    coding.coded_by = analyst
    coding.save()
    body = client.get(statement.get_absolute_url()).content.decode()
    assert 'lang="ru"' in body and "Это может стать основой" in body
    assert 'lang="en"' in body and "This could be a basis" in body and "Reuters" in body
    assert "week of 27 Nov 2025" in body and "Bishkek press conference" in body
    assert "Accepts as a basis" in body and "anna" in body
    assert source.get_absolute_url() in body


def test_user_text_is_escaped(client, point, position):
    position.summary = "<script>alert(1)</script>"
    position.save()
    body = client.get(point.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize(
    "url",
    [
        "/plans/nope/",
        "/plans/us-draft/points/999/",
        "/parties/nope/",
        "/sources/999/",
        "/positions/00000000-0000-0000-0000-000000000000/",
        "/statements/00000000-0000-0000-0000-000000000000/",
    ],
)
def test_missing_objects_are_404(client, plan, url):
    assert client.get(url).status_code == 404


def test_pages_refuse_writes(client, plan):
    assert client.post(plan.get_absolute_url()).status_code == 405


# Query counts: each page costs the same at two data sizes.


def _count_queries(client, django_assert_num_queries, url, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [(2, 3), (8, 30)])
def test_overview_query_count_is_fixed(
    client, plan, position, source, size, django_assert_num_queries
):
    populate(plan, parties=size[0], points=size[1])
    for n in range(size[0]):
        event = Event.objects.create(
            slug=f"e{n}", title=f"Talks {n}", occurred_on=position.stated_on, source=source
        )
        event.parties.add(position.party)
    # change marker (ETag), plans with point counts, their authors, 5 counts, latest
    # positions, latest event date, latest position date, the week's events, their
    # parties, the week's stance counts
    _count_queries(client, django_assert_num_queries, "/", 14)


@pytest.mark.parametrize("size", [(2, 3), (8, 30)])
def test_plan_page_query_count_is_fixed(client, plan, position, size, django_assert_num_queries):
    populate(plan, parties=size[0], points=size[1])
    # plan, its authors, change marker, points with components, latest positions, parties
    _count_queries(client, django_assert_num_queries, plan.get_absolute_url(), 6)


def test_plan_page_reuses_its_tables_until_something_is_saved_and_per_permission(
    client, analyst, plan, component, point, position, django_assert_num_queries
):
    first = client.get(plan.get_absolute_url()).content.decode()
    assert "stance-supports" in first and "Edit<span" not in first
    # the plan, the change marker: the page, its authors and tables, is kept
    _count_queries(client, django_assert_num_queries, plan.get_absolute_url(), 2)
    client.force_login(analyst)
    signed_in = client.get(plan.get_absolute_url()).content.decode()
    assert f'href="/plans/{plan.slug}/components/{component.number}/edit/"' in signed_in
    point.title = "Territory, renamed"
    point.save_checked(point.version, user=analyst)
    client.logout()
    after = client.get(plan.get_absolute_url()).content.decode()
    assert "Territory, renamed" in after and "Edit<span" not in after


def test_point_page_is_kept_until_something_is_saved_and_per_permission(
    client, analyst, plan, point, position, ukraine, source, django_assert_num_queries
):
    edit = f'href="/positions/{position.uid}/edit/'
    first = client.get(point.get_absolute_url()).content.decode()
    assert f'id="position-{position.uid}"' in first and edit not in first
    # kept: the change marker alone is read (for the ETag and the key of the drawing)
    _count_queries(client, django_assert_num_queries, point.get_absolute_url(), 1)
    client.force_login(analyst)
    signed_in = client.get(point.get_absolute_url()).content.decode()
    assert edit in signed_in and "Edit all fields" in signed_in and 'class="follow"' in signed_in
    new = coded(ukraine, "opposes", point=point, source=source)
    client.logout()
    after = client.get(point.get_absolute_url()).content.decode()
    assert f'id="position-{new.uid}"' in after and edit not in after


@pytest.mark.parametrize("size", [1, 6])
def test_point_page_query_count_is_fixed(
    client, plan, point, position, size, django_assert_num_queries
):
    populate(plan, parties=size, points=2, positions_per_cell=size)

    Position.objects.filter(party__slug__startswith=plan.slug).update(point=point)
    # change marker (ETag), point with plan/component, its topics, provisions, texts,
    # statuses (their parties only when there are some), earlier links, later links,
    # positions with statements
    _count_queries(client, django_assert_num_queries, point.get_absolute_url(), 9)


@pytest.mark.parametrize("size", [2, 120])
def test_party_page_query_count_is_fixed(
    client, plan, russia, position, size, django_assert_num_queries
):
    populate(plan, parties=1, points=1, positions_per_cell=size)
    Statement.objects.filter(party__slug__startswith=plan.slug).update(party=russia)
    # change marker (ETag), party, its blocs, its members, actors, count of statements,
    # one page of statements with speaker and event, their sources, translations,
    # codings (events are listed only to editors)
    _count_queries(client, django_assert_num_queries, russia.get_absolute_url(), 10)


def test_party_page_lists_statements_newest_first_fifty_to_a_page(client, plan, russia):
    import datetime

    for number in range(1, 61):
        said(
            russia,
            stated_on=datetime.date(2025, 9, 1) + datetime.timedelta(days=number),
            statement_summary=f"Said thing {number:02d}.",
        )
    first = client.get(russia.get_absolute_url()).content.decode()
    assert "Said thing 60." in first and "Said thing 11." in first
    assert "Said thing 10." not in first
    assert "1–50 of 60" in first and 'href="?page=2"' in first
    second = client.get(russia.get_absolute_url() + "?page=2").content.decode()
    assert "Said thing 10." in second and "Said thing 01." in second
    assert "Said thing 11." not in second
    assert client.get(russia.get_absolute_url() + "?page=zz").status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_source_page_query_count_is_fixed(
    client, plan, source, position, size, django_assert_num_queries
):
    populate(plan, parties=1, points=1, positions_per_cell=size)
    Statement.sources.through.objects.update(source=source)
    # change marker (ETag), source, what it cites, what cites it, count of statements,
    # one page of statements with speaker and event, their sources, translations,
    # codings, events
    url = reverse("source_detail", args=[source.pk])
    _count_queries(client, django_assert_num_queries, url, 10)


def test_party_colours_come_from_a_stylesheet_not_inline_styles(client, russia, position):
    css = client.get("/parties.css")
    assert css["Content-Type"].startswith("text/css")
    assert ".party-russia { --party: #b91c1c; }" in css.content.decode()
    page = client.get(russia.get_absolute_url()).content.decode()
    assert "style=" not in page


def test_a_statement_has_a_history_page_linked_from_its_page(viewer_client, position):
    statement = position.statement
    url = reverse("object_history", args=["statement", statement.pk])
    assert url in viewer_client.get(statement.get_absolute_url()).content.decode()
    assert viewer_client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 12])
def test_statement_page_query_count_is_fixed(
    client, position, point, size, django_assert_num_queries
):
    statement = position.statement
    tass = Source.objects.create(slug="tass", title="TASS")
    for n in range(size):
        coded(statement=statement, stance="unclear", point=point, summary=f"Reading {n}")
        Translation.objects.create(
            statement=statement, language="ru", text="т", rendered_by=f"R{n}", source=tass
        )
    # the statement with party, speaker and event, its sources, translations, their
    # sources, codings with subjects and coders
    _count_queries(client, django_assert_num_queries, statement.get_absolute_url(), 5)


@pytest.mark.parametrize(
    ("precision", "until", "shown"),
    [
        ("day", None, "24 Nov 2025"),
        ("week", None, "week of 24 Nov 2025"),
        ("month", None, "November 2025"),
        ("range", "2025-11-27", "between 24 and 27 Nov 2025"),
        ("range", "2025-12-02", "between 24 Nov and 2 Dec 2025"),
    ],
)
def test_a_date_is_shown_as_precisely_as_its_source_gives_it(precision, until, shown):
    import datetime

    from tracker.templatetags.evidence import said_when

    statement = Statement(
        said_on=datetime.date(2025, 11, 24),
        precision=precision,
        said_until=until and datetime.date.fromisoformat(until),
    )
    assert said_when(statement) == shown
