"""The record of changes across all tracked models, and users' own settings."""

import datetime
import functools
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import F, Q
from django.urls import reverse

from .parties import Party


class ChangeQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            if created:
                ChangeMarker.bump(len(created), using=self.db)
        return created


class Change(models.Model):
    """One row per history record of any tracked model.

    django-simple-history keeps one history table per model; this index over
    all of them lets the recent-changes feed paginate and filter across models
    with a single indexed query instead of a union of eight tables.
    """

    class Action(models.TextChoices):
        CREATED = "+", "Created"
        CHANGED = "~", "Changed"
        DELETED = "-", "Deleted"

    changed_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    model = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=300)
    history_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=1, choices=Action.choices)
    summary = models.TextField(blank=True)
    party = models.ForeignKey(
        Party,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        permissions = [
            ("restore_version", "Can restore an earlier version"),
            ("import_fixture", "Can import fixtures"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "history_id"], name="tracker_change_unique_record"
            ),
        ]
        indexes = [
            # The newest first: /changes/, and what is new since a moment (the
            # navigation's count of what is new in what a user follows).
            models.Index(fields=["-changed_at", "-id"], name="tracker_change_latest"),
            models.Index(
                fields=["model", "object_id", "-changed_at"], name="tracker_change_object"
            ),
            models.Index(fields=["model", "-changed_at"], name="tracker_change_model"),
            models.Index(fields=["user", "-changed_at"], name="tracker_change_user"),
            models.Index(fields=["party", "-changed_at"], name="tracker_change_party"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.model} {self.object_repr}"

    @classmethod
    def marker(cls):
        """A value that changes with every recorded write: for cache keys and ETags."""
        return str(ChangeMarker.read())

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(Change, instance=self)
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)
            ChangeMarker.bump(using=using)


def _marker_held():
    """Registered with on_commit: its presence says the transaction holds the marker."""


def new_epoch():
    return secrets.token_hex(4)


class ChangeMarker(models.Model):
    """One row that every recorded change bumps, in the change's own transaction.

    ``Change.marker()`` reads it: one primary-key lookup, whatever the size of
    the history. Its value is what rendered tables are cached under and what
    ETags are made of, so it must never show a state before the data does:

    - The bump (``UPDATE ... SET value = value + n``) is in the transaction that
      writes the ``Change`` rows, so it becomes visible exactly when the data
      does. Its row lock serialises writers on PostgreSQL: a reader sees the
      value of the last commit, never one a later-numbered transaction left
      while an earlier one was still open (what a highest-id marker would do).
    - A write transaction takes the row lock before its first tracked write
      (``hold()``), so that writers always lock the marker first and the rows
      after: a transaction holding the marker never waits for a row held by
      one that waits for the marker (a deadlock).
    - ``epoch`` is random per row: a database that is restored, flushed or
      recreated counts again from an old value, and a shared cache or a
      browser must not take it for the state it had the first time.

    ``access`` counts changes to users, groups and permissions (signals in
    tracker/signals.py): what a page shows a user depends on those too, and
    reading it with the marker spares a revalidation the permission queries.
    """

    ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW)
    value = models.PositiveBigIntegerField(default=0)
    epoch = models.CharField(max_length=16, default=new_epoch)
    access = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="tracker_changemarker_one_row"),
        ]

    def __str__(self):
        return f"{self.value}.{self.epoch}"

    @classmethod
    def read(cls, using="default"):
        return cls.objects.using(using).filter(pk=cls.ROW).first() or cls.start(using=using)

    @classmethod
    def bump(cls, count=1, using="default"):
        """Count ``count`` recorded changes; call inside their transaction."""
        marker = cls.objects.using(using).filter(pk=cls.ROW)
        if not marker.update(value=F("value") + count):
            cls.start(value=count, using=using)

    @classmethod
    def bump_access(cls, using="default"):
        """Count a change to users, groups or permissions."""
        if not cls.objects.using(using).filter(pk=cls.ROW).update(access=F("access") + 1):
            cls.start(using=using)

    @classmethod
    def hold(cls, using="default"):
        """Lock the marker until the transaction ends (once per transaction).

        On PostgreSQL, inside a transaction; SQLite's IMMEDIATE transactions
        already serialise writers, and a statement outside a transaction holds
        nothing for long.
        """
        connection = connections[using]
        if not (connection.features.has_select_for_update and connection.in_atomic_block):
            return
        if any(callback is _marker_held for _, callback, _ in connection.run_on_commit):
            return
        cls.objects.using(using).select_for_update().filter(pk=cls.ROW).exists()
        transaction.on_commit(_marker_held, using=using)

    @classmethod
    def renew(cls, using="default"):
        """A new epoch, for a database that now holds other data (after a restore)."""
        with transaction.atomic(using=using):
            if not cls.objects.using(using).filter(pk=cls.ROW).update(epoch=new_epoch()):
                cls.start(using=using)

    @classmethod
    def start(cls, value=0, using="default"):
        """The row, created if missing (a flushed database): with a fresh epoch."""
        try:
            with transaction.atomic(using=using):
                return cls.objects.using(using).create(pk=cls.ROW, value=value)
        except IntegrityError:  # created meanwhile by another connection
            marker = cls.objects.using(using).filter(pk=cls.ROW)
            if value:
                marker.update(value=F("value") + value)
            return marker.get()


@functools.cache
def time_zone_names():
    """Every IANA time zone name this system knows, sorted (read once per process)."""
    return sorted(zoneinfo.available_timezones())


def valid_time_zone(value):
    if value not in time_zone_names():
        raise ValidationError(f"“{value}” is not a time zone: choose one from the list.")


def new_feed_token():
    return secrets.token_urlsafe(32)


class Profile(models.Model):
    """A user's own settings: the time zone the site shows times in, their private
    feeds' token, their email digests and when they last looked at what they follow."""

    class Digest(models.TextChoices):
        OFF = "off", "No emails"
        DAILY = "daily", "Once a day"
        IMMEDIATE = "immediate", "As it happens"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[valid_time_zone])
    last_seen_watching = models.DateTimeField(null=True, blank=True, editable=False)
    # The secret in the user's private feed URLs: replacing it revokes the old URLs.
    feed_token = models.CharField(
        max_length=64, unique=True, default=new_feed_token, editable=False
    )
    digest = models.CharField(
        "email digest", max_length=10, choices=Digest.choices, default=Digest.OFF
    )
    # The highest Change id a digest has already sent, and when the last one went.
    last_digest_change_id = models.PositiveBigIntegerField(default=0, editable=False)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(time_zone=""), name="tracker_profile_time_zone_set"
            ),
        ]

    def __str__(self):
        return f"Settings of {self.user}"

    def get_absolute_url(self):
        return reverse("user_settings")

    @classmethod
    def of(cls, user):
        return cls.objects.get_or_create(user=user)[0]

    def regenerate_feed_token(self):
        self.feed_token = new_feed_token()
        self.save(update_fields=["feed_token"])

    def digest_due(self, now):
        """Digests on, and for a daily digest none sent in the past day."""
        if self.digest == self.Digest.OFF:
            return False
        if self.digest == self.Digest.DAILY and self.last_digest_at:
            return now - self.last_digest_at >= datetime.timedelta(hours=23)
        return True

    @classmethod
    def time_zone_of(cls, user):
        """The user's time zone name; UTC for anonymous users and those who never chose."""
        if not user.is_authenticated:
            return "UTC"
        chosen = cls.objects.filter(user=user).values_list("time_zone", flat=True).first()
        return chosen if chosen in time_zone_names() else "UTC"
