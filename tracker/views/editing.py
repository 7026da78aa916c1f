"""Editing the record: create, edit and delete forms of parties, actors,
sources, events, plans, components and points, and a point's fields edited in place.

Every form works as a plain page without JavaScript (form_pages.py); invalid
input answers 422, an edit conflict 409, a missing permission 403.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from ..access import can
from ..editing import save_merging
from ..form_pages import (
    GET_POST,
    OBJECT_FORM,
    bound,
    delete_page,
    get_point,
    next_url,
    object_context,
    page_of,
    record_pages,
    respond,
    save_page,
)
from ..forms import (
    INLINE_POINT_FIELDS,
    ActorForm,
    ComponentForm,
    EventForm,
    NewPlanVersionForm,
    PartyForm,
    PlanForm,
    PointForm,
    SourceForm,
    point_field_form,
)
from ..models import Actor, Component, Event, Party, Plan, Source

# Parties and actors ------------------------------------------------------------


party_create, party_edit, party_delete = record_pages(Party, PartyForm)


@GET_POST
@can("tracker.add_actor")
def actor_create(request, slug):
    party = get_object_or_404(Party, slug=slug)
    form = ActorForm(bound(request), initial={"party": party})
    context = object_context("actor", cancel_url=party.get_absolute_url())
    return save_page(request, form, OBJECT_FORM, context, success=page_of("party"))


@GET_POST
@can("tracker.change_actor")
def actor_edit(request, slug):
    actor = get_object_or_404(Actor.objects.select_related("party"), slug=slug)
    form = ActorForm(bound(request), instance=actor)
    context = object_context("actor", actor, actor.party.get_absolute_url())
    return save_page(request, form, OBJECT_FORM, context, success=page_of("party"))


@GET_POST
@can("tracker.delete_actor")
def actor_delete(request, slug):
    actor = get_object_or_404(Actor.objects.select_related("party"), slug=slug)
    back = actor.party.get_absolute_url()
    return delete_page(request, actor, back, back)


# Sources and events ------------------------------------------------------------


source_create, source_edit, source_delete = record_pages(Source, SourceForm)


@GET_POST
@can("tracker.add_event")
def event_create(request):
    form = EventForm(bound(request), initial={"parties": request.GET.getlist("party")})
    return save_page(request, form, OBJECT_FORM, object_context("event"), success=page_of("source"))


@GET_POST
@can("tracker.change_event")
def event_edit(request, slug):
    event = get_object_or_404(Event.objects.select_related("source"), slug=slug)
    form = EventForm(bound(request), instance=event)
    context = object_context("event", event, event.source.get_absolute_url())
    return save_page(request, form, OBJECT_FORM, context, success=page_of("source"))


@GET_POST
@can("tracker.delete_event")
def event_delete(request, slug):
    event = get_object_or_404(Event.objects.select_related("source"), slug=slug)
    back = event.source.get_absolute_url()
    return delete_page(request, event, next_url(request, reverse("overview")), back)


# Plans and components ----------------------------------------------------------


plan_create, plan_edit, plan_delete = record_pages(Plan, PlanForm)


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


def get_component(slug, number):
    return get_object_or_404(
        Component.objects.select_related("plan"), plan__slug=slug, number=number
    )


@GET_POST
@can("tracker.add_component")
def component_create(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    form = ComponentForm(bound(request), plan=plan)
    context = object_context("component", cancel_url=plan.get_absolute_url(), plan=plan)
    return save_page(request, form, OBJECT_FORM, context, success=page_of("plan"))


@GET_POST
@can("tracker.change_component")
def component_edit(request, slug, number):
    component = get_component(slug, number)
    plan = component.plan
    form = ComponentForm(bound(request), instance=component, plan=plan)
    context = object_context("component", component, plan.get_absolute_url(), plan=plan)
    return save_page(request, form, OBJECT_FORM, context, success=page_of("plan"))


@GET_POST
@can("tracker.delete_component")
def component_delete(request, slug, number):
    component = get_component(slug, number)
    back = component.plan.get_absolute_url()
    return delete_page(request, component, back, back)


# Points ------------------------------------------------------------------------


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
