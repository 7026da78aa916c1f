"""The stance matrix: parties as columns, points as rows, latest stance per cell."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from .. import history, stances
from ..access import can
from ..editing import save_coding
from ..filters import AsOfForm, MatrixFilterForm, negotiation_day, requested_plan
from ..forms import PositionForm
from ..models import Party, Point, Stance
from ..revalidation import kept_page
from ..stances import StanceTable, default_plan


@require_safe
def matrix(request):
    plan = requested_plan(request.GET, default=default_plan)
    if "as_of" in request.GET:
        return matrix_as_of(request, plan.slug)
    on = negotiation_day(request.GET)
    data = request.GET.copy()
    data["plan"] = plan.slug
    form = MatrixFilterForm(data, plan=plan)
    filters = form.cleaned_data if form.is_valid() else {}
    if form.errors:
        messages.warning(request, "Some filters were not understood and are ignored.")

    def table():  # drawn only when no current drawing is kept
        parties = list(Party.objects.only("pk", "slug", "name", "short_name"))
        return StanceTable.live(plan, filters, parties=parties, cell_url=reverse("matrix"), on=on)

    filter_key = form.data.urlencode() if filters else ""
    window = stances.row_window(request)

    def drawn():
        return stances.rendered(request, "matrix", table, plan.pk, filter_key, window=window)

    if window.fragment:
        return HttpResponse(drawn())

    def context():
        return {"plan": plan, "form": form, "on": on, "table": drawn(), "stance_choices": Stance}

    return kept_page(request, "tracker/matrix.html", context)


def matrix_as_of(request, plan_slug):
    """The stance matrix as it stood at ?as_of=…, read-only."""
    try:
        moment = AsOfForm(request.GET).moment()
        plan = history.plan_at(plan_slug, moment)
    except history.BadMoment as error:
        context = {"error": str(error), "plan_param": plan_slug, "current_url": request.path}
        return render(request, "tracker/asof_error.html", context, status=400)

    def table():
        return StanceTable.as_of(plan, moment, all_parties=True)

    context = {"plan": plan, "as_of": moment}
    template = "tracker/asof_matrix.html"
    return stances.table_page(request, template, context, "matrix", table, plan.pk, moment)


def cell_context(point, party, form):
    positions = point.positions.filter(party=party).with_subject().select_related("coded_by")
    return {
        "point": point,
        "party": party,
        "positions": positions.latest_first(),
        "form": form,
    }


def cell_template(request):
    return "tracker/_matrix_cell_panel.html" if request.htmx else "tracker/matrix_cell_form.html"


@require_http_methods(["GET", "HEAD", "POST"])
def cell(request, point, party):
    """One party's positions on one point, with a form to add another."""
    point = get_object_or_404(Point.objects.select_related("plan", "component"), pk=point)
    party = get_object_or_404(Party, pk=party)
    if request.method == "POST":
        return add_position(request, point, party)
    context = cell_context(point, party, PositionForm(point=point, party=party))
    template = cell_template(request)
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@can("tracker.add_position")
def add_position(request, point, party):
    form = PositionForm(request.POST, point=point, party=party)
    template = cell_template(request)
    if not form.is_valid():
        return render(request, template, cell_context(point, party, form), status=422)
    position = save_coding(form, request.user)
    if not request.htmx:
        messages.success(request, f"Added: {position}.")
        return redirect("matrix_cell", point=point.pk, party=party.pk)
    context = cell_context(point, party, PositionForm(point=point, party=party))
    swap = stances.cell_swap(point, party)
    return render(request, template, {**context, "added": position, "swap": swap})
