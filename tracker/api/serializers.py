"""The records as JSON: natural identifiers (slugs, uids, plan/number) instead of ids."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Actor,
    ActorRole,
    Change,
    Component,
    Delegation,
    Event,
    Party,
    Plan,
    PlanAuthor,
    Point,
    PointLink,
    PointStatus,
    Position,
    Provision,
    Source,
    Statement,
    Translation,
)


def slug_of(**extra):
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, **extra)


@extend_schema_field(
    {
        "type": "object",
        "properties": {"plan": {"type": "string"}, "number": {"type": "integer"}},
        "nullable": True,
    }
)
class PointRef(serializers.Field):
    """A point as ``{"plan": slug, "number": n}`` (its plan must be selected along)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, point):
        return {"plan": point.plan.slug, "number": point.number}


class PlanAuthorSerializer(serializers.ModelSerializer):
    party = slug_of()
    actor = slug_of()
    source = slug_of()

    class Meta:
        model = PlanAuthor
        fields = ["party", "actor", "role", "certainty", "source", "note"]


class PlanSerializer(serializers.ModelSerializer):
    derived_from = slug_of()
    authors = PlanAuthorSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "slug",
            "title",
            "short_title",
            "presented_on",
            "date_note",
            "status",
            "derived_from",
            "description",
            "certainty",
            "all_points_known",
            "authors",
        ]


class ComponentSerializer(serializers.ModelSerializer):
    plan = slug_of()

    class Meta:
        model = Component
        fields = ["plan", "number", "title", "description", "certainty"]


class ProvisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provision
        fields = ["number", "title", "text"]


class EarlierLinkSerializer(serializers.ModelSerializer):
    point = PointRef(source="earlier")
    source = slug_of()

    class Meta:
        model = PointLink
        fields = ["point", "kind", "certainty", "source", "note"]


class LaterLinkSerializer(serializers.ModelSerializer):
    point = PointRef(source="later", allow_null=True)
    plan = slug_of()
    source = slug_of()

    class Meta:
        model = PointLink
        fields = ["point", "plan", "kind", "certainty", "source", "note"]


class PointStatusSerializer(serializers.ModelSerializer):
    agreed_by = slug_of(many=True)
    source = slug_of()

    class Meta:
        model = PointStatus
        fields = ["status", "on", "precision", "agreed_by", "certainty", "source", "note"]


class PointSerializer(serializers.ModelSerializer):
    plan = slug_of()
    component = serializers.SlugRelatedField(slug_field="number", read_only=True)
    topics = slug_of(many=True)
    provisions = ProvisionSerializer(many=True, read_only=True)
    earlier = EarlierLinkSerializer(source="earlier_links", many=True, read_only=True)
    later = LaterLinkSerializer(source="later_links", many=True, read_only=True)
    statuses = PointStatusSerializer(many=True, read_only=True)

    class Meta:
        model = Point
        fields = [
            "plan",
            "number",
            "title",
            "text",
            "topics",
            "status",
            "component",
            "certainty",
            "notes",
            "provisions",
            "earlier",
            "later",
            "statuses",
        ]


class PartySerializer(serializers.ModelSerializer):
    member_of = slug_of(many=True)

    class Meta:
        model = Party
        fields = [
            "slug",
            "name",
            "short_name",
            "kind",
            "role",
            "member_of",
            "colour",
            "description",
        ]


class ActorRoleSerializer(serializers.ModelSerializer):
    party = slug_of()

    class Meta:
        model = ActorRole
        fields = ["party", "title", "started_on", "ended_on"]


class ActorSerializer(serializers.ModelSerializer):
    party = slug_of()
    roles = ActorRoleSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = ["slug", "name", "party", "role", "roles"]


class CodingSerializer(serializers.ModelSerializer):
    """A position: one reading of a statement, on a point, a component or a plan."""

    point = PointRef(allow_null=True)
    provision = serializers.SlugRelatedField(slug_field="number", read_only=True)
    component = serializers.SerializerMethodField()
    plan = slug_of()
    leaning = serializers.CharField(read_only=True)

    class Meta:
        model = Position
        fields = [
            "uid",
            "stance",
            "leaning",
            "point",
            "provision",
            "component",
            "plan",
            "conditions",
            "summary",
            "certainty",
        ]

    def get_component(self, position) -> dict | None:
        component = position.component
        if component is None:
            return None
        return {"plan": component.plan.slug, "number": component.number}


class PositionSerializer(CodingSerializer):
    statement = serializers.SlugRelatedField(slug_field="uid", read_only=True)
    party = slug_of()

    class Meta(CodingSerializer.Meta):
        fields = ["statement", "party", "stated_on", *CodingSerializer.Meta.fields]


class TranslationSerializer(serializers.ModelSerializer):
    source = slug_of()

    class Meta:
        model = Translation
        fields = ["language", "text", "rendered_by", "source"]


class StatementSerializer(serializers.ModelSerializer):
    party = slug_of()
    speaker = slug_of()
    who = serializers.CharField(read_only=True)
    event = slug_of()
    sources = slug_of(many=True)
    translations = TranslationSerializer(many=True, read_only=True)
    codings = CodingSerializer(source="positions", many=True, read_only=True)

    class Meta:
        model = Statement
        fields = [
            "uid",
            "party",
            "speaker",
            "attribution",
            "who",
            "capacity",
            "said_on",
            "precision",
            "said_until",
            "reported_on",
            "event",
            "venue",
            "language",
            "text",
            "summary",
            "sources",
            "certainty",
            "translations",
            "codings",
        ]


class SourceSerializer(serializers.ModelSerializer):
    cites = slug_of(many=True)

    class Meta:
        model = Source
        fields = [
            "slug",
            "title",
            "kind",
            "primacy",
            "reliability",
            "reliability_note",
            "publisher",
            "author",
            "published_on",
            "language",
            "url",
            "cites",
            "attribution",
            "notes",
        ]


class DelegationSerializer(serializers.ModelSerializer):
    party = slug_of()
    actors = slug_of(many=True)
    source = slug_of()

    class Meta:
        model = Delegation
        fields = ["party", "role", "actors", "certainty", "source", "note"]


class EventSerializer(serializers.ModelSerializer):
    parties = slug_of(many=True)
    plans = slug_of(many=True)
    source = slug_of()
    delegations = DelegationSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "kind",
            "occurred_on",
            "ends_on",
            "precision",
            "date_note",
            "location",
            "description",
            "parties",
            "plans",
            "source",
            "certainty",
            "delegations",
        ]


class ChangeSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    party = slug_of()

    class Meta:
        model = Change
        fields = [
            "id",
            "changed_at",
            "user",
            "model",
            "object_id",
            "object_repr",
            "action",
            "summary",
            "party",
        ]
