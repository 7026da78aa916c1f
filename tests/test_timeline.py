"""The timeline: events and statements newest first, filters, and the SVG chart."""

import datetime

import pytest
from django.utils.html import escape

from tests.conftest import STATED_ON, populate
from tests.evidence import coded, said, territory_topic
from tests.seeding import load_seed
from tests.timelines import drawn_chart, listed, places
from tracker.models import Event, PointStatus, Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(position, russia, ukraine, source, point):
    talks = Event.objects.create(
        slug="geneva-talks",
        title="Talks in Geneva",
        kind="talks",
        occurred_on=STATED_ON - datetime.timedelta(days=4),
        source=source,
    )
    talks.parties.add(ukraine)
    summit = Event.objects.create(
        slug="bishkek", title="CSTO summit", occurred_on=STATED_ON, source=source
    )
    summit.parties.add(russia)
    reply = coded(
        ukraine,
        "opposes",
        plan=point.plan,
        summary="Ukraine objects",
        stated_on=STATED_ON - datetime.timedelta(days=6),
        source=source,
    ).statement
    point.topics.add(territory_topic())
    return talks, summit, reply


def test_it_merges_events_and_statements_newest_first(client, record, position):
    talks, summit, reply = record
    response = client.get("/timeline/")
    assert response.status_code == 200
    # A day's events come before its statements.
    assert listed(response) == [
        summit,
        position.statement,
        talks,
        reply,
    ]
    body = response.content.decode()
    assert position.statement.sources.get().get_absolute_url() in body
    listing = body[body.index('<ol class="timeline">') :]
    assert listing.index("CSTO summit") < listing.index("Talks in Geneva")


def test_it_filters_by_party(client, record, position):
    talks, summit, reply = record
    assert listed(client.get("/timeline/?party=russia")) == [summit, position.statement]


def test_it_filters_by_topic_listing_positions_on_points_of_that_topic(client, record, position):
    assert listed(client.get("/timeline/?topic=territory")) == [position.statement]
    assert not listed(client.get("/timeline/?topic=nuclear"))


def test_it_filters_by_date_range(client, record):
    talks, summit, reply = record
    day = talks.occurred_on.isoformat()
    assert listed(client.get(f"/timeline/?start={day}&end={day}")) == [talks]


@pytest.mark.parametrize(
    "query",
    [
        "start=2025-13-01",
        "end=yesterday",
        "start=2025-11-27&end=2025-11-01",
        "party=nobody",
        "topic=<b>",
    ],
)
def test_bad_filters_are_a_400_with_a_message(client, record, query):
    response = client.get(f"/timeline/?{query}")
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()


def test_the_chart_is_server_rendered_svg_coloured_by_classes(client, record, position):
    body = client.get("/timeline/").content.decode()
    start = body.index('class="stance-chart"')
    svg = body[start : body.index("</svg>", start)]
    assert 'class="dot dot-supports"' in svg and 'class="dot dot-opposes"' in svg
    assert "party-russia" in svg and "party-ukraine" in svg
    assert 'class="event-mark"' in svg
    assert position.get_absolute_url() in svg
    assert "style=" not in body and "<script>" not in svg


def test_the_chart_places_later_positions_further_right(client, record, position):
    chart = drawn_chart(client.get("/timeline/"))
    ukraine_row = next(row for row in chart["rows"] if row["label"] == "UA")
    russia_row = next(row for row in chart["rows"] if row["label"] == "RU")
    assert ukraine_row["dots"][0]["cx"] == chart["plot_left"]
    assert russia_row["dots"][0]["cx"] == chart["plot_right"]


def test_an_empty_timeline_has_no_chart(client, db):
    response = client.get("/timeline/")
    assert response.status_code == 200
    assert not response.context["chart"]
    assert "stance-chart" not in response.content.decode()


def test_the_page_costs_the_same_queries_at_two_sizes(
    client, record, plan, point, russia, source, django_assert_num_queries
):
    populate(plan, parties=1, points=2)
    step = PointStatus.objects.create(point=point, status="agreed", on=STATED_ON, source=source)
    step.agreed_by.add(russia)
    url = "/timeline/?party=russia&topic=territory&start=2025-01-01"
    earlier = "/timeline/?zoom=all&before=2025-11-28"  # all three kinds on its page
    # Filtered (11): the change marker (ETag); the party and the topic (form validation);
    # status steps with the parties agreeing, statements with their sources, translations
    # and codings (events carry no topic, so none are read); parties and topics for the
    # selects. Unfiltered (11): the marker; events with their parties, steps with the
    # parties agreeing, statements with sources, translations and codings; the selects.
    # The earlier page loaded by htmx (9): the same without the selects (no form).
    # Each again, kept: the marker, the filters' party and topic, the selects.
    for size in ("small", "large"):
        if size == "large":
            other = plan.__class__.objects.create(slug="other", title="o", short_title="o")
            populate(other, parties=6, points=40, positions_per_cell=2)
        for query, drawn, again, headers in (
            (url, 11, 5, {}),
            ("/timeline/", 11, 3, {}),
            (earlier, 9, 1, {"HX-Request": "true"}),
        ):
            with django_assert_num_queries(drawn):
                assert client.get(query, headers=headers).status_code == 200
            with django_assert_num_queries(again):
                assert client.get(query, headers=headers).status_code == 200


def test_the_list_is_kept_until_the_next_write(client, record, position, source, russia):
    first = client.get("/timeline/?zoom=all")
    again = client.get("/timeline/?zoom=all")
    assert places(again.content.decode()) == places(first.content.decode())
    new = said(russia, stated_on=STATED_ON, source=source, statement_summary="A new remark")
    after = client.get("/timeline/?zoom=all").content.decode()
    assert places(after)[1] == ("statement", new.pk, STATED_ON)
    assert "A new remark" in after


def test_on_the_seed_it_shows_what_happened_in_the_week_of_20_to_27_november(client):
    load_seed()
    response = client.get("/timeline/?start=2025-11-20&end=2025-11-27")
    entries = places(response.content.decode())
    items = listed(response)
    events = [item.slug for item in items if isinstance(item, Event)]
    assert events[0] == "bishkek-csto-summit-2025-11-27"
    assert set(events[1:3]) == {"e3-counter-proposal-2025-11-23", "geneva-talks-2025-11-23"}
    assert events[3:] == ["security-council-2025-11-21"]
    # The leak is dated the week of 18 November (the day is not known) and Yermak resigned
    # on the 28th: both fall outside the window.
    assert Event.objects.filter(slug="us-28-point-plan-leak", occurred_on__lt="2025-11-20")
    assert "us-28-point-plan-leak" not in events and "yermak-resigns-2025-11-28" not in events
    dates = [day for _, _, day in entries]
    assert dates == sorted(dates, reverse=True)
    assert min(dates) >= datetime.date(2025, 11, 20) and max(dates) <= datetime.date(2025, 11, 27)
    statements = [item for item in items if isinstance(item, Statement)]
    assert (
        len(statements)
        == Statement.objects.filter(said_on__range=("2025-11-20", "2025-11-27")).count()
    )
    body = response.content.decode()
    for event in Event.objects.filter(slug__in=events):
        assert f"<strong>{escape(event.title)}</strong>" in body
    for event in Event.objects.exclude(slug__in=events):
        assert f"<strong>{escape(event.title)}</strong>" not in body


def test_it_lists_statements_once_with_every_coding_and_the_original_beside_the_translation(
    client, russia, point, plan, source
):
    from tracker.models import Point, Translation

    other = Point.objects.create(plan=plan, number=2, title="Europe", text="t")
    statement = said(russia, quote="Мы не собираемся нападать", language="ru", source=source)
    Translation.objects.create(
        statement=statement, language="en", text="We have no plans to attack", rendered_by="TASS"
    )
    coded(statement=statement, stance="proposer", point=point)
    coded(statement=statement, stance="supports", point=other)
    response = client.get("/timeline/")
    assert listed(response) == [statement]
    body = response.content.decode()
    assert body.count("Мы не собираемся нападать") == 1
    assert 'lang="ru"' in body and "We have no plans to attack" in body and "TASS" in body
    assert str(point) in body and str(other) in body


def test_it_dates_a_statement_as_precisely_as_its_source(client, russia, source):
    said(russia, stated_on=datetime.date(2025, 11, 24), precision="week", source=source)
    body = client.get("/timeline/?zoom=all").content.decode()
    assert "week of 24 Nov 2025" in body


def test_status_steps_appear_on_their_own_dates_with_who_agreed(
    client, point, ukraine, russia, source
):
    step = PointStatus.objects.create(
        point=point, status="agreed", on=datetime.date(2025, 11, 23), source=source
    )
    step.agreed_by.add(ukraine)
    body = client.get("/timeline/?zoom=all").content.decode()
    assert places(body) == [("status", step.pk, datetime.date(2025, 11, 23))]
    assert listed(client.get("/timeline/?party=ukraine&zoom=all")) == [step]
    assert not listed(client.get("/timeline/?party=russia&zoom=all"))


def test_an_event_that_went_on_for_days_is_a_span_and_in_every_window_it_overlaps(
    client, record, position
):
    talks, summit, reply = record
    talks.ends_on = talks.occurred_on + datetime.timedelta(days=2)
    talks.save()
    start = (talks.occurred_on + datetime.timedelta(days=1)).isoformat()
    response = client.get(f"/timeline/?start={start}")
    assert talks in listed(response)
    body = response.content.decode()
    assert "23–25 Nov 2025" in body
    (span,) = [d for row in drawn_chart(response)["rows"] for d in row["dots"] if "end_x" in d]
    assert span["item"] == talks and span["end_x"] > span["cx"]
    assert 'class="event-span"' in body
    after = (talks.ends_on + datetime.timedelta(days=1)).isoformat()
    assert talks not in listed(client.get(f"/timeline/?start={after}"))


def test_an_uncertain_status_step_is_marked(client, point, source):
    PointStatus.objects.create(
        point=point,
        status="agreed",
        on=datetime.date(2025, 11, 23),
        source=source,
        certainty="low",
    )
    body = client.get("/timeline/?zoom=all").content.decode()
    assert '<span class="certainty low"' in body.split("<footer")[0]


def test_entering_a_record_is_not_news(client, russia, source):
    old = said(russia, stated_on=datetime.date(2025, 9, 1), source=source)
    entries = places(client.get("/timeline/?zoom=7").content.decode())
    assert [day for _, _, day in entries] == [old.said_on], "dated when said, not entered"


def test_a_long_timeline_keeps_the_latest_entries_and_says_from_when(client, russia, source, plan):
    from tracker.analysis.timeline import timeline

    first_day = datetime.date(2025, 9, 1)
    for day in range(12):
        said(
            russia,
            statement_summary=f"Said on day {day:02d}",
            stated_on=first_day + datetime.timedelta(days=day),
            source=source,
        )
    Event.objects.create(slug="old", title="Early event", occurred_on=first_day, source=source)
    entries, since = timeline(limit=5)
    assert since == first_day + datetime.timedelta(days=7)
    assert [e.item.summary for e in entries] == [f"Said on day {day:02d}" for day in range(7, 12)]
    assert "Early event" not in {getattr(e.item, "title", "") for e in entries}, (
        "an event before the statements' cut would suggest nothing was said then"
    )
    assert timeline(limit=50)[1] is None
    body = client.get("/timeline/").content.decode()
    assert "Only the latest entries are shown" not in body


@pytest.fixture
def early_event(source):
    return Event.objects.create(
        slug="august",
        title="An August meeting",
        occurred_on=STATED_ON - datetime.timedelta(days=100),
        source=source,
    )


def test_by_default_it_shows_the_last_30_days_with_entries_and_links_to_all(
    client, record, position, early_event
):
    response = client.get("/timeline/")
    items = listed(response)
    assert early_event not in items and position.statement in items
    assert drawn_chart(response)["first"] == STATED_ON - datetime.timedelta(days=6)
    body = response.content.decode()
    assert 'href="?zoom=all"' in body
    assert "Showing 29 Oct 2025 to 27 Nov 2025" in body
    everything = client.get("/timeline/?zoom=all")
    assert early_event in listed(everything)
    assert drawn_chart(everything)["first"] == early_event.occurred_on


def test_zooming_to_seven_days_keeps_the_parties_filter(client, record, position, source):
    talks, summit, reply = record
    Event.objects.create(
        slug="eighth",
        title="Eight days back",
        occurred_on=STATED_ON - datetime.timedelta(days=7),
        source=source,
    )
    response = client.get("/timeline/?zoom=7")
    items = listed(response)
    assert items == [summit, position.statement, talks, reply]
    body = client.get("/timeline/?party=russia&zoom=7").content.decode()
    assert 'href="?party=russia&amp;zoom=all"' in body


def test_dates_chosen_by_hand_win_over_the_zoom(client, record, position, early_event):
    day = early_event.occurred_on.isoformat()
    assert listed(client.get(f"/timeline/?zoom=7&start={day}&end={day}")) == [early_event]


def test_an_unknown_zoom_is_a_400_with_a_message(client, record):
    response = client.get("/timeline/?zoom=year")
    assert response.status_code == 400
    assert "Zoom:" in response.content.decode()


def test_positions_of_one_day_are_stacked_apart_within_their_row(client, russia, source, plan):
    from tracker.models import Point

    point = Point.objects.create(plan=plan, number=1, title="P", text="t")
    for n in range(8):
        coded(russia, "supports", point=point, summary=f"S{n}", stated_on=STATED_ON, source=source)
    chart = drawn_chart(client.get("/timeline/"))
    [row] = chart["rows"]
    heights = sorted(dot["cy"] for dot in row["dots"])
    assert len({dot["cx"] for dot in row["dots"]}) == 1
    assert all(b - a >= 10 for a, b in zip(heights, heights[1:], strict=False))
    assert heights[0] > 0 and heights[-1] < chart["axis_y"]
