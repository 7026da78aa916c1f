"""API tokens: made and revoked on the settings page, read-only, stored hashed."""

import hashlib

import pytest
from django.core.cache import caches
from django.test import Client

from tracker.api.auth import AddressRateThrottle, TokenRateThrottle
from tracker.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


@pytest.fixture
def key(viewer):
    return ApiToken.issue(viewer, "newsroom script")[1]


def api(key=None, method="get", url="/api/changes/"):
    headers = {"Authorization": f"Token {key}"} if key else {}
    return getattr(Client(), method)(url, headers=headers)


def test_it_reads_with_a_valid_token(key):
    response = api(key)
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_it_refuses_a_revoked_token_at_once(key):
    assert api(key).status_code == 200
    ApiToken.objects.get().revoke()
    response = api(key, url="/api/plans/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_it_refuses_an_unknown_token(key):
    assert api("not-a-key", url="/api/plans/").status_code == 401


def test_it_refuses_a_write_with_a_token(key):
    assert api(key, "post", "/api/plans/").status_code == 405
    assert api(key, "put", "/api/changes/").status_code == 405


def test_it_reads_the_public_records_without_a_token(position):
    assert api(url="/api/plans/").status_code == 200
    assert api(url="/api/changes/").status_code == 401


def test_it_stores_only_the_hash_of_the_key(key):
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (token.key_hash, token.prefix)
    assert key.startswith(token.prefix)


def test_it_creates_a_token_from_the_settings_page_and_shows_the_key_once(viewer_client):
    response = viewer_client.post("/settings/tokens/", {"name": "My feed reader"})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.name == "My feed reader"
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert api(key).status_code == 200
    page = viewer_client.get("/settings/").content.decode()
    assert "My feed reader" in page
    assert key not in page


def test_it_refuses_a_token_without_a_name(viewer_client):
    assert viewer_client.post("/settings/tokens/", {"name": ""}).status_code == 422
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token_from_the_settings_page(viewer_client, key):
    token = ApiToken.objects.get()
    response = viewer_client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api(key).status_code == 401


def test_it_does_not_revoke_another_users_token(analyst_client, key):
    token = ApiToken.objects.get()
    assert analyst_client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_needs_csrf_to_create_a_token(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    assert client.post("/settings/tokens/", {"name": "x"}).status_code == 403


def test_it_needs_a_sign_in_to_create_a_token():
    response = Client().post("/settings/tokens/", {"name": "x"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_it_throttles_per_token_and_per_address(key, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "rate", "2/minute", raising=False)
    monkeypatch.setattr(AddressRateThrottle, "rate", "1/minute", raising=False)
    assert api(url="/api/plans/").status_code == 200
    assert api(url="/api/plans/").status_code == 429
    # The token has its own count, apart from the address's.
    assert api(key, url="/api/plans/").status_code == 200
    assert api(key, url="/api/plans/").status_code == 200
    assert api(key, url="/api/plans/").status_code == 429
