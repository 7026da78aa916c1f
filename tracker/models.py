"""The tracker's domain: plans, their points, the parties and what they said.

Every tracked model keeps a full change history (django-simple-history) and a
``version`` counter that is bumped on each save, so that an edit made on a stale
copy can be refused instead of silently overwriting someone else's work.
"""

import functools
import uuid
import zoneinfo

from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers import sort_dependencies
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import Length, RowNumber
from django.urls import reverse
from django.utils import timezone
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords


class EditConflict(Exception):
    """Someone saved the record after the editor loaded it."""

    def __init__(self, current):
        super().__init__(f"{current!r} was changed by someone else")
        self.current = current


class Certainty(models.TextChoices):
    HIGH = "high", "Confirmed"
    MEDIUM = "medium", "Reported"
    LOW = "low", "Uncertain"


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

    def save_checked(self, expected_version, summary="", user=None):
        """Save if nobody else saved since ``expected_version`` was read.

        The version check and bump are one UPDATE inside the same transaction
        as the write, so two processes cannot both pass the check: the second
        UPDATE waits for the first transaction's row lock (PostgreSQL) or the
        write lock (SQLite in IMMEDIATE mode) and then matches no row.
        """
        model = type(self)
        with transaction.atomic():
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


class PlanItemQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_slug, number):
        return self.get(plan__slug=plan_slug, number=number)


class Party(Tracked):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        BLOC = "bloc", "Bloc"
        ALLIANCE = "alliance", "Alliance"
        MEDIATOR = "mediator", "Mediator"
        ORGANISATION = "organisation", "Organisation"

    slug = models.SlugField(max_length=50, unique=True, validators=[not_reserved_slug])
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATE)
    colour = models.CharField(max_length=7, default="#6b7280", validators=[colour_validator])
    order = models.PositiveSmallIntegerField(default=100, help_text="Column order in the matrix.")
    description = models.TextField(blank=True)

    history = history()
    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "parties"
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__startswith="#") & Q(colour__length=7),
                name="tracker_party_colour_hex",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("party_detail", args=[self.slug])


class Actor(Tracked):
    slug = models.SlugField(max_length=80, unique=True, validators=[not_reserved_slug])
    name = models.CharField(max_length=120)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="actors")
    role = models.CharField(max_length=200, blank=True)

    history = history()
    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["tracker.party"]

    def get_absolute_url(self):
        return reverse("actor_detail", args=[self.slug])


class Source(Tracked):
    class Kind(models.TextChoices):
        NEWS = "news", "News report"
        OFFICIAL = "official", "Official statement"
        LEAK = "leak", "Leaked document"
        ANALYSIS = "analysis", "Analysis"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    publisher = models.CharField(max_length=120, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    full_text = models.TextField(
        blank=True, help_text="Kept locally, to check quotes against. Never shown in full."
    )
    notes = models.TextField(blank=True)

    history = history()
    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("source_detail", args=[self.pk])


class Plan(Tracked):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LEAKED = "leaked", "Leaked"
        PROPOSED = "proposed", "Proposed"
        NEGOTIATING = "negotiating", "Under negotiation"
        SUPERSEDED = "superseded", "Superseded"
        AGREED = "agreed", "Agreed"
        REJECTED = "rejected", "Rejected"

    slug = models.SlugField(max_length=80, unique=True, validators=[not_reserved_slug])
    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=60)
    authored_by = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    presented_on = models.DateField(null=True, blank=True)
    date_note = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    derived_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="derivatives"
    )
    description = models.TextField(blank=True)
    certainty = models.CharField(max_length=10, choices=Certainty.choices, default=Certainty.HIGH)
    all_points_known = models.BooleanField(
        "all points listed",
        default=True,
        help_text="Untick when the full text is not public and only the points reporting "
        "describes are listed: a point missing here is then shown as not reported, not removed.",
    )

    history = history()
    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["presented_on", "title"]

    def __str__(self):
        return self.short_title

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["tracker.party"]

    def get_absolute_url(self):
        return reverse("plan_detail", args=[self.slug])

    def copy_as_version(self, *, slug, title, short_title, summary="", user=None):
        """A new draft version of this plan with its components and points.

        Each new point derives from the point it copies; everything else is
        copied as it is (a copy of a partial text is as partial as its
        original). One transaction: the copy is complete or absent.
        """
        reason = summary or f"New version of {self.short_title}"
        with transaction.atomic():
            new = self.copied(
                slug=slug,
                title=title,
                short_title=short_title,
                derived_from=self,
                status=Plan.Status.DRAFT,
            ).save_recorded(reason, user)
            components = {
                old.pk: old.copied(plan=new).save_recorded(reason, user)
                for old in self.components.all()
            }
            for old in self.points.all():
                component = components.get(old.component_id)
                old.copied(plan=new, component=component, derived_from=old).save_recorded(
                    reason, user
                )
        return new


class Component(Tracked):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="components")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    certainty = models.CharField(max_length=10, choices=Certainty.choices, default=Certainty.HIGH)

    history = history()
    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="tracker_component_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="tracker_component_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.plan.short_title} · component {self.number}: {self.title}"

    @property
    def record_name(self):
        return f"Component {self.number} of {self.plan.short_title}: {self.title}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["tracker.plan"]

    def get_absolute_url(self):
        # Its section of the plan's components page, with the positions on it.
        url = reverse("plan_components", args=[self.plan.slug])
        return f"{url}#component-{self.number}"


class Topic(models.TextChoices):
    SOVEREIGNTY = "sovereignty", "Sovereignty"
    SECURITY_ARCHITECTURE = "security_architecture", "Security architecture"
    SECURITY_GUARANTEES = "security_guarantees", "Security guarantees"
    NATO = "nato", "NATO"
    ARMED_FORCES = "armed_forces", "Armed forces"
    TERRITORY = "territory", "Territory"
    ECONOMY = "economy", "Economy"
    RECONSTRUCTION = "reconstruction", "Reconstruction"
    SANCTIONS = "sanctions", "Sanctions"
    FROZEN_ASSETS = "frozen_assets", "Frozen assets"
    NUCLEAR = "nuclear", "Nuclear"
    HUMANITARIAN = "humanitarian", "Humanitarian"
    ELECTIONS = "elections", "Elections"
    AMNESTY = "amnesty", "Amnesty"
    IMPLEMENTATION = "implementation", "Implementation"
    CEASEFIRE = "ceasefire", "Ceasefire"
    OTHER = "other", "Other"


class PointQuerySet(PlanItemQuerySet):
    def open_first(self):
        return self.order_by(
            models.Case(
                models.When(status__in=["disputed", "open", "leaders"], then=0),
                default=1,
            ),
            "number",
        )

    def disputed(self):
        return self.filter(status=Point.Status.DISPUTED)


class Point(Tracked):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        AGREED = "agreed", "Agreed"
        DISPUTED = "disputed", "Disputed"
        LEADERS = "leaders", "Deferred to leaders"
        REMOVED = "removed", "Removed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="The point in the analyst's words.")
    topic = models.CharField(max_length=30, choices=Topic.choices, default=Topic.OTHER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    component = models.ForeignKey(
        Component, on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )
    derived_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="derivatives"
    )
    certainty = models.CharField(max_length=10, choices=Certainty.choices, default=Certainty.HIGH)
    notes = models.TextField(blank=True)

    history = history()
    objects = PointQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="tracker_point_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="tracker_point_number_positive"
            ),
        ]
        indexes = [models.Index(fields=["plan", "topic"], name="tracker_point_plan_topic")]

    def __str__(self):
        return f"{self.plan.short_title} · {self.number}. {self.title}"

    @property
    def record_name(self):
        return f"Point {self.number} of {self.plan.short_title}: {self.title}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["tracker.plan", "tracker.component"]

    def get_absolute_url(self):
        return reverse("point_detail", args=[self.plan.slug, self.number])

    def clean(self):
        if self.component_id and self.plan_id and self.component.plan_id != self.plan_id:
            raise ValidationError({"component": "This component belongs to another plan."})
        if self.derived_from_id and self.derived_from_id == self.pk:
            raise ValidationError({"derived_from": "A point cannot derive from itself."})
        if self.derived_from_id and self.plan_id and self.derived_from.plan_id == self.plan_id:
            raise ValidationError(
                {"derived_from": "A point derives from a point of an earlier plan."}
            )


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONDITIONAL = "conditional", "Conditional"
    OPPOSES = "opposes", "Opposes"
    UNCLEAR = "unclear", "Ambiguous / unclear"


class PositionQuerySet(models.QuerySet):
    def get_by_natural_key(self, uid):
        return self.get(uid=uid)

    def latest_first(self):
        return self.order_by("-stated_on", "-pk")

    def latest_per_point_and_party(self):
        """Each party's most recent position on each point (one query)."""
        newest = (
            Position.objects.filter(point=models.OuterRef("point"), party=models.OuterRef("party"))
            .order_by("-stated_on", "-pk")
            .values("pk")[:1]
        )
        return self.filter(point__isnull=False, pk=models.Subquery(newest))

    def with_subject(self):
        return self.select_related(
            "party", "speaker", "source", "point__plan", "component__plan", "plan"
        )


class Position(Tracked):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="positions")
    point = models.ForeignKey(
        Point, on_delete=models.CASCADE, null=True, blank=True, related_name="positions"
    )
    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, null=True, blank=True, related_name="positions"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="positions"
    )
    stance = models.CharField(max_length=20, choices=Stance.choices)
    summary = models.TextField(help_text="The position in the analyst's words.")
    quote = models.TextField(blank=True, help_text="Verbatim, only what the speaker said.")
    # PROTECT: a quote's speaker is evidence; an actor is deleted once no
    # position names them (move their positions to the right actor first).
    speaker = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="positions"
    )
    stated_on = models.DateField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="positions")
    certainty = models.CharField(max_length=10, choices=Certainty.choices, default=Certainty.HIGH)

    history = history()
    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["-stated_on", "party", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(point__isnull=False, component__isnull=True, plan__isnull=True)
                    | Q(point__isnull=True, component__isnull=False, plan__isnull=True)
                    | Q(point__isnull=True, component__isnull=True, plan__isnull=False)
                ),
                name="tracker_position_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="tracker_position_stance_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["point", "party", "-stated_on"], name="tracker_position_point_party"
            ),
            models.Index(fields=["party", "-stated_on"], name="tracker_position_party_date"),
        ]

    def __str__(self):
        return f"{self.party.short_name} {self.get_stance_display().lower()} on {self.subject}"

    def natural_key(self):
        return (str(self.uid),)

    natural_key.dependencies = [
        "tracker.party",
        "tracker.actor",
        "tracker.source",
        "tracker.point",
        "tracker.component",
    ]

    @property
    def subject(self):
        return self.point or self.component or self.plan

    def get_absolute_url(self):
        return reverse("position_detail", args=[self.uid])

    def clean(self):
        errors = {}
        subjects = [self.point_id, self.component_id, self.plan_id]
        if sum(s is not None for s in subjects) != 1:
            errors[NON_FIELD_ERRORS] = "A position is on exactly one point, component or plan."
        if self.stated_on and self.stated_on > timezone.localdate():
            errors["stated_on"] = "A position cannot be stated in the future."
        if self.speaker_id and self.party_id and self.speaker.party_id != self.party_id:
            errors["speaker"] = "The speaker does not speak for this party."
        if errors:
            raise ValidationError(errors)


class Event(Tracked):
    class Kind(models.TextChoices):
        SUMMIT = "summit", "Summit"
        TALKS = "talks", "Talks"
        LEAK = "leak", "Leak"
        PROPOSAL = "proposal", "Proposal"
        STATEMENT = "statement", "Statement"
        SANCTION = "sanction", "Sanction"
        VISIT = "visit", "Visit"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=80, unique=True, validators=[not_reserved_slug])
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    occurred_on = models.DateField()
    date_note = models.CharField(
        max_length=200, blank=True, help_text="When the exact date is uncertain, say so here."
    )
    location = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    parties = models.ManyToManyField(Party, blank=True, related_name="events")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="events")
    certainty = models.CharField(max_length=10, choices=Certainty.choices, default=Certainty.HIGH)

    history = history(m2m_fields=[parties])
    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "title"]
        indexes = [models.Index(fields=["-occurred_on"], name="tracker_event_date")]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["tracker.party", "tracker.source"]

    def get_absolute_url(self):
        return reverse("event_detail", args=[self.slug])


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
        """A value that changes with every recorded write: for cache keys.

        Every write to tracked data adds a row here in the same transaction,
        and rows are never deleted. The count is what makes it safe: on
        PostgreSQL ids are handed out before commit, so a transaction that
        commits after a later-numbered one leaves the highest id unchanged,
        but never the count.
        """
        newest = cls.objects.order_by().aggregate(count=models.Count("pk"), last=models.Max("pk"))
        return f"{newest['count']}-{newest['last'] or 0}"


@functools.cache
def tracked_models():
    """Every model analysts edit, each after the models it refers to.

    The one list of them: history, import and export, and the roles' permissions
    read it. The order comes from each model's ``natural_key.dependencies``.
    """
    config = apps.get_app_config("tracker")
    tracked = [model for model in config.get_models() if issubclass(model, Tracked)]
    return tuple(sort_dependencies([(config, tracked)], allow_cycles=True))


def time_zone_names():
    """Every IANA time zone name this system knows, sorted (read once per process)."""
    return sorted(zoneinfo.available_timezones())


def valid_time_zone(value):
    if value not in time_zone_names():
        raise ValidationError(f"“{value}” is not a time zone: choose one from the list.")


class Profile(models.Model):
    """A user's own settings: the time zone the site shows times in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[valid_time_zone])

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
    def time_zone_of(cls, user):
        """The user's time zone name; UTC for anonymous users and those who never chose."""
        if not user.is_authenticated:
            return "UTC"
        chosen = cls.objects.filter(user=user).values_list("time_zone", flat=True).first()
        return chosen if chosen in time_zone_names() else "UTC"
