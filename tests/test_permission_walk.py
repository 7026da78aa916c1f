"""Every URL × anonymous, viewer, analyst, superuser × GET and POST.

The URL list comes from the resolver (tests/urlwalk.py), so a new view cannot
escape: without a row in ``ROUTES`` the walk fails. Each request must answer the
status its row expects, never a 5xx, and must leave the database as it was unless
the role is one of the row's writers and the request a POST.
"""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib import admin
from django.shortcuts import resolve_url
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.urlwalk import ANY, LOGIN, ROLES, ROUTES, fingerprint, make_cast, url_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(plan, point, position, source, russia, putin, component):
    return make_cast(plan, point, position, source, russia, putin, component)


@pytest.fixture
def users(viewer, analyst, superuser):
    return {"anonymous": None, "viewer": viewer, "analyst": analyst, "superuser": superuser}


def client_for(user, **options):
    client = Client(**options)
    if user is not None:
        client.force_login(user)
    return client


def redirects_to(response, url):
    return response.status_code == 302 and urlparse(response["Location"]).path == url


def outcome_matches(response, expected, login_url):
    if response.status_code >= 500:
        return False
    if expected == ANY:
        return True
    if expected == LOGIN:
        return redirects_to(response, login_url)
    return response.status_code == expected


def test_every_routed_url_has_a_row_in_the_walk_table():
    names = url_names()
    missing = [name for name in names if name not in ROUTES]
    stale = [name for name in ROUTES if name not in names]
    assert missing == [], f"add these URL names to ROUTES in tests/urlwalk.py: {missing}"
    assert stale == [], f"these ROUTES rows name no URL any more: {stale}"


@pytest.mark.parametrize("name", url_names())
def test_each_role_gets_the_expected_answer_and_only_writers_change_data(name, cast, users):
    assert name in ROUTES, f"{name} has no row in ROUTES (tests/urlwalk.py)"
    route = ROUTES[name]
    url = route.url(name, cast)
    login_url = resolve_url(settings.LOGIN_URL)
    failures = []
    for role in ROLES:
        for method, expected in (("get", route.get[role]), ("post", route.post[role])):
            before = fingerprint()
            client = client_for(users[role])
            response = getattr(client, method)(url, route.post_data)
            if not outcome_matches(response, expected, login_url):
                failures.append(f"{method.upper()} {url} as {role}: {response.status_code}")
            may_write = method == "post" and role in route.writers
            if not may_write and fingerprint() != before:
                failures.append(f"{method.upper()} {url} as {role} changed the database")
    assert failures == []


def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(cast, analyst):
    posting = [name for name in url_names() if ROUTES[name].post["analyst"] != 405]
    assert "login" in posting
    for name in posting:
        route = ROUTES[name]
        url = route.url(name, cast)
        before = fingerprint()
        response = client_for(analyst, enforce_csrf_checks=True).post(url, route.post_data)
        assert response.status_code == 403, f"POST {url} without a CSRF token"
        assert fingerprint() == before


def admin_urls(superuser):
    """The admin index, and each registered model's list, add, change and history pages."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):  # the login-attempt log is read-only
            urls.append(reverse(f"{prefix}_add"))
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            urls.append(reverse(f"{prefix}_change", args=[instance.pk]))
            if model._meta.app_label == "tracker":
                urls.append(reverse(f"{prefix}_history", args=[instance.pk]))
    return urls


def test_only_superusers_get_into_the_admin(cast, users):
    admin_login = reverse("admin:login")
    urls = admin_urls(users["superuser"])
    assert len(urls) > 20
    for url in urls:
        for role in ("anonymous", "viewer", "analyst"):
            client = client_for(users[role])
            before = fingerprint()
            assert redirects_to(client.get(url), admin_login), f"GET {url} as {role}"
            assert redirects_to(client.post(url, {}), admin_login), f"POST {url} as {role}"
            assert fingerprint() == before
        response = client_for(users["superuser"]).get(url)
        assert response.status_code == 200, f"GET {url} as superuser"
