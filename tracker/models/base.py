"""What every tracked model shares: history, the version check, natural keys.

Every tracked model keeps a full change history (django-simple-history) and a
``version`` counter that is bumped on each save, so that an edit made on a stale
copy can be refused instead of silently overwriting someone else's work.
"""

import functools
import uuid

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.serializers import sort_dependencies
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Window
from django.db.models.functions import Length, RowNumber
from django.utils import timezone
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from .. import validators


class EditConflict(Exception):
    """Someone saved the record after the editor loaded it."""

    def __init__(self, current):
        super().__init__(f"{current!r} was changed by someone else")
        self.current = current


class Certainty(models.TextChoices):
    HIGH = "high", "Confirmed"
    MEDIUM = "medium", "Reported"
    LOW = "low", "Uncertain"


class Precision(models.TextChoices):
    """How precisely a source dates something: never more precise than it says."""

    DAY = "day", "On the day"
    WEEK = "week", "In the week of"
    MONTH = "month", "In the month of"
    RANGE = "range", "Between two dates"


language_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", "Enter a language code such as en, ru, uk or pt-BR."
)


def language_field(**kwargs):
    """An IETF language tag (en, ru, uk, de ...): the language a text is in."""
    return models.CharField(max_length=16, default="en", validators=[language_validator], **kwargs)


def certainty_field(default, verbose_name=None):
    """How sure the record is of what it says: confirmed, reported or uncertain."""
    return models.CharField(verbose_name, max_length=10, choices=Certainty.choices, default=default)


def precision_field(**kwargs):
    """How precisely the source dates it (on the day by default)."""
    return models.CharField(
        max_length=10, choices=Precision.choices, default=Precision.DAY, **kwargs
    )


def optional_key(to, on_delete, **kwargs):
    """A foreign key that may be left blank (a source not known, a subject not this one)."""
    return models.ForeignKey(to, on_delete, null=True, blank=True, **kwargs)


def dated_precisely(on, precision, until):
    """Errors for a date said with ``precision``: a range needs its end after its start."""
    errors = {}
    if precision == Precision.RANGE:
        if until is None:
            errors["said_until"] = "A range needs the last date it may have been said."
        elif on and until < on:
            errors["said_until"] = "The range ends before it starts."
    elif until is not None:
        errors["said_until"] = "Only a range has an end date; choose “Between two dates”."
    return errors


class Tracked(models.Model):
    """Fields and behaviour shared by every model analysts edit."""

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def save_recorded(self, summary="", user=None):
        """Save, with ``summary`` and ``user`` in the change history; returns self."""
        self._change_reason = summary or None
        self._history_user = user
        self.save()
        return self

    def copied(self, **changes):
        """An unsaved copy with every editable field, except those in ``changes``.

        Generic on purpose: a field added to the model is copied too.
        """
        values = {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.editable and not field.primary_key and field.name not in changes
        }
        return type(self)(**values, **changes)

    @property
    def record_name(self):
        """The record named with its kind, for lists that mix kinds: Party “Russia”."""
        return f"{str(self._meta.verbose_name).capitalize()} “{self}”"

    def clean_fields(self, exclude=None):
        """Django's checks of each field, then the rules both databases need
        (tracker/validators.py): edit forms and the import both get here."""
        exclude = set(exclude or ())
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for model_field in self._meta.concrete_fields:
            if model_field.name in exclude or model_field.name in errors:
                continue
            try:
                validators.check(model_field, getattr(self, model_field.attname))
            except ValidationError as error:
                errors[model_field.name] = error.error_list
        if errors:
            raise ValidationError(errors)

    def save_checked(self, expected_version, summary="", user=None):
        """Save if nobody else saved since ``expected_version`` was read.

        The version check and bump are one UPDATE inside the same transaction
        as the write, so two processes cannot both pass the check: the second
        UPDATE waits for the first transaction's row lock (PostgreSQL) or the
        write lock (SQLite in IMMEDIATE mode) and then matches no row.
        """
        from .changes import ChangeMarker  # changes.py builds on this module

        model = type(self)
        with transaction.atomic():
            ChangeMarker.hold()
            bumped = model.objects.filter(pk=self.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not bumped:
                raise EditConflict(model.objects.get(pk=self.pk))
            self.version = expected_version + 1
            if summary:
                self._change_reason = summary
            if user is not None:
                self._history_user = user
            self.save()


class TrackedHistoryManager(HistoryManager):
    """simple-history's manager, with the record as it stood at a moment."""

    def at(self, moment, **filters):
        """Each object's latest version at ``moment`` (deleted ones left out), one query.

        ``filters`` apply to that version, so ``plan_id=7`` gives the objects
        that belonged to plan 7 at the time. The latest version per object is
        picked with a window function over the candidates' records (ROW_NUMBER
        per id, newest first): one sort, where a correlated "newest record of
        this id" subquery per record would cost the square of a busy object's
        history.
        """
        records = self.model.objects.filter(history_date__lte=moment)
        if filters:
            records = records.filter(id__in=records.filter(**filters).values("id"))
        return (
            self.model.objects.filter(
                history_id__in=newest_per_object(records).values("history_id")
            )
            .filter(**filters)
            .exclude(history_type="-")
        )


def newest_per_object(records):
    """Of history ``records``, the newest per object: one sort, whatever each history's length."""
    return records.annotate(
        newest=Window(
            RowNumber(),
            partition_by=[F("id")],
            order_by=[F("history_date").desc(), F("history_id").desc()],
        )
    ).filter(newest=1)


class TrackedHistory(HistoricalRecords):
    """simple-history with an index for reading one object's versions.

    Its composite index is (history_date, id): right for "everything before
    this date", but an object's history page filters on the id and sorts by
    date, which with only that index sorts every version of a busy object.
    """

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        by_object = models.Index(
            fields=[model._meta.pk.attname, "-history_date", "-history_id"],
            name=f"tracker_h{model._meta.model_name[:12]}_versions",
        )
        options["indexes"] = (*options.get("indexes", ()), by_object)
        return options


def history(**kwargs):
    return TrackedHistory(
        history_manager=TrackedHistoryManager,
        history_change_reason_field=models.TextField(null=True),
        excluded_fields=["updated_at"],
        **kwargs,
    )


colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")


def not_reserved_slug(value):
    """ "new" is taken by the create pages (/plans/new/, /parties/new/, /events/new/ ...)."""
    if value == "new":
        raise ValidationError('"new" is reserved for the page that creates one; choose another.')


models.CharField.register_lookup(Length)


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugTracked(Tracked):
    """A tracked record with a page of its own, named in URLs and fixtures by its ``slug``
    (each declares the field: lengths and the reserved "new" differ)."""

    objects = SlugQuerySet.as_manager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)


class UidQuerySet(models.QuerySet):
    def get_by_natural_key(self, uid):
        return self.get(uid=uid)


class UidTracked(Tracked):
    """A tracked record with no name of its own (a role held, a coding, a
    translation): fixtures and links name it by a UUID.

    Its natural key needs no declared dependencies: what it refers to comes
    first in a fixture through its foreign keys, which Django sorts by.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = UidQuerySet.as_manager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (str(self.uid),)


class PlanItemQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_slug, number):
        return self.get(plan__slug=plan_slug, number=number)


@functools.cache
def tracked_models():
    """Every model analysts edit, each after the models it refers to.

    The one list of them: history, import and export, and the roles' permissions
    read it. The order comes from each model's foreign keys and ``natural_key.dependencies``.
    """
    config = apps.get_app_config("tracker")
    tracked = [model for model in config.get_models() if issubclass(model, Tracked)]
    return tuple(sort_dependencies([(config, tracked)], allow_cycles=True))
