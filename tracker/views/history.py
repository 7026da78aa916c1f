"""Change history pages: versions and diffs, restore, recent changes and their feed."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_POST, require_safe

from .. import history
from ..access import can
from ..feeds import ChangesFeed
from ..filters import ChangeFilterForm, PageForm, VersionsForm
from ..forms import ConflictChoices, choice_name
from ..merge import CONFLICT, MINE, THEIRS
from ..models import Party, Plan, Point, Position, Source
from ..revalidation import kept_page

VERSIONS_PER_PAGE = 25
CHANGES_PER_PAGE = 50


class BadVersion(Exception):
    """A version id that is malformed or belongs to another object."""


class RestoreForm(ConflictChoices, forms.Form):
    """Restore a version; offered again, merged, if the object changed since the page loaded."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    # The object's version when the page was loaded (0: it was deleted).
    current = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    summary = forms.CharField(required=False, max_length=500)
    # Fields to leave as they are: changed by others since, and not by the restore.
    keep = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
    conflicts = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        fields = history.merged_fields(model)
        self.merged = {f.name: capfirst(f.verbose_name) for f in fields}
        self.add_conflict_choices(self.merged, RESTORE_CHOICES)

    def kept(self):
        named = set(self.cleaned_data["keep"].split()) & set(self.merged)
        return named | set(self.chosen_theirs())

    def offered_again(self, merged):
        """The form to confirm the merged restore with, at the current version."""
        initial = {
            "version": self.cleaned_data["version"],
            "current": merged.current.version,
            "summary": self.cleaned_data["summary"],
            "keep": " ".join(sorted(self.kept() | set(merged.names(THEIRS)))),
            "conflicts": " ".join(merged.names(CONFLICT)),
        }
        form = RestoreForm(initial=initial, model=self.model)
        merged.offer_choices(form, choice_name)
        return form


RESTORE_CHOICES = [(THEIRS, "Keep theirs"), (MINE, "Use the version to restore")]


def tracked_or_404(name):
    model = history.tracked_model(name)
    if model is None:
        raise Http404(f"No history is kept for “{name}”.")
    return model


def history_url(model, pk):
    return reverse("object_history", args=[model._meta.model_name, pk])


def chosen_versions(model, pk, params):
    """The two versions to compare, older first, or None when none were chosen."""
    form = VersionsForm(params)
    if not form.is_valid():
        raise BadVersion("Choose versions by their number from the list.")
    a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    if not (a or b):
        return None
    found = {r.history_id: r for r in model.history.filter(history_id__in={a, b} - {None})}
    for wanted in (a, b):
        if wanted and wanted not in found:
            raise BadVersion(f"There is no version {wanted} of any {model._meta.verbose_name}.")
        if wanted and found[wanted].id != pk:
            raise BadVersion(f"Version {wanted} belongs to another {model._meta.verbose_name}.")
    if a and b:
        older, newer = sorted([found[a], found[b]], key=lambda r: (r.history_date, r.history_id))
        return older, newer
    newer = found[a or b]
    return history.version_before(newer), newer


def history_context(request, model, pk):
    label, current = history.object_label(model, pk)
    page = Paginator(history.versions(model, pk), VERSIONS_PER_PAGE).get_page(
        PageForm(request.GET).value("page")
    )
    if not page.object_list:
        raise Http404(f"No history is recorded for {model._meta.verbose_name} #{pk}.")
    page.object_list = history.name_fields_changed(model, list(page.object_list))
    context = {"model_name": model._meta.model_name, "verbose_name": model._meta.verbose_name}
    context.update(label=label, current=current, page=page, pk=pk)
    context["latest_id"] = page.object_list[0].history_id if page.number == 1 else None
    context["can_restore"] = request.user.has_perm("tracker.restore_version")
    try:
        chosen = chosen_versions(model, pk, request.GET)
    except BadVersion as error:
        context["error"] = str(error)
        return context
    if chosen:
        context["comparison"] = history.compare(model, *chosen)
    return context


def render_history(request, model, pk, *, status=200, error=None, **extra):
    context = history_context(request, model, pk)
    context.update(extra)
    if error:
        context["error"] = error
    if "error" in context and status == 200:
        status = 400
    return render(request, "tracker/history.html", context, status=status)


@require_safe
@can("tracker.view_change")
def object_history(request, model, pk):
    return render_history(request, tracked_or_404(model), pk)


@require_safe
@can("tracker.view_change")
def point_history(request, slug, number):
    point = get_object_or_404(Point, plan__slug=slug, number=number)
    return render_history(request, Point, point.pk)


def history_view(model):
    """The history page of a ``model`` record found by what its URL names (slug, pk or uid)."""

    @require_safe
    @can("tracker.view_change")
    def view(request, **key):
        return render_history(request, model, get_object_or_404(model, **key).pk)

    return view


plan_history = history_view(Plan)
party_history = history_view(Party)
source_history = history_view(Source)
position_history = history_view(Position)


@require_POST
@can("tracker.restore_version")
def restore_version(request, model, pk):
    model = tracked_or_404(model)
    form = RestoreForm(request.POST, model=model)
    if not form.is_valid():
        error = "Choose a version to restore, and reload the page if it is old."
        if form.conflicting and "version" not in form.errors:
            error = "Choose, for each field changed by both, which value to keep."
        return render_history(request, model, pk, status=422, error=error, restore_form=form)
    record = model.history.filter(id=pk, history_id=form.cleaned_data["version"]).first()
    if record is None:
        error = f"There is no version {form.cleaned_data['version']} of this object."
        return render_history(request, model, pk, status=404, error=error)
    try:
        _, lost = history.restore(
            model,
            record,
            user=request.user,
            summary=form.cleaned_data["summary"],
            expected_version=form.cleaned_data["current"],
            keep=form.kept(),
        )
    except history.RestoreConflict as conflict:
        again = form.offered_again(conflict.merge)
        context = {"restore_conflict": conflict.merge, "restore_form": again, "restoring": record}
        return render_history(request, model, pk, status=409, **context)
    except history.RestoreRefused as refused:
        return render_history(request, model, pk, status=409, error=str(refused))
    messages.success(request, history.restore_summary(record) + ".")
    for what in lost:
        messages.warning(request, f"Not restored: {what}.")
    return redirect(history_url(model, pk))


@require_safe
@can("tracker.view_change")
def recent_changes(request):
    form = ChangeFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "changes": [], "error": True}
        return render(request, "tracker/changes.html", context, status=400)
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    query = query.urlencode()

    def context():
        changes = history.changes_matching(**form.filters())
        rows, has_newer, has_older = history.change_page(
            changes,
            before=form.cleaned_data["before"],
            after=form.cleaned_data["after"],
            size=CHANGES_PER_PAGE,
        )
        history.name_fields_changed_in(rows)
        context = {"form": form, "changes": rows, "has_newer": has_newer, "has_older": has_older}
        return context | {"query": query, "models": history.TRACKED}

    return kept_page(request, "tracker/changes.html", context, around={"query": query})


@require_safe
@can("tracker.view_change")
def changes_feed(request):
    form = ChangeFilterForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponse(f"Bad filter: {errors}\n", status=400, content_type="text/plain")
    return ChangesFeed()(request, filters=form.filters())
