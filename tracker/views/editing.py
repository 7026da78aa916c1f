"""Editing the record: create, edit and delete forms, and points edited in place.

Every form works as a plain page without JavaScript (post, then redirect with
a message); htmx requests get the form or the re-rendered fragment instead.
Invalid input answers 422, an edit conflict 409, a missing permission 403.
"""

from functools import partial, wraps
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from ..editing import (
    Deletion,
    RowConflicts,
    delete_checked,
    save_coding,
    save_form,
    save_merging,
    save_statement,
)
from ..filters import StatementStartForm
from ..forms import (
    INLINE_POINT_FIELDS,
    ActorForm,
    CodingFormSet,
    ComponentForm,
    EventForm,
    NewPlanVersionForm,
    PartyForm,
    PlanForm,
    PointForm,
    PositionForm,
    SourceForm,
    StatementForm,
    SubjectChoices,
    TranslationFormSet,
    choice_name,
    point_field_form,
)
from ..models import (
    Actor,
    Component,
    EditConflict,
    Event,
    Party,
    Plan,
    Point,
    Position,
    Source,
    Statement,
)

GET_POST = require_http_methods(["GET", "POST"])


def can(perm):
    """Only users holding ``perm``: anonymous users are sent to sign in, others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                next_url = request.get_full_path()
                if request.htmx:
                    next_url = request.htmx.current_url_abs_path or next_url
                login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
                if request.htmx:
                    response = HttpResponse("Sign in to edit.", status=403)
                    response["HX-Redirect"] = login
                    return response
                return redirect(login)
            if not request.user.has_perm(perm):
                if request.htmx:
                    return render(request, "tracker/_forbidden_field.html", status=403)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def bound(request):
    return request.POST if request.method == "POST" else None


def respond(request, template, context, status=200, partial="form"):
    """The page, or only its ``partial`` for htmx; varies on HX-Request."""
    name = f"{template}#{partial}" if request.htmx and partial else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def next_url(request, default):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return default


def save_page(request, form, template, context, *, success=None, save=save_form):
    """Validate and save ``form``; answer with a redirect, 422, or a 409 conflict.

    An edit overtaken by another save is merged field by field: saved when
    no field was changed by both, else offered again with a choice per field.
    """
    context = {**context, "form": form, "next": next_url(request, "")}
    if request.method != "POST":
        return respond(request, template, context)
    if not form.is_valid():
        return respond(request, template, context, status=422)
    outcome = save_merging(form, request.user, save)
    if not outcome.saved:
        context.update(form=outcome.form, conflict=outcome.merge)
        return respond(request, template, context, status=409)
    obj = outcome.obj
    messages.success(request, outcome.message(f"Saved: {obj}."))
    return redirect(next_url(request, success(obj) if success else obj.get_absolute_url()))


class DeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    edit_summary = forms.CharField(label="Edit summary", required=False, max_length=300)


def in_use(error):
    """Up to ten records that still refer to the one being deleted."""
    blocking = getattr(error, "protected_objects", None) or error.restricted_objects
    return sorted({str(obj) for obj in list(blocking)[:50]})[:10]


def delete_page(request, obj, success_url, cancel_url):
    """Confirm, then delete unless changed since the page was loaded or still in use."""
    form = DeleteForm(bound(request), initial={"version": obj.version})
    context = {"object": obj, "form": form, "cancel_url": cancel_url}
    template = "tracker/object_confirm_delete.html"
    try:
        context["effects"] = Deletion.of(obj).effects()
    except (ProtectedError, RestrictedError) as error:
        status = 409 if request.method == "POST" else 200
        return render(request, template, {**context, "in_use": in_use(error)}, status=status)
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=422)
    summary = form.cleaned_data["edit_summary"]
    try:
        delete_checked(obj, form.cleaned_data["version"], summary=summary, user=request.user)
    except EditConflict as conflict:
        current = conflict.current
        context.update(object=current, form=DeleteForm(initial={"version": current.version}))
        return render(request, template, {**context, "stale": True}, status=409)
    except (ProtectedError, RestrictedError) as error:
        return render(request, template, {**context, "in_use": in_use(error)}, status=409)
    messages.success(request, f"Deleted: {obj}.")
    return redirect(success_url)


OBJECT_FORM = "tracker/object_form.html"


def object_context(kind, obj=None, cancel_url=None, **extra):
    return {"kind": kind, "object": obj, "cancel_url": cancel_url or "/", **extra}


# Parties and actors ------------------------------------------------------------


@GET_POST
@can("tracker.add_party")
def party_create(request):
    form = PartyForm(bound(request))
    return save_page(request, form, OBJECT_FORM, object_context("party"))


@GET_POST
@can("tracker.change_party")
def party_edit(request, slug):
    party = get_object_or_404(Party, slug=slug)
    form = PartyForm(bound(request), instance=party)
    context = object_context("party", party, party.get_absolute_url())
    return save_page(request, form, OBJECT_FORM, context)


@GET_POST
@can("tracker.delete_party")
def party_delete(request, slug):
    party = get_object_or_404(Party, slug=slug)
    return delete_page(request, party, reverse("overview"), party.get_absolute_url())


@GET_POST
@can("tracker.add_actor")
def actor_create(request, slug):
    party = get_object_or_404(Party, slug=slug)
    form = ActorForm(bound(request), initial={"party": party})
    context = object_context("actor", cancel_url=party.get_absolute_url())
    return save_page(
        request, form, OBJECT_FORM, context, success=lambda a: a.party.get_absolute_url()
    )


@GET_POST
@can("tracker.change_actor")
def actor_edit(request, slug):
    actor = get_object_or_404(Actor.objects.select_related("party"), slug=slug)
    form = ActorForm(bound(request), instance=actor)
    context = object_context("actor", actor, actor.party.get_absolute_url())
    return save_page(
        request, form, OBJECT_FORM, context, success=lambda a: a.party.get_absolute_url()
    )


@GET_POST
@can("tracker.delete_actor")
def actor_delete(request, slug):
    actor = get_object_or_404(Actor.objects.select_related("party"), slug=slug)
    back = actor.party.get_absolute_url()
    return delete_page(request, actor, back, back)


# Sources and events ------------------------------------------------------------


@GET_POST
@can("tracker.add_source")
def source_create(request):
    form = SourceForm(bound(request))
    return save_page(request, form, OBJECT_FORM, object_context("source"))


@GET_POST
@can("tracker.change_source")
def source_edit(request, pk):
    source = get_object_or_404(Source, pk=pk)
    form = SourceForm(bound(request), instance=source)
    context = object_context("source", source, source.get_absolute_url())
    return save_page(request, form, OBJECT_FORM, context)


@GET_POST
@can("tracker.delete_source")
def source_delete(request, pk):
    source = get_object_or_404(Source, pk=pk)
    return delete_page(request, source, reverse("overview"), source.get_absolute_url())


def event_success(event):
    return event.source.get_absolute_url()


@GET_POST
@can("tracker.add_event")
def event_create(request):
    form = EventForm(bound(request), initial={"parties": request.GET.getlist("party")})
    return save_page(request, form, OBJECT_FORM, object_context("event"), success=event_success)


@GET_POST
@can("tracker.change_event")
def event_edit(request, slug):
    event = get_object_or_404(Event.objects.select_related("source"), slug=slug)
    form = EventForm(bound(request), instance=event)
    context = object_context("event", event, event.source.get_absolute_url())
    return save_page(request, form, OBJECT_FORM, context, success=event_success)


@GET_POST
@can("tracker.delete_event")
def event_delete(request, slug):
    event = get_object_or_404(Event.objects.select_related("source"), slug=slug)
    back = event.source.get_absolute_url()
    return delete_page(request, event, next_url(request, reverse("overview")), back)


# Plans and components ----------------------------------------------------------


@GET_POST
@can("tracker.add_plan")
def plan_create(request):
    form = PlanForm(bound(request))
    return save_page(request, form, OBJECT_FORM, object_context("plan"))


@GET_POST
@can("tracker.change_plan")
def plan_edit(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    form = PlanForm(bound(request), instance=plan)
    context = object_context("plan", plan, plan.get_absolute_url())
    return save_page(request, form, OBJECT_FORM, context)


@GET_POST
@can("tracker.delete_plan")
def plan_delete(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    return delete_page(request, plan, reverse("overview"), plan.get_absolute_url())


@GET_POST
@can("tracker.add_plan")
def plan_new_version(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    initial = {"title": f"{plan.title} (revised)", "short_title": f"{plan.short_title} rev"[:60]}
    form = NewPlanVersionForm(bound(request), initial={**initial, "slug": f"{plan.slug}-rev"})
    context = object_context("plan", cancel_url=plan.get_absolute_url(), source_plan=plan)
    if request.method != "POST" or not form.is_valid():
        status = 422 if request.method == "POST" else 200
        return render(
            request, "tracker/plan_version_form.html", {**context, "form": form}, status=status
        )
    data = form.cleaned_data
    fields = {key: data[key] for key in ("slug", "title", "short_title")}
    new = plan.copy_as_version(**fields, summary=form.summary, user=request.user)
    messages.success(request, f"Created {new.short_title} from {plan.short_title}.")
    return redirect(new)


@GET_POST
@can("tracker.add_component")
def component_create(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    form = ComponentForm(bound(request), plan=plan)
    context = object_context("component", cancel_url=plan.get_absolute_url(), plan=plan)
    return save_page(request, form, OBJECT_FORM, context, success=lambda c: plan.get_absolute_url())


@GET_POST
@can("tracker.change_component")
def component_edit(request, slug, number):
    component = get_object_or_404(
        Component.objects.select_related("plan"), plan__slug=slug, number=number
    )
    plan = component.plan
    form = ComponentForm(bound(request), instance=component, plan=plan)
    context = object_context("component", component, plan.get_absolute_url(), plan=plan)
    return save_page(request, form, OBJECT_FORM, context, success=lambda c: plan.get_absolute_url())


@GET_POST
@can("tracker.delete_component")
def component_delete(request, slug, number):
    component = get_object_or_404(
        Component.objects.select_related("plan"), plan__slug=slug, number=number
    )
    back = component.plan.get_absolute_url()
    return delete_page(request, component, back, back)


# Points ------------------------------------------------------------------------


def get_point(slug, number):
    return get_object_or_404(
        Point.objects.select_related("plan", "component"), plan__slug=slug, number=number
    )


@GET_POST
@can("tracker.add_point")
def point_create(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    following = (plan.points.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = PointForm(bound(request), plan=plan, initial={"number": following})
    context = object_context("point", cancel_url=plan.get_absolute_url(), plan=plan)
    return save_page(request, form, OBJECT_FORM, context)


@GET_POST
@can("tracker.change_point")
def point_edit(request, slug, number):
    point = get_point(slug, number)
    form = PointForm(bound(request), instance=point, plan=point.plan)
    context = object_context("point", point, point.get_absolute_url(), plan=point.plan)
    return save_page(request, form, OBJECT_FORM, context)


@GET_POST
@can("tracker.delete_point")
def point_delete(request, slug, number):
    point = get_point(slug, number)
    return delete_page(request, point, point.plan.get_absolute_url(), point.get_absolute_url())


def inline_field(field):
    if field not in INLINE_POINT_FIELDS:
        raise Http404("This field is not edited in place.")
    return field


@GET_POST
@can("tracker.change_point")
def point_field_edit(request, slug, number, field):
    """One field of a point, edited where it stands (or on its own page without JS)."""
    point = get_point(slug, number)
    form = point_field_form(inline_field(field))(bound(request), instance=point, plan=point.plan)
    form.fields[field].widget.attrs["autofocus"] = True
    context = {"point": point, "field": field, "form": form}
    template = "tracker/point_field_edit.html"
    if request.method != "POST":
        return respond(request, template, context, partial="field-form")
    if not form.is_valid():
        return respond(request, template, context, status=422, partial="field-form")
    outcome = save_merging(form, request.user)
    if not outcome.saved:
        context.update(form=outcome.form, conflict=outcome.merge)
        return respond(request, template, context, status=409, partial="field-form")
    if not request.htmx:
        label = form.fields[field].label.lower()
        messages.success(request, outcome.message(f"Saved the {label} of {point}."))
        return redirect(point)
    return show_field(request, point, field, saved=True)


def show_field(request, point, field, saved=False):
    context = {"point": point, "field": field, "saved": saved}
    response = render(request, "tracker/_field_display.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def point_field_show(request, slug, number, field):
    """The field as displayed (cancelling an edit in place)."""
    return show_field(request, get_point(slug, number), inline_field(field))


# Statements and their codings -------------------------------------------------

STATEMENT_FORM = "tracker/statement_form.html"


def statement_forms(request, statement, initial=None, coding_initial=None, data=None):
    """The statement's form and its two formsets (codings, translations), bound on POST."""
    data = bound(request) if data is None else data
    choices = SubjectChoices()
    form = StatementForm(data, instance=statement, initial=initial)
    codings = CodingFormSet(
        data,
        instance=statement,
        prefix="codings",
        form_kwargs={"choices": choices},
        initial=coding_initial,
        queryset=statement.positions.order_by("pk") if statement.pk else Position.objects.none(),
    )
    translations = TranslationFormSet(data, instance=statement, prefix="translations")
    return form, codings, translations


def rows_offered_again(request, statement, conflict):
    """The statement's forms again after ``RowConflicts``: each row both sides changed at
    its current version with its merge, the rest as submitted."""
    data = request.POST.copy()
    for row, merged in conflict.merges.items():
        row.offer_in(data, merged)
    fresh = Statement.objects.get(pk=statement.pk)
    form, codings, translations = statement_forms(request, fresh, data=data)
    merges = {row.prefix: merged for row, merged in conflict.merges.items()}
    for row in (*codings.forms, *translations.forms):
        if row.prefix in merges:
            row.merge = merges[row.prefix].offer_choices(row, choice_name)
    return form, codings, translations


def statement_page(request, statement, context, *, initial=None, coding_initial=None):
    """Show, validate and save a statement with its codings and translations in one form.

    "Add a coding" / "Add a translation" post the form back with one more row
    (htmx swaps the form in place; without JavaScript the page comes back).
    The statement and each row are merged with what others saved meanwhile;
    what both sides changed, and rows deleted meanwhile, are offered again (409).
    """
    form, codings, translations = statement_forms(request, statement, initial, coding_initial)
    context = {**context, "form": form, "codings": codings, "translations": translations}
    context["next"] = next_url(request, "")
    if request.method != "POST" or codings.adding_row() or translations.adding_row():
        return respond(request, STATEMENT_FORM, context)
    if codings.gone or translations.gone:
        return respond(request, STATEMENT_FORM, {**context, "rows_gone": True}, status=409)
    if not all([form.is_valid(), codings.is_valid(), translations.is_valid()]):
        return respond(request, STATEMENT_FORM, context, status=422)
    save = partial(save_statement, codings=codings, translations=translations)
    try:
        outcome = save_merging(form, request.user, save)
    except RowConflicts as conflict:
        form, codings, translations = rows_offered_again(request, statement, conflict)
        context.update(form=form, codings=codings, translations=translations, rows_changed=True)
        return respond(request, STATEMENT_FORM, context, status=409)
    if not outcome.saved:
        context.update(form=outcome.form, conflict=outcome.merge)
        return respond(request, STATEMENT_FORM, context, status=409)
    messages.success(request, outcome.message(f"Saved: {outcome.obj}."))
    return redirect(next_url(request, outcome.obj.get_absolute_url()))


@GET_POST
@can("tracker.add_statement")
def statement_create(request):
    """A new statement; ``?party=`` and ``?point=`` (from a matrix cell) fill in the form."""
    start = StatementStartForm(request.GET)
    if not start.is_valid():
        return render(request, "tracker/statement_form.html", {"start": start}, status=400)
    initial, coding_initial = start.initial_values()
    context = {"cancel_url": next_url(request, reverse("statement_list")), "start": start}
    return statement_page(
        request, Statement(), context, initial=initial, coding_initial=coding_initial
    )


def get_statement(uid):
    return get_object_or_404(Statement.objects.select_related("party", "speaker"), uid=uid)


@GET_POST
@can("tracker.change_statement")
def statement_edit(request, uid):
    statement = get_statement(uid)
    context = {"statement": statement, "cancel_url": statement.get_absolute_url(), "editing": True}
    return statement_page(request, statement, context)


@GET_POST
@can("tracker.delete_statement")
def statement_delete(request, uid):
    statement = get_statement(uid)
    back = statement.get_absolute_url()
    return delete_page(request, statement, reverse("statement_list"), back)


# Positions: a coding of a statement on its own -------------------------------

POSITION_FORM = "tracker/position_form.html"


def position_added(request, form, context):
    """Save a new position: a redirect, or for htmx the new position in place of the form."""
    context = {**context, "form": form, "next": next_url(request, "")}
    if not form.is_valid():
        return respond(request, POSITION_FORM, context, status=422)
    position = save_coding(form, request.user)
    if request.htmx:
        return respond(request, POSITION_FORM, {**context, "position": position}, partial="added")
    messages.success(request, f"Added: {position}.")
    return redirect(next_url(request, position.subject.get_absolute_url()))


@GET_POST
@can("tracker.add_position")
def position_create_for_point(request, slug, number):
    point = get_point(slug, number)
    form = PositionForm(bound(request), point=point)
    context = {"point": point, "cancel_url": point.get_absolute_url()}
    if request.method != "POST":
        return respond(request, POSITION_FORM, {**context, "form": form})
    return position_added(request, form, context)


@GET_POST
@can("tracker.add_position")
def position_create_for_party(request, slug):
    party = get_object_or_404(Party, slug=slug)
    form = PositionForm(bound(request), party=party)
    context = {"party": party, "cancel_url": party.get_absolute_url(), "show_subject": True}
    if request.method != "POST":
        return respond(request, POSITION_FORM, {**context, "form": form})
    return position_added(request, form, context)


@GET_POST
@can("tracker.change_position")
def position_edit(request, uid):
    position = get_object_or_404(Position.objects.with_subject(), uid=uid)
    form = PositionForm(bound(request), instance=position)
    back = position.subject.get_absolute_url()
    context = {"position": position, "cancel_url": next_url(request, back), "editing": True}
    success = lambda p: back  # noqa: E731
    return save_page(request, form, POSITION_FORM, context, success=success, save=save_coding)


@GET_POST
@can("tracker.delete_position")
def position_delete(request, uid):
    position = get_object_or_404(Position.objects.with_subject(), uid=uid)
    back = next_url(request, position.subject.get_absolute_url())
    return delete_page(request, position, back, back)
