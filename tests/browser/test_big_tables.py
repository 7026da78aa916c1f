"""Big stance tables in Chromium: rows on demand at 1280 px, the matrix on a 390 px phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import populate
from tracker.stances import ROWS_AT_ONCE

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
POINTS = 130


@pytest.fixture
def big_plan(transactional_db, plan):
    populate(plan, parties=12, points=POINTS)
    return plan


def within_viewport(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 200) <= size["height"]
    )


@pytest.mark.parametrize("where", ["plan", "matrix"])
def test_the_remaining_rows_load_as_they_are_scrolled_into_view(open_page, big_plan, where):
    page = open_page(DESKTOP)
    page.goto(big_plan.get_absolute_url() if where == "plan" else f"/matrix/?plan={big_plan.slug}")
    rows = page.locator("tr[class^=status-]")
    assert rows.count() == ROWS_AT_ONCE
    page.locator(".more-rows").first.scroll_into_view_if_needed()
    expect(rows).to_have_count(2 * ROWS_AT_ONCE)
    while page.locator(".more-rows").count():
        loaded = rows.count()
        page.locator(".more-rows").first.scroll_into_view_if_needed()
        expect(rows).to_have_count(min(loaded + ROWS_AT_ONCE, POINTS))
    expect(rows).to_have_count(POINTS)
    expect(page.locator(".more-rows")).to_have_count(0)
    # the loaded rows are not a second copy of the first
    numbers = page.locator(
        "tr[class^=status-] td.num, tr[class^=status-] th[scope=row]"
    ).all_inner_texts()
    assert len(set(numbers)) == POINTS


def test_on_a_phone_a_tapped_cell_shows_its_panel_without_scrolling(
    open_page, big_plan, browser_analyst, source
):
    page = open_page(PHONE)
    sign_in(page, "anna")
    page.goto(f"/matrix/?plan={big_plan.slug}")
    cell = page.locator("table.matrix tbody td.m a").nth(5)
    scrolled = page.evaluate("window.scrollY")
    cell.tap()
    panel = page.locator("#matrix-panel")
    expect(panel.locator("h2")).to_be_visible()
    assert within_viewport(page, panel.locator("h2"))
    assert page.evaluate("window.scrollY") == scrolled  # the page did not move
    expect(page.locator("table.matrix")).to_be_visible()  # opened in place, over the table
    expect(cell).to_have_attribute("aria-current", "true")
    screenshot(page, "matrix-phone-panel")

    # A coding of one of the party's recorded statements.
    panel.locator("select[name=statement]").select_option(index=1)
    panel.locator("select[name=stance]").select_option("supports")
    panel.locator("textarea[name=summary]").fill("Accepts it.")
    panel.get_by_role("button", name="Add the position").click()
    confirmation = panel.get_by_role("status")
    expect(confirmation).to_have_text("Position added.")
    expect(confirmation).to_be_focused()
    assert within_viewport(page, confirmation)
    # the redrawn cell keeps its mark
    expect(page.locator("table.matrix td.m a[aria-current]")).to_have_count(1)
    panel.get_by_role("button", name=re.compile("Close")).tap()
    expect(panel).not_to_have_class(re.compile(r"\bopen\b"))


def test_on_a_phone_row_labels_and_headers_stay_visible_when_scrolled(open_page, big_plan):
    page = open_page(PHONE)
    page.goto(f"/matrix/?plan={big_plan.slug}")
    scroller = page.locator(".matrix-scroll")
    scroller.evaluate("el => el.scrollTo(400, 600)")
    page.wait_for_function("document.querySelector('.matrix-scroll').scrollTop > 0")
    box = scroller.bounding_box()
    header = page.locator("table.matrix thead th").nth(3).bounding_box()
    label = page.locator("table.matrix tbody th[scope=row]").nth(20).bounding_box()
    assert abs(header["y"] - box["y"]) < 2  # still at the top of the scrolled table
    assert abs(label["x"] - box["x"]) < 2  # still at its left edge
    assert page.evaluate("document.querySelector('.matrix-scroll').scrollLeft") > 0


def test_arrow_keys_move_between_cells_and_enter_opens_one(open_page, big_plan):
    page = open_page(DESKTOP)
    page.goto(f"/matrix/?plan={big_plan.slug}")
    first_row = page.locator("table.matrix tbody tr").nth(0)
    start = first_row.locator("td.m a").nth(0)
    start.focus()
    page.keyboard.press("ArrowRight")
    expect(first_row.locator("td.m a").nth(1)).to_be_focused()
    page.keyboard.press("ArrowDown")
    below = page.locator("table.matrix tbody tr").nth(1).locator("td.m a").nth(1)
    expect(below).to_be_focused()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    expect(start).to_be_focused()
    page.keyboard.press("ArrowLeft")  # no cell there: focus stays
    expect(start).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#matrix-panel h2")).to_be_focused()
    expect(start).to_have_attribute("aria-current", "true")


def test_the_plan_page_headers_stay_in_view_when_a_component_is_scrolled(open_page, big_plan):
    page = open_page(DESKTOP)
    page.goto(big_plan.get_absolute_url())
    scroller = page.locator("section.component .table-scroll").first
    scroller.evaluate("el => el.scrollTo(0, 800)")
    page.wait_for_function(
        "document.querySelector('section.component .table-scroll').scrollTop > 0"
    )
    header = page.locator("table.points thead th").nth(4).bounding_box()
    assert abs(header["y"] - scroller.bounding_box()["y"]) < 2


def test_a_cell_of_rows_loaded_later_opens_its_panel_in_place(open_page, big_plan):
    page = open_page(DESKTOP)
    page.goto(f"/matrix/?plan={big_plan.slug}")
    rows = page.locator("tr[class^=status-]")
    page.locator(".more-rows").first.scroll_into_view_if_needed()
    expect(rows).to_have_count(2 * ROWS_AT_ONCE)
    cell = rows.nth(ROWS_AT_ONCE + 1).locator("td.m a").nth(2)
    cell.click()
    panel = page.locator("#matrix-panel")
    expect(panel.locator("h2")).to_be_focused()
    point = big_plan.points.order_by("number")[ROWS_AT_ONCE + 1]
    expect(panel.locator("h2")).to_contain_text(point.title)
    assert page.url.endswith(f"/matrix/?plan={big_plan.slug}")  # the matrix stays
    expect(cell).to_have_attribute("aria-current", "true")
    # A click with a modifier is the browser's own: the cell's page in a new tab.
    with page.context.expect_page() as opened:
        cell.click(modifiers=["Control"])
    assert "/matrix/" in opened.value.url and opened.value.url != page.url
