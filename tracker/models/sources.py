"""Where things are said: reports, official texts, leaks, and who they cite."""

from django.db import models
from django.urls import reverse

from .base import SlugTracked, history, language_field


class Source(SlugTracked):
    class Kind(models.TextChoices):
        NEWS = "news", "News report"
        OFFICIAL = "official", "Official statement"
        LEAK = "leak", "Leaked document"
        ANALYSIS = "analysis", "Analysis"
        OTHER = "other", "Other"

    class Primacy(models.TextChoices):
        PRIMARY = "primary", "Primary: the text itself, or the speaker heard directly"
        SECONDARY = "secondary", "Secondary: a report of what others said or wrote"

    class Reliability(models.TextChoices):
        """A grade in the spirit of the Admiralty scale, with its reason beside it."""

        HIGH = "high", "Reliable"
        FAIR = "fair", "Usually reliable"
        LOW = "low", "Doubtful"
        UNKNOWN = "unknown", "Not graded"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300, help_text="The title as published.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    primacy = models.CharField(max_length=10, choices=Primacy.choices, default=Primacy.SECONDARY)
    reliability = models.CharField(
        max_length=10, choices=Reliability.choices, default=Reliability.UNKNOWN
    )
    reliability_note = models.CharField(
        "why this grade", max_length=300, blank=True, help_text="The reason for the grade."
    )
    publisher = models.CharField(max_length=120, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = language_field(help_text="The language it is published in.")
    url = models.URLField(max_length=500, blank=True)
    cites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="cited_by",
        help_text="The sources this one reports from: Reuters citing the FT.",
    )
    attribution = models.CharField(
        max_length=200,
        blank=True,
        help_text="Whom it cites that is not a source here: “unnamed U.S. officials”.",
    )
    full_text = models.TextField(
        blank=True, help_text="Kept locally, to check quotes against. Never shown in full."
    )
    notes = models.TextField(blank=True)

    history = history(m2m_fields=[cites])

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("source_detail", args=[self.pk])
