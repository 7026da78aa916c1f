"""The timeline a window of days at a time: every entry on exactly one page, plain
"Earlier" and "Later" links that keep the filters, htmx loading the earlier window."""

import datetime
import html
import re

import pytest

from tests.evidence import said
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
    """Follow the ``rel`` links from ``url`` to the end: each page's entries and days."""
    pages = []
    while url:
        response = client.get("/timeline/" + url if url.startswith("?") else url)
        assert response.status_code == 200, url
        entries = response.context["entries"]
        pages.append(([(e.kind, e.item.pk) for e in entries], [e.date for e in entries]))
        url = link(response.content.decode(), rel)
        assert len(pages) < 100, "the links go round in a circle"
    return pages


def check_pages(pages, expected, busy):
    seen = [key for keys, _ in pages for key in keys]
    assert len(seen) == len(set(seen)), "an entry shown on two pages"
    assert set(seen) == expected, "an entry on no page"
    for keys, days in pages:
        assert keys, "an empty page"
        assert len(keys) <= PAGE or set(days) == {busy}, "a page over its size"
    spans = sorted((min(days), max(days)) for _, days in pages)
    for (_, last), (first, _) in zip(spans, spans[1:], strict=False):
        assert last < first, "two pages share a day"


@pytest.mark.parametrize("query", ["?zoom=all", "?zoom=all&party=russia"])
def test_walking_back_and_forth_shows_every_entry_once(client, small_pages, record, russia, query):
    party = russia if "party" in query else None
    back = walk(client, query, "next")
    check_pages(back, everything(party), record)
    assert len(back) > 5
    # From the earliest page forward by the "Later" links.
    earliest = min(days[0] for _, days in back)
    forward = walk(client, f"{query}&after={earliest - datetime.timedelta(days=1)}", "prev")
    check_pages(forward, everything(party), record)


def test_the_walk_stays_within_the_zoom(client, small_pages, record):
    pages = walk(client, "?zoom=30", "next")
    check_pages(pages, everything(since=LATEST - datetime.timedelta(days=29)), record)


def test_a_page_holds_whole_days_newest_first(client, small_pages, record):
    response = client.get("/timeline/?zoom=all")
    window = response.context["window"]
    assert window.last == LATEST
    assert window.count == len(response.context["entries"]) <= PAGE
    dates = [entry.date for entry in response.context["listed"]]
    assert dates == sorted(dates, reverse=True)
    # The day before the window holds entries that would not fit: the day is not split.
    before = client.get(f"/timeline/?zoom=all&before={window.first}").context["window"]
    assert before.last < window.first


def test_the_links_are_plain_links_that_keep_the_filters(client, small_pages, record):
    response = client.get("/timeline/?party=russia&zoom=all")
    body = response.content.decode()
    first = response.context["window"].first
    earlier = f"?party=russia&amp;zoom=all&amp;before={first}"
    assert f'<a href="{earlier}" rel="next" hx-get="{earlier}"' in body
    assert 'rel="prev"' not in body, "the latest page has nothing later"
    page = client.get(html.unescape("/timeline/" + earlier))
    body = page.content.decode()
    last = page.context["window"].last
    assert f'href="?party=russia&amp;zoom=all&amp;after={last}" rel="prev"' in body
    assert 'href="?party=russia&amp;zoom=all">The latest</a>' in body
    # The zoom links start again from the latest entries.
    assert 'href="?party=russia&amp;zoom=7"' in body


def test_htmx_gets_the_earlier_window_alone_with_its_own_earlier_link(client, small_pages, record):
    window = client.get("/timeline/?zoom=all").context["window"]
    url = f"/timeline/?zoom=all&before={window.first}"
    fragment = client.get(url, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in body and "stance-chart" not in body and "<form" not in body
    assert body.lstrip().startswith('<li class="timeline-window">')
    shown = fragment.context["window"]
    assert shown.last < window.first
    assert f'hx-get="?zoom=all&amp;before={shown.first}"' in body
    assert body.count('class="timeline-statement"') + body.count(
        'class="timeline-event"'
    ) + body.count('class="timeline-status"') == len(fragment.context["entries"])
    whole = client.get(url).content.decode()
    assert "<html" in whole and "stance-chart" in whole


def test_the_chart_draws_the_window_shown(client, small_pages, record):
    response = client.get(f"/timeline/?zoom=all&before={FIRST + datetime.timedelta(days=20)}")
    chart, window = response.context["chart"], response.context["window"]
    assert (chart["first"], chart["last"]) == (window.first, window.last)
    dots = sum(len(row["dots"]) for row in chart["rows"])
    shown = [e for e in response.context["entries"] if e.kind in ("statement", "event")]
    assert dots == len(shown)


def test_a_page_past_the_record_says_so_and_links_to_the_latest(client, small_pages, record):
    response = client.get("/timeline/?zoom=all&before=2020-01-01")
    assert response.status_code == 200
    assert response.context["entries"] == []
    body = response.content.decode()
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
    assert len({latest, one, other, later, fragment}) == 5
    again = client.get("/timeline/?zoom=all&before=2025-10-20", headers={"If-None-Match": one})
    assert again.status_code == 304
