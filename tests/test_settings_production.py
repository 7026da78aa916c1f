"""Production settings: Django's deploy check is clean and the hardening is really on.

Settings are read once per process, so each case runs ``manage.py`` or a short
script in a subprocess with the production environment.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Sends requests through the whole middleware stack with the test client.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
# The manifest needs collectstatic; the headers do not depend on it.
plain_storage = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_storage}).enable()
client = Client()
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", headers={"x-forwarded-proto": "https"})
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "secure_status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security", ""),
    "frame": secure.get("X-Frame-Options", ""),
    "nosniff": secure.get("X-Content-Type-Options", ""),
    "referrer": secure.get("Referrer-Policy", ""),
    "csp": secure.get("Content-Security-Policy", ""),
    "cookies": {name: dict(morsel) for name, morsel in secure.cookies.items()},
    "debug": settings.DEBUG,
    "session": [settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE,
                settings.SESSION_COOKIE_HTTPONLY],
}))
"""


def production_env(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DEBUG",
            "TRACKER_SSL_REDIRECT",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            # Set for the browser tests in this process; never in a deployment.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    env.update(
        TRACKER_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="tracker.example.org,testserver",
        DJANGO_SETTINGS_MODULE="tracker.settings",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def probe(**overrides):
    result = run(["-c", PROBE], production_env(**overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_deploy_check_passes_with_no_warnings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["manage.py", "check"], production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run(["manage.py", "check"], production_env(SECRET_KEY="x" * 49))
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_plain_http_is_redirected_to_https_and_https_gets_the_headers():
    answers = probe()
    assert answers["debug"] is False
    assert answers["plain_status"] == 301
    assert answers["plain_location"] == "https://testserver/accounts/login/"
    assert answers["secure_status"] == 200
    assert answers["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert answers["frame"] == "DENY"
    assert answers["nosniff"] == "nosniff"
    assert answers["referrer"] == "same-origin"
    assert "object-src 'none'" in answers["csp"]


def test_cookies_are_secure_host_prefixed_and_http_only_for_the_session():
    answers = probe()
    assert answers["session"] == ["__Host-sessionid", True, True]
    cookies = answers["cookies"]
    csrf = cookies["__Host-csrftoken"]
    assert csrf["secure"] is True
    assert csrf["path"] == "/"
    assert csrf["domain"] == ""
    assert "sessionid" not in cookies and "csrftoken" not in cookies


def test_the_benchmark_switch_turns_off_only_the_redirect():
    answers = probe(TRACKER_SSL_REDIRECT="0")
    assert answers["plain_status"] == 200
    assert answers["hsts"].startswith("max-age=31536000")
    assert answers["cookies"]["__Host-csrftoken"]["secure"] is True
