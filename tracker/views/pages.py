"""Read-only pages: the record as analysts browse it."""

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..models import Event, Party, Plan, Point, Position, Source, Stance, colour_validator
from ..revalidation import marker_for
from . import history as history_views

POSITIONS_PER_PAGE = 50


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def overview(request):
    plans = Plan.objects.select_related("authored_by").annotate(point_count=Count("points"))
    counts = {
        "parties": Party.objects.count(),
        "points": Point.objects.count(),
        "positions": Position.objects.count(),
        "events": Event.objects.count(),
    }
    events = Event.objects.select_related("source")[:8]
    return render(
        request, "tracker/overview.html", {"plans": plans, "counts": counts, "events": events}
    )


@require_GET
def plan_detail(request, slug):
    if "as_of" in request.GET:
        return history_views.plan_as_of(request, slug)
    plan = get_object_or_404(Plan.objects.select_related("authored_by", "derived_from"), slug=slug)
    parties = Party.objects.filter(positions__point__plan=plan).distinct()

    def sections():  # called by the template only when its cached tables are stale
        points = plan.points.select_related("component")
        latest = Position.objects.filter(point__plan=plan).latest_per_point_and_party()
        stances = {
            (point_id, party_id): stance
            for point_id, party_id, stance in latest.values_list("point_id", "party_id", "stance")
        }
        return plan.sections(points, parties, stances)

    context = {"plan": plan, "sections": sections, "parties": parties, "stance_choices": Stance}
    context["marker"] = marker_for(request)
    return render(request, "tracker/plan_detail.html", context)


@require_GET
def point_detail(request, slug, number):
    point = get_object_or_404(
        Point.objects.select_related("plan", "component", "derived_from__plan"),
        plan__slug=slug,
        number=number,
    )
    derivatives = point.derivatives.select_related("plan")
    positions = point.positions.select_related("party", "speaker", "source").latest_first()
    return render(
        request,
        "tracker/point_detail.html",
        {"point": point, "derivatives": derivatives, "positions": positions},
    )


@require_GET
def party_detail(request, slug):
    party = get_object_or_404(Party, slug=slug)
    actors = party.actors.all()
    positions = Paginator(party.positions.with_subject().latest_first(), POSITIONS_PER_PAGE)
    page = positions.get_page(request.GET.get("page"))
    return render(
        request,
        "tracker/party_detail.html",
        {"party": party, "actors": actors, "page": page},
    )


@require_GET
def source_detail(request, pk):
    source = get_object_or_404(Source, pk=pk)
    positions = source.positions.with_subject().latest_first()
    events = source.events.all()
    return render(
        request,
        "tracker/source_detail.html",
        {"source": source, "positions": positions, "events": events},
    )


@require_GET
def position_detail(request, uid):
    position = get_object_or_404(Position.objects.with_subject(), uid=uid)
    return render(request, "tracker/position_detail.html", {"position": position})


@require_GET
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
