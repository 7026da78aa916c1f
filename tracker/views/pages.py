"""Read-only pages: the record as analysts browse it."""

from functools import partial

from django.db import DatabaseError, connection
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from .. import dashboard, following, history, stances
from ..filters import AsOfForm, negotiation_day
from ..lists import statements_page
from ..models import (
    Party,
    Plan,
    PlanAuthor,
    Point,
    Position,
    Source,
    Stance,
    Statement,
    colour_validator,
)
from ..revalidation import kept, kept_page
from ..stances import StanceTable


@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def overview(request):
    """The dashboard: what is new in what the user follows, the last week, the latest
    positions, the plans by date. All but the first are the same for every reader:
    drawn once per state of the record and kept."""
    context = {"drawn": kept(request, "overview", draw_overview)}
    if following.follows_something(request):
        # The navigation's count comes with the list: no second query for it.
        context["followed"], context["watching_count"] = dashboard.followed(request.user)
    return render(request, "tracker/overview.html", context)


def draw_overview():
    """The overview's parts that every reader sees alike, drawn (without the request:
    nothing of the reader's may go into them)."""
    context = dashboard.shared()
    return {
        part: render_to_string(f"tracker/overview.html#{part}", context)
        for part in ("counts", "dashboard")
    }


@require_safe
def plan_detail(request, slug):
    if "as_of" in request.GET:
        return plan_as_of(request, slug)
    on = negotiation_day(request.GET)
    plan = get_object_or_404(Plan.objects.select_related("derived_from"), slug=slug)
    may = request.user.has_perm
    window = stances.row_window(request)
    table = stances.rendered(
        request,
        "plan",
        lambda: StanceTable.live(plan, on=on),
        plan.pk,
        may("tracker.change_component"),
        may("tracker.delete_component"),
        window=window,
    )
    if window.fragment:
        return HttpResponse(table)

    def context():
        prefetch_related_objects([plan], Prefetch("authors", queryset=authors_with_sources()))
        return {"plan": plan, "table": table, "on": on, "stance_choices": Stance}

    return kept_page(request, "tracker/plan_detail.html", context)


def authors_with_sources():
    return authors_shown().select_related("source")


def plan_as_of(request, slug):
    """The plan page as it stood at ?as_of=…, read-only."""
    try:
        moment = AsOfForm(request.GET).moment()
        plan = history.plan_at(slug, moment)
    except history.BadMoment as error:
        if not Plan.history.filter(slug=slug).exists():
            raise Http404("No such plan.") from error
        context = {"error": str(error), "current_url": reverse("plan_detail", args=[slug])}
        return render(request, "tracker/asof_error.html", context, status=400)

    def table():
        return StanceTable.as_of(plan, moment)

    context = {"plan": plan, "as_of": moment}
    template = "tracker/asof_plan.html"
    return stances.table_page(request, template, context, "plan", table, plan.pk, moment)


def authors_shown():
    return PlanAuthor.objects.select_related("party", "actor")


def codings(positions):
    """Positions with what a position card shows, newest first."""
    return positions.with_subject().select_related("coded_by").latest_first()


@require_safe
def point_detail(request, slug, number):
    """A point with its texts, status steps, lineage and positions, kept."""
    return kept_page(request, "tracker/point_detail.html", partial(point_context, slug, number))


def point_context(slug, number):
    point = get_object_or_404(
        Point.objects.select_related("plan", "component").prefetch_related("topics", "provisions"),
        plan__slug=slug,
        number=number,
    )
    return {
        "point": point,
        "texts": point.texts.select_related("source").order_by("is_translation", "language"),
        "statuses": point.statuses.select_related("source").prefetch_related("agreed_by"),
        "earlier": point.earlier_links.with_points(),
        "later": point.later_links.with_points(),
        "positions": codings(point.positions),
    }


@require_safe
def party_detail(request, slug):
    party = get_object_or_404(Party.objects.prefetch_related("member_of", "members"), slug=slug)
    context = {
        "party": party,
        "actors": party.actors.all(),
        "page": statements_page(request, party.statements.all()),
        "events": party.events.all(),
    }
    return render(request, "tracker/party_detail.html", context)


@require_safe
def source_detail(request, pk):
    source = get_object_or_404(Source.objects.prefetch_related("cites", "cited_by"), pk=pk)
    context = {
        "source": source,
        "page": statements_page(request, source.statements.all()),
        "events": source.events.all(),
    }
    return render(request, "tracker/source_detail.html", context)


@require_safe
def statement_detail(request, uid):
    statement = get_object_or_404(Statement.objects.with_codings(), uid=uid)
    return render(request, "tracker/statement_detail.html", {"statement": statement})


@require_safe
def position_detail(request, uid):
    position = get_object_or_404(
        Position.objects.with_subject().select_related("coded_by", "statement__event"), uid=uid
    )
    statement = position.statement
    return render(
        request,
        "tracker/position_detail.html",
        {"position": position, "sources": statement.sources.all(), "statement": statement},
    )


@require_safe
def party_colours(request):
    """Each party's colour as a CSS class, so pages need no inline styles (CSP)."""
    rules = [
        f".party-{slug} {{ --party: {colour}; }}"
        for slug, colour in Party.objects.values_list("slug", "colour")
        if colour_validator.regex.match(colour)
    ]
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css")
    response["Cache-Control"] = "no-cache"
    return response
