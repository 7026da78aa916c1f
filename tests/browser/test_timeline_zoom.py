"""The timeline's axis fits the data: by default the last 30 days with entries, dense days
stacked apart, and plain links to zoom to 7 days or to everything (no JavaScript needed)."""

import itertools

import pytest
from django.core.management import call_command

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
