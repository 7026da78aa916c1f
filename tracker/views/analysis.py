"""The analyst's views: compare versions, components, timeline, search,
provenance and party briefs. All read-only; anonymous visitors may read."""

import datetime
from functools import partial

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from .. import filters
from ..analysis import brief as briefs
from ..analysis import compare as comparison
from ..analysis import components
from ..analysis import provenance as checks
from ..analysis import search as searching
from ..analysis import timeline as timelines
from ..models import Party, Plan, Stance
from ..revalidation import kept


@require_safe
def compare(request):
    plans = comparison.plans_in_order()
    # Whatever the query leaves out (all of it on a first visit) comes from the default.
    data = {**comparison.default_comparison(plans), **request.GET.dict()}
    form = filters.CompareForm(data or None, plans=plans)
    rows, selected, lineage, status = [], [], [], 200
    if form.is_bound and form.is_valid():
        selected = form.cleaned_data["selected"]
        rows = comparison.compare_plans(selected)
        lineage = comparison.lineage_tables(rows, selected)
        if form.cleaned_data["party"]:
            comparison.mark_conflicts(rows, form.cleaned_data["party"], selected)
        rows = comparison.filter_rows(rows, **form.cleaned_data)
    elif form.is_bound:
        status = 400
    context = {"form": form, "plans": selected, "rows": rows, "lineage": lineage}
    return render(request, "tracker/compare.html", context, status=status)


@require_safe
def plan_components(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    form = filters.NegotiationDayForm(request.GET)
    context = {"plan": plan, "form": form, "summaries": [], "stance_choices": Stance}
    if error := form.day_error():
        context["error"] = error
        return render(request, "tracker/plan_components.html", context, status=400)
    context["on"] = on = form.value("on")
    context["summaries"] = components.component_summaries(plan, on=on)
    return render(request, "tracker/plan_components.html", context)


@require_safe
def timeline(request):
    """A page of entries at a time, the latest first; ``?before=`` / ``?after=`` page
    back and forth, and htmx loads the earlier page into this one (``#window``).
    The list and the chart are the same for every reader: drawn once per state of the
    record and kept."""
    form = filters.TimelineForm(request.GET)
    context = {"form": form, "zooms": timelines.ZOOMS, "window": timelines.Window()}
    if not form.is_valid():
        context["listing"] = render_to_string("tracker/timeline.html#window", context, request)
        return render(request, "tracker/timeline.html", context, status=400)
    fragment = bool(request.htmx and not request.htmx.boosted)
    draw = partial(draw_timeline, request, form, fragment)
    drawn = kept(request, "timeline", draw, request.GET.urlencode(), fragment)
    listing, chart = drawn["listing"], drawn["chart"]  # drawn by our templates (see kept)
    if fragment:
        return HttpResponse(listing)
    days, zoom_start = form.zoom_days(), drawn["zoom_start"]
    context |= {
        "window": drawn["window"],
        "listing": listing,
        "chart": chart,
        "window_start": zoom_start,
        "window_end": zoom_start and zoom_start + datetime.timedelta(days=days - 1),
        "zoom": "" if days is None else form.cleaned_data["zoom"] or timelines.DEFAULT_ZOOM,
        "paged": form.is_paged(),
    }
    return render(request, "tracker/timeline.html", context)


def draw_timeline(request, form, fragment):
    """The timeline's list (``#window``) and chart for ``form``'s page, drawn."""
    shown, entries, zoom_start = timelines.window(**form.window_filters())
    context = {"form": form, "window": shown, "entries": entries, "fragment": fragment}
    context["paged"] = form.is_paged()
    listing = render_to_string("tracker/timeline.html#window", context, request=request)
    chart = timelines.stance_chart(entries) if not fragment else None
    chart = render_to_string("tracker/_timeline_chart.html", {"chart": chart}) if chart else ""
    return {"window": shown, "zoom_start": zoom_start, "listing": listing, "chart": chart}


@require_safe
def search(request):
    form = filters.SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "tracker/search.html", {"form": form, "results": {}}, status=400)
    data = form.cleaned_data
    kind, page = data["kind"], data["page"] or 1
    if kind:
        cap, offset = searching.SEARCH_PAGE, (page - 1) * searching.SEARCH_PAGE
        results = searching.search(data, kinds=[kind], cap=cap, offset=offset)
    else:
        results = searching.search(data)
    words = searching.search_words(data["q"])
    context = {"form": form, "results": results, "words": words, "kind": kind, "page": page}
    return render(request, "tracker/search.html", context)


@require_safe
def provenance(request):
    """Every list's first page, or with ``?list=<name>&page=N`` one list page by page."""
    form = filters.ProvenanceForm(request.GET)
    only, page = form.value("list"), form.value("page")
    limit = checks.PROVENANCE_SHOWN
    report = checks.provenance_report(only, offset=(page - 1) * limit if only else 0)
    context = {"report": report, "only": only, "page": page}
    if only:
        count = report.counts[only]
        context.update(only_count=count, shown_to=min(count, page * limit))
        context["has_next"] = count > page * limit
    return render(request, "tracker/provenance.html", context)


@require_safe
def party_brief(request, slug):
    party = get_object_or_404(Party, slug=slug)
    form = filters.BriefForm(request.GET)
    days, notice = form.days_and_notice()
    context = {"party": party, "form": form, "days": days, "notice": notice}
    context.update(stance_choices=Stance, plans=[], entries=[])
    if error := form.day_error():
        context["error"] = error
        return render(request, "tracker/party_brief.html", context, status=400)
    context["on"] = on = form.value("on")
    context["plans"] = briefs.party_brief(party, on=on)
    context["entries"], context["since"], context["until"] = briefs.recent(party, days, on)
    return render(request, "tracker/party_brief.html", context)
