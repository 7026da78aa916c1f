"""What happened: meetings, rounds, leaks and visits, and who was in the room."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from .base import (
    Certainty,
    Precision,
    SlugTracked,
    UidTracked,
    certainty_field,
    history,
    not_reserved_slug,
    optional_key,
    precision_field,
)


class Event(SlugTracked):
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
    ends_on = models.DateField(
        "ends on",
        null=True,
        blank=True,
        help_text="The last day, when it went on for more than one; for “Between two dates”, "
        "the latest it may have happened.",
    )
    precision = precision_field()
    date_note = models.CharField(
        max_length=200, blank=True, help_text="When the exact date is uncertain, say so here."
    )
    location = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    parties = models.ManyToManyField("tracker.Party", blank=True, related_name="events")
    plans = models.ManyToManyField(
        "tracker.Plan", blank=True, related_name="events", help_text="The plans it produced."
    )
    source = models.ForeignKey("tracker.Source", on_delete=models.PROTECT, related_name="events")
    certainty = certainty_field(Certainty.HIGH)

    history = history(m2m_fields=[parties, plans])

    class Meta:
        ordering = ["-occurred_on", "title"]
        indexes = [models.Index(fields=["-occurred_on"], name="tracker_event_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("occurred_on")),
                name="tracker_event_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("event_detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.ends_on and self.occurred_on and self.ends_on < self.occurred_on:
            errors["ends_on"] = "It cannot end before it starts."
        elif self.precision == Precision.RANGE and self.ends_on is None:
            errors["ends_on"] = "A range needs the latest date it may have happened."
        if errors:
            raise ValidationError(errors)


class Delegation(UidTracked):
    """A party's delegation at an event: who was in it and in what role."""

    class Role(models.TextChoices):
        NEGOTIATOR = "negotiator", "Negotiating party"
        MEDIATOR = "mediator", "Mediator or host"
        ADVISER = "adviser", "Advisers or observers"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="delegations")
    party = models.ForeignKey("tracker.Party", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.NEGOTIATOR)
    actors = models.ManyToManyField("tracker.Actor", blank=True, related_name="delegations")
    source = optional_key("tracker.Source", models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    certainty = certainty_field(Certainty.MEDIUM)

    history = history(m2m_fields=[actors])

    class Meta:
        ordering = ["event", "role", "party"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "party"], name="tracker_delegation_one_per_party"
            ),
        ]

    def __str__(self):
        return f"{self.party} at {self.event}"

    def get_absolute_url(self):
        return self.event.get_absolute_url()
