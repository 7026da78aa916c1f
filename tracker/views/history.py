"""Change history pages: versions and diffs, restore, recent changes, as-of views."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from .. import history
from ..feeds import ChangesFeed
from ..models import Party, Plan, Point, Position, Source, Stance
from ..revalidation import marker_for

VERSIONS_PER_PAGE = 25
CHANGES_PER_PAGE = 50


class BadVersion(Exception):
    """A version id that is malformed or belongs to another object."""


class CompareForm(forms.Form):
    a = forms.IntegerField(required=False, min_value=1)
    b = forms.IntegerField(required=False, min_value=1)


class RestoreForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    summary = forms.CharField(required=False, max_length=500)


class ChangeFilterForm(forms.Form):
    user = forms.CharField(required=False, max_length=150)
    model = forms.ChoiceField(
        required=False, choices=[("", "any")] + [(name, name) for name in history.TRACKED]
    )
    party = forms.SlugField(required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    after = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("“From” is after “until”.")
        return data

    def filters(self):
        keys = ("user", "model", "party", "since", "until")
        return {key: self.cleaned_data[key] for key in keys}


def tracked_or_404(name):
    model = history.tracked_model(name)
    if model is None:
        raise Http404(f"No history is kept for “{name}”.")
    return model


def history_url(model, pk):
    return reverse("object_history", args=[model._meta.model_name, pk])


def chosen_versions(model, pk, params):
    """The two versions to compare, older first, or None when none were chosen."""
    form = CompareForm(params)
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
        request.GET.get("page")
    )
    if not page.object_list:
        raise Http404(f"No history is recorded for {model._meta.verbose_name} #{pk}.")
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


def render_history(request, model, pk, *, status=200, error=None):
    context = history_context(request, model, pk)
    if error:
        context["error"] = error
    if "error" in context and status == 200:
        status = 400
    return render(request, "tracker/history.html", context, status=status)


@require_GET
@login_required
@permission_required("tracker.view_change", raise_exception=True)
def object_history(request, model, pk):
    return render_history(request, tracked_or_404(model), pk)


@require_GET
@login_required
@permission_required("tracker.view_change", raise_exception=True)
def plan_history(request, slug):
    return render_history(request, Plan, get_object_or_404(Plan, slug=slug).pk)


@require_GET
@login_required
@permission_required("tracker.view_change", raise_exception=True)
def point_history(request, slug, number):
    point = get_object_or_404(Point, plan__slug=slug, number=number)
    return render_history(request, Point, point.pk)


@require_GET
@login_required
@permission_required("tracker.view_change", raise_exception=True)
def party_history(request, slug):
    return render_history(request, Party, get_object_or_404(Party, slug=slug).pk)


@require_GET
@login_required
@permission_required("tracker.view_change", raise_exception=True)
def source_history(request, pk):
    return render_history(request, Source, get_object_or_404(Source, pk=pk).pk)


@require_GET
@login_required
@permission_required("tracker.view_change", raise_exception=True)
def position_history(request, uid):
    return render_history(request, Position, get_object_or_404(Position, uid=uid).pk)


@require_POST
@login_required
@permission_required("tracker.restore_version", raise_exception=True)
def restore_version(request, model, pk):
    model = tracked_or_404(model)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        return render_history(request, model, pk, status=422, error="Choose a version to restore.")
    record = model.history.filter(id=pk, history_id=form.cleaned_data["version"]).first()
    if record is None:
        error = f"There is no version {form.cleaned_data['version']} of this object."
        return render_history(request, model, pk, status=404, error=error)
    try:
        _, lost = history.restore(
            model, record, user=request.user, summary=form.cleaned_data["summary"]
        )
    except history.RestoreRefused as refused:
        return render_history(request, model, pk, status=409, error=str(refused))
    messages.success(request, history.restore_summary(record) + ".")
    for what in lost:
        messages.warning(request, f"Not restored: {what}.")
    return redirect(history_url(model, pk))


@require_GET
@login_required
@permission_required("tracker.view_change", raise_exception=True)
def recent_changes(request):
    form = ChangeFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "changes": [], "error": True}
        return render(request, "tracker/changes.html", context, status=400)
    changes = history.changes_matching(**form.filters())
    rows, has_newer, has_older = history.change_page(
        changes,
        before=form.cleaned_data["before"],
        after=form.cleaned_data["after"],
        size=CHANGES_PER_PAGE,
    )
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    context = {"form": form, "changes": rows, "has_newer": has_newer, "has_older": has_older}
    context.update(query=query.urlencode(), models=history.TRACKED)
    return render(request, "tracker/changes.html", context)


@require_GET
@login_required
@permission_required("tracker.view_change", raise_exception=True)
def changes_feed(request):
    form = ChangeFilterForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponse(f"Bad filter: {errors}\n", status=400, content_type="text/plain")
    return ChangesFeed()(request, filters=form.filters())


def plan_as_of(request, slug):
    """The plan page as it stood at ?as_of=…, read-only (dispatched from plan_detail)."""
    try:
        moment = history.parse_moment(request.GET["as_of"])
        plan = history.plan_at(slug, moment)
    except history.BadMoment as error:
        if not Plan.history.filter(slug=slug).exists():
            raise Http404("No such plan.") from error
        context = {"error": str(error), "current_url": reverse("plan_detail", args=[slug])}
        return render(request, "tracker/asof_error.html", context, status=400)

    def contents():  # read only when the cached tables are stale
        data = history.plan_contents(plan, moment)
        data["sections"] = Plan.sections(data["points"], data["parties"], data["stances"])
        return data

    context = {"plan": plan, "as_of": moment, "stance_choices": Stance}
    context.update(data=SimpleLazyObject(contents), marker=marker_for(request))
    return render(request, "tracker/asof_plan.html", context)


def matrix_as_of(request, plan_slug):
    """The stance matrix as it stood at ?as_of=…, read-only (dispatched from the matrix)."""
    try:
        moment = history.parse_moment(request.GET["as_of"])
        plan = history.plan_at(plan_slug, moment)
    except history.BadMoment as error:
        context = {"error": str(error), "plan_param": plan_slug, "current_url": request.path}
        return render(request, "tracker/asof_error.html", context, status=400)
    context = {"plan": plan, "as_of": moment, "stance_choices": Stance}
    context.update(
        data=SimpleLazyObject(lambda: history.matrix_contents(plan, moment)),
        marker=marker_for(request),
    )
    return render(request, "tracker/asof_matrix.html", context)
