"""End-to-end tests in Debian's Chromium, driven by Playwright against live_server.

Playwright's sync API runs an event loop in the test thread; Django refuses
database access from such a thread unless told it is safe, which it is here
because the loop only drives the browser.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import sync_playwright

from tracker.roles import ANALYST, VIEWER

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run bin/setup as root or apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open further independent browser sessions (a second analyst, a phone)."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def open_page(new_page):
    """A page at a given viewport (a touch phone under 500 px), with or without JavaScript."""

    def at(viewport, javascript=True):
        phone = viewport["width"] < 500
        return new_page(
            viewport=viewport, is_mobile=phone, has_touch=phone, java_script_enabled=javascript
        )

    return at


def make_user(username, role):
    user = User.objects.create_user(username, password=f"{username}-password-1")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def browser_analyst(transactional_db):
    return make_user("anna", ANALYST)


@pytest.fixture
def browser_viewer(transactional_db):
    return make_user("vera", VIEWER)


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-password-1")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
