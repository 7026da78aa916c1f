"""Analysts editing in Chromium: in place, statements with their codings, the matrix, conflicts."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.evidence import said
from tracker.models import Point, Position


def sign_in(page, username):
    """Like conftest's sign_in, but clicks the sign-in form's own button (the
    header's search form also has a submit button, earlier on the page)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-password-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_an_analyst_edits_a_point_title_in_place(page, browser_analyst, point):
    sign_in(page, "anna")
    page.goto(point.get_absolute_url())
    page.locator("#point-title").get_by_role("link", name="Edit").click()
    field = page.locator("#point-title input[name=title]")
    expect(field).to_be_focused()
    field.fill("Territory: the line of contact")
    page.locator("#point-title").get_by_role("button", name="Save").click()
    expect(page.locator("#point-title .saved")).to_have_text("Saved")
    expect(page.locator("h1")).to_contain_text("Territory: the line of contact")
    screenshot(page, "editing-inline-saved")
    assert Point.objects.get(pk=point.pk).title == "Territory: the line of contact"


def test_an_invalid_inline_edit_shows_the_error_next_to_the_field(page, browser_analyst, point):
    sign_in(page, "anna")
    page.goto(point.get_absolute_url())
    page.locator("#point-title").get_by_role("link", name="Edit").click()
    page.locator("#point-title input[name=title]").fill("")
    page.locator("#point-title").get_by_role("button", name="Save").click()
    expect(page.locator("#point-title .errorlist")).to_contain_text("This field is required.")
    screenshot(page, "editing-inline-error")
    assert Point.objects.get(pk=point.pk).title == "Territory"


def test_an_analyst_records_a_statement_with_two_codings_in_one_form(
    page, browser_analyst, point, russia, source
):
    sign_in(page, "anna")
    page.goto(f"/statements/new/?party=russia&point={point.pk}")
    form = page.locator("form#statement-form")
    form.locator("#id_attribution").fill("A senior Kremlin official")
    form.locator("#id_said_on").fill("2025-11-26")
    form.locator("#id_language").fill("ru")
    form.locator("#id_text").fill("Это может стать основой")
    form.locator("#id_summary").fill("Could be a basis.")
    form.locator("#id_sources").select_option(label=source.title)
    form.locator("[name=codings-0-stance]").select_option("basis")
    form.locator("[name=codings-0-summary]").fill("Accepts the point as a basis.")
    form.get_by_role("button", name="Add a coding").click()
    row = page.locator("[name=codings-1-subject]")
    expect(row).to_be_visible()  # swapped in place, what was typed kept
    expect(page.locator("[name=codings-0-summary]")).to_have_value("Accepts the point as a basis.")
    row.select_option(f"plan:{point.plan.pk}")
    page.locator("[name=codings-1-stance]").select_option("reserves")
    page.locator("[name=codings-1-summary]").fill("Reserves on the whole plan.")
    screenshot(page, "editing-statement-form")
    page.get_by_role("button", name="Save the statement").click()
    expect(page.locator("h1")).to_contain_text("A senior Kremlin official")
    expect(page.locator("main")).to_contain_text("Accepts as a basis")
    expect(page.locator("main")).to_contain_text("Reserves its position")
    assert Position.objects.filter(statement__party=russia).count() == 2


def test_an_analyst_codes_a_statement_already_recorded_from_the_point_page(
    page, browser_analyst, point, ukraine
):
    said(ukraine, statement_summary="Zelensky evening address")
    sign_in(page, "anna")
    page.goto(point.get_absolute_url())
    page.get_by_role("link", name="Add a position").click()
    form = page.locator("form#new-position")
    form.get_by_label("Statement").select_option(index=1)
    form.get_by_label("Stance").select_option("opposes")
    form.get_by_label("Reading").fill("No recognition of occupied territory.")
    screenshot(page, "editing-position-form")
    form.get_by_role("button", name="Add the position").click()
    expect(page.locator(".position-added")).to_contain_text("Position added.")
    screenshot(page, "editing-position-added")
    assert Position.objects.get(party=ukraine).point == point


def test_adding_a_position_in_the_matrix_recolours_the_cell(
    page, browser_analyst, point, ukraine, source
):
    said(ukraine, statement_summary="Ceasefire remarks")
    sign_in(page, "anna")
    page.goto(f"/matrix/?plan={point.plan.slug}")
    cell = page.locator(f"#c{point.pk}-{ukraine.pk}")
    expect(cell).to_have_class(re.compile(r"\bm-none\b"))
    screenshot(page, "matrix-before")
    cell.locator("a").click()
    panel = page.locator("#matrix-panel")
    expect(panel).to_contain_text("has no recorded position")
    panel.get_by_label("Statement").select_option(index=1)
    panel.get_by_label("Stance").select_option("supports")
    panel.get_by_label("Reading").fill("Accepts a ceasefire on the current line.")
    panel.get_by_role("button", name="Add the position").click()
    expect(panel).to_contain_text("Position added.")
    expect(page.locator(f"#c{point.pk}-{ukraine.pk}")).to_have_class(re.compile(r"\bm-supports\b"))
    screenshot(page, "matrix-after")


def test_an_edit_conflict_is_shown_and_resolved(page, new_page, browser_analyst, point):
    other = new_page()
    sign_in(page, "anna")
    sign_in(other, "anna")
    for tab in (page, other):
        tab.goto(point.get_absolute_url())
        tab.locator("#point-title").get_by_role("link", name="Edit").click()
    other.locator("#point-title input[name=title]").fill("Territory: Donbas only")
    other.locator("#point-title").get_by_role("button", name="Save").click()
    expect(other.locator("#point-title .saved")).to_be_visible()

    page.locator("#point-title input[name=title]").fill("Territory: frozen at the line")
    page.locator("#point-title").get_by_role("button", name="Save").click()
    conflict = page.locator("#point-title .conflict")
    expect(conflict).to_contain_text("Someone else saved this")
    expect(conflict).to_contain_text("Donbas only")
    screenshot(page, "editing-conflict")
    assert Point.objects.get(pk=point.pk).title == "Territory: Donbas only"

    conflict.get_by_label("Use mine (the value in the form)").check()
    page.locator("#point-title").get_by_role("button", name="Save, merged").click()
    expect(page.locator("#point-title .saved")).to_be_visible()
    assert Point.objects.get(pk=point.pk).title == "Territory: frozen at the line"


def test_a_coding_changed_meanwhile_is_shown_in_its_row_and_resolved(
    page, browser_analyst, position
):
    sign_in(page, "anna")
    page.goto(reverse("statement_edit", args=[position.statement.uid]))
    theirs = Position.objects.get(pk=position.pk)
    theirs.stance = "rejects"
    theirs.save_checked(theirs.version, summary="their reading")
    page.locator("[name=codings-0-stance]").select_option("red_line")
    page.locator("[name=codings-0-summary]").fill("A red line, as I read it.")
    page.get_by_role("button", name="Save the statement").click()
    row = page.locator("#codings-0")
    expect(row).to_contain_text("saved by someone else after you opened the page")
    expect(row).to_contain_text("Rejects the whole document")
    expect(page.locator("[name=codings-0-summary]")).to_have_value("A red line, as I read it.")
    screenshot(page, "editing-statement-row-conflict")
    assert Position.objects.get(pk=position.pk).stance == "rejects"
    row.get_by_label("Use mine (the value in the form)").check()
    page.get_by_role("button", name="Save, merged").click()
    expect(page.locator("main")).to_contain_text("A red line, as I read it.")
    saved = Position.objects.get(pk=position.pk)
    assert (saved.stance, saved.summary) == ("red_line", "A red line, as I read it.")


def test_a_viewer_is_refused(page, browser_viewer, point):
    sign_in(page, "vera")
    page.goto(point.get_absolute_url())
    expect(page.locator(".edit-link")).to_have_count(0)
    response = page.goto(f"{point.get_absolute_url()}edit/title/")
    assert response.status == 403
    screenshot(page, "editing-viewer-refused")
    assert Point.objects.get(pk=point.pk).title == "Territory"
