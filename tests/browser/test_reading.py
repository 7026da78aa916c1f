import pytest
from django.core.management import call_command

from tests.browser.conftest import screenshot, sign_in


@pytest.fixture
def seeded(transactional_db):
    call_command("loaddata", "seed", verbosity=0)


def test_a_reader_follows_the_overview_to_a_point(page, seeded):
    page.goto("/")
    page.get_by_role("link", name="28-point", exact=False).first.click()
    page.wait_for_selector("table.points")
    screenshot(page, "plan")
    page.locator("table.points a[href*='/points/']").first.click()
    page.wait_for_selector("h2:has-text('Positions')")
    assert page.locator("h1").inner_text()


def test_an_analyst_can_sign_in_and_out(page, browser_analyst):
    sign_in(page, "anna")
    assert page.get_by_text("anna").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("text=Sign in")
