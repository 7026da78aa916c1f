"""The API's query parameters, as on the pages: plan, party, topic, stance, dates said, ``on``."""

import django_filters as filters
from django import forms
from django_filters.filterset import filterset_factory

from ..models import (
    Actor,
    Change,
    Component,
    Event,
    Plan,
    Point,
    Position,
    Source,
    Stance,
    Statement,
)


class SlugFilter(filters.CharFilter):
    """A slug, validated: anything else (a NUL, 10 kB) is a 400, never a database error."""

    field_class = forms.SlugField


def slug_filter(field, help_text):
    return SlugFilter(field_name=field, help_text=help_text)


PlanFilter = filterset_factory(Plan, fields=["status"])
SourceFilter = filterset_factory(Source, fields=["kind"])


class PointFilter(filters.FilterSet):
    plan = slug_filter("plan__slug", "The plan's slug.")
    topic = slug_filter("topics__slug", "A topic's slug.")

    class Meta:
        model = Point
        fields = ["plan", "topic", "status"]


class ComponentFilter(filters.FilterSet):
    plan = slug_filter("plan__slug", "The plan's slug.")

    class Meta:
        model = Component
        fields = ["plan"]


class ActorFilter(filters.FilterSet):
    party = slug_filter("party__slug", "The party's slug.")

    class Meta:
        model = Actor
        fields = ["party"]


class EventFilter(filters.FilterSet):
    party = slug_filter("parties__slug", "A party's slug.")
    plan = slug_filter("plans__slug", "A plan's slug.")

    class Meta:
        model = Event
        fields = ["party", "plan", "kind"]


class PositionFilter(filters.FilterSet):
    """Codings; ``on`` is negotiation time: what had been said by that day."""

    plan = SlugFilter(method="in_plan", help_text="The plan's slug.")
    party = slug_filter("party__slug", "The party's slug.")
    topic = slug_filter("point__topics__slug", "A topic's slug.")
    stance = filters.ChoiceFilter(choices=Stance.choices)
    said_after = filters.DateFilter(field_name="stated_on", lookup_expr="gte")
    said_before = filters.DateFilter(field_name="stated_on", lookup_expr="lte")
    on = filters.DateFilter(field_name="stated_on", lookup_expr="lte")

    class Meta:
        model = Position
        fields = ["plan", "party", "topic", "stance", "said_after", "said_before", "on"]

    def in_plan(self, queryset, name, value):
        return queryset.on_plan(value)


class StatementFilter(filters.FilterSet):
    """Statements; plan, topic and stance are those of their codings."""

    plan = SlugFilter(method="in_plan", help_text="The plan's slug.")
    party = slug_filter("party__slug", "The party's slug.")
    topic = SlugFilter(method="on_topic", help_text="A topic's slug.")
    stance = filters.ChoiceFilter(choices=Stance.choices, method="with_stance")
    said_after = filters.DateFilter(field_name="said_on", lookup_expr="gte")
    said_before = filters.DateFilter(field_name="said_on", lookup_expr="lte")
    on = filters.DateFilter(field_name="said_on", lookup_expr="lte")

    class Meta:
        model = Statement
        fields = ["plan", "party", "topic", "stance", "said_after", "said_before", "on"]

    def coded(self, queryset, **lookups):
        return queryset.filter(uid__in=Position.objects.filter(**lookups).values("statement__uid"))

    def in_plan(self, queryset, name, value):
        return queryset.filter(pk__in=Position.objects.on_plan(value).values("statement_id"))

    def on_topic(self, queryset, name, value):
        return self.coded(queryset, point__topics__slug=value)

    def with_stance(self, queryset, name, value):
        return self.coded(queryset, stance=value)


class ChangeFilter(filters.FilterSet):
    model = SlugFilter(help_text="The kind of record: plan, point, position ...")
    party = slug_filter("party__slug", "The party's slug.")
    after = filters.DateFilter(field_name="changed_at", lookup_expr="date__gte")
    before = filters.DateFilter(field_name="changed_at", lookup_expr="date__lte")

    class Meta:
        model = Change
        fields = ["model", "party", "after", "before"]
