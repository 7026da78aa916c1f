"""The analyst's views: compare versions, components, timeline, search,
provenance and party briefs. All read-only; anonymous visitors may read."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..analysis.brief import parse_days, recent_changes
from ..analysis.brief import party_brief as brief_of
from ..analysis.compare import (
    CompareForm,
    compare_plans,
    default_comparison,
    filter_rows,
    mark_conflicts,
    plans_in_order,
)
from ..analysis.components import component_summaries
from ..analysis.provenance import PROVENANCE_LISTS, PROVENANCE_SHOWN, provenance_report
from ..analysis.search import SEARCH_PAGE, SearchForm, search_words
from ..analysis.search import search as search_records
from ..analysis.timeline import ZOOMS, TimelineForm, stance_chart, zoom
from ..analysis.timeline import timeline as timeline_entries
from ..models import Party, Plan, Stance


@require_GET
def compare(request):
    plans = plans_in_order()
    # Whatever the query leaves out (all of it on a first visit) comes from the default.
    data = {**default_comparison(plans), **request.GET.dict()}
    form = CompareForm(data or None, plans=plans)
    rows, selected, status = [], [], 200
    if form.is_bound and form.is_valid():
        selected = form.cleaned_data["selected"]
        rows = compare_plans(selected)
        if form.cleaned_data["party"]:
            mark_conflicts(rows, form.cleaned_data["party"], selected)
        rows = filter_rows(rows, **form.cleaned_data)
    elif form.is_bound:
        status = 400
    context = {"form": form, "plans": selected, "rows": rows}
    return render(request, "tracker/compare.html", context, status=status)


@require_GET
def plan_components(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    summaries = component_summaries(plan)
    context = {"plan": plan, "summaries": summaries, "stance_choices": Stance}
    return render(request, "tracker/plan_components.html", context)


@require_GET
def timeline(request):
    form = TimelineForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "entries": [], "chart": None, "zooms": ZOOMS}
        return render(request, "tracker/timeline.html", context, status=400)
    filters = {key: value for key, value in form.cleaned_data.items() if key != "zoom"}
    entries, since = timeline_entries(**filters)
    entries, window_start = zoom(entries, form.zoom_days())
    if since and window_start and window_start >= since:
        since = None  # the cut lies before the window: nothing shown is missing
    context = {
        "form": form,
        "entries": entries,
        "chart": stance_chart(entries),
        "cut_since": since,
        "window_start": window_start,
        "zoom": "" if form.zoom_days() is None else form.cleaned_data["zoom"] or "30",
        "zooms": ZOOMS,
    }
    return render(request, "tracker/timeline.html", context)


@require_GET
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "tracker/search.html", {"form": form, "results": {}}, status=400)
    data = form.cleaned_data
    kind, page = data["kind"], data["page"] or 1
    if kind:
        cap, offset = SEARCH_PAGE, (page - 1) * SEARCH_PAGE
        results = search_records(data, kinds=[kind], cap=cap, offset=offset)
    else:
        results = search_records(data)
    words = search_words(data["q"])
    context = {"form": form, "results": results, "words": words, "kind": kind, "page": page}
    return render(request, "tracker/search.html", context)


@require_GET
def provenance(request):
    """Every list's first page, or with ``?list=<name>&page=N`` one list page by page."""
    only = request.GET.get("list")
    if only not in PROVENANCE_LISTS:
        only = None
    page = request.GET.get("page", "")
    # isascii: "²".isdigit() is true, but int("²") fails.
    page = int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1
    limit = PROVENANCE_SHOWN
    report = provenance_report(only, offset=(page - 1) * limit if only else 0)
    context = {"report": report, "only": only, "page": page}
    if only:
        count = report.counts[only]
        context.update(only_count=count, shown_to=min(count, page * limit))
        context["has_next"] = count > page * limit
    return render(request, "tracker/provenance.html", context)


@require_GET
def party_brief(request, slug):
    party = get_object_or_404(Party, slug=slug)
    days, notice = parse_days(request.GET.get("days"))
    plans = brief_of(party)
    changes, since = recent_changes(party, days)
    context = {
        "party": party,
        "plans": plans,
        "changes": changes,
        "days": days,
        "since": since,
        "notice": notice,
        "stance_choices": Stance,
    }
    return render(request, "tracker/party_brief.html", context)
