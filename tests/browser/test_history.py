"""An analyst edits a point, reads its history, compares two versions and restores one."""

from tests.browser.conftest import screenshot
from tracker.models import Plan, Point


def sign_in(page, username):
    """Submit the sign-in form itself (the header's search form has a button too)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-password-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_an_analyst_edits_compares_and_restores_a_point(page, browser_analyst):
    plan = Plan.objects.create(slug="us-draft", title="U.S. 28-point draft", short_title="US 28")
    point = Point.objects.create(
        plan=plan, number=21, title="Territory", text="Crimea and Donbas recognised."
    )
    sign_in(page, "anna")

    page.goto(f"/plans/{plan.slug}/points/{point.number}/edit/")
    page.fill("#id_text", "Crimea and Donbas contested.")
    page.fill("#id_edit_summary", "per Putin's Bishkek remarks")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/plans/{plan.slug}/points/{point.number}/")

    page.get_by_role("link", name="History").click()
    page.wait_for_selector("table.versions")
    assert page.locator("table.versions tbody tr").count() == 2
    assert page.get_by_text("per Putin's Bishkek remarks").is_visible()
    screenshot(page, "history-versions")

    rows = page.locator("table.versions tbody tr")
    rows.nth(1).locator("input[name=a]").check()
    rows.nth(0).locator("input[name=b]").check()
    page.get_by_role("button", name="Compare selected versions").click()
    page.wait_for_selector("table.diff")
    assert page.locator("table.diff del").first.inner_text() == "recognised"
    assert page.locator("table.diff ins").first.inner_text() == "contested"
    screenshot(page, "history-diff")

    older = page.locator("table.versions tbody tr").nth(1)
    older.locator("input[name=summary]").fill("the edit misread the readout")
    older.get_by_role("button", name="Restore").click()
    page.wait_for_selector("text=Restored version of")
    assert page.locator("table.versions tbody tr").count() == 3
    newest = page.locator("table.versions tbody tr").first
    assert "the edit misread the readout" in newest.inner_text()
    assert "anna" in newest.inner_text()
    screenshot(page, "history-restored")

    point.refresh_from_db()
    assert point.text == "Crimea and Donbas recognised."
    assert point.version == 3
