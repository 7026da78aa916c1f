"""The analyst's workspace in Chromium at 1280 and 390 px: navigation, lists, dashboard."""

import re

import pytest
from django.core.management import call_command

from tests.browser.conftest import screenshot, sign_in
from tracker.models import Event, Party, Plan, Profile, Source, Statement

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
RECORD_LINKS = ["Plans", "Parties", "Actors", "Sources", "Events", "Matrix", "Timeline", "Changes"]
PAGES = {
    "overview": "/",
    "plans": "/plans/",
    "parties": "/parties/",
    "actors": "/actors/",
    "sources": "/sources/",
    "events": "/events/",
    "event": "/events/witkoff-moscow-visit-2025-12-02/",
    "actor": "/actors/vladimir-putin/",
    "settings": "/settings/",
    "not-found": "/plans/no-such-plan/",
}


@pytest.fixture
def seeded(transactional_db):
    call_command("loaddata", "seed", verbosity=0)


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_signed_in_navigation_stays_on_one_line_at_1280(open_page, seeded, browser_analyst):
    page = open_page(DESKTOP)
    sign_in(page, "anna")
    page.goto("/")
    header = page.locator("header.site")
    items = header.locator(
        ".brand, nav.nav-wide > a, nav.nav-wide summary, #site-search-q, "
        ".account a, .account button"
    )
    boxes = [item.bounding_box() for item in items.all()]
    tops = {round(box["y"] + box["height"] / 2) for box in boxes}
    assert max(tops) - min(tops) <= 4, f"the header wraps: rows at {sorted(tops)}"
    assert header.bounding_box()["height"] < 60
    for name in RECORD_LINKS:
        assert header.get_by_role("link", name=name, exact=True).is_visible(), name
    assert header.get_by_role("link", name=re.compile("your settings")).is_visible()
    assert scroll_width(page) <= 1280
    screenshot(page, "workspace-overview-1280")


def test_each_kind_of_record_is_one_click_from_any_page(open_page, seeded):
    page = open_page(DESKTOP)
    page.goto("/events/")
    for name, heading in [("Plans", "Plans"), ("Parties", "Parties"), ("Actors", "Actors")]:
        page.locator("nav.nav-wide").get_by_role("link", name=name, exact=True).click()
        page.wait_for_selector(f"h1:has-text('{heading}')")
        assert page.locator("nav.nav-wide a[aria-current=page]").inner_text() == name
    more = page.locator("nav.nav-wide details.menu")
    more.locator("summary").click()
    page.keyboard.press("Escape")  # closes the menu again
    assert more.get_attribute("open") is None
    more.locator("summary").click()
    page.get_by_role("link", name="Provenance").click()
    page.wait_for_url("**/provenance/")


def test_on_a_phone_the_navigation_is_a_menu_that_works_without_javascript(open_page, seeded):
    page = open_page(PHONE, javascript=False)
    page.goto("/")
    assert scroll_width(page) <= 390
    menu = page.locator("details.nav-narrow")
    assert menu.is_visible() and not page.locator("nav.nav-wide").is_visible()
    events = menu.get_by_role("link", name="Events", exact=True)
    assert not events.is_visible()
    menu.locator("summary").click()
    assert events.is_visible()
    screenshot(page, "workspace-menu-390")
    assert scroll_width(page) <= 390
    events.click()
    page.wait_for_url("**/events/")
    assert page.locator("h1").inner_text() == "Events"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_workspace_pages_read_without_sideways_scrolling(
    open_page, seeded, browser_analyst, width
):
    page = open_page(DESKTOP if width == 1280 else PHONE)
    sign_in(page, "anna")
    for name, url in PAGES.items():
        response = page.goto(url)
        assert response.status == (404 if name == "not-found" else 200), name
        assert page.locator("h1").is_visible(), name
        assert scroll_width(page) <= width, f"{name} scrolls sideways at {width}px"
        screenshot(page, f"workspace-{name}-{width}")


def test_sorting_filtering_and_paging_work_by_plain_links_and_forms(open_page, seeded):
    page = open_page(DESKTOP, javascript=False)
    page.goto("/events/")
    page.locator("th").get_by_role("link", name="Event").click()
    page.wait_for_url("**/events/?sort=title")
    titles = page.locator("table.list tbody td:nth-child(2) a").all_inner_texts()
    assert titles == sorted(titles)
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Event")
    page.select_option("#id_kind", "summit")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"kind=summit"))
    assert (
        page.locator("table.list tbody tr").count() == Event.objects.filter(kind="summit").count()
    )
    response = page.goto("/events/?start=2025-13-40")
    assert response.status == 400
    assert page.get_by_role("alert").is_visible()


def test_a_user_in_kyiv_reads_times_in_kyiv_time(open_page, seeded, browser_analyst):
    Profile.objects.create(user=browser_analyst, time_zone="Europe/Kyiv")
    page = open_page(DESKTOP)
    sign_in(page, "anna")
    page.goto("/changes/")
    first = page.locator("table.changes tbody tr").first.locator("time").inner_text()
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4} \d\d:\d\d EES?T", first), first


def test_an_analyst_creates_a_plan_a_party_a_source_an_event_and_a_coded_statement_by_clicking(
    open_page, seeded, browser_analyst
):
    page = open_page(DESKTOP)
    page.goto("/")  # the only address typed: from here on, clicks and form fields
    page.locator("header .account").get_by_role("link", name="Sign in").click()
    page.fill("#id_username", "anna")
    page.fill("#id_password", "anna-password-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector("header .account button:has-text('Sign out')")
    nav = page.locator("nav.nav-wide")

    nav.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="New plan").click()
    page.fill("#id_title", "Riyadh draft")
    page.fill("#id_short_title", "Riyadh")
    page.fill("#id_slug", "riyadh-draft")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("h1:has-text('Riyadh draft')")
    nav.get_by_role("link", name="Plans", exact=True).click()
    assert page.get_by_role("link", name="Riyadh draft").is_visible()

    nav.get_by_role("link", name="Parties", exact=True).click()
    page.get_by_role("link", name="New party").click()
    page.fill("#id_name", "Saudi Arabia")
    page.fill("#id_short_name", "SA")
    page.fill("#id_slug", "saudi-arabia")
    page.select_option("#id_kind", "mediator")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("h1:has-text('Saudi Arabia')")
    nav.get_by_role("link", name="Parties", exact=True).click()
    assert page.get_by_role("link", name="Saudi Arabia").is_visible()
    assert page.locator("tr.group th", has_text="Mediator").is_visible()

    nav.get_by_role("link", name="Sources", exact=True).click()
    page.get_by_role("link", name="New source").click()
    page.fill("#id_title", "Talks in Riyadh, a readout")
    page.fill("#id_slug", "riyadh-readout")
    page.fill("#id_publisher", "Saudi Press Agency")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("h1:has-text('Talks in Riyadh, a readout')")
    nav.get_by_role("link", name="Sources", exact=True).click()
    # Forty sources come with the seed: the new, undated one is found by its title.
    page.fill("#id_q", "Riyadh")
    page.locator("#id_q").press("Enter")
    page.wait_for_url("**q=Riyadh**")
    assert page.get_by_role("link", name="Talks in Riyadh, a readout").is_visible()

    nav.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name="New event").click()
    page.fill("#id_title", "Riyadh round")
    page.fill("#id_slug", "riyadh-round")
    page.select_option("#id_kind", "talks")
    page.fill("#id_occurred_on", "2025-11-28")
    page.get_by_label("Saudi Arabia").check()
    page.select_option("#id_source", label="Talks in Riyadh, a readout")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Saved: Riyadh round.")
    nav.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name="Riyadh round").click()
    page.wait_for_selector("h1:has-text('Riyadh round')")
    assert page.locator(".facts").get_by_role("link", name="SA").is_visible()
    screenshot(page, "workspace-created-event")

    nav.get_by_role("link", name="Statements", exact=True).click()
    page.get_by_role("link", name="New statement").click()
    form = page.locator("form#statement-form")
    form.locator("#id_party").select_option(label="Saudi Arabia")
    form.locator("#id_attribution").fill("A Saudi foreign ministry spokesman")
    form.locator("#id_said_on").fill("2025-11-28")
    form.locator("#id_language").fill("en")
    form.locator("#id_text").fill("We support the Riyadh draft as it stands.")
    form.locator("#id_summary").fill("Supports the Riyadh draft as it stands.")
    form.locator("#id_sources").select_option(label="Talks in Riyadh, a readout")
    form.locator("[name=codings-0-subject]").select_option(label="The whole plan: Riyadh draft")
    form.locator("[name=codings-0-stance]").select_option("supports")
    form.locator("[name=codings-0-summary]").fill("Supports the draft as it stands.")
    form.get_by_role("button", name="Save the statement").click()
    page.wait_for_selector("h1:has-text('A Saudi foreign ministry spokesman')")
    nav.get_by_role("link", name="Statements", exact=True).click()
    page.fill("#id_q", "Saudi foreign ministry")
    page.locator("#id_q").press("Enter")
    page.wait_for_url("**q=Saudi**")
    listed = page.locator("article.statement", has_text="A Saudi foreign ministry spokesman")
    assert listed.count() == 1
    codings = listed.locator("ul.codings li")
    assert codings.count() == 1
    assert re.search(r"Supports on Riyadh", codings.inner_text()), codings.inner_text()
    screenshot(page, "workspace-created-statement")

    assert Plan.objects.filter(slug="riyadh-draft").exists()
    assert Party.objects.get(slug="saudi-arabia").kind == "mediator"
    assert Source.objects.filter(slug="riyadh-readout").exists()
    event = Event.objects.get(slug="riyadh-round")
    assert [p.slug for p in event.parties.all()] == ["saudi-arabia"]
    assert {record.history_user for record in event.history.all()} == {browser_analyst}
    statement = Statement.objects.get(attribution="A Saudi foreign ministry spokesman")
    assert (statement.party.slug, str(statement.said_on)) == ("saudi-arabia", "2025-11-28")
    assert [s.slug for s in statement.sources.all()] == ["riyadh-readout"]
    [coding] = statement.positions.all()
    assert (coding.plan.slug, coding.stance, coding.coded_by) == (
        "riyadh-draft",
        "supports",
        browser_analyst,
    )
