"""The lists of plans, parties, actors, sources and events: sorted, filtered, paged."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..lists import (
    PER_PAGE,
    ActorListForm,
    EventListForm,
    PartyListForm,
    PlanListForm,
    SourceListForm,
    StatementListForm,
)


def list_page(request, form_class, template):
    """One page of the rows the query string asks for; 400 with the errors if it is bad."""
    form = form_class(request.GET)
    if not form.is_valid():
        return render(request, template, {"form": form, "page": None}, status=400)
    page = Paginator(form.rows(), PER_PAGE).get_page(form.cleaned_data["page"])
    return render(request, template, {"form": form, "page": page})


@require_safe
def plan_list(request):
    return list_page(request, PlanListForm, "tracker/plan_list.html")


@require_safe
def party_list(request):
    return list_page(request, PartyListForm, "tracker/party_list.html")


@require_safe
def actor_list(request):
    return list_page(request, ActorListForm, "tracker/actor_list.html")


@require_safe
def source_list(request):
    return list_page(request, SourceListForm, "tracker/source_list.html")


@require_safe
def event_list(request):
    return list_page(request, EventListForm, "tracker/event_list.html")


@require_safe
def statement_list(request):
    return list_page(request, StatementListForm, "tracker/statement_list.html")
