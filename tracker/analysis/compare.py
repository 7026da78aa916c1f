"""Plan versions side by side, aligned by lineage, with word diffs and marks."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from ..diff import word_diff_sides
from ..models import (
    Plan,
    Point,
    Position,
    Stance,
)


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
    # (point, counterpart, title sides, text sides) for columns after the first; the
    # sides hold the counterpart's text with deletions and the point's with insertions
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
        word_diff_sides(counterpart.title, point.title),
        word_diff_sides(counterpart.text, point.text),
    )
