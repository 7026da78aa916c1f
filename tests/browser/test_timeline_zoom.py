"""The timeline's axis fits the data: by default the last 30 days with entries, dense days
stacked apart, and plain links to zoom to 7 days or to everything (no JavaScript needed);
a window of days at a time, the earlier ones loaded into the page as they are reached."""

import itertools

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import screenshot


@pytest.fixture
def seeded(transactional_db):
    call_command("loaddata", "seed", verbosity=0)


def dot_centres(page):
    boxes = [dot.bounding_box() for dot in page.locator("svg.stance-chart circle.dot").all()]
    return [(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2) for b in boxes]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_timeline_zooms_by_links_and_keeps_dots_apart(browser, live_server, seeded, width):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 844},
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto("/timeline/")
    zoom = page.get_by_role("navigation", name="Time range")
    assert zoom.locator("[aria-current]").inner_text() == "Last 30 days"
    centres = dot_centres(page)
    assert len(centres) > 20  # the seed's last 30 days hold over twenty dated entries
    for (x1, y1), (x2, y2) in itertools.combinations(centres, 2):
        assert abs(x1 - x2) > 3 or abs(y1 - y2) > 3, "two dots drawn on top of each other"
    assert "Trump–Putin summit in Alaska" not in page.locator("ol.timeline").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"timeline-30-days-{width}")

    zoom.get_by_role("link", name="All").click()
    page.wait_for_url("**zoom=all**")
    assert "Trump–Putin summit in Alaska" in page.locator("ol.timeline").inner_text()
    assert (
        page.get_by_role("navigation", name="Time range").locator("[aria-current]").inner_text()
        == "All"
    )

    page.get_by_role("navigation", name="Time range").get_by_role(
        "link", name="Last 7 days"
    ).click()
    page.wait_for_url("**zoom=7**")
    assert 0 < len(dot_centres(page)) < len(centres)
    context.close()


ENTRIES = "ol.timeline > li.timeline-event, ol.timeline > li.timeline-status, ol.timeline > li.timeline-statement"  # noqa: E501


@pytest.fixture
def small_pages(monkeypatch):
    from tracker.analysis import timeline as timelines

    monkeypatch.setattr(timelines, "TIMELINE_PAGE", 8)


def entry_texts(page):
    return page.locator(ENTRIES).all_inner_texts()


def test_earlier_windows_load_into_the_page_as_the_link_scrolls_into_view(
    open_page, seeded, small_pages
):
    # Without JavaScript: the links are plain pages, walked to the end.
    plain = open_page({"width": 1280, "height": 900}, javascript=False)
    plain.goto("/timeline/?zoom=all")
    walked = []
    while True:
        walked += entry_texts(plain)
        earlier = plain.get_by_role("link", name="Earlier entries")
        if not earlier.count():
            break
        earlier.click()
        plain.wait_for_url("**before=**")
    assert len(walked) > 3 * 8
    plain.get_by_role("link", name="Later entries").click()
    plain.wait_for_url("**after=**")

    # With htmx: each earlier window is appended as its link comes into view, in place.
    page = open_page({"width": 1280, "height": 900})
    page.goto("/timeline/?zoom=all")
    first = page.locator(ENTRIES).count()
    assert 0 < first <= 8
    page.get_by_role("link", name="Earlier entries").scroll_into_view_if_needed()
    expect(page.locator("li.timeline-window")).to_have_count(1)
    assert page.locator(ENTRIES).count() > first
    # A click loads the next one too (the link is followed by htmx, not by the browser).
    page.get_by_role("link", name="Earlier entries").click()
    expect(page.locator("li.timeline-window")).to_have_count(2)
    assert page.url.endswith("/timeline/?zoom=all")
    while page.get_by_role("link", name="Earlier entries").count():
        loaded = page.locator("li.timeline-window").count()
        page.get_by_role("link", name="Earlier entries").scroll_into_view_if_needed()
        expect(page.locator("li.timeline-window")).to_have_count(loaded + 1)
    assert entry_texts(page) == walked, "every entry once, in the same order as the pages"
    screenshot(page, "timeline-earlier-loaded")
