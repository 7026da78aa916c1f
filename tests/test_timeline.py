"""The timeline: events and positions in date order, filters, and the SVG chart."""

import datetime

import pytest
from django.core.management import call_command
from django.utils.html import escape

from tests.conftest import STATED_ON, populate
from tracker.models import Event, Position

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
    reply = Position.objects.create(
        party=ukraine,
        plan=point.plan,
        stance="opposes",
        summary="Ukraine objects",
        stated_on=STATED_ON - datetime.timedelta(days=6),
        source=source,
    )
    return talks, summit, reply


def test_it_merges_events_and_positions_in_date_order(client, record, position):
    talks, summit, reply = record
    response = client.get("/timeline/")
    assert response.status_code == 200
    assert [entry.item for entry in response.context["entries"]] == [reply, talks, summit, position]
    body = response.content.decode()
    assert position.source.get_absolute_url() in body
    assert body.index("Talks in Geneva") < body.index("CSTO summit")


def test_it_filters_by_party(client, record, position):
    talks, summit, reply = record
    entries = client.get("/timeline/?party=russia").context["entries"]
    assert [entry.item for entry in entries] == [summit, position]


def test_it_filters_by_topic_listing_positions_on_points_of_that_topic(client, record, position):
    entries = client.get("/timeline/?topic=territory").context["entries"]
    assert [entry.item for entry in entries] == [position]
    assert not client.get("/timeline/?topic=nuclear").context["entries"]


def test_it_filters_by_date_range(client, record):
    talks, summit, reply = record
    day = talks.occurred_on.isoformat()
    entries = client.get(f"/timeline/?start={day}&end={day}").context["entries"]
    assert [entry.item for entry in entries] == [talks]


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
    chart = client.get("/timeline/").context["chart"]
    ukraine_row = next(row for row in chart["rows"] if row["label"] == "UA")
    russia_row = next(row for row in chart["rows"] if row["label"] == "RU")
    assert ukraine_row["dots"][0]["cx"] == chart["plot_left"]
    assert russia_row["dots"][0]["cx"] == chart["plot_right"]


def test_an_empty_timeline_has_no_chart(client, db):
    response = client.get("/timeline/")
    assert response.status_code == 200
    assert response.context["chart"] is None
    assert "stance-chart" not in response.content.decode()


def test_the_page_costs_the_same_queries_at_two_sizes(
    client, record, plan, django_assert_num_queries
):
    populate(plan, parties=1, points=2)
    url = "/timeline/?party=russia&topic=territory&start=2025-01-01"
    # the change marker (ETag), then filtered: party (form validation), positions with
    # subjects, parties for the select (events carry no topic, so none are read);
    # unfiltered: positions, events, parties of those events (prefetch), parties for
    # the select, and no validation query
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/timeline/").status_code == 200
    other = plan.__class__.objects.create(slug="other", title="o", short_title="o")
    populate(other, parties=6, points=40, positions_per_cell=2)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/timeline/").status_code == 200


def test_on_the_seed_it_shows_what_happened_in_the_week_of_20_to_27_november(client):
    call_command("loaddata", "seed", verbosity=0)
    response = client.get("/timeline/?start=2025-11-20&end=2025-11-27")
    entries = response.context["entries"]
    events = [entry.item.slug for entry in entries if entry.kind == "event"]
    assert events[0] == "us-28-point-plan-leak"
    assert set(events[1:3]) == {"e3-counter-proposal-2025-11-23", "geneva-talks-2025-11-23"}
    assert events[3:] == [
        "driscoll-abu-dhabi-2025-11-24",
        "witkoff-ushakov-call-recording-2025-11-25",
        "bishkek-csto-summit-2025-11-27",
    ]
    dates = [entry.date for entry in entries]
    assert dates == sorted(dates)
    assert min(dates) >= datetime.date(2025, 11, 20) and max(dates) <= datetime.date(2025, 11, 27)
    positions = [entry.item for entry in entries if entry.kind == "position"]
    assert (
        len(positions)
        == Position.objects.filter(stated_on__range=("2025-11-20", "2025-11-27")).count()
    )
    body = response.content.decode()
    for event in Event.objects.filter(slug__in=events):
        assert f"<strong>{escape(event.title)}</strong>" in body
    assert "<strong>Witkoff visits Moscow</strong>" not in body


def test_a_long_timeline_keeps_the_latest_entries_and_says_from_when(client, russia, source, plan):
    from tracker.analysis.timeline import timeline
    from tracker.models import Point

    point = Point.objects.create(plan=plan, number=1, title="P", text="t")
    first_day = datetime.date(2025, 9, 1)
    for day in range(12):
        Position.objects.create(
            party=russia,
            point=point,
            stance="supports",
            summary=f"Said on day {day:02d}",
            stated_on=first_day + datetime.timedelta(days=day),
            source=source,
        )
    Event.objects.create(slug="old", title="Early event", occurred_on=first_day, source=source)
    entries, since = timeline(limit=5)
    assert since == first_day + datetime.timedelta(days=7)
    assert [e.item.summary for e in entries] == [f"Said on day {day:02d}" for day in range(7, 12)]
    assert "Early event" not in {getattr(e.item, "title", "") for e in entries}, (
        "an event before the positions' cut would suggest nothing was said then"
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
    items = [entry.item for entry in response.context["entries"]]
    assert early_event not in items and position in items
    assert response.context["chart"]["first"] == STATED_ON - datetime.timedelta(days=6)
    body = response.content.decode()
    assert 'href="?zoom=all"' in body
    assert "Showing 29 Oct 2025 to 27 Nov 2025" in body
    everything = client.get("/timeline/?zoom=all")
    assert early_event in [entry.item for entry in everything.context["entries"]]
    assert everything.context["chart"]["first"] == early_event.occurred_on


def test_zooming_to_seven_days_keeps_the_parties_filter(client, record, position, source):
    talks, summit, reply = record
    Event.objects.create(
        slug="eighth",
        title="Eight days back",
        occurred_on=STATED_ON - datetime.timedelta(days=7),
        source=source,
    )
    response = client.get("/timeline/?zoom=7")
    items = [entry.item for entry in response.context["entries"]]
    assert items == [reply, talks, summit, position]
    body = client.get("/timeline/?party=russia&zoom=7").content.decode()
    assert 'href="?party=russia&amp;zoom=all"' in body


def test_dates_chosen_by_hand_win_over_the_zoom(client, record, position, early_event):
    day = early_event.occurred_on.isoformat()
    entries = client.get(f"/timeline/?zoom=7&start={day}&end={day}").context["entries"]
    assert [entry.item for entry in entries] == [early_event]


def test_an_unknown_zoom_is_a_400_with_a_message(client, record):
    response = client.get("/timeline/?zoom=year")
    assert response.status_code == 400
    assert "Zoom:" in response.content.decode()


def test_positions_of_one_day_are_stacked_apart_within_their_row(client, russia, source, plan):
    from tracker.models import Point

    point = Point.objects.create(plan=plan, number=1, title="P", text="t")
    for n in range(8):
        Position.objects.create(
            party=russia,
            point=point,
            stance="supports",
            summary=f"S{n}",
            stated_on=STATED_ON,
            source=source,
        )
    chart = client.get("/timeline/").context["chart"]
    [row] = chart["rows"]
    heights = sorted(dot["cy"] for dot in row["dots"])
    assert len({dot["cx"] for dot in row["dots"]}) == 1
    assert all(b - a >= 10 for a, b in zip(heights, heights[1:], strict=False))
    assert heights[0] > 0 and heights[-1] < chart["axis_y"]
