"""The Content-Security-Policy on every HTML page, and pages that need no exception to it."""

import re

import pytest
from django.test import Client

from tests.urlwalk import ROLES, ROUTES, make_cast, url_names

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}

# What a strict policy would block: inline code, inline style, handler attributes.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


@pytest.fixture
def cast(plan, point, position, source, russia, putin, component):
    return make_cast(plan, point, position, source, russia, putin, component)


def policy(response):
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def html_pages(cast):
    """Every routed HTML page someone can open, with a client that may open it."""
    for name in url_names():
        route = ROUTES[name]
        if not route.html:
            continue
        url = route.url(name, cast)
        role = next((role for role in ROLES if route.get[role] == 200), None)
        if role is not None:
            yield url, role


def test_every_html_page_sends_the_strict_policy(cast, viewer, analyst, superuser):
    users = {"anonymous": None, "viewer": viewer, "analyst": analyst, "superuser": superuser}
    pages = list(html_pages(cast))
    assert len(pages) >= 10
    for url, role in pages:
        client = Client()
        if users[role]:
            client.force_login(users[role])
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html"), url
        assert policy(response) == EXPECTED, url


@pytest.mark.parametrize("role", ["anonymous", "analyst"])
def test_no_page_relies_on_inline_script_style_or_handlers(cast, analyst, role):
    for url, needs in html_pages(cast):
        client = Client()
        if role == "analyst" or needs != "anonymous":
            client.force_login(analyst)
        response = client.get(url)
        if response.status_code != 200:
            continue  # a page only superusers open; the first test covers its header
        body = response.content.decode()
        for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, HANDLER_ATTRIBUTE, JAVASCRIPT_URL):
            found = pattern.search(body)
            assert found is None, f"{url}: {found.group(0)[:120]}"


def test_error_pages_the_admin_and_the_lockout_page_send_it_too(client, superuser):
    assert policy(client.get("/no-such-page/")) == EXPECTED
    assert policy(client.get("/plans/no-such-plan/")) == EXPECTED
    assert policy(client.get("/admin/login/")) == EXPECTED
    client.force_login(superuser)
    assert policy(client.get("/admin/")) == EXPECTED


def test_the_policy_never_allows_inline_or_eval(client):
    header = client.get("/")["Content-Security-Policy"]
    for unsafe in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "*", "http:", "https:"):
        assert unsafe not in header.split(), unsafe


def test_htmx_is_configured_not_to_eval_or_inject_styles(client):
    body = client.get("/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', body)
    assert config, "base.html has no htmx-config meta"
    assert '"allowEval": false' in config.group(1)
    assert '"includeIndicatorStyles": false' in config.group(1)
