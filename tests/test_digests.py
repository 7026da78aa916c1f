"""Email digests: each holds exactly the changes since the previous one, never twice."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.evidence import coded
from tracker.models import Change, PointStatus, Profile, Watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(viewer, point):
    viewer.email = "vera@example.org"
    viewer.save()
    Watch.follow(viewer, "point", point)
    profile = Profile.of(viewer)
    profile.digest = Profile.Digest.IMMEDIATE
    profile.last_digest_change_id = Change.objects.order_by("-pk").first().pk
    profile.save()
    return profile


def test_it_sends_the_changes_since_the_previous_digest_and_then_nothing(
    reader, point, russia, source, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    coded(russia, "supports", point=point, source=source)
    call_command("send_digests")
    assert len(mail.outbox) == 1
    first = mail.outbox[0]
    assert first.to == ["vera@example.org"]
    assert "RU supports on US 28" in first.body
    assert "https://tracker.example.org/history/position/" in first.body
    html, mimetype = first.alternatives[0]
    assert mimetype == "text/html" and 'href="https://tracker.example.org/history/' in html

    call_command("send_digests")
    assert len(mail.outbox) == 1  # nothing new: nothing sent

    PointStatus.objects.create(
        point=point, status="agreed", on=datetime.date(2025, 12, 1), source=source
    )
    call_command("send_digests")
    assert len(mail.outbox) == 2
    second = mail.outbox[1].body
    assert "pointstatus" in second and "RU supports" not in second


def test_a_failed_send_is_retried_next_run(reader, point, russia, source):
    coded(russia, "supports", point=point, source=source)
    before = reader.last_digest_change_id
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError
    ):
        call_command("send_digests")
    reader.refresh_from_db()
    assert reader.last_digest_change_id == before
    call_command("send_digests")
    assert len(mail.outbox) == 1 and "RU supports" in mail.outbox[0].body


def test_a_daily_digest_goes_at_most_once_a_day(reader, point, russia, source):
    Profile.objects.filter(pk=reader.pk).update(digest=Profile.Digest.DAILY)
    coded(russia, "supports", point=point, source=source)
    call_command("send_digests")
    PointStatus.objects.create(
        point=point, status="agreed", on=datetime.date(2025, 12, 1), source=source
    )
    call_command("send_digests")
    assert len(mail.outbox) == 1


def test_users_with_digests_off_get_nothing(reader, point, russia, source):
    Profile.objects.filter(pk=reader.pk).update(digest=Profile.Digest.OFF)
    coded(russia, "supports", point=point, source=source)
    call_command("send_digests")
    assert mail.outbox == []


def test_switching_digests_on_starts_from_now(viewer_client, viewer, point, russia):
    coded(russia, "supports", point=point)
    response = viewer_client.post(reverse("digest_settings"), {"digest": "daily"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=viewer)
    assert profile.digest == "daily"
    assert profile.last_digest_change_id == Change.objects.order_by("-pk").first().pk
