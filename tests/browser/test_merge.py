"""Two analysts in two browsers edit the same point: no one's change is lost."""

from playwright.sync_api import expect

from tests.browser.conftest import make_user, screenshot, sign_in
from tracker.models import Point
from tracker.roles import ANALYST


def open_the_edit_form(page, point):
    page.goto(f"{point.get_absolute_url()}edit/")
    return page.locator("form#object-form")


def two_analysts(page, new_page, point):
    make_user("boris", ANALYST)
    other = new_page()
    sign_in(page, "anna")
    sign_in(other, "boris")
    return open_the_edit_form(page, point), open_the_edit_form(other, point), other


def test_changes_to_different_fields_both_survive(page, new_page, browser_analyst, point):
    anna, boris, other = two_analysts(page, new_page, point)
    anna.get_by_label("Text").fill("Crimea recognised de facto; Donbas demilitarised.")
    anna.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved")

    boris.get_by_label("Title").fill("Territory and borders")
    boris.get_by_role("button", name="Save").click()
    expect(other.locator(".messages")).to_contain_text("Merged with what was saved meanwhile")
    expect(other.locator("h1")).to_contain_text("Territory and borders")
    expect(other.locator("main")).to_contain_text("Donbas demilitarised")
    screenshot(other, "merge-different-fields")
    saved = Point.objects.get(pk=point.pk)
    assert saved.title == "Territory and borders"
    assert saved.text == "Crimea recognised de facto; Donbas demilitarised."


def test_a_field_both_changed_is_shown_side_by_side_and_the_second_chooses(
    page, new_page, browser_analyst, point
):
    anna, boris, other = two_analysts(page, new_page, point)
    anna.get_by_label("Text").fill("Crimea recognised de facto.")
    anna.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved")

    boris.get_by_label("Text").fill("Crimea and Donbas recognised as Russian.")
    boris.get_by_label("Notes").fill("Per the Geneva readout.")
    boris.get_by_role("button", name="Save").click()
    conflict = other.locator("#conflict-text")
    expect(conflict.locator(".theirs")).to_contain_text("Crimea recognised de facto.")
    expect(conflict.locator(".mine")).to_contain_text("Crimea and Donbas recognised as Russian.")
    expect(conflict.locator("del, ins").first).to_be_visible()
    screenshot(other, "merge-conflict")
    assert Point.objects.get(pk=point.pk).text == "Crimea recognised de facto."

    conflict.get_by_label("Keep theirs").check()
    other.get_by_role("button", name="Save, merged").click()
    expect(other.locator(".messages")).to_contain_text("Saved")
    saved = Point.objects.get(pk=point.pk)
    assert saved.text == "Crimea recognised de facto."
    assert saved.notes == "Per the Geneva readout."
    assert saved.version == point.version + 2


def test_a_restore_over_a_newer_save_shows_the_merge_first(page, new_page, browser_analyst, point):
    first = point.history.get()
    anna, boris, other = two_analysts(page, new_page, point)
    anna.get_by_label("Title").fill("Vandalised")
    anna.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved")

    other.goto(f"{point.get_absolute_url()}history/")
    page.goto(f"{point.get_absolute_url()}edit/")
    anna.get_by_label("Text").fill("Crimea recognised de facto.")
    anna.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved")

    other.locator(f"#v{first.history_id}").get_by_role("button", name="Restore").click()
    merged = other.locator("form#restore-merge")
    expect(merged).to_contain_text("Nothing was restored yet")
    expect(merged).to_contain_text("Restored as in that version: title")
    screenshot(other, "merge-restore")
    assert Point.objects.get(pk=point.pk).title == "Vandalised"

    merged.get_by_role("button", name="Restore, merged").click()
    expect(other.locator(".messages")).to_contain_text("Restored version of")
    saved = Point.objects.get(pk=point.pk)
    assert (saved.title, saved.text) == ("Territory", "Crimea recognised de facto.")
