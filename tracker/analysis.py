"""The analyst's views: plan versions side by side, components, timeline,
search, provenance checks and party briefs.

Each function here runs a fixed number of queries whatever the data size, and
does the rest in Python: lineage walks, stance counts and quote checks are
cheap at the tracker's scale and much simpler than their SQL equivalents.
"""

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from .diff import word_diff_html
from .models import (
    Actor,
    Change,
    Component,
    Event,
    Plan,
    Point,
    Position,
    Source,
    Stance,
)

# ---------------------------------------------------------------------------
# Compare plan versions


def plans_in_order():
    """Plans oldest first; undated ones last on every database."""
    return list(Plan.objects.order_by(F("presented_on").asc(nulls_last=True), "title"))


def default_comparison(plans):
    """The U.S. 28-point plan against the newest plan derived from it."""
    if not plans:
        return {}
    by_pk = {plan.pk: plan for plan in plans}
    base = next((p for p in plans if p.slug == "us-28-point-plan"), None)
    base = base or next((p for p in plans if p.derived_from_id is None), plans[0])

    def descends(plan):
        seen = set()
        while plan.derived_from_id and plan.pk not in seen:
            seen.add(plan.pk)
            plan = by_pk.get(plan.derived_from_id)
            if plan is None:
                return False
            if plan.pk == base.pk:
                return True
        return False

    later = [p for p in plans if descends(p)]
    if not later:
        later = [p for p in plans if p.pk != base.pk]
    if not later:
        return {"a": base.slug}
    newest = max(later, key=lambda p: (p.presented_on or datetime.date.min, p.pk))
    return {"a": base.slug, "b": newest.slug}


@dataclass
class CompareCell:
    points: list = field(default_factory=list)
    marks: list = field(default_factory=list)
    # (point, counterpart, title diff HTML, text diff HTML) for columns after the first
    entries: list = field(default_factory=list)


@dataclass
class CompareRow:
    cells: list
    marks: list
    positions: list = field(default_factory=list)  # the chosen party's current ones
    conflicts: list = field(default_factory=list)  # (position, reason)

    @property
    def changed(self):
        return any(mark not in ("unchanged", "unreported") for mark in self.marks)


# "unreported": a version that lists only the reported points lacks this one
# (or its counterpart), so the sources do not say whether it was removed or added.
MARK_ORDER = ["added", "removed", "moved", "changed", "unchanged", "unreported"]


def lineage_parents():
    """Every point's parent, so lineage can skip plans that are not compared."""
    return dict(Point.objects.order_by().values_list("pk", "derived_from_id"))


def ancestors(pk, parents):
    """The chain of points ``pk`` derives from, nearest first (cycle-safe)."""
    chain, seen = [], {pk}
    parent = parents.get(pk)
    while parent is not None and parent not in seen:
        chain.append(parent)
        seen.add(parent)
        parent = parents.get(parent)
    return chain


def component_moved(point, counterpart):
    """Both are in a component, and neither its number nor its title match."""
    new, old = point.component, counterpart.component
    if new is None or old is None:
        return False
    return new.number != old.number and new.title.casefold() != old.title.casefold()


def compare_plans(plans, parents=None):
    """Rows of the "columns" document: the points of ``plans`` aligned by lineage.

    Points that share an original ancestor (through ``Point.derived_from``,
    across plans that are not shown) sit on one row. Each cell after the
    first is marked against its counterpart: the point it derives from in an
    earlier column, or failing that the row's point in the nearest earlier
    column (sibling versions of one original).
    """
    parents = lineage_parents() if parents is None else parents
    points = Point.objects.filter(plan__in=plans).select_related("plan", "component")
    column_of = {plan.pk: index for index, plan in enumerate(plans)}
    groups = defaultdict(lambda: [[] for _ in plans])
    for point in sorted(points, key=lambda p: p.number):
        chain = ancestors(point.pk, parents)
        root = chain[-1] if chain else point.pk
        groups[root][column_of[point.plan_id]].append(point)
    complete = [plan.all_points_known for plan in plans]
    rows = [compare_row(columns, parents, complete) for columns in groups.values()]
    rows.sort(key=row_order)
    return rows


def filter_rows(rows, changed=False, conflicts=False, **_):
    if changed:
        rows = [row for row in rows if row.changed]
    if conflicts:
        rows = [row for row in rows if row.conflicts]
    return rows


def current_positions(party, plans):
    """The party's current positions on the points of ``plans``, by point.

    Current means stated on the latest day the party spoke on that point:
    several remarks made on one day all stand.
    """
    positions = (
        Position.objects.filter(party=party, point__plan__in=plans)
        .select_related("source", "speaker")
        .order_by("-stated_on", "-pk")
    )
    by_point = defaultdict(list)
    for position in positions:
        mine = by_point[position.point_id]
        if not mine or mine[0].stated_on == position.stated_on:
            mine.append(position)
    return by_point


DEPARTS = {"removed": "drops", "changed": "changes", "moved": "moves"}


def mark_conflicts(rows, party, plans):
    """Attach the party's current positions to each row and say where they
    conflict with the last plan compared (the framework): the party supports
    a version the framework drops, changes, moves or leaves to the leaders,
    or opposes or conditions a point the framework keeps as it was or has."""
    by_point = current_positions(party, plans)
    for row in rows:
        framework = row.cells[-1]
        deferred = any(
            p.status in (Point.Status.LEADERS, Point.Status.DISPUTED) for p in framework.points
        )
        departures = [DEPARTS[m] for m in framework.marks if m in DEPARTS]
        if deferred:
            departures.append("leaves to the leaders")
        for index, cell in enumerate(row.cells):
            for point in cell.points:
                for position in by_point.get(point.pk, []):
                    row.positions.append(position)
                    reason = conflict_reason(
                        position, index == len(row.cells) - 1, framework, departures
                    )
                    if reason:
                        row.conflicts.append((position, reason))


def conflict_reason(position, on_framework, framework, departures):
    resists = position.stance in (Stance.OPPOSES, Stance.CONDITIONAL)
    stance = position.get_stance_display().lower()
    if on_framework:
        return f"{stance} the framework's point" if resists else ""
    if position.stance == Stance.SUPPORTS and departures:
        return f"supports a version the framework {' and '.join(departures)}"
    if resists and framework.marks == ["unchanged"]:
        return f"{stance} a point the framework keeps unchanged"
    return ""


def row_order(row):
    for index, cell in enumerate(row.cells):
        if cell.points:
            return (index, cell.points[0].number)
    return (len(row.cells), 0)


def compare_row(columns, parents, complete):
    """Mark each cell after the first; ``complete[i]`` says whether plan i lists all its points."""
    cells = [CompareCell(points=column) for column in columns]
    for index, cell in enumerate(cells[1:], start=1):
        earlier = [p for column in columns[:index] for p in column]
        if not cell.points:
            if earlier:
                cell.marks.append("removed" if complete[index] else "unreported")
            continue
        absent_before_is_known = all(
            complete[before] for before in range(index) if not columns[before]
        )
        nearest = next((col[0] for col in reversed(columns[:index]) if col), None)
        earlier_pks = {p.pk: p for p in earlier}
        for point in cell.points:
            direct = next(
                (earlier_pks[a] for a in ancestors(point.pk, parents) if a in earlier_pks), None
            )
            counterpart = direct or nearest
            cell.entries.append(cell_entry(point, counterpart, cell.marks, absent_before_is_known))
    marks = {mark for cell in cells[1:] for mark in cell.marks}
    for cell in cells:
        cell.marks = [mark for mark in MARK_ORDER if mark in cell.marks]
    return CompareRow(cells=cells, marks=[mark for mark in MARK_ORDER if mark in marks])


def cell_entry(point, counterpart, marks, absent_before_is_known=True):
    """Mark ``point`` against its counterpart and diff its title and text."""
    if counterpart is None:
        marks.append("added" if absent_before_is_known else "unreported")
        return (point, None, None, None)
    own = []
    if point.status == Point.Status.REMOVED:
        own.append("removed")
    if component_moved(point, counterpart):
        own.append("moved")
    if point.title != counterpart.title or point.text != counterpart.text:
        own.append("changed")
    marks.extend(own or ["unchanged"])
    return (
        point,
        counterpart,
        word_diff_html(counterpart.title, point.title),
        word_diff_html(counterpart.text, point.text),
    )


# ---------------------------------------------------------------------------
# Components of a plan

STANCE_KEYS = [value for value, _ in Stance.choices]


@dataclass
class ComponentSummary:
    component: Component | None
    points: list
    tallies: list  # (party, {stance: count}) for parties with a stance here
    positions: list  # positions on the component itself, latest first


def component_summaries(plan):
    """Each component with its points (open and disputed first), how many of
    its points each party supports, conditions, opposes or leaves unclear
    (latest stance per point), and the positions on the component itself."""
    components = list(plan.components.all())
    points = list(plan.points.select_related("plan", "component").open_first())
    latest = (
        Position.objects.filter(point__plan=plan)
        .latest_per_point_and_party()
        .select_related("party")
        .only("pk", "point_id", "stance", "party")
    )
    on_components = (
        Position.objects.filter(component__plan=plan)
        .select_related("party", "speaker", "source")
        .latest_first()
    )
    component_of = {point.pk: point.component_id for point in points}
    counts = defaultdict(Counter)
    parties = {}
    for position in latest:
        parties[position.party_id] = position.party
        counts[(component_of.get(position.point_id), position.party_id)][position.stance] += 1
    ordered_parties = sorted(parties.values(), key=lambda p: (p.order, p.name))
    by_component = defaultdict(list)
    for position in on_components:
        by_component[position.component_id].append(position)

    def summary(component):
        key = component.pk if component else None
        tallies = [
            (party, [counts[(key, party.pk)][stance] for stance in STANCE_KEYS])
            for party in ordered_parties
            if counts[(key, party.pk)]
        ]
        return ComponentSummary(
            component=component,
            points=[p for p in points if p.component_id == key],
            tallies=tallies,
            positions=by_component.get(key, []) if component else [],
        )

    summaries = [summary(component) for component in components]
    if any(point.component_id is None for point in points):
        summaries.append(summary(None))
    return summaries


# ---------------------------------------------------------------------------
# Timeline

TIMELINE_LIMIT = 500


@dataclass
class TimelineEntry:
    date: datetime.date
    kind: str  # "event" or "position"
    item: object


def timeline(party=None, topic="", start=None, end=None, limit=TIMELINE_LIMIT):
    """Events and positions merged in date order, and where the list was cut.

    At most ``limit`` of each, the latest: in a live negotiation the newest
    entries matter most. When either kind is cut, both start from the same
    day (the later of the two cut-off days) so that the list does not show
    events for a span it shows no positions for; that day is returned, or
    None when nothing was cut. Events carry no topic: with a topic filter
    only positions are listed.
    """
    positions = Position.objects.with_subject().order_by("-stated_on", "-pk")
    events = Event.objects.select_related("source").prefetch_related("parties")
    events = events.order_by("-occurred_on", "-pk")
    if party is not None:
        positions = positions.filter(party=party)
        events = events.filter(parties=party)
    if topic:
        positions = positions.filter(point__topic=topic)
    if start:
        positions = positions.filter(stated_on__gte=start)
        events = events.filter(occurred_on__gte=start)
    if end:
        positions = positions.filter(stated_on__lte=end)
        events = events.filter(occurred_on__lte=end)
    positions = list(positions[: limit + 1])
    events = [] if topic else list(events[: limit + 1])
    cut_days = []
    if len(positions) > limit:
        positions = positions[:limit]
        cut_days.append(positions[-1].stated_on)
    if len(events) > limit:
        events = events[:limit]
        cut_days.append(events[-1].occurred_on)
    since = max(cut_days) if cut_days else None
    entries = [TimelineEntry(p.stated_on, "position", p) for p in positions]
    entries += [TimelineEntry(e.occurred_on, "event", e) for e in events]
    if since is not None:
        entries = [entry for entry in entries if entry.date >= since]
    entries.sort(key=lambda entry: (entry.date, entry.kind != "event"))
    return entries, since


CHART_WIDTH = 760
CHART_LABEL = 130
CHART_RIGHT = 20
CHART_ROW = 30
CHART_TOP = 34


def stance_chart(entries):
    """Coordinates for a server-rendered SVG: one row per party, a dot per
    stated position along a date axis, coloured by stance; events as marks on
    a row of their own."""
    positions = [e.item for e in entries if e.kind == "position"]
    events = [e.item for e in entries if e.kind == "event"]
    dates = [p.stated_on for p in positions] + [e.occurred_on for e in events]
    if not dates:
        return None
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)
    plot = CHART_WIDTH - CHART_LABEL - CHART_RIGHT

    def x(day):
        return round(CHART_LABEL + (day - first).days / span * plot, 1)

    parties = sorted({p.party for p in positions}, key=lambda p: (p.order, p.name))
    rows = []
    y = CHART_TOP
    if events:
        rows.append(chart_row("Events", None, y, marks(events, x, y)))
        y += CHART_ROW
    for party in parties:
        mine = [p for p in positions if p.party_id == party.pk]
        rows.append(chart_row(party.short_name, party, y, dots(mine, x, y)))
        y += CHART_ROW
    axis_y = y - CHART_ROW // 2 + 4
    label = "%-d %b" if first.year == last.year and span < 200 else "%b %Y"
    ticks = [{"x": x(day), "label": day.strftime(label)} for day in tick_days(first, last)]
    return {
        "width": CHART_WIDTH,
        "height": axis_y + 24,
        "axis_y": axis_y,
        "tick_y": axis_y + 16,
        "plot_left": CHART_LABEL,
        "plot_right": CHART_WIDTH - CHART_RIGHT,
        "rows": rows,
        "ticks": ticks,
        "first": first,
        "last": last,
        "stances": Stance.choices,
    }


def chart_row(label, party, y, dots):
    return {
        "label": label,
        "party": party,
        "y": y,
        "label_y": y + 4,
        "swatch_y": y - 6,
        "dots": dots,
    }


def dots(positions, x, y):
    """Positions stated on the same day are fanned out vertically."""
    same_day = Counter()
    result = []
    for position in positions:
        n = same_day[position.stated_on]
        same_day[position.stated_on] += 1
        offset = (0, -7, 7, -3.5, 3.5)[n % 5]
        result.append({"cx": x(position.stated_on), "cy": y + offset, "item": position})
    return result


def marks(events, x, y):
    """Events as diamonds: squares of side 8 turned about their centre."""
    result = []
    for event in events:
        cx = x(event.occurred_on)
        result.append({"cx": cx, "cy": y, "x": round(cx - 4, 1), "y": y - 4, "item": event})
    return result


def tick_days(first, last, count=5):
    """At most ``count`` ticks a whole number of days apart, from the first day."""
    span = (last - first).days
    step = max(-(-span // (count - 1)), 1)
    return [first + datetime.timedelta(days=n) for n in range(0, span + 1, step)]


# ---------------------------------------------------------------------------
# Search

WORD = re.compile(r"\w+")


def search_words(text):
    return WORD.findall(text or "")[:10]


@dataclass
class SearchKind:
    label: str
    model: type
    fields: list
    # filter name -> lookup; a kind without a filter that is set is left out
    filters: dict
    related: tuple = ()


SEARCH_KINDS = {
    "points": SearchKind(
        "Points",
        Point,
        ["title", "text"],
        {"topic": "topic", "plan": "plan"},
        ("plan", "component"),
    ),
    "positions": SearchKind(
        "Positions",
        Position,
        ["summary", "quote"],
        {
            "party": "party",
            "stance": "stance",
            "topic": "point__topic",
            "plan": None,  # on a point, component or the plan itself; see plan_filter
            "start": "stated_on__gte",
            "end": "stated_on__lte",
        },
        ("party", "speaker", "source", "point__plan", "component__plan", "plan"),
    ),
    "sources": SearchKind(
        "Sources",
        Source,
        ["title", "publisher"],
        {"start": "published_on__gte", "end": "published_on__lte"},
    ),
    "events": SearchKind(
        "Events",
        Event,
        ["title", "description"],
        {"party": "parties", "start": "occurred_on__gte", "end": "occurred_on__lte"},
        ("source",),
    ),
    "actors": SearchKind("Actors", Actor, ["name", "role"], {"party": "party"}, ("party",)),
}

SEARCH_CAP = 10
SEARCH_PAGE = 50


def uses_postgres():
    return connection.vendor == "postgresql"


def matching(kind, words):
    """The kind's records containing every word.

    PostgreSQL: full-text search with the "simple" configuration and prefix
    terms (``word:*``), ranked. "simple" neither stems nor drops stop words,
    so it matches what the SQLite fallback (every word ``icontains`` in one
    of the fields) matches, except for words found only inside another word.
    """
    queryset = kind.model.objects.select_related(*kind.related)
    if uses_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*kind.fields, config="simple")
        query = SearchQuery(
            " & ".join(f"{word}:*" for word in words), config="simple", search_type="raw"
        )
        return (
            queryset.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-rank", "pk")
        )
    condition = Q()
    for word in words:
        any_field = Q()
        for name in kind.fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return queryset.filter(condition).order_by("pk")


def plan_filter(plan):
    return Q(point__plan=plan) | Q(component__plan=plan) | Q(plan=plan)


def search(data, kinds=None, cap=SEARCH_CAP, offset=0):
    """Results grouped by kind: {kind: (label, records, more)}, one query a kind.

    ``more`` says whether records beyond ``cap`` exist (one extra row is read
    instead of counting). Filters apply to the kinds that carry them; a kind
    without a filter that is set is left out.
    """
    words = search_words(data.get("q"))
    if not words:
        return {}
    results = {}
    for name, kind in SEARCH_KINDS.items():
        if kinds and name not in kinds:
            continue
        set_filters = [
            key for key in ("party", "stance", "topic", "plan", "start", "end") if data.get(key)
        ]
        if any(key not in kind.filters for key in set_filters):
            continue
        queryset = matching(kind, words)
        for key in set_filters:
            lookup = kind.filters[key]
            queryset = (
                queryset.filter(plan_filter(data[key]))
                if lookup is None
                else queryset.filter(**{lookup: data[key]})
            )
        if "party" in set_filters and name == "events":
            queryset = queryset.distinct()
        records = list(queryset[offset : offset + cap + 1])
        results[name] = (kind.label, records[:cap], len(records) > cap)
    return results


# ---------------------------------------------------------------------------
# Provenance

QUOTE_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)
SPACES = re.compile(r"\s+")
ELLIPSIS = re.compile(r"\s*(?:\.\s*){3}\s*|\s*\[\s*\.\.\.\s*\]\s*")


def normalise(text):
    """Text as compared for verbatim quotes: curly and straight quotes, all
    dashes, and runs of whitespace count as the same."""
    return SPACES.sub(" ", (text or "").translate(QUOTE_MARKS)).strip()


class Verdict:
    VERIFIED = "verified"
    NOT_FOUND = "not_found"
    UNVERIFIABLE = "unverifiable"
    NO_QUOTE = "no_quote"

    LABELS = {
        VERIFIED: "verified",
        NOT_FOUND: "not found verbatim",
        UNVERIFIABLE: "unverifiable",
        NO_QUOTE: "no quote",
    }


def quote_found(quote, full_text):
    """Whether ``quote`` appears verbatim in ``full_text`` after normalising.

    An ellipsis in the quote ("if he ... rained") marks an omission: the
    pieces must then appear in order.
    """
    return found_in_normalised(quote, normalise(full_text))


def found_in_normalised(quote, text):
    pieces = [p for p in ELLIPSIS.split(normalise(quote).strip("\"' ")) if p.strip()]
    if not pieces:
        return False
    at = 0
    for piece in pieces:
        found = text.find(piece.strip(), at)
        if found < 0:
            return False
        at = found + len(piece.strip())
    return True


def verdict(quote, full_text):
    return normalised_verdict(quote, normalise(full_text))


def normalised_verdict(quote, text):
    if not quote.strip():
        return Verdict.NO_QUOTE
    if not text:
        return Verdict.UNVERIFIABLE
    return Verdict.VERIFIED if found_in_normalised(quote, text) else Verdict.NOT_FOUND


PROVENANCE_LISTS = ["not_found", "unverifiable", "no_quote", "undated_source", "verified"]
PROVENANCE_SHOWN = 100


@dataclass
class ProvenanceReport:
    """Per list, the positions shown (one page of it) and how many there are."""

    not_found: list
    unverifiable: list
    no_quote: list
    undated_source: list
    verified: list
    counts: dict
    offset: int = 0
    limit: int = PROVENANCE_SHOWN

    @property
    def lacking(self):
        """Quotes without a verified source (those shown)."""
        return self.not_found + self.unverifiable


def provenance_report(only=None, offset=0, limit=PROVENANCE_SHOWN):
    """Every position's quote checked against its source's stored full text.

    Three queries at any size: the quotes alone (no model instances), the
    full texts of the cited sources (each normalised once), then the
    positions shown, with their subjects: ``limit`` from ``offset`` of each
    list, or of the list named ``only``.
    """
    rows = Position.objects.order_by("-stated_on", "pk").values_list(
        "pk", "quote", "source_id", "source__published_on"
    )
    texts = {
        pk: normalise(text)
        for pk, text in Source.objects.filter(positions__isnull=False)
        .exclude(full_text="")
        .distinct()
        .values_list("pk", "full_text")
    }
    lists = {name: [] for name in PROVENANCE_LISTS}
    verdicts = {}
    for pk, quote, source_id, published_on in rows:
        verdicts[pk] = normalised_verdict(quote, texts.get(source_id, ""))
        lists[verdicts[pk]].append(pk)
        if published_on is None:
            lists["undated_source"].append(pk)
    shown = {
        name: pks[offset : offset + limit] if only in (None, name) else []
        for name, pks in lists.items()
    }
    wanted = {pk for pks in shown.values() for pk in pks}
    positions = (
        Position.objects.with_subject().defer("source__full_text").in_bulk(wanted) if wanted else {}
    )
    for pk, position in positions.items():
        position.verdict = verdicts[pk]
    return ProvenanceReport(
        **{name: [positions[pk] for pk in pks] for name, pks in shown.items()},
        counts={name: len(pks) for name, pks in lists.items()},
        offset=offset,
        limit=limit,
    )


# ---------------------------------------------------------------------------
# Party brief

DEFAULT_DAYS = 14
BRIEF_CHANGES = 200


@dataclass
class BriefPlan:
    plan: Plan
    rows: list  # (point, latest position or None)
    overall: list  # latest positions on the plan itself or its components


def party_brief(party):
    """The party's latest stance on every point of every plan, grouped by plan."""
    points = Point.objects.select_related("plan", "component").order_by(
        F("plan__presented_on").asc(nulls_last=True), "plan__title", "plan", "number"
    )
    latest = {
        position.point_id: position
        for position in Position.objects.filter(party=party)
        .latest_per_point_and_party()
        .select_related("source", "speaker")
    }
    broader = (
        Position.objects.filter(party=party, point__isnull=True)
        .select_related("source", "speaker", "plan", "component__plan")
        .latest_first()
    )
    overall = defaultdict(list)
    seen = set()
    for position in broader:
        subject = (
            ("component", position.component_id)
            if position.component_id
            else (
                "plan",
                position.plan_id,
            )
        )
        if subject in seen:
            continue  # only the latest on each plan or component
        seen.add(subject)
        plan = position.plan or position.component.plan
        overall[plan.pk].append(position)
    plans = {}
    for point in points:
        brief = plans.get(point.plan_id)
        if brief is None:
            brief = plans[point.plan_id] = BriefPlan(point.plan, [], overall.get(point.plan_id, []))
        brief.rows.append((point, latest.get(point.pk)))
    return list(plans.values())


def recent_changes(party, days, now=None):
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    changes = Change.objects.filter(party=party, changed_at__gte=since).select_related("user")
    return list(changes[:BRIEF_CHANGES]), since
