"""The stance table: each party's latest stance on each point of a plan.

This module is its one home. A ``StanceTable`` is built live
(``StanceTable.live``) or as the record stood at a moment
(``StanceTable.as_of``, read from the history); the plan page, the matrix,
both as-of pages, the CSV export and the htmx cell swap all use it. Cells are
drawn by one renderer (``cell_html``), tables by one template
(``tracker/_stance_table.html``), and rendered tables are kept by one helper
(``rendered``) under a key that any recorded write retires.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import BadRequest
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Component, Party, Plan, Point, Position, Stance
from .revalidation import fragment_key, kept

LABELS = dict(Stance.choices)
NO_POSITION = "no stated position"
# About a screenful: the rows a page sends at once; the rest come in ranges of the
# same size as they scroll into view. (Each row of a 50-party table is some 150
# elements: in Chromium, 60 rows took the first screen past 300 ms.)
ROWS_AT_ONCE = 30


def default_plan():
    """The newest plan that has positions (by date presented), else the newest plan."""
    newest = Plan.objects.order_by(models.F("presented_on").desc(nulls_last=True), "-pk")
    with_positions = newest.filter(
        models.Exists(Position.objects.filter(point__plan=models.OuterRef("pk")))
    )
    return with_positions.first() or newest.first()


@dataclass(frozen=True)
class Window:
    """The rows of a table a request shows: ``start`` to ``stop`` (0-based, stop excluded).

    ``fragment`` is true for ``?rows=START-STOP``: just those rows, for htmx to
    append; ``?page=N`` is the same range as a whole page, for readers without
    JavaScript.
    """

    start: int = 0
    stop: int = ROWS_AT_ONCE
    fragment: bool = False

    @property
    def page(self):
        return self.start // ROWS_AT_ONCE + 1


def row_window(request):
    """The Window that ``?rows=`` or ``?page=`` asks for; a 400 for a bad one."""
    from .filters import TableRowsForm

    form = TableRowsForm(request.GET)
    if not form.is_valid():
        raise BadRequest(
            "Bad rows or page: " + "; ".join(m for e in form.errors.values() for m in e)
        )
    if form.cleaned_data["rows"]:
        start, stop = form.cleaned_data["rows"]
        return Window(start, stop, fragment=True)
    page = form.cleaned_data["page"] or 1
    return Window((page - 1) * ROWS_AT_ONCE, page * ROWS_AT_ONCE)


@dataclass(frozen=True)
class Cell:
    """What a cell says: the stances coded on the latest day said, and how many
    statements stand behind the cell in all.

    Codings of the same day are all kept (two remarks on one day do not hide
    each other); a cell whose latest day holds different stances is "mixed".
    """

    stances: tuple = ()
    statements: int = 0
    said_on: datetime.date | None = None

    @property
    def key(self):
        if not self.stances:
            return ""
        return self.stances[0] if len(self.stances) == 1 else "mixed"

    @property
    def label(self):
        if not self.stances:
            return NO_POSITION
        label = " and ".join(LABELS.get(s, s) for s in self.stances)
        if len(self.stances) > 1:
            label = f"{label}, the same day"
        return label

    def label_for_sheet(self):
        """The cell in a spreadsheet: blank when nothing is coded."""
        if not self.stances:
            return ""
        labels = "; ".join(LABELS.get(s, s) for s in self.stances)
        return f"{labels} ({self.statements})" if self.statements > 1 else labels

    @property
    def leaning(self):
        leanings = {Stance.leaning(s) for s in self.stances}
        return leanings.pop() if len(leanings) == 1 else "between"


EMPTY = Cell()
STANCE_ORDER = {value: n for n, value in enumerate(Stance.values)}


def cells_of(codings):
    """(point id, party id) → Cell, from ``codings``: anything with point_id,
    party_id, stance, stated_on and statement_id (live rows or history records)."""
    latest, statements = {}, {}
    for coding in codings:
        key = (coding.point_id, coding.party_id)
        statements.setdefault(key, set()).add(coding.statement_id)
        day, stances = latest.get(key, (None, set()))
        if day is None or coding.stated_on > day:
            latest[key] = (coding.stated_on, {coding.stance})
        elif coding.stated_on == day:
            stances.add(coding.stance)
    return {
        key: Cell(
            tuple(sorted(stances, key=lambda s: STANCE_ORDER.get(s, 99))),
            len(statements[key]),
            day,
        )
        for key, (day, stances) in latest.items()
    }


def live_cells(points, on=None):
    """(point id, party id) → Cell for ``points``, from the codings of statements
    said on or before ``on`` (negotiation time) or all of them (one query)."""
    codings = Position.objects.filter(point__in=points)
    if on is not None:
        codings = codings.filter(stated_on__lte=on)
    return cells_of(
        codings.values_list(
            "point_id", "party_id", "stance", "stated_on", "statement_id", named=True
        ).order_by()
    )


def filtered_points(plan, filters=None):
    """``plan``'s points narrowed by the matrix filters (topic, status, component)."""
    points = plan.points.select_related("component").order_by("number")
    filters = filters or {}
    if filters.get("topic"):
        points = points.filter(topics=filters["topic"])
    if filters.get("status"):
        points = points.filter(status=filters["status"])
    if filters.get("component"):
        points = points.filter(component__number=filters["component"])
    return points


def cell_html(point_id, party, cell, url="", swap=False):
    """One stance cell: the only place a cell's markup is written.

    ``cell`` is a Cell; ``url`` links the cell to its panel (the live
    matrix); ``swap`` marks it as an htmx out-of-band replacement for the
    cell in the grid. Built as a string, not a template: a plan at 50
    parties × 300 points has 15,000 cells.
    """
    key = cell.key
    css = escape(key or "none")
    lean = escape(cell.leaning) if key else "none"
    count = cell.statements
    label = escape(cell.label)
    if count > 1:
        label = f"{label} ({count:d} statements)"
    party_label = escape(party.short_name)
    text = escape(LABELS.get(key, "Mixed")) if key else "–"
    more = f'<sup class="n" aria-hidden="true">{count:d}</sup>' if count > 1 else ""
    mark = f'<span class="stance stance-{css} lean-{lean}">{text}</span>{more}'
    title = ""
    if url:
        mark = f'<a href="{escape(url)}" aria-label="{party_label}: {label}">{mark}</a>'
    else:
        title = f' title="{party_label}: {label}"'
    swapped = ' flash" hx-swap-oob="outerHTML' if swap else ""
    return (
        f'<td id="c{point_id:d}-{party.pk:d}" class="m m-{css} lean-{lean}{swapped}"{title}>'
        f"{mark}</td>"
    )


@dataclass
class StanceTable:
    """Points × parties of one plan, each cell the party's latest stance then.

    ``stances`` maps (point id, party id) to a Cell. ``moment`` is None for
    the live table, else the record time it was read as of; ``on`` is the
    negotiation day it shows (statements said by then), or None for today.
    """

    plan: Plan
    points: list
    parties: list
    stances: dict
    moment: datetime.datetime | None = None
    on: datetime.date | None = None
    cell_url: str = ""
    window: Window = field(default_factory=Window)
    _rows: list | None = field(default=None, repr=False)

    @classmethod
    def live(cls, plan, filters=None, parties=None, cell_url="", on=None):
        """The current table, or as the negotiation stood ``on`` a day (statements
        said by then); ``parties`` defaults to those with a stance on the plan."""
        points = filtered_points(plan, filters)
        stances = live_cells(points, on)
        points = list(points)
        if parties is None:
            parties = list(Party.objects.filter(pk__in={party for _, party in stances}))
        return cls(plan, points, parties, stances, on=on, cell_url=cell_url)

    @classmethod
    def as_of(cls, plan, moment, all_parties=False):
        """The table as the record stood at ``moment``, from the history.

        Four queries whatever the size (components, points, positions,
        parties), five with ``all_parties`` (every party recorded then).
        """
        from .history import instances

        components = {c.pk: c for c in instances(Component.history.at(moment, plan_id=plan.pk))}
        points = instances(Point.history.at(moment, plan_id=plan.pk))
        for point in points:
            point.plan = plan
            point.component = components.get(point.component_id)
            if point.component is not None:
                point.component.plan = plan
        points.sort(key=lambda p: p.number)
        # Only what a cell needs: thousands of full Position instances cost
        # more than the query that finds them.
        positions = Position.history.at(moment, point_id__in=[p.pk for p in points]).values_list(
            "point_id", "party_id", "stance", "stated_on", "statement_id", named=True
        )
        stances = cells_of(positions)
        wanted = {} if all_parties else {"id__in": {party for _, party in stances}}
        parties = instances(Party.history.at(moment, **wanted))
        parties.sort(key=lambda p: (p.order, p.name))
        return cls(plan, points, parties, stances, moment=moment)

    def cell(self, point, party):
        return self.stances.get((point.pk, party.pk), EMPTY)

    def stance(self, point, party):
        """The cell's stance value: "mixed" for different stances the same day, "" for none."""
        return self.cell(point, party).key

    def cells(self, point):
        """One row's cells as HTML, drawn once per point."""
        url = self.cell_url
        return SafeString(
            "".join(
                cell_html(
                    point.pk,
                    party,
                    self.stances.get((point.pk, party.pk), EMPTY),
                    f"{url}{point.pk:d}/{party.pk:d}/" if url else "",
                )
                for party in self.parties
            )
        )

    def rows(self):
        """(point, cells as HTML) per point of the window, in point order."""
        if self._rows is None:
            shown = self.points[self.window.start : self.window.stop]
            self._rows = [(point, self.cells(point)) for point in shown]
        return self._rows

    def sections(self):
        """The window's rows grouped by component (in component order); unassigned points last.

        The window counts rows in that order, so a component may continue
        from the previous window (``continued``).
        """
        order = sorted(
            self.points,
            key=lambda point: (
                point.component is None,
                point.component.number if point.component else 0,
                point.number,
            ),
        )
        start = self.window.start
        before = order[start - 1] if 0 < start <= len(order) else None
        groups = {}
        for point in order[self.window.start : self.window.stop]:
            groups.setdefault(point.component, []).append((point, self.cells(point)))
        return [
            (component, rows, before is not None and before.component == component)
            for component, rows in groups.items()
        ]

    def more(self):
        """The window after this one, or None when this one reaches the last row."""
        if self.window.stop >= len(self.points):
            return None
        return Window(self.window.stop, self.window.stop + ROWS_AT_ONCE, fragment=True)

    def spreadsheet(self):
        """A header, then one row per point with each party's stance label (for CSV)."""
        topics = {}
        through = Point.topics.through.objects.filter(point__in=[p.pk for p in self.points])
        for point_id, name in through.values_list("point_id", "topic__name").order_by(
            "topic__name"
        ):
            topics.setdefault(point_id, []).append(name)
        yield ["Point", "Title", "Topics", "Status", "Component", *(p.name for p in self.parties)]
        for point in self.points:
            component = point.component
            yield [
                point.number,
                point.title,
                "; ".join(topics.get(point.pk, [])),
                point.get_status_display(),
                f"{component.number}. {component.title}" if component else "",
                *(self.cell(point, party).label_for_sheet() for party in self.parties),
            ]


def cell_swap(point, party):
    """The matrix cell of ``party`` on ``point`` as an htmx out-of-band swap."""
    from django.urls import reverse

    cell = live_cells(Point.objects.filter(pk=point.pk)).get((point.pk, party.pk), EMPTY)
    url = reverse("matrix_cell", args=[point.pk, party.pk])
    # cell_html escapes every text it writes (the party's name, the stance labels,
    # the URL); the ids are integers formatted with :d. No user text is left raw.
    return mark_safe(cell_html(point.pk, party, cell, url, swap=True))  # noqa: S308


def table_key(layout, marker, *key, zone="UTC"):
    """The cache key of a drawn table: its layout, the change marker, the time zone it
    was drawn in and ``key`` (as ``rendered`` keeps it, through ``revalidation.kept``)."""
    return fragment_key("stances", marker, zone, layout, *key)


def rendered(request, layout, table, *key, window=None):
    """The table drawn with ``tracker/_stance_table.html``, kept until the next write.

    ``table`` is a callable returning the StanceTable, called only when the
    drawing is not kept already. ``key`` names whatever else the drawing
    depends on (the plan, a moment, filters, the reader's permissions);
    ``window`` the rows drawn (the first screenful by default), and the
    request's other parameters go into the key too, since the links to
    the next rows carry them.
    """
    window = window or Window()
    query = request.GET.copy()
    for name in ("rows", "page"):
        query.pop(name, None)

    def draw():
        drawn = table()
        drawn.window = window
        context = {"layout": layout, "table": drawn, "fragment": window.fragment}
        more = drawn.more()
        if more:
            query["rows"] = f"{more.start}-{more.stop}"
            context["more_url"] = f"{request.path}?{query.urlencode()}"
            query.pop("rows")
            query["page"] = str(more.page)
            context["next_page_url"] = f"{request.path}?{query.urlencode()}"
            context["more"] = more
        if window.start and not window.fragment:
            query["page"] = "1"
            context["first_page_url"] = f"{request.path}?{query.urlencode()}"
        context["total"] = len(drawn.points)
        return render_to_string("tracker/_stance_table.html", context, request=request)

    # Drawn by our own template (a SafeString, kept as one: see revalidation.kept).
    return kept(request, "stances", draw, layout, *key, str(window), query.urlencode())


def table_page(request, template, context, layout, table, *key):
    """``template`` around the drawn table, or only the rows an htmx request asks for.

    ``layout``, ``table`` and ``key`` are as for ``rendered``; the page gets
    ``context`` with the table and the stance choices added.
    """
    window = row_window(request)
    drawn = rendered(request, layout, table, *key, window=window)
    if window.fragment:
        return HttpResponse(drawn)
    return render(request, template, {**context, "table": drawn, "stance_choices": Stance})
