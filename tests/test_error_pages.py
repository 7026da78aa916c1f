"""The 403, 404 and 500 pages, in the site's design and saying what to do next; the favicon."""

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_test_run_renders_error_pages_as_production_does(settings):
    assert settings.DEBUG is False


def test_a_missing_page_is_a_404_in_the_sites_design_with_a_way_on(client):
    response = client.get("/plans/no-such-plan/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "There is nothing at this address" in body
    assert 'class="site"' in body and 'rel="icon"' in body  # base.html
    assert reverse("search") in body and reverse("plan_list") in body
    assert 'href="/"' in body


def test_a_404_lists_the_changes_to_signed_in_readers_only(client, viewer):
    assert reverse("recent_changes") + '">the changes' not in client.get("/nope/").content.decode()
    client.force_login(viewer)
    assert reverse("recent_changes") + '">the changes' in client.get("/nope/").content.decode()


def test_a_viewer_refused_an_edit_page_gets_a_403_that_says_why(viewer_client, plan):
    response = viewer_client.get(reverse("plan_edit", args=[plan.slug]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "You are not allowed to do this" in body
    assert "signed in as vera" in body and "Analyst" in body
    assert "Sign in</a> and try again" not in body


def test_an_anonymous_403_offers_to_sign_in(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/import/apply/")
    request.user = AnonymousUser()
    body = permission_denied(request, PermissionDenied()).content.decode()
    assert f'href="{reverse("login")}?next=/import/apply/">Sign in</a> and try again' in body


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_is_a_500_page_that_says_what_to_do_next(db):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert 'href="/"' in body and 'href="/search/"' in body
    assert "/static/tracker/style.css" in body


def test_the_500_page_renders_without_the_database_or_a_request(django_assert_num_queries):
    with django_assert_num_queries(0):
        body = loader.get_template("500.html").render()
    assert "Something went wrong" in body


def test_every_page_links_the_svg_favicon_and_favicon_ico_leads_to_it(client):
    body = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/tracker/favicon.svg" type="image/svg+xml">' in body
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/tracker/favicon.svg"


def test_the_favicon_is_a_small_svg(settings):
    from pathlib import Path

    icon = Path(settings.BASE_DIR) / "static" / "tracker" / "favicon.svg"
    text = icon.read_text()
    assert text.startswith("<svg") and len(text) < 1000
