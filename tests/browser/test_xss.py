"""Script in user text never runs: every text field holds a payload, every page is opened.

The payloads go in through the ORM (every text field of every tracked model),
the no-JS edit form, the fixture import and the admin; then Chromium opens each
page that shows them. The Content-Security-Policy is switched off for the XSS
test, so that escaping alone is what is tested (the CSP is a second wall, tested
below on the same pages with no violation allowed).
"""

import datetime
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import models

from tests.browser.conftest import screenshot
from tracker.models import (
    Actor,
    Component,
    Event,
    Party,
    Plan,
    PlanAuthor,
    Point,
    Position,
    Source,
    Statement,
    Translation,
)

FULL = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
MEDIUM = '<img src=x onerror="window.__xss=1">'
SHORT = "<svg onload=__xss=1>"  # fits in 20 characters
# Fields a payload cannot reach: validated formats, or never shown.
NOT_FREE_TEXT = {"slug", "colour", "url", "full_text", "language"}


def sign_in(page, username):
    """Through the sign-in form (its own button: the header has a search button too)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-password-1")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert page.locator("header .account").inner_text().startswith(username)


def payload_for(field):
    for payload in (FULL, MEDIUM, SHORT):
        if field.max_length is None or len(payload) <= field.max_length:
            return payload
    raise AssertionError(f"{field} is too short for any payload")


def text_fields(model):
    return [
        field
        for field in model._meta.fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.editable
        and field.name not in NOT_FREE_TEXT
    ]


def fill(model, **values):
    for field in text_fields(model):
        values.setdefault(field.name, payload_for(field))
    return model.objects.create(**values)


@pytest.fixture
def hostile(transactional_db):
    """One of everything, every free-text field a payload."""
    party = fill(Party, slug="xss-party", colour="#123456")
    actor = fill(Actor, slug="xss-actor", party=party)
    source = fill(Source, slug="xss-source", url="https://example.org/x")
    plan = fill(Plan, slug="xss-plan")
    fill(PlanAuthor, plan=plan, party=party, actor=actor)
    component = fill(Component, plan=plan, number=1)
    point = fill(Point, plan=plan, number=1, component=component)
    fill(Point, plan=plan, number=2)
    statement = fill(
        Statement, party=party, speaker=actor, said_on=datetime.date(2025, 11, 27), language="ru"
    )
    statement.sources.add(source)
    fill(Translation, statement=statement, language="en", source=source)
    position = fill(Position, statement=statement, point=point, stance="opposes")
    event = fill(Event, slug="xss-event", occurred_on=datetime.date(2025, 11, 27), source=source)
    event.parties.add(party)
    return {
        "party": party,
        "source": source,
        "plan": plan,
        "point": point,
        "position": position,
        "statement": statement,
    }


def import_hostile_plan(tmp_path):
    fixture = tmp_path / "hostile.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "tracker.plan",
                    "fields": {"slug": "xss-import", "title": FULL, "short_title": MEDIUM},
                },
                {
                    "model": "tracker.point",
                    "fields": {"plan": ["xss-import"], "number": 1, "title": FULL, "text": FULL},
                },
            ]
        )
    )
    call_command("import_fixture", str(fixture), verbosity=0)


def pages(hostile):
    plan, point = hostile["plan"], hostile["point"]
    return [
        "/",
        plan.get_absolute_url(),
        point.get_absolute_url(),
        hostile["party"].get_absolute_url(),
        hostile["source"].get_absolute_url(),
        hostile["position"].get_absolute_url(),
        "/plans/xss-import/",
        "/plans/xss-import/points/1/",
        f"/plans/{plan.slug}/components/",
        f"/parties/{hostile['party'].slug}/brief/",
        f"/matrix/?plan={plan.slug}",
        f"/compare/?a={plan.slug}&b=xss-import",
        "/compare/",
        "/timeline/",
        "/search/?q=script",
        "/search/?q=" + MEDIUM,
        "/provenance/",
        "/changes/",
        f"/plans/{plan.slug}/history/",
        f"/plans/{plan.slug}/points/{point.number}/history/",
        f"/plans/{plan.slug}/points/{point.number}/edit/",
        f"/positions/{hostile['position'].uid}/history/",
    ]


def assert_nothing_ran(page, url):
    assert page.evaluate("typeof window.__xss") == "undefined", f"script ran on {url}"
    injected = page.evaluate(
        "document.querySelectorAll('main script:not([src]), main img[src=\"x\"], main svg[onload]')"
        ".length"
    )
    assert injected == 0, f"markup from user text became elements on {url}"


@pytest.fixture
def no_csp(settings):
    settings.CONTENT_SECURITY_POLICY = None


def test_payloads_in_every_text_field_never_run_and_show_as_typed(
    page, hostile, browser_analyst, no_csp, tmp_path
):
    import_hostile_plan(tmp_path)
    sign_in(page, "anna")

    # Through the edit form, as an analyst would type it.
    point = hostile["point"]
    response = page.goto(f"/plans/{point.plan.slug}/points/2/edit/")
    page.fill("#id_title", FULL)
    page.fill("#id_edit_summary", MEDIUM)
    page.locator("#object-form button[type=submit]").click()
    page.wait_for_url(f"**/plans/{point.plan.slug}/points/2/")
    assert_nothing_ran(page, "after saving the form")

    for url in pages(hostile):
        response = page.goto(url)
        assert response.status < 500, f"{url} answered {response.status}"
        assert_nothing_ran(page, url)

    for url in (point.get_absolute_url(), f"/plans/{point.plan.slug}/points/2/"):
        page.goto(url)
        shown = page.locator("main").inner_text()
        assert FULL in shown, f"the title is not shown as typed on {url}"
    page.goto("/plans/xss-import/points/1/")
    assert FULL in page.locator("main").inner_text()
    page.goto(hostile["party"].get_absolute_url())
    assert SHORT in page.locator("main").inner_text()
    screenshot(page, "xss-party-page")


def test_payloads_never_run_in_the_admin(page, hostile, no_csp, transactional_db):
    User.objects.create_superuser("root", "root@example.org", "root-password-1")
    sign_in(page, "root")
    point, plan = hostile["point"], hostile["plan"]
    for url in (
        "/admin/",
        "/admin/tracker/point/",
        f"/admin/tracker/point/{point.pk}/change/",
        f"/admin/tracker/point/{point.pk}/history/",
        f"/admin/tracker/plan/{plan.pk}/change/",
        "/admin/tracker/position/",
        "/admin/tracker/party/",
        "/admin/tracker/event/",
        "/admin/tracker/source/",
        "/admin/tracker/actor/",
        "/admin/tracker/component/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        assert page.evaluate("typeof window.__xss") == "undefined", f"script ran on {url}"
    # Saving through the admin keeps the text as typed.
    page.goto(f"/admin/tracker/point/{point.pk}/change/")
    page.fill("#id_notes", FULL)
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/tracker/point/")
    point.refresh_from_db()
    assert point.notes == FULL
    page.goto(point.get_absolute_url())
    assert page.evaluate("typeof window.__xss") == "undefined"
    screenshot(page, "xss-admin-saved-point")


def test_the_main_pages_report_no_csp_violation(page, hostile, browser_analyst):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    sign_in(page, "anna")
    for url in pages(hostile):
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("load")
        reported = page.evaluate("window.__csp")
        assert reported == [], f"{url}: {reported}"
    assert violations == []
    screenshot(page, "csp-clean-history-page")
