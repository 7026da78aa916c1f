"""The pages of events and actors, and a new actor for any party."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..access import can
from ..form_pages import GET_POST, OBJECT_FORM, bound, object_context, save_page
from ..forms import ActorForm
from ..lists import statements_page
from ..models import Actor, Event, Party


@require_safe
def event_detail(request, slug):
    event = get_object_or_404(
        Event.objects.select_related("source").prefetch_related("parties", "plans"), slug=slug
    )
    delegations = event.delegations.select_related("party", "source").prefetch_related("actors")
    context = {
        "event": event,
        "delegations": delegations,
        "page": statements_page(request, event.statements.all()),
    }
    return render(request, "tracker/event_detail.html", context)


@require_safe
def actor_detail(request, slug):
    actor = get_object_or_404(Actor.objects.select_related("party"), slug=slug)
    roles = actor.roles.select_related("party", "source")
    page = statements_page(request, actor.statements.all())
    context = {"actor": actor, "roles": roles, "page": page}
    return render(request, "tracker/actor_detail.html", context)


@GET_POST
@can("tracker.add_actor")
def actor_new(request):
    """A new actor, the party chosen in the form (``?party=<slug>`` preselects one)."""
    party = Party.objects.filter(slug=request.GET.get("party") or "").first()
    form = ActorForm(bound(request), initial={"party": party})
    context = object_context("actor", cancel_url=reverse("actor_list"))
    return save_page(request, form, OBJECT_FORM, context)
