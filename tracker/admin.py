import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from .editing import delete_checked
from .history import restore_summary
from .merge import merge
from .models import (
    Actor,
    ActorRole,
    Change,
    Component,
    Delegation,
    EditConflict,
    Event,
    Party,
    Plan,
    PlanAuthor,
    Point,
    PointLink,
    PointStatus,
    PointText,
    Position,
    Provision,
    Source,
    Statement,
    Topic,
    Translation,
)


class TrackedAdminForm(forms.ModelForm):
    change_summary = forms.CharField(
        required=False,
        max_length=500,
        label="Edit summary",
        help_text="Why you made this change; kept in the history.",
    )
    # The version this page was loaded at: a save from a stale page is refused
    # instead of overwriting what someone else saved meanwhile.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the table, not the instance: a revert form holds an old copy.
            current = type(self.instance).objects.filter(pk=self.instance.pk)
            self.fields["loaded_version"].initial = current.values_list(
                "version", flat=True
            ).first()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = type(self.instance).objects.filter(pk=self.instance.pk).first()
            if current is None:
                raise forms.ValidationError("Someone else deleted this record meanwhile.")
            if cleaned.get("loaded_version") != current.version:
                self.merge_with(current, cleaned)
        return cleaned

    def merge_with(self, current, cleaned):
        """Merge this stale submission with ``current``, field by field.

        The form moves on to the current version with their value wherever
        only they changed a field; a field both changed is marked with their
        value and keeps yours, and the save waits for the editor to look.
        """
        names = [name for name in self.fields if name in cleaned and self.is_model_field(name)]
        merged = merge(current, cleaned.get("loaded_version"), {n: cleaned[n] for n in names})
        self.merged = merged
        data = self.data.copy()
        data[self.add_prefix("loaded_version")] = str(current.version)
        cleaned["loaded_version"] = current.version
        for theirs in merged.theirs:
            field = self.fields[theirs.name]
            value = field.prepare_value(model_to_dict(current, [theirs.name])[theirs.name])
            cleaned[theirs.name] = field.clean(value)
            put(data, self.add_prefix(theirs.name), field, value)
        self.data = data
        if merged.conflicts:
            for conflict in merged.conflicts:
                their_value = conflict.theirs_text or "(empty)"
                self.add_error(
                    conflict.name,
                    f"Changed by both: theirs is “{their_value}”. The field holds yours: "
                    "save again to keep it, or change it.",
                )
            raise forms.ValidationError(
                "Someone else saved this record after you opened it. Their changes to "
                "fields you did not change are now in the form; the fields you both "
                "changed are marked below with their value. Nothing is saved yet."
            )

    def is_model_field(self, name):
        try:
            self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        return True


def put(data, key, field, value):
    """Write a field's prepared value into form data, as its widget would send it."""
    if isinstance(field, forms.BooleanField):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(value, list | tuple | set | frozenset):
        data.setlist(key, [str(v) for v in value])
    elif isinstance(value, datetime.date):
        data[key] = value.isoformat()
    else:
        data[key] = "" if value is None else str(value)


class TrackedAdmin(SimpleHistoryAdmin):
    """History tab (with revert) on every tracked model; no unbounded counts.

    Every save bumps the version (so a stale editor elsewhere gets a
    conflict) and records the edit summary; a revert from the history tab
    needs tracker.restore_version and is recorded as "Restored version of …".
    """

    form = TrackedAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    show_full_result_count = False
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        summary = form.cleaned_data.get("change_summary", "")
        restoring = getattr(request, "restoring_version", None)
        if restoring is not None:
            record = self.model.history.get(history_id=restoring)
            summary = restore_summary(record, summary)
        if change and restoring is None:
            # Check and bump in one UPDATE: the form's check in clean() can be
            # overtaken by another process's save before this line runs.
            obj.save_checked(form.cleaned_data["loaded_version"], summary, request.user)
            if getattr(form, "merged", None):
                messages.info(request, form.merged.summary())
            return
        if summary:
            obj._change_reason = summary
        if change:
            current = self.model.objects.filter(pk=obj.pk).values_list("version", flat=True)
            obj.version = (current.first() or obj.version) + 1
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # The admin's transaction has rolled back: nothing of this save is kept.
            messages.error(
                request,
                "Someone else saved this record while you were saving it; nothing was "
                "changed. Their version is shown below: re-apply your change to it.",
            )
            return HttpResponseRedirect(request.path)

    def delete_model(self, request, obj):
        # Through the same path as the site: everything the delete changes is recorded.
        delete_checked(obj, obj.version, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_checked(obj, obj.version, user=request.user)

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not request.user.has_perm(
            "tracker.restore_version"
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not request.user.has_perm("tracker.restore_version"):
            raise PermissionDenied
        request.restoring_version = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Party)
class PartyAdmin(TrackedAdmin):
    list_display = ["name", "short_name", "kind", "role", "colour", "order"]
    list_filter = ["kind", "role"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["member_of"]


class ActorRoleInline(admin.TabularInline):
    model = ActorRole
    fk_name = "actor"
    extra = 0
    autocomplete_fields = ["party", "source"]


@admin.register(Actor)
class ActorAdmin(TrackedAdmin):
    list_display = ["name", "party", "role"]
    list_filter = ["party"]
    list_select_related = ["party"]
    search_fields = ["name", "role", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ActorRoleInline]


@admin.register(ActorRole)
class ActorRoleAdmin(TrackedAdmin):
    list_display = ["actor", "title", "party", "started_on", "ended_on"]
    list_filter = ["party"]
    list_select_related = ["actor", "party"]
    search_fields = ["title", "actor__name"]
    autocomplete_fields = ["actor", "party", "source"]


@admin.register(Source)
class SourceAdmin(TrackedAdmin):
    list_display = ["title", "kind", "primacy", "reliability", "publisher", "published_on"]
    list_filter = ["kind", "primacy", "reliability", "language", "publisher"]
    search_fields = ["title", "publisher", "author", "slug"]
    filter_horizontal = ["cites"]
    date_hierarchy = "published_on"


class PlanAuthorInline(admin.TabularInline):
    model = PlanAuthor
    extra = 0
    autocomplete_fields = ["party", "actor", "source"]


@admin.register(Plan)
class PlanAdmin(TrackedAdmin):
    list_display = ["title", "short_title", "presented_on", "status", "certainty"]
    list_filter = ["status", "certainty"]
    search_fields = ["title", "short_title", "slug"]
    autocomplete_fields = ["derived_from"]
    inlines = [PlanAuthorInline]


@admin.register(PlanAuthor)
class PlanAuthorAdmin(TrackedAdmin):
    list_display = ["plan", "party", "actor", "role", "certainty"]
    list_filter = ["role", "certainty"]
    list_select_related = ["plan", "party", "actor"]
    search_fields = ["plan__title", "actor__name", "party__name", "note"]
    autocomplete_fields = ["plan", "party", "actor", "source"]


@admin.register(Component)
class ComponentAdmin(TrackedAdmin):
    list_display = ["title", "plan", "number", "certainty"]
    list_filter = ["plan", "certainty"]
    list_select_related = ["plan"]
    search_fields = ["title", "description"]


@admin.register(Topic)
class TopicAdmin(TrackedAdmin):
    list_display = ["name", "slug", "pax_category"]
    search_fields = ["name", "slug", "pax_category"]


class ProvisionInline(admin.TabularInline):
    model = Provision
    extra = 0


class PointTextInline(admin.StackedInline):
    model = PointText
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(Point)
class PointAdmin(TrackedAdmin):
    list_display = ["number", "title", "plan", "status", "component", "certainty"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "topics", "status", "certainty"]
    list_select_related = ["plan", "component__plan"]
    search_fields = ["title", "text", "plan__short_title"]
    autocomplete_fields = ["component"]
    filter_horizontal = ["topics"]
    inlines = [ProvisionInline, PointTextInline]


@admin.register(Provision)
class ProvisionAdmin(TrackedAdmin):
    list_display = ["point", "number", "title"]
    list_select_related = ["point__plan"]
    search_fields = ["title", "text", "point__title"]
    autocomplete_fields = ["point"]


@admin.register(PointText)
class PointTextAdmin(TrackedAdmin):
    list_display = ["point", "language", "standing", "source"]
    list_filter = ["language", "standing"]
    list_select_related = ["point__plan", "source"]
    search_fields = ["text", "point__title"]
    autocomplete_fields = ["point", "source"]


@admin.register(PointLink)
class PointLinkAdmin(TrackedAdmin):
    list_display = ["earlier", "kind", "later", "plan", "certainty", "source"]
    list_filter = ["kind", "certainty", "plan"]
    list_select_related = ["earlier__plan", "later__plan", "plan", "source"]
    search_fields = ["earlier__title", "later__title", "note"]
    autocomplete_fields = ["earlier", "later", "plan", "source"]


@admin.register(PointStatus)
class PointStatusAdmin(TrackedAdmin):
    list_display = ["point", "status", "on", "precision", "certainty", "source"]
    list_filter = ["status", "certainty", "point__plan"]
    list_select_related = ["point__plan", "source"]
    search_fields = ["point__title", "note"]
    autocomplete_fields = ["point", "source"]
    filter_horizontal = ["agreed_by"]
    date_hierarchy = "on"


class TranslationInline(admin.StackedInline):
    model = Translation
    extra = 0
    autocomplete_fields = ["source"]


class CodingInline(admin.StackedInline):
    model = Position
    extra = 0
    autocomplete_fields = ["point", "provision", "component", "plan"]


@admin.register(Statement)
class StatementAdmin(TrackedAdmin):
    list_display = ["said_on", "party", "who", "language", "event"]
    list_filter = ["party", "language", "precision", "certainty"]
    list_select_related = ["party", "speaker", "event"]
    search_fields = ["text", "summary", "attribution", "speaker__name"]
    autocomplete_fields = ["party", "speaker", "event"]
    filter_horizontal = ["sources"]
    date_hierarchy = "said_on"
    inlines = [TranslationInline, CodingInline]


@admin.register(Translation)
class TranslationAdmin(TrackedAdmin):
    list_display = ["statement", "language", "rendered_by", "source"]
    list_filter = ["language"]
    list_select_related = ["statement__party", "statement__speaker", "source"]
    search_fields = ["text", "rendered_by"]
    autocomplete_fields = ["statement", "source"]


@admin.register(Position)
class PositionAdmin(TrackedAdmin):
    list_display = ["party", "stance", "subject_label", "stated_on", "certainty"]
    list_filter = ["stance", "party", "certainty", "point__plan"]
    list_select_related = [
        "party",
        "statement",
        "provision",
        "point__plan",
        "component__plan",
        "plan",
    ]
    search_fields = ["summary", "conditions", "statement__text"]
    autocomplete_fields = ["statement", "point", "provision", "component", "plan"]
    date_hierarchy = "stated_on"

    @admin.display(description="On")
    def subject_label(self, position):
        return position.subject


class DelegationInline(admin.TabularInline):
    model = Delegation
    extra = 0
    autocomplete_fields = ["party", "actors", "source"]


@admin.register(Event)
class EventAdmin(TrackedAdmin):
    list_display = ["title", "kind", "occurred_on", "ends_on", "location", "source"]
    list_filter = ["kind", "parties"]
    list_select_related = ["source"]
    search_fields = ["title", "description", "location"]
    filter_horizontal = ["parties", "plans"]
    date_hierarchy = "occurred_on"
    inlines = [DelegationInline]


@admin.register(Delegation)
class DelegationAdmin(TrackedAdmin):
    list_display = ["event", "party", "role", "certainty"]
    list_filter = ["role", "certainty", "party"]
    list_select_related = ["event", "party"]
    search_fields = ["event__title", "party__name", "note"]
    autocomplete_fields = ["event", "party", "actors", "source"]


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
