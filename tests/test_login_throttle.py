"""Sign-in throttling (django-axes): repeated failures lock out, the cool-off ends."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="10.1.2.3"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_locked_out(client, username, address="10.1.2.3"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong-password", address)


def test_the_limit_and_cool_off_are_set_from_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_a_few_failures_still_let_the_right_password_in(client, analyst):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "anna", "wrong-password")
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content
    response = sign_in(client, "anna", "anna-password-1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(analyst.pk)


def test_it_locks_out_after_repeated_failures_even_with_the_right_password(client, analyst):
    fail_until_locked_out(client, "anna")
    response = sign_in(client, "anna", "anna-password-1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "Too many sign-in attempts" in body
    assert "paused for 15 minutes" in body
    assert '<link rel="stylesheet"' in body  # the styled site page, not a bare message


def test_the_lockout_is_per_username_and_address(client, analyst, viewer):
    fail_until_locked_out(client, "anna", address="10.1.2.3")
    assert sign_in(client, "vera", "vera-password-1", address="10.1.2.3").status_code == 302
    client.logout()
    assert sign_in(client, "anna", "anna-password-1", address="10.9.9.9").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, analyst):
    fail_until_locked_out(client, "anna")
    response = client.post(
        LOGIN,
        {"username": "anna", "password": "anna-password-1"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 429


def test_it_lets_the_user_in_once_the_cool_off_has_passed(client, analyst):
    fail_until_locked_out(client, "anna")
    assert sign_in(client, "anna", "anna-password-1").status_code == 429
    ended = datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=ended - datetime.timedelta(seconds=1))
    response = sign_in(client, "anna", "anna-password-1")
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(analyst.pk)


def test_a_successful_sign_in_clears_the_failure_count(client, analyst):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "anna", "wrong-password")
    assert sign_in(client, "anna", "anna-password-1").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "anna", "wrong-password")
    assert sign_in(client, "anna", "anna-password-1").status_code == 302
