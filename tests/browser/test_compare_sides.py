"""Compare a rewritten point in a real browser: both texts side by side on a desktop,
one above the other on a phone, each with its own word marks."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import screenshot

URL = "/compare/?a=us-28-point-plan&b=geneva-framework"


@pytest.fixture
def seeded(transactional_db):
    call_command("loaddata", "seed", verbosity=0)


def sides(page):
    page.goto(URL)
    pair = page.locator(".sides").first
    old = pair.locator(".side-old").bounding_box()
    new = pair.locator(".side-new").bounding_box()
    assert pair.locator(".side-old del").count() > 0
    assert pair.locator(".side-old ins").count() == 0
    assert pair.locator(".side-new ins").count() > 0
    assert pair.locator(".side-new del").count() == 0
    return old, new


@pytest.mark.parametrize("width", [1280, 390])
def test_a_rewritten_point_reads_as_two_marked_texts(browser, live_server, seeded, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 844}
    )
    page = context.new_page()
    old, new = sides(page)
    if width == 1280:
        assert abs(old["y"] - new["y"]) < 2 and new["x"] >= old["x"] + old["width"]
    else:
        assert new["y"] >= old["y"] + old["height"]
        assert new["x"] + new["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"compare-sides-{width}")
    context.close()
