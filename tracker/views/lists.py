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


def list_view(form_class, template):
    """A list page: one page of the rows the query string asks for; 400 with the
    errors if it is bad."""

    @require_safe
    def view(request):
        form = form_class(request.GET)
        if not form.is_valid():
            return render(request, template, {"form": form, "page": None}, status=400)
        page = Paginator(form.rows(), PER_PAGE).get_page(form.cleaned_data["page"])
        return render(request, template, {"form": form, "page": page})

    return view


plan_list = list_view(PlanListForm, "tracker/plan_list.html")
party_list = list_view(PartyListForm, "tracker/party_list.html")
actor_list = list_view(ActorListForm, "tracker/actor_list.html")
source_list = list_view(SourceListForm, "tracker/source_list.html")
event_list = list_view(EventListForm, "tracker/event_list.html")
statement_list = list_view(StatementListForm, "tracker/statement_list.html")
