"""The analyst's views in a real browser, at desktop and phone widths, without JavaScript
doing any of the work: every control is a plain link or GET form."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import screenshot

PAGES = {
    "compare": "/compare/?a=us-28-point-plan&b=geneva-framework&party=russia",
    "components": "/plans/us-28-point-plan/components/",
    "timeline": "/timeline/?start=2025-11-20&end=2025-11-27",
    "search": "/search/?q=Putin",
    "provenance": "/provenance/",
    "brief": "/parties/russia/brief/",
}


@pytest.fixture
def seeded(transactional_db):
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_an_analyst_compares_the_draft_with_geneva_and_narrows_to_changes(page, seeded):
    page.goto("/")
    page.get_by_role("link", name="Compare", exact=True).click()
    page.wait_for_selector("table.compare")
    page.select_option("#id_a", "us-28-point-plan")
    page.select_option("#id_b", "geneva-framework")
    page.select_option("#id_party", "russia")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**party=russia**")
    table = page.locator("table.compare").inner_text()
    # Geneva's point 4 merges U.S. points 3, 4, 7 and 8; rewritten points show word marks.
    assert "merged" in table.lower()
    assert page.locator("table.compare ins").count() > 0
    lineage = page.locator("#lineage").inner_text()
    assert "Merged" in lineage and "Dropped" in lineage
    page.check("#id_conflicts")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**conflicts=on**")
    # The seed records no stance of Russia's that a Geneva change contradicts.
    assert "conflicts only" in page.content()
    assert page.locator("table.compare tbody tr.row-conflict").count() == 0
    screenshot(page, "analysis-compare-conflicts")


def test_the_timeline_filters_by_week_and_draws_the_chart(page, seeded):
    page.goto("/timeline/")
    page.fill("#id_start", "2025-11-20")
    page.fill("#id_end", "2025-11-27")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**start=2025-11-20**")
    assert page.locator("svg.stance-chart circle.dot").count() > 0
    assert "Witkoff visits Moscow" not in page.locator("ol.timeline").inner_text()
    assert "CSTO summit in Bishkek" in page.locator("ol.timeline").inner_text()
    screenshot(page, "analysis-timeline")


def test_a_bad_date_shows_a_message_instead_of_an_error(page, seeded):
    response = page.goto("/timeline/?start=2025-02-30")
    assert response.status == 400
    assert page.locator(".filters .errors").is_visible()


def test_the_header_search_box_finds_records_by_kind(page, seeded):
    page.goto("/")
    page.fill("#site-search-q", "Witkoff")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Witkoff**")
    assert page.locator("#results-events li").count() >= 1
    screenshot(page, "analysis-search")


def test_provenance_and_the_brief_read_and_print(page, seeded):
    page.goto("/provenance/")
    assert page.locator("#unverifiable .verdict-unverifiable").count() >= 1
    screenshot(page, "analysis-provenance")
    page.goto("/parties/russia/")
    page.get_by_role("link", name="Printable brief").click()
    page.wait_for_selector("table.brief")
    screenshot(page, "analysis-brief")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    for form in page.locator(".inline-form").all():
        assert not form.is_visible()
    screenshot(page, "analysis-brief-print")


@pytest.mark.parametrize("name", list(PAGES))
def test_each_view_is_readable_on_a_phone(phone, seeded, name):
    response = phone.goto(PAGES[name])
    assert response.status == 200
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} scrolls sideways on a phone ({width}px)"
    assert phone.locator("h1").is_visible()
    screenshot(phone, f"analysis-phone-{name}")
