"""Following in Chromium at 1280 px: follow a point by clicking, then /watching/ shows what is
new since the last visit, in negotiation time, and the navigation counts it on every page."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import make_user, screenshot, sign_in
from tracker.models import Change, Point, PointStatus, Position, Statement, Watch
from tracker.roles import ANALYST

SAID_ON = datetime.date(2025, 12, 3)
AGREED_ON = datetime.date(2025, 12, 5)


def bounding(locator):
    return locator.bounding_box()


def rows(page):
    """/watching/'s rows as (negotiation date, record, change)."""
    cells = page.locator("table.changes tbody tr")
    return [tuple(row.locator("td").nth(n).inner_text() for n in range(3)) for row in cells.all()]


def another_analyst_works_on(point, russia, source):
    """Ola, at another desk, records a statement coding the point, its new status and text."""
    ola = make_user("ola", ANALYST)
    statement = Statement(
        party=russia,
        attribution="A Kremlin spokesman",
        said_on=SAID_ON,
        summary="Calls the territorial clause a basis for talks.",
    ).save_recorded("Recorded from the briefing", user=ola)
    Position(
        statement=statement, point=point, stance="basis", summary="A basis for talks."
    ).save_recorded("Coded", user=ola)
    PointStatus(point=point, status="agreed", on=AGREED_ON, source=source).save_recorded(
        "Agreed at the talks", user=ola
    )
    point = Point.objects.get(pk=point.pk)
    point.text = "Crimea and Donbas: the line of contact as the basis."
    point.save_checked(point.version, "Text of the Geneva draft", user=ola)
    # Bookkeeping in the same moment (a fixture load touching the point): never "new".
    Change.objects.create(
        changed_at=timezone.now(),
        model="point",
        object_id=point.pk,
        object_repr=str(point),
        history_id=999_999,
        action="~",
        summary="Loaded from a fixture",
    )


def test_watching_shows_exactly_what_is_new_since_the_last_visit(
    page, browser_analyst, point, russia, source
):
    sign_in(page, "anna")
    page.goto(point.get_absolute_url())
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("button", name=re.compile("Following"))).to_be_visible()
    assert Watch.objects.filter(user=browser_analyst, point=point).exists()

    more = page.locator("nav.nav-wide details.menu")
    more.locator("summary").click()
    more.get_by_role("link", name=re.compile("^Watching")).click()
    page.wait_for_url("**/watching/")
    expect(page.locator("h2", has_text="You follow")).to_be_visible()
    expect(page.locator("main ul").get_by_role("link", name=str(point))).to_be_visible()

    another_analyst_works_on(point, russia, source)

    # Every page counts what is new, the overview lists it.
    page.goto("/")
    badge = page.locator("nav.nav-wide summary .badge")
    expect(badge).to_have_text(re.compile(r"^4"))
    followed = page.locator("section.dash-following")
    expect(followed.get_by_role("link", name=re.compile("all 4 on Watching"))).to_be_visible()
    header = page.locator(
        "header.site .brand, nav.nav-wide > a, nav.nav-wide summary, #site-search-q, "
        ".account a, .account button"
    )
    tops = {round(box["y"] + box["height"] / 2) for box in map(bounding, header.all())}
    assert max(tops) - min(tops) <= 4, "the header wraps with the count in it"
    screenshot(page, "watching-overview-1280")

    followed.get_by_role("link", name=re.compile("on Watching")).click()
    page.wait_for_url("**/watching/")
    expect(page.locator("h1")).to_have_text("Watching (4 new)")
    expect(page.locator("main p.meta").first).to_contain_text("since your last visit")
    assert rows(page) == [
        ("5 Dec 2025", f"pointstatus: {point.statuses.get()}", "Created: Agreed at the talks"),
        (
            "3 Dec 2025",
            f"position: {Position.objects.get(statement__said_on=SAID_ON)}",
            "Created: Coded",
        ),
        (
            "3 Dec 2025",
            f"statement: {Statement.objects.get(said_on=SAID_ON)}",
            "Created: Recorded from the briefing",
        ),
        ("—", f"point: {point}", "Changed: Text of the Geneva draft"),
    ]
    assert "Loaded from a fixture" not in page.locator("main").inner_text()
    expect(page.locator("nav.nav-wide summary .badge")).to_have_text(re.compile(r"^4"))
    screenshot(page, "watching-new-1280")

    page.reload()
    expect(page.locator("h1")).to_have_text("Watching (0 new)")
    assert rows(page) == []
    expect(page.get_by_text("Nothing new")).to_be_visible()
    page.goto("/")
    expect(page.locator("nav.nav-wide summary .badge")).to_have_count(0)
    expect(page.locator("section.dash-following")).to_contain_text(
        "Nothing new since your last visit"
    )
