"""The timeline a page of entries at a time: every entry on exactly one page, in one
order (newest day first; a day's events, steps, statements; newest record first), a busy
day running over several pages, plain "Earlier" and "Later" links that keep the
filters, htmx loading the earlier page."""

import datetime
import html
import re

import pytest

from tests.evidence import said
from tests.timelines import drawn_chart, places
from tracker.analysis import timeline as timelines
from tracker.models import Event, PointStatus, Statement

pytestmark = pytest.mark.django_db

PAGE = 5
FIRST = datetime.date(2025, 9, 1)
LATEST = FIRST + datetime.timedelta(days=58)  # the record's last day (day 59 is quiet)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(timelines, "TIMELINE_PAGE", PAGE)


@pytest.fixture
def record(russia, ukraine, source, point):
    """Sixty days of entries of every kind, unevenly spread: quiet days, days with a few
    entries of different kinds, one day with more entries than a page holds."""
    for n in range(60):
        day = FIRST + datetime.timedelta(days=n)
        if n % 7 == 3:
            continue  # a quiet day
        said(russia if n % 2 else ukraine, stated_on=day, source=source)
        if n % 3 == 0:
            said(ukraine, stated_on=day, source=source)
        if n % 5 == 0:
            event = Event.objects.create(
                slug=f"event-{n}", title=f"Meeting {n}", occurred_on=day, source=source
            )
            event.parties.add(russia if n % 10 else ukraine)
        if n % 11 == 0:
            step = PointStatus.objects.create(point=point, status="agreed", on=day, source=source)
            step.agreed_by.add(russia)
    busy = FIRST + datetime.timedelta(days=40)
    for _ in range(PAGE + 3):  # a day that alone holds more than a page
        said(russia, stated_on=busy, source=source)
    return busy


def everything(party=None, since=None):
    statements = Statement.objects.all()
    events = Event.objects.all()
    steps = PointStatus.objects.all()
    if party:
        statements = statements.filter(party=party)
        events = events.filter(parties=party)
        steps = steps.filter(agreed_by=party)
    if since:
        statements = statements.filter(said_on__gte=since)
        events = events.filter(occurred_on__gte=since)
        steps = steps.filter(on__gte=since)
    return (
        {("statement", pk) for pk in statements.values_list("pk", flat=True)}
        | {("event", pk) for pk in events.values_list("pk", flat=True)}
        | {("status", pk) for pk in steps.values_list("pk", flat=True)}
    )


def link(body, rel):
    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', body)
    return html.unescape(found.group(1)) if found else None


def walk(client, url, rel):
    """Follow the ``rel`` links from ``url`` to the end: each page's entries."""
    pages = []
    while url:
        response = client.get("/timeline/" + url if url.startswith("?") else url)
        assert response.status_code == 200, url
        body = response.content.decode()
        pages.append(places(body))
        url = link(body, rel)
        assert len(pages) < 100, "the links go round in a circle"
    return pages


def newest_first(entries):
    order = {"event": 0, "status": 1, "statement": 2}
    return sorted(entries, key=lambda e: (-e[2].toordinal(), order[e[0]], -e[1]))


def check_pages(pages, expected, busy):
    """Every entry once, each page full but the last, and the pages read one after
    the other in the timeline's order; the busy day runs over more than one page."""
    seen = [entry for page in pages for entry in page]
    keys = [(kind, pk) for kind, pk, _ in seen]
    assert len(keys) == len(set(keys)), "an entry shown on two pages"
    assert set(keys) == expected, "an entry on no page"
    assert all(0 < len(page) <= PAGE for page in pages), "an empty page or one over its size"
    assert all(len(page) == PAGE for page in pages[:-1]), "a page short before the end"
    assert seen == newest_first(seen), "out of order"
    if busy:
        assert sum(any(day == busy for *_, day in page) for page in pages) > 1


@pytest.mark.parametrize("query", ["?zoom=all", "?zoom=all&party=russia"])
def test_walking_back_and_forth_shows_every_entry_once(client, small_pages, record, russia, query):
    party = russia if "party" in query else None
    back = walk(client, query, "next")
    check_pages(back, everything(party), record)
    assert len(back) > 5
    # From before the earliest day forward by the "Later" links: the same entries.
    earliest = back[-1][-1][2]
    forward = walk(client, f"{query}&after={earliest - datetime.timedelta(days=1)}", "prev")
    listed = [entry for page in back for entry in page]
    assert [entry for page in reversed(forward) for entry in page] == listed
    assert all(0 < len(page) <= PAGE for page in forward)
    assert all(len(page) == PAGE for page in forward[:-1]), "a page short before the newest"


def test_the_walk_stays_within_the_zoom(client, small_pages, record):
    pages = walk(client, "?zoom=30", "next")
    check_pages(pages, everything(since=LATEST - datetime.timedelta(days=29)), record)


def test_the_first_page_holds_the_latest_entries_newest_first(client, small_pages, record):
    response = client.get("/timeline/?zoom=all")
    listed = places(response.content.decode())
    assert listed == newest_first(listed)
    assert len(listed) == PAGE
    everything_listed = newest_first(
        [(kind, pk, day) for page in walk(client, "?zoom=all", "next") for kind, pk, day in page]
    )
    assert listed == everything_listed[:PAGE]
    assert listed[0][2] == LATEST
    window = response.context["window"]
    assert (window.first, window.last, window.count) == (listed[-1][2], LATEST, PAGE)


def test_a_busy_day_runs_over_pages_without_losing_an_entry(client, small_pages, record):
    busy = record
    on_busy = Statement.objects.filter(said_on=busy).count()
    assert on_busy > PAGE
    shown = []
    url = f"?zoom=all&before={busy + datetime.timedelta(days=1)}"
    while url and (not shown or shown[-1][2] >= busy):
        body = client.get("/timeline/" + url).content.decode()
        shown += places(body)
        url = link(body, "next")
    said_that_day = [pk for kind, pk, day in shown if day == busy and kind == "statement"]
    assert len(set(said_that_day)) == len(said_that_day) == on_busy
    assert shown == newest_first(shown)


def test_the_links_are_plain_links_that_keep_the_filters(client, small_pages, record):
    response = client.get("/timeline/?party=russia&zoom=all")
    body = response.content.decode()
    kind, pk, day = places(body)[-1]
    earlier = f"?party=russia&amp;zoom=all&amp;before={day}.{kind}.{pk}"
    assert f'<a href="{earlier}" rel="next" hx-get="{earlier}"' in body
    assert 'rel="prev"' not in body, "the latest page has nothing later"
    page = client.get(html.unescape("/timeline/" + earlier))
    body = page.content.decode()
    kind, pk, day = places(body)[0]
    assert f'href="?party=russia&amp;zoom=all&amp;after={day}.{kind}.{pk}" rel="prev"' in body
    assert 'href="?party=russia&amp;zoom=all">The latest</a>' in body
    # The zoom links start again from the latest entries.
    assert 'href="?party=russia&amp;zoom=7"' in body
    # Back by the "Later" link: the first page again.
    assert places(client.get(html.unescape("/timeline/" + link(body, "prev"))).content.decode())


def test_htmx_gets_the_earlier_page_alone_with_its_own_earlier_link(client, small_pages, record):
    first = client.get("/timeline/?zoom=all").content.decode()
    url = "/timeline/" + link(first, "next")
    fragment = client.get(url, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in body and "stance-chart" not in body and "<form" not in body
    assert body.lstrip().startswith('<li class="timeline-window">')
    shown = places(body)
    assert len(shown) == PAGE
    assert newest_first(places(first) + shown) == places(first) + shown
    kind, pk, day = shown[-1]
    assert f'hx-get="?zoom=all&amp;before={day}.{kind}.{pk}"' in body
    assert body.count('<li class="timeline-') == PAGE + 1  # the entries and the heading
    whole = client.get(url).content.decode()
    assert "<html" in whole and "stance-chart" in whole
    assert places(whole) == shown


def test_the_chart_draws_the_page_shown(client, small_pages, record):
    response = client.get(f"/timeline/?zoom=all&before={FIRST + datetime.timedelta(days=20)}")
    chart, window = drawn_chart(response), response.context["window"]
    assert (chart["first"], chart["last"]) == (window.first, window.last)
    dots = sum(len(row["dots"]) for row in chart["rows"])
    body = response.content.decode()
    shown = [e for e in places(body) if e[0] in ("statement", "event")]
    assert dots == len(shown)
    body = response.content.decode()
    assert body.count("<circle ") + body.count('class="event-mark"') == len(shown)


def test_a_page_past_the_record_says_so_and_links_to_the_latest(client, small_pages, record):
    response = client.get("/timeline/?zoom=all&before=2020-01-01")
    assert response.status_code == 200
    body = response.content.decode()
    assert places(body) == []
    assert "Nothing on this page" in body and 'href="?zoom=all">the latest entries</a>' in body
    assert 'rel="next"' not in body


@pytest.mark.parametrize(
    "query",
    [
        "before=2025-13-01",
        "after=yesterday",
        "before=9999-12-31",
        "after=0001-01-01x",
        "before=2025-11-01&after=2025-10-01",
        "before=%00",
        "before=" + "9" * 2000,
        "before=2025-11-01.statement",
        "before=2025-11-01.statement.0",
        "before=2025-11-01.speech.12",
        "after=2025-11-01.event.1234567890123456789",
        "before=2025-11-01.event.-1",
    ],
)
def test_a_bad_page_is_a_400_with_a_message(client, record, query):
    response = client.get(f"/timeline/?{query}")
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    fragment = client.get(f"/timeline/?{query}", headers={"HX-Request": "true"})
    assert fragment.status_code == 400


def test_each_window_has_its_own_etag(client, small_pages, record):
    def etag(url, **headers):
        client.get(url, headers=headers)
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        return response["ETag"]

    latest = etag("/timeline/?zoom=all")
    one = etag("/timeline/?zoom=all&before=2025-10-20")
    other = etag("/timeline/?zoom=all&before=2025-10-10")
    later = etag("/timeline/?zoom=all&after=2025-10-10")
    fragment = etag("/timeline/?zoom=all&before=2025-10-20", HX_Request="true")
    within = etag("/timeline/?zoom=all&before=2025-10-20.statement.1")
    assert len({latest, one, other, later, fragment, within}) == 6
    again = client.get("/timeline/?zoom=all&before=2025-10-20", headers={"If-None-Match": one})
    assert again.status_code == 304
