"""An analyst imports a fixture in the browser: upload, preview, apply."""

import json

from tests.browser.conftest import screenshot, sign_in
from tests.test_import import UID, objects
from tracker.models import Party, Point, Position


def test_an_analyst_uploads_previews_and_applies_a_fixture(
    page, browser_analyst, tmp_path, controlled_topics
):
    Party.objects.create(slug="e3", name="European three", short_name="E3")
    items = objects()
    items[4]["fields"]["title"] = "Guarantees <script>alert(1)</script>"
    path = tmp_path / "desk.json"
    path.write_text(json.dumps(items, indent=2), encoding="utf-8")

    sign_in(page, "anna")
    page.get_by_role("navigation", name="Main").get_by_text("More").click()
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Fixture file").set_input_files(str(path))
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_selector("h1:has-text('Preview: desk.json')")
    assert page.locator(".import-created").count() == 7  # all but the party the file updates
    updated = page.locator(".import-updated")
    assert updated.count() == 1
    assert "European three" in updated.inner_text() and "E3" in updated.inner_text()
    created = page.locator(".import-created").all_inner_texts()
    assert any("<script>alert(1)</script>" in text for text in created)
    screenshot(page, "import-preview")
    assert not Point.objects.exists()

    page.get_by_role("button", name="Apply the import").click()
    page.wait_for_selector("text=Imported desk.json: 7 created, 1 updated, 0 unchanged.")
    screenshot(page, "import-applied")
    assert Party.objects.get(slug="e3").name == "E3"
    position = Position.objects.get(uid=UID)
    assert position.history.get().history_user == browser_analyst
    assert Point.objects.get().title == "Guarantees <script>alert(1)</script>"


def test_a_viewer_sees_no_import_link_but_can_export(page, browser_viewer, transactional_db):
    sign_in(page, "vera")
    page.get_by_role("navigation", name="Main").get_by_text("More").click()
    assert page.get_by_role("link", name="Import", exact=True).count() == 0
    page.get_by_role("link", name="Export", exact=True).click()
    page.wait_for_selector("h1:has-text('Export')")
    screenshot(page, "export")
