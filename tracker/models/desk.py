"""What each user follows (watchlists), and what of the change log concerns them."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, Q, Subquery
from django.urls import reverse

from .changes import Change, Profile
from .evidence import Position, Statement
from .parties import Actor, Party
from .plans import Plan, Point, PointStatus, PointText, Provision

# Change summaries that mark bookkeeping (a fixture load, an import, a data migration),
# not something that happened in the negotiation.
BOOKKEEPING_EXACT = (
    "Loaded from a fixture",
    "Converted to the evidence model (statements, topics, lineage, authors)",
)
BOOKKEEPING_PREFIX = "Imported from "

TARGETS = ("plan", "point", "party", "actor")
WATCHING_SIZE = 100  # the most /watching/ lists (and the navigation counts)


class Watch(models.Model):
    """A user follows one plan, point, party or actor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    point = models.ForeignKey(
        Point, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(plan__isnull=False, point=None, party=None, actor=None)
                    | Q(plan=None, point__isnull=False, party=None, actor=None)
                    | Q(plan=None, point=None, party__isnull=False, actor=None)
                    | Q(plan=None, point=None, party=None, actor__isnull=False)
                ),
                name="tracker_watch_one_target",
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"tracker_watch_unique_{target}",
                )
                for target in TARGETS
            ),
        ]

    def __str__(self):
        return f"{self.user} follows {self.target}"

    @property
    def target(self):
        return self.plan or self.point or self.party or self.actor

    @staticmethod
    def target_model(kind):
        return {"plan": Plan, "point": Point, "party": Party, "actor": Actor}[kind]

    @classmethod
    def follow(cls, user, kind, target):
        return cls.objects.get_or_create(user=user, **{kind: target})[0]

    @classmethod
    def unfollow(cls, user, kind, target):
        cls.objects.filter(user=user, **{kind: target}).delete()

    @classmethod
    def follows(cls, user, kind, target):
        return cls.objects.filter(user=user, **{kind: target}).exists()


def watched_query(user):
    """A Q over Change rows that concern what ``user`` follows: subqueries on their
    watches, so the changes cost one query and no round trip reads the watches first."""
    watches = Watch.objects.filter(user=user)
    plans, points, parties, actors = (
        watches.filter(**{f"{target}__isnull": False}).values(target) for target in TARGETS
    )

    def rows(model, name, queryset):
        return Q(model=name, object_id__in=queryset.values("pk"))

    plan_point = Q(point__plan__in=plans) | Q(point__in=points)
    codings = Position.objects.filter(
        plan_point
        | Q(plan__in=plans)
        | Q(component__plan__in=plans)
        | Q(statement__speaker__in=actors)
    )
    return (
        Q(model="plan", object_id__in=plans)
        | Q(model="point", object_id__in=points)
        | Q(model="party", object_id__in=parties)
        | Q(model="actor", object_id__in=actors)
        | Q(party__in=parties)
        | rows(Point, "point", Point.objects.filter(plan__in=plans))
        | rows(PointStatus, "pointstatus", PointStatus.objects.filter(plan_point))
        | rows(PointText, "pointtext", PointText.objects.filter(plan_point))
        | rows(Provision, "provision", Provision.objects.filter(plan_point))
        | rows(Position, "position", codings)
        | rows(
            Statement,
            "statement",
            Statement.objects.filter(Q(speaker__in=actors) | Q(positions__in=codings)),
        )
    )


def watched_changes(user):
    """The change log narrowed to what ``user`` follows, bookkeeping left out (one query)."""
    return (
        Change.objects.filter(watched_query(user))
        .exclude(summary__in=BOOKKEEPING_EXACT)
        .exclude(summary__startswith=BOOKKEEPING_PREFIX)
        .select_related("user", "party")
    )


def new_in_watched(user):
    """What is new in what ``user`` follows since their last visit to /watching/ (all of it
    before their first), the newest first, at most ``WATCHING_SIZE``; one query, the last
    visit read by a subquery."""
    seen = Profile.objects.filter(user=user, last_seen_watching__isnull=False)
    since = Q(changed_at__gt=Subquery(seen.values("last_seen_watching"))) | ~Exists(seen)
    return watched_changes(user).filter(since).order_by("-changed_at", "-pk")[:WATCHING_SIZE]


def _negotiation_order(item):
    return (item["said_on"] is not None, item["said_on"] or datetime.date.min)


def watching_items(changes):
    """/watching/'s rows: each change with the date it concerns in the negotiation and
    its link, what was said or happened latest first, undated records after."""
    dates = negotiation_dates(changes)
    items = [{"change": c, "said_on": dates[c.pk], "link": change_link(c)} for c in changes]
    items.sort(key=_negotiation_order, reverse=True)  # stable: the latest recorded first
    return items


def negotiation_dates(changes):
    """{change pk: the date the change's record concerns in the negotiation}.

    A statement's date said, a coding's (copied from its statement), a status step's
    date; three queries whatever the number of changes.
    """
    wanted = {"statement": (Statement, "said_on"), "position": (Position, "stated_on")}
    wanted["pointstatus"] = (PointStatus, "on")
    found = {}
    for name, (model, field) in wanted.items():
        ids = {change.object_id for change in changes if change.model == name}
        found[name] = dict(model.objects.filter(pk__in=ids).values_list("pk", field))
    return {change.pk: found.get(change.model, {}).get(change.object_id) for change in changes}


def change_link(change):
    return reverse("object_history", args=[change.model, change.object_id])


def digest_changes(profile):
    """What ``profile``'s next digest holds: watched changes after the last one sent."""
    changes = watched_changes(profile.user).filter(pk__gt=profile.last_digest_change_id)
    return list(changes.order_by("changed_at", "pk"))
