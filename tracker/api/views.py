"""Read-only endpoints: each list costs a fixed number of queries, whatever its size.

Every answer carries an ETag made like the pages' (tracker/revalidation.py): the
change marker, the caller and the full path. A client that sends it back in
If-None-Match before anything was recorded gets 304 without the queries.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework import viewsets
from rest_framework.response import Response

from ..models import (
    Actor,
    Change,
    Component,
    Delegation,
    Event,
    Party,
    Plan,
    Point,
    PointLink,
    PointStatus,
    Position,
    Source,
    Statement,
)
from ..revalidation import etag_for, held_by_client
from . import filters, serializers
from .auth import CanReadChanges
from .pagination import NewestFirst


class Revalidated:
    """ETag and 304 on the reads, after the caller is known and allowed."""

    def list(self, request, *args, **kwargs):
        return self.unless_held(request) or super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.unless_held(request) or super().retrieve(request, *args, **kwargs)

    def unless_held(self, request):
        self.etag = etag_for(request)
        return Response(status=304) if held_by_client(request, self.etag) else None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        etag = getattr(self, "etag", None)
        if etag and response.status_code in (200, 304):
            response["ETag"] = etag
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Authorization", "Cookie"])
        return response


class ReadViewSet(Revalidated, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class UidReadViewSet(ReadViewSet):
    """Records with no name of their own, addressed by their uid."""

    lookup_field = "uid"
    lookup_value_regex = "[-0-9a-fA-F]{32,36}"


class PlanViewSet(ReadViewSet):
    """Plan versions, with their authors."""

    queryset = Plan.objects.select_related("derived_from").prefetch_related(
        "authors__party", "authors__actor", "authors__source"
    )
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter


class PlanItemViewSet(ReadViewSet):
    """Addressed by plan and number: /api/plans/<slug>/<kind>/<number>/."""

    def get_object(self):
        item = get_object_or_404(
            self.get_queryset(), plan__slug=self.kwargs["slug"], number=self.kwargs["number"]
        )
        self.check_object_permissions(self.request, item)
        return item


class PointViewSet(PlanItemViewSet):
    """Points, with their provisions and lineage: the points they came from and went to."""

    queryset = Point.objects.select_related("plan", "component").prefetch_related(
        "topics",
        "provisions",
        Prefetch("earlier_links", PointLink.objects.select_related("earlier__plan", "source")),
        Prefetch("later_links", PointLink.objects.select_related("later__plan", "plan", "source")),
        Prefetch(
            "statuses",
            PointStatus.objects.select_related("source").prefetch_related("agreed_by"),
        ),
    )
    serializer_class = serializers.PointSerializer
    filterset_class = filters.PointFilter


class ComponentViewSet(PlanItemViewSet):
    queryset = Component.objects.select_related("plan")
    serializer_class = serializers.ComponentSerializer
    filterset_class = filters.ComponentFilter


class PartyViewSet(ReadViewSet):
    queryset = Party.objects.prefetch_related("member_of")
    serializer_class = serializers.PartySerializer


class ActorViewSet(ReadViewSet):
    queryset = Actor.objects.select_related("party").prefetch_related("roles__party")
    serializer_class = serializers.ActorSerializer
    filterset_class = filters.ActorFilter


def codings():
    return Position.objects.select_related(
        "point__plan", "provision", "component__plan", "plan"
    ).order_by("pk")


class StatementViewSet(UidReadViewSet):
    """Statements, with their translations and their codings (positions)."""

    queryset = Statement.objects.select_related("party", "speaker", "event").prefetch_related(
        "sources", "translations__source", Prefetch("positions", codings())
    )
    serializer_class = serializers.StatementSerializer
    filterset_class = filters.StatementFilter


class PositionViewSet(UidReadViewSet):
    """Codings of statements: a party's stance on a point, a component or a plan."""

    queryset = codings().select_related("statement", "party")
    serializer_class = serializers.PositionSerializer
    filterset_class = filters.PositionFilter


class SourceViewSet(ReadViewSet):
    queryset = Source.objects.prefetch_related("cites")
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter


class EventViewSet(ReadViewSet):
    queryset = Event.objects.select_related("source").prefetch_related(
        "parties",
        "plans",
        Prefetch(
            "delegations",
            Delegation.objects.select_related("party", "source").prefetch_related("actors"),
        ),
    )
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter


class ChangeViewSet(ReadViewSet):
    """The change log, newest first (signed-in readers with tracker.view_change)."""

    lookup_field = "pk"
    lookup_value_regex = "[0-9]{1,18}"
    queryset = Change.objects.select_related("user", "party")
    serializer_class = serializers.ChangeSerializer
    filterset_class = filters.ChangeFilter
    pagination_class = NewestFirst
    permission_classes = [CanReadChanges]
