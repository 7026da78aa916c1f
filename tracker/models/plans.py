"""The texts under negotiation: plans, their components, points and provisions,
what each point says in which language, how points descend from each other
across versions, and the dated status of each point."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse

from .base import (
    Certainty,
    PlanItemQuerySet,
    SlugTracked,
    Tracked,
    UidQuerySet,
    UidTracked,
    certainty_field,
    history,
    language_field,
    not_reserved_slug,
    optional_key,
    precision_field,
)


class Plan(SlugTracked):
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
    presented_on = models.DateField(null=True, blank=True)
    date_note = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    derived_from = optional_key("self", models.SET_NULL, related_name="derivatives")
    description = models.TextField(blank=True)
    certainty = certainty_field(Certainty.HIGH)
    all_points_known = models.BooleanField(
        "all points listed",
        default=True,
        help_text="Untick when the full text is not public and only the points reporting "
        "describes are listed: a point missing here is then shown as not reported, not removed.",
    )

    history = history()

    class Meta:
        ordering = ["presented_on", "title"]

    def __str__(self):
        return self.short_title

    def get_absolute_url(self):
        return reverse("plan_detail", args=[self.slug])

    def copy_as_version(self, *, slug, title, short_title, summary="", user=None):
        """A new draft version of this plan with its components, points and topics.

        Each new point is linked to the point it copies as "same"; everything
        else is copied as it is (a copy of a partial text is as partial as its
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
            for old in self.points.prefetch_related("topics"):
                component = components.get(old.component_id)
                copy = old.copied(plan=new, component=component).save_recorded(reason, user)
                copy.topics.set(old.topics.all())
                PointLink(
                    earlier=old, later=copy, plan=new, kind=PointLink.Kind.SAME
                ).save_recorded(reason, user)
        return new


class PlanAuthor(UidTracked):
    """Who proposed or drafted a plan, as reported, with how sure that is.

    A list, because authorship is often contested: the 28-point draft is
    reported as drafted by Witkoff, Kushner and Dmitriev and presented by the
    United States."""

    class Role(models.TextChoices):
        PROPOSER = "proposer", "Proposed or presented it"
        AUTHOR = "author", "Drafted it"
        CONTRIBUTOR = "contributor", "Contributed to it"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="authors")
    party = optional_key("tracker.Party", models.PROTECT, related_name="authorships")
    actor = optional_key("tracker.Actor", models.PROTECT, related_name="authorships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PROPOSER)
    certainty = certainty_field(Certainty.MEDIUM)
    source = optional_key("tracker.Source", models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    history = history()

    class Meta:
        ordering = ["plan", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(party__isnull=False) | Q(actor__isnull=False),
                name="tracker_planauthor_party_or_actor",
            ),
        ]

    def __str__(self):
        who = self.actor or self.party
        return f"{who} · {self.get_role_display().lower()} {self.plan}"

    def get_absolute_url(self):
        return self.plan.get_absolute_url()

    def clean(self):
        if not (self.party_id or self.actor_id):
            raise ValidationError("Name the party or the person, or both.")


class Component(Tracked):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="components")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    certainty = certainty_field(Certainty.HIGH)

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


class Topic(SlugTracked):
    """A controlled list of subjects, each mapped to the PA-X category it follows."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    pax_category = models.CharField(
        "PA-X category", max_length=120, blank=True, help_text="The PA-X category it maps to."
    )
    description = models.TextField(blank=True)

    history = history()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("search") + f"?topic={self.slug}"


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
    text = models.TextField(help_text="The point in the analyst's words (a paraphrase).")
    topics = models.ManyToManyField(Topic, blank=True, related_name="points")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.OPEN,
        help_text="Where it stands now; its dated, sourced steps are its status history.",
    )
    component = optional_key(Component, models.SET_NULL, related_name="points")
    certainty = certainty_field(Certainty.HIGH)
    notes = models.TextField(blank=True)

    history = history(m2m_fields=[topics])
    objects = PointQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="tracker_point_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="tracker_point_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.plan.short_title} · {self.number}. {self.title}"

    @property
    def record_name(self):
        return f"Point {self.number} of {self.plan.short_title}: {self.title}"

    def natural_key(self):
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["tracker.plan", "tracker.component", "tracker.topic"]

    def get_absolute_url(self):
        return reverse("point_detail", args=[self.plan.slug, self.number])

    def clean(self):
        if self.component_id and self.plan_id and self.component.plan_id != self.plan_id:
            raise ValidationError({"component": "This component belongs to another plan."})


class ProvisionQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_slug, point_number, number):
        return self.get(point__plan__slug=plan_slug, point__number=point_number, number=number)


class Provision(Tracked):
    """One distinct commitment inside a point: point 21 holds recognition, the
    frozen line, the withdrawal from Donetsk and the demilitarised zone."""

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="provisions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True, help_text="The provision in the analyst's words.")

    history = history()
    objects = ProvisionQuerySet.as_manager()

    class Meta:
        ordering = ["point", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "number"], name="tracker_provision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="tracker_provision_number_positive"
            ),
        ]

    def __str__(self):
        return f"{self.point.plan.short_title} · {self.point.number}.{self.number} {self.title}"

    def natural_key(self):
        return (*self.point.natural_key(), self.number)

    natural_key.dependencies = ["tracker.point"]

    def get_absolute_url(self):
        return f"{self.point.get_absolute_url()}#provision-{self.number}"


class PointText(UidTracked):
    """What a point says in one language, verbatim, and how we know it."""

    class Standing(models.TextChoices):
        OFFICIAL = "official", "Official text"
        LEAKED = "leaked", "Leaked text"
        REPORTED = "reported", "Reported wording"

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="texts")
    language = language_field()
    text = models.TextField(help_text="Verbatim, as the source gives it.")
    standing = models.CharField(max_length=10, choices=Standing.choices)
    is_translation = models.BooleanField(
        default=False, help_text="Tick when this is a rendering of a text in another language."
    )
    source = models.ForeignKey("tracker.Source", on_delete=models.PROTECT, related_name="+")

    history = history()

    class Meta:
        ordering = ["point", "language", "pk"]

    def __str__(self):
        return f"{self.point} [{self.language}, {self.get_standing_display().lower()}]"

    def get_absolute_url(self):
        return self.point.get_absolute_url()


class PointLinkQuerySet(UidQuerySet):
    def with_points(self):
        return self.select_related("earlier__plan", "later__plan", "plan", "source")


class PointLink(UidTracked):
    """How a point of one plan version lives on in a later one.

    Many to many: Geneva's point 4 merges U.S. points 3, 4, 7 and 8, and a U.S.
    point can be split into several. A dropped or moved point has no later
    point; ``plan`` says in which version it was dropped or moved."""

    class Kind(models.TextChoices):
        SAME = "same", "Same"
        REVISED = "revised", "Revised"
        MERGED = "merged", "Merged into"
        SPLIT = "split", "Split into"
        MOVED = "moved", "Moved to another track"
        DROPPED = "dropped", "Dropped"

    WITHOUT_LATER = (Kind.MOVED, Kind.DROPPED)

    earlier = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="later_links")
    later = optional_key(Point, models.CASCADE, related_name="earlier_links")
    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="point_links",
        help_text="The later version of the plan.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = optional_key("tracker.Source", models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    certainty = certainty_field(Certainty.MEDIUM)

    history = history()
    objects = PointLinkQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "earlier", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["moved", "dropped"], later__isnull=True)
                | (~Q(kind__in=["moved", "dropped"]) & Q(later__isnull=False)),
                name="tracker_pointlink_later_unless_gone",
            ),
            models.UniqueConstraint(
                fields=["earlier", "later"], name="tracker_pointlink_unique_pair"
            ),
        ]

    def __str__(self):
        if self.later_id:
            return f"{self.earlier} → {self.get_kind_display().lower()} → {self.later}"
        return f"{self.earlier} → {self.get_kind_display().lower()} in {self.plan}"

    def get_absolute_url(self):
        return self.earlier.get_absolute_url()

    def clean(self):
        errors = {}
        gone = self.kind in self.WITHOUT_LATER
        if gone and self.later_id:
            errors["later"] = "A dropped or moved point has no later point."
        if not gone and self.kind and not self.later_id:
            errors["later"] = "Name the point it became."
        if self.later_id and self.plan_id and self.later.plan_id != self.plan_id:
            errors["later"] = "The later point belongs to another plan."
        if self.earlier_id and self.plan_id and self.earlier.plan_id == self.plan_id:
            errors["earlier"] = "The earlier point belongs to an earlier plan."
        if errors:
            raise ValidationError(errors)


class PointStatus(UidTracked):
    """One dated, sourced step in a point's standing in a plan."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        BRACKETED = "bracketed", "Bracketed"
        LEADERS = "leaders", "Left to the leaders"
        AGREED_IN_PRINCIPLE = "principle", "Agreed in principle"
        AGREED = "agreed", "Agreed"
        CHANGED = "changed", "Changed"
        REMOVED = "removed", "Removed"
        MOVED = "moved", "Moved to another track"

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=12, choices=Status.choices)
    on = models.DateField("date")
    precision = precision_field()
    agreed_by = models.ManyToManyField(
        "tracker.Party", blank=True, related_name="+", help_text="Who agreed, when it is agreed."
    )
    source = models.ForeignKey("tracker.Source", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    certainty = certainty_field(Certainty.MEDIUM)

    history = history(m2m_fields=[agreed_by])

    class Meta:
        ordering = ["point", "-on", "-pk"]
        verbose_name_plural = "point statuses"

    def __str__(self):
        return f"{self.point}: {self.get_status_display().lower()} ({self.on:%d %b %Y})"

    def get_absolute_url(self):
        return f"{self.point.get_absolute_url()}#status-history"
