"""Email each user who asked for digests the changes to what they follow."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import timezone

from tracker.models import Profile
from tracker.models.desk import change_link, digest_changes

log = logging.getLogger(__name__)


def send_digest(profile, now):
    """Send one digest; True when sent. The mark moves only after a successful send,
    so a failed one is tried again, with the same changes, on the next run."""
    changes = digest_changes(profile)
    if not changes or not profile.user.email:
        return False
    items = [(change, settings.SITE_URL + change_link(change)) for change in changes]
    context = {"user": profile.user, "items": items, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=f"Negotiation tracker: {len(items)} changes to what you follow",
        body=render_to_string("tracker/email/digest.txt", context),
        to=[profile.user.email],
    )
    message.attach_alternative(render_to_string("tracker/email/digest.html", context), "text/html")
    message.send()
    Profile.objects.filter(pk=profile.pk).update(
        last_digest_change_id=changes[-1].pk, last_digest_at=now
    )
    return True


class Command(BaseCommand):
    help = (
        "Email each user with digests on the changes to what they follow since their last "
        "digest (daily ones at most once a day). Run it from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        profiles = Profile.objects.exclude(digest=Profile.Digest.OFF).select_related("user")
        sent = failed = 0
        for profile in profiles.filter(user__is_active=True):
            if not profile.digest_due(now):
                continue
            try:
                sent += send_digest(profile, now)
            except Exception:  # one unreachable mailbox must not stop the others
                log.exception("Digest to %s failed; it is retried next run", profile.user)
                failed += 1
        self.stdout.write(f"{sent} digests sent, {failed} failed.")
        if failed:
            self.stderr.write(f"{failed} digests failed; they are retried next run.")
