from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Actor, Change, Component, Event, Party, Plan, Point, Position, Source


class TrackedAdmin(SimpleHistoryAdmin):
    """History tab (with revert) on every tracked model; no unbounded counts."""

    show_full_result_count = False
    readonly_fields = ["version"]


@admin.register(Party)
class PartyAdmin(TrackedAdmin):
    list_display = ["name", "short_name", "kind", "colour", "order"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Actor)
class ActorAdmin(TrackedAdmin):
    list_display = ["name", "party", "role"]
    list_filter = ["party"]
    list_select_related = ["party"]
    search_fields = ["name", "role", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(TrackedAdmin):
    list_display = ["title", "kind", "publisher", "published_on"]
    list_filter = ["kind", "publisher"]
    search_fields = ["title", "publisher", "author", "slug"]
    date_hierarchy = "published_on"


@admin.register(Plan)
class PlanAdmin(TrackedAdmin):
    list_display = ["title", "short_title", "authored_by", "presented_on", "status", "certainty"]
    list_filter = ["status", "authored_by", "certainty"]
    list_select_related = ["authored_by"]
    search_fields = ["title", "short_title", "slug"]
    autocomplete_fields = ["derived_from"]


@admin.register(Component)
class ComponentAdmin(TrackedAdmin):
    list_display = ["title", "plan", "number", "certainty"]
    list_filter = ["plan", "certainty"]
    list_select_related = ["plan"]
    search_fields = ["title", "description"]


@admin.register(Point)
class PointAdmin(TrackedAdmin):
    list_display = ["number", "title", "plan", "topic", "status", "component", "certainty"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "topic", "status", "certainty"]
    list_select_related = ["plan", "component__plan"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["derived_from", "component"]


@admin.register(Position)
class PositionAdmin(TrackedAdmin):
    list_display = ["party", "stance", "subject_label", "speaker", "stated_on", "source"]
    list_filter = ["stance", "party", "certainty", "point__plan"]
    list_select_related = ["party", "speaker", "source", "point__plan", "component__plan", "plan"]
    search_fields = ["summary", "quote"]
    autocomplete_fields = ["point", "component", "plan", "speaker", "source"]
    date_hierarchy = "stated_on"

    @admin.display(description="On")
    def subject_label(self, position):
        return position.subject


@admin.register(Event)
class EventAdmin(TrackedAdmin):
    list_display = ["title", "kind", "occurred_on", "location", "source"]
    list_filter = ["kind", "parties"]
    list_select_related = ["source"]
    search_fields = ["title", "description", "location"]
    filter_horizontal = ["parties"]
    date_hierarchy = "occurred_on"


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "model", "object_repr", "action", "user", "summary"]
    list_filter = ["model", "action"]
    list_select_related = ["user"]
    search_fields = ["object_repr", "summary"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
