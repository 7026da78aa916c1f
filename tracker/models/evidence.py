"""The evidence: what was said, once, in its own words and language (a
Statement), how outlets rendered it in other languages (Translations), and
how analysts read it as positions on plans, components, points or provisions
(Positions: one statement, any number of codings)."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .base import (
    Certainty,
    UidQuerySet,
    UidTracked,
    certainty_field,
    dated_precisely,
    history,
    language_field,
    optional_key,
    precision_field,
)


class Stance(models.TextChoices):
    """What a statement says about a subject, from agreement to rejection.

    Ordered from closest to the subject to furthest from it; ``unclear`` is
    for a statement that touches the subject without saying where it stands.
    """

    PROPOSER = "proposer", "Proposes it"
    SUPPORTS = "supports", "Supports"
    BASIS = "basis", "Accepts as a basis"
    CONDITIONAL = "conditional", "Conditional"
    DEMANDS_MORE = "demands", "Demands more"
    RESERVES = "reserves", "Reserves its position"
    UNCLEAR = "unclear", "Ambiguous / unclear"
    OPPOSES = "opposes", "Opposes"
    RED_LINE = "red_line", "Red line"
    REJECTS = "rejects", "Rejects the whole document"

    @classmethod
    def leaning(cls, value):
        """for, between or against: what a cell's colour says at a glance."""
        if value in (cls.PROPOSER, cls.SUPPORTS, cls.BASIS):
            return "for"
        if value in (cls.OPPOSES, cls.RED_LINE, cls.REJECTS):
            return "against"
        return "between"


class StatementQuerySet(UidQuerySet):
    def latest_first(self):
        return self.order_by("-said_on", "-pk")

    def with_evidence(self):
        return self.select_related("party", "speaker", "event").prefetch_related(
            "sources", "translations__source"
        )

    def with_codings(self):
        """All a statement's card shows: speaker, event, sources, translations and
        codings (a fixed number of queries for any number of rows)."""
        codings = Position.objects.with_subject().select_related("coded_by").order_by("pk")
        return self.with_evidence().prefetch_related(models.Prefetch("positions", codings))


class Statement(UidTracked):
    """What was said, once: by whom, in what capacity, when, where, in which
    language, verbatim, and the sources that report it."""

    party = models.ForeignKey("tracker.Party", on_delete=models.PROTECT, related_name="statements")
    # PROTECT: a quote's speaker is evidence; an actor is deleted once no
    # statement names them (move their statements to the right actor first).
    speaker = optional_key("tracker.Actor", models.PROTECT, related_name="statements")
    attribution = models.CharField(
        max_length=200,
        blank=True,
        help_text="When the speaker is not named: “a senior Kremlin official”, "
        "“Ukrainian officials”.",
    )
    capacity = models.CharField(
        max_length=200, blank=True, help_text="The speaker's post when speaking."
    )
    said_on = models.DateField("date said")
    precision = precision_field(
        help_text="As precise as the source: a week, a month or a range when it gives no day."
    )
    said_until = models.DateField(
        "said by", null=True, blank=True, help_text="The last possible date, for a range."
    )
    reported_on = models.DateField(
        "date reported", null=True, blank=True, help_text="When the first source published it."
    )
    event = optional_key("tracker.Event", models.SET_NULL, related_name="statements")
    venue = models.CharField(max_length=200, blank=True, help_text="Where, or in what setting.")
    language = language_field(help_text="The language it was said in.")
    text = models.TextField(
        "verbatim text",
        blank=True,
        help_text="Exactly what was said, in its own language; blank when only a "
        "paraphrase is reported.",
    )
    summary = models.TextField(help_text="What was said, in the analyst's words.")
    sources = models.ManyToManyField(
        "tracker.Source", related_name="statements", help_text="The sources that report it."
    )
    certainty = certainty_field(Certainty.HIGH)

    history = history(m2m_fields=[sources])
    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "party", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(speaker__isnull=False) | ~Q(attribution=""),
                name="tracker_statement_has_speaker",
            ),
            models.CheckConstraint(
                condition=Q(said_until__isnull=True, precision__in=["day", "week", "month"])
                | Q(
                    said_until__isnull=False,
                    said_until__gte=models.F("said_on"),
                    precision="range",
                ),
                name="tracker_statement_range_has_end",
            ),
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | Q(reported_on__gte=models.F("said_on")),
                name="tracker_statement_reported_after_said",
            ),
        ]
        indexes = [
            models.Index(fields=["party", "-said_on"], name="tracker_statement_party_date"),
            # The timeline's order: newest day first, newest record first within it.
            models.Index(fields=["-said_on", "-id"], name="tracker_statement_date"),
        ]

    def __str__(self):
        return f"{self.who} ({self.party.short_name}), {self.said_on:%d %b %Y}"

    @property
    def record_name(self):
        return f"Statement by {self.who}, {self.said_on:%d %b %Y}"

    @property
    def who(self):
        return self.speaker.name if self.speaker_id else self.attribution

    def get_absolute_url(self):
        return reverse("statement_detail", args=[self.uid])

    def clean(self):
        errors = dated_precisely(self.said_on, self.precision, self.said_until)
        if not self.speaker_id and not self.attribution.strip():
            errors["attribution"] = "Name the speaker, or say who it is attributed to."
        if self.said_on and self.said_on > timezone.localdate():
            errors["said_on"] = "A statement cannot be made in the future."
        if self.reported_on and self.said_on and self.reported_on < self.said_on:
            errors["reported_on"] = "It cannot be reported before it was said."
        if self.speaker_id and self.party_id and self.speaker.party_id != self.party_id:
            errors["speaker"] = "The speaker does not speak for this party."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The codings carry the party and the date for the matrix's index:
        # each one that differs is saved again, so its history has them too.
        stale = self.positions.exclude(party=self.party_id, stated_on=self.said_on)
        for coding in stale.select_related("statement"):
            coding.statement = self
            coding.save_recorded(
                "Its statement's party or date changed", getattr(self, "_history_user", None)
            )


class Translation(UidTracked):
    """A statement in another language: whose rendering, from which source."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="translations")
    language = language_field()
    text = models.TextField()
    rendered_by = models.CharField(
        max_length=120,
        help_text="Whose rendering: the outlet or translator (Reuters, the analyst).",
    )
    source = optional_key(
        "tracker.Source",
        models.PROTECT,
        related_name="translations",
        help_text="Where this rendering is published; blank for the analyst's own.",
    )

    history = history()

    class Meta:
        ordering = ["statement", "language", "rendered_by"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "language", "rendered_by"],
                name="tracker_translation_unique_rendering",
            ),
        ]

    def __str__(self):
        return f"{self.statement} [{self.language}, {self.rendered_by}]"

    def get_absolute_url(self):
        return self.statement.get_absolute_url()

    def clean(self):
        if self.statement_id and self.language == self.statement.language:
            raise ValidationError(
                {"language": "A translation is in another language than the statement."}
            )


class PositionQuerySet(UidQuerySet):
    def latest_first(self):
        return self.order_by("-stated_on", "-pk")

    def latest_per_point_and_party(self):
        """Each party's most recent coding on each point, by date said (one query)."""
        newest = (
            Position.objects.filter(point=models.OuterRef("point"), party=models.OuterRef("party"))
            .order_by("-stated_on", "-pk")
            .values("pk")[:1]
        )
        return self.filter(point__isnull=False, pk=models.Subquery(newest))

    def on_plan(self, plan):
        """Codings on ``plan`` (a Plan, or its slug): on the plan itself, on one
        of its components or on one of its points."""
        key = "plan__slug" if isinstance(plan, str) else "plan"
        return self.filter(
            Q(**{key: plan}) | Q(**{f"component__{key}": plan}) | Q(**{f"point__{key}": plan})
        )

    def with_subject(self):
        return self.select_related(
            "party",
            "statement__speaker",
            "provision",
            "point__plan",
            "component__plan",
            "plan",
        )


class Position(UidTracked):
    """An analyst's reading of one statement on one subject: a plan, a
    component, a point, or one provision of a point."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="positions")
    # Copied from the statement on every save (and by Statement.save), so that
    # the matrix reads one indexed table: "each party's latest on each point".
    party = models.ForeignKey(
        "tracker.Party", on_delete=models.PROTECT, related_name="positions", editable=False
    )
    stated_on = models.DateField("date said", editable=False)
    point = optional_key("tracker.Point", models.CASCADE, related_name="positions")
    provision = optional_key(
        "tracker.Provision",
        models.CASCADE,
        related_name="positions",
        help_text="Only when the statement is about one provision of the point.",
    )
    component = optional_key("tracker.Component", models.CASCADE, related_name="positions")
    plan = optional_key("tracker.Plan", models.CASCADE, related_name="positions")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    conditions = models.TextField(
        blank=True, help_text="The conditions the statement sets, written out."
    )
    summary = models.TextField(help_text="The reading, in the analyst's words: why this stance.")
    certainty = certainty_field(Certainty.HIGH, "confidence")
    coded_by = optional_key(
        settings.AUTH_USER_MODEL, models.SET_NULL, editable=False, related_name="+"
    )

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
                condition=Q(provision__isnull=True) | Q(point__isnull=False),
                name="tracker_position_provision_of_point",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="tracker_position_stance_valid"
            ),
            models.CheckConstraint(
                condition=~Q(stance="conditional") | ~Q(conditions=""),
                name="tracker_position_conditions_written",
            ),
        ]
        indexes = [
            models.Index(
                fields=["point", "party", "-stated_on"], name="tracker_position_point_party"
            ),
            models.Index(fields=["party", "-stated_on"], name="tracker_position_party_date"),
            # The latest positions (the overview, the feeds) and a week's counts by day.
            models.Index(fields=["-stated_on", "-id"], name="tracker_position_date"),
        ]

    def __str__(self):
        return f"{self.party.short_name} {self.get_stance_display().lower()} on {self.subject}"

    @property
    def subject(self):
        return self.provision or self.point or self.component or self.plan

    @property
    def leaning(self):
        return Stance.leaning(self.stance)

    def get_absolute_url(self):
        return reverse("position_detail", args=[self.uid])

    def clean(self):
        errors = {}
        subjects = [self.point_id, self.component_id, self.plan_id]
        if sum(s is not None for s in subjects) != 1:
            errors[NON_FIELD_ERRORS] = "A position is on exactly one point, component or plan."
        if self.provision_id and self.provision.point_id != self.point_id:
            errors["provision"] = "This provision belongs to another point."
        if self.stance == Stance.CONDITIONAL and not self.conditions.strip():
            errors["conditions"] = "Write out the conditions the statement sets."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.statement_id:
            self.party_id = self.statement.party_id
            self.stated_on = self.statement.said_on
        super().save(*args, **kwargs)
