"""Who takes part: parties (states, blocs, organisations), their people and their roles."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .base import (
    SlugTracked,
    UidTracked,
    colour_validator,
    history,
    not_reserved_slug,
    optional_key,
)


class Party(SlugTracked):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        BLOC = "bloc", "Bloc"
        ALLIANCE = "alliance", "Alliance"
        MEDIATOR = "mediator", "Mediator"
        ORGANISATION = "organisation", "Organisation"

    class Role(models.TextChoices):
        """What the party is in this negotiation, apart from what kind of body it is."""

        BELLIGERENT = "belligerent", "Belligerent"
        MEDIATOR = "mediator", "Mediator"
        GUARANTOR = "guarantor", "Guarantor"
        SUPPORTER = "supporter", "Supporter of a belligerent"
        ORGANISATION = "organisation", "International organisation"
        BLOC = "bloc", "Bloc or coalition"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=50, unique=True, validators=[not_reserved_slug])
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATE)
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.OTHER,
        help_text="Its role in this negotiation: the matrix groups its columns by it.",
    )
    member_of = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="members",
        help_text="Blocs and coalitions it belongs to (the E3 in the coalition of the willing).",
    )
    colour = models.CharField(max_length=7, default="#6b7280", validators=[colour_validator])
    order = models.PositiveSmallIntegerField(default=100, help_text="Column order in the matrix.")
    description = models.TextField(blank=True)

    history = history(m2m_fields=[member_of])

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

    def get_absolute_url(self):
        return reverse("party_detail", args=[self.slug])


class Actor(SlugTracked):
    slug = models.SlugField(max_length=80, unique=True, validators=[not_reserved_slug])
    name = models.CharField(max_length=120)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="actors")
    role = models.CharField(
        max_length=200, blank=True, help_text="As usually described; dated roles are listed below."
    )

    history = history()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("actor_detail", args=[self.slug])

    def role_on(self, day):
        """The title the actor held on ``day``, from the dated roles; "" when none is known."""
        for held in self.roles.all():
            if held.held_on(day):
                return held.title
        return ""


class ActorRole(UidTracked):
    """A post an actor held, from when to when, for whom: Yermak headed the
    presidential office until he resigned on 28 November 2025."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="roles")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    started_on = models.DateField(null=True, blank=True, help_text="Blank when not known.")
    ended_on = models.DateField(null=True, blank=True, help_text="Blank while in post.")
    source = optional_key("tracker.Source", models.PROTECT, related_name="+")

    history = history()

    class Meta:
        ordering = ["actor", "-started_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="tracker_actorrole_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.actor}: {self.title}"

    def get_absolute_url(self):
        return self.actor.get_absolute_url()

    def held_on(self, day):
        started = self.started_on is None or self.started_on <= day
        return started and (self.ended_on is None or day <= self.ended_on)

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A role ends after it starts."})
