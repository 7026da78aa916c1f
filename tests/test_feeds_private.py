"""Private feed URLs: a token in the address stands for the owner's session."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.evidence import coded
from tracker.models import Profile, Watch

pytestmark = pytest.mark.django_db


def feed_urls(profile):
    return [
        reverse("private_changes_feed", args=[profile.feed_token]),
        reverse("private_watching_feed", args=[profile.feed_token]),
    ]


def test_it_serves_both_feeds_with_the_token_and_no_session(viewer, point, russia):
    Watch.follow(viewer, "point", point)
    coded(russia, "supports", point=point)
    profile = Profile.of(viewer)
    changes, watching = (Client().get(url) for url in feed_urls(profile))
    assert changes.status_code == 200
    assert changes["Content-Type"].startswith("application/atom+xml")
    assert "Territory" in changes.content.decode()
    assert watching.status_code == 200
    assert "RU supports on US 28" in watching.content.decode()


def test_the_watching_feed_holds_only_what_is_followed(viewer, point, russia, ukraine):
    Watch.follow(viewer, "party", ukraine)
    coded(russia, "supports", point=point)
    url = reverse("private_watching_feed", args=[Profile.of(viewer).feed_token])
    assert "RU supports" not in Client().get(url).content.decode()


def test_it_refuses_the_old_token_once_regenerated(viewer_client, viewer):
    profile = Profile.of(viewer)
    old = feed_urls(profile)
    response = viewer_client.post(reverse("feed_token_regenerate"))
    assert response.status_code == 302
    for url in old:
        assert Client().get(url).status_code == 404
    profile.refresh_from_db()
    for url in feed_urls(profile):
        assert Client().get(url).status_code == 200


def test_it_refuses_a_wrong_token_and_an_inactive_owner(viewer):
    assert Client().get("/feeds/not-a-token/changes.atom").status_code == 404
    profile = Profile.of(viewer)
    viewer.is_active = False
    viewer.save()
    for url in feed_urls(profile):
        assert Client().get(url).status_code == 404


def test_it_refuses_an_owner_who_may_not_read_the_change_log(django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="nobody-password-1")
    for url in feed_urls(Profile.of(nobody)):
        assert Client().get(url).status_code == 404


def test_the_settings_page_shows_the_feed_addresses(viewer_client, viewer):
    profile = Profile.of(viewer)
    page = viewer_client.get(reverse("user_settings")).content.decode()
    for url in feed_urls(profile):
        assert url in page
