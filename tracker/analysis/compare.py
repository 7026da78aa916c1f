"""Plan versions side by side, aligned by lineage, with word diffs and marks."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from ..diff import word_diff_sides
from ..models import (
    Plan,
    Point,
    PointLink,
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
# "removed" and "moved" on an empty cell come from a lineage record (dropped, moved
# to another track) or from a complete text that lacks the point.
MARK_ORDER = [
    "added",
    "removed",
    "merged",
    "split",
    "moved",
    "changed",
    "unchanged",
    "unreported",
]
LINK_MARKS = {
    PointLink.Kind.MERGED: "merged",
    PointLink.Kind.SPLIT: "split",
    PointLink.Kind.DROPPED: "removed",
    PointLink.Kind.MOVED: "moved",
}


@dataclass
class Lineage:
    """The lineage graph of every point, as (earlier, later, plan, kind) rows.

    Read once (one query, no model instances) so that compare can follow
    lineage through plans that are not shown.
    """

    links: list

    @classmethod
    def read(cls):
        return cls(
            list(PointLink.objects.order_by().values_list("earlier", "later", "plan", "kind"))
        )

    def __post_init__(self):
        self.parents = defaultdict(list)  # later point -> [(earlier point, kind)]
        self.gone = defaultdict(list)  # earlier point -> [(plan, kind)] dropped or moved
        for earlier, later, plan, kind in self.links:
            if later is None:
                self.gone[earlier].append((plan, kind))
            else:
                self.parents[later].append((earlier, kind))

    def root_of(self):
        """Each linked point's group: points joined by any link share one (union-find)."""
        root = {}

        def find(pk):
            root.setdefault(pk, pk)
            while root[pk] != pk:
                root[pk] = root[root[pk]]
                pk = root[pk]
            return pk

        for earlier, later, _, _ in self.links:
            if later is not None:
                a, b = find(earlier), find(later)
                if a != b:
                    root[max(a, b)] = min(a, b)
        return find

    def ancestors(self, pk):
        """Points ``pk`` descends from, level by level, nearest first (cycle-safe)."""
        levels, seen, level = [], {pk}, [pk]
        while level:
            following = []
            for child in level:
                for parent, _ in self.parents.get(child, ()):
                    if parent not in seen:
                        seen.add(parent)
                        following.append(parent)
            if following:
                levels.append(following)
            level = following
        return levels

    def kinds_into(self, pk):
        return {kind for _, kind in self.parents.get(pk, ())}


def component_moved(point, counterpart):
    """Both are in a component, and neither its number nor its title match."""
    new, old = point.component, counterpart.component
    if new is None or old is None:
        return False
    return new.number != old.number and new.title.casefold() != old.title.casefold()


def compare_plans(plans, lineage=None):
    """Rows of the "columns" document: the points of ``plans`` aligned by lineage.

    Points joined by lineage records (``PointLink``: same, revised, merged,
    split), across plans that are not shown too, sit on one row: a merge puts
    the several earlier points beside the one they became. Each cell after the
    first is marked against its counterpart: the nearest point it descends
    from in an earlier column, or failing that the row's point in the nearest
    earlier column (sibling versions of one original).
    """
    lineage = Lineage.read() if lineage is None else lineage
    points = Point.objects.filter(plan__in=plans).select_related("plan", "component")
    column_of = {plan.pk: index for index, plan in enumerate(plans)}
    find = lineage.root_of()
    groups = defaultdict(lambda: [[] for _ in plans])
    for point in sorted(points, key=lambda p: p.number):
        groups[find(point.pk)][column_of[point.plan_id]].append(point)
    complete = [plan.all_points_known for plan in plans]
    rows = [compare_row(columns, lineage, complete, plans) for columns in groups.values()]
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

    Current means said on the latest day the party spoke on that point:
    several statements made on one day all stand.
    """
    positions = (
        Position.objects.filter(party=party, point__plan__in=plans)
        .select_related("statement__speaker")
        .prefetch_related("statement__sources")
        .order_by("-stated_on", "-pk")
    )
    by_point = defaultdict(list)
    for position in positions:
        mine = by_point[position.point_id]
        if not mine or mine[0].stated_on == position.stated_on:
            mine.append(position)
    return by_point


DEPARTS = {
    "removed": "drops",
    "merged": "merges",
    "split": "splits",
    "changed": "changes",
    "moved": "moves",
}
RESISTS = (
    Stance.CONDITIONAL,
    Stance.DEMANDS_MORE,
    Stance.OPPOSES,
    Stance.RED_LINE,
    Stance.REJECTS,
)


def mark_conflicts(rows, party, plans):
    """Attach the party's current positions to each row and say where they
    conflict with the last plan compared (the framework): the party backs
    a version the framework drops, changes, merges, moves or leaves to the
    leaders, or resists a point the framework keeps as it was or has."""
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
    resists = position.stance in RESISTS
    stance = position.get_stance_display().lower()
    if on_framework:
        return f"{stance}: the framework's point" if resists else ""
    if Stance.leaning(position.stance) == "for" and departures:
        return f"supports a version the framework {' and '.join(departures)}"
    if resists and framework.marks == ["unchanged"]:
        return f"{stance}: a point the framework keeps unchanged"
    return ""


def row_order(row):
    for index, cell in enumerate(row.cells):
        if cell.points:
            return (index, cell.points[0].number)
    return (len(row.cells), 0)


def compare_row(columns, lineage, complete, plans):
    """Mark each cell after the first; ``complete[i]`` says whether plan i lists all its points."""
    cells = [CompareCell(points=column) for column in columns]
    shown = {plan.pk for plan in plans}
    for index, cell in enumerate(cells[1:], start=1):
        earlier = [p for column in columns[:index] for p in column]
        if not cell.points:
            if earlier:
                cell.marks.extend(
                    gone_marks(earlier, lineage, plans[index].pk, shown)
                    or ["removed" if complete[index] else "unreported"]
                )
            continue
        absent_before_is_known = all(
            complete[before] for before in range(index) if not columns[before]
        )
        nearest = next((col[0] for col in reversed(columns[:index]) if col), None)
        earlier_pks = {p.pk: p for p in earlier}
        for point in cell.points:
            direct = next(
                (
                    min((earlier_pks[a] for a in level if a in earlier_pks), key=by_number)
                    for level in lineage.ancestors(point.pk)
                    if any(a in earlier_pks for a in level)
                ),
                None,
            )
            counterpart = direct or nearest
            cell.marks.extend(
                LINK_MARKS[kind]
                for kind in lineage.kinds_into(point.pk)
                if kind in (PointLink.Kind.MERGED, PointLink.Kind.SPLIT)
            )
            cell.entries.append(cell_entry(point, counterpart, cell.marks, absent_before_is_known))
    marks = {mark for cell in cells[1:] for mark in cell.marks}
    for cell in cells:
        cell.marks = [mark for mark in MARK_ORDER if mark in cell.marks]
    return CompareRow(cells=cells, marks=[mark for mark in MARK_ORDER if mark in marks])


def by_number(point):
    return point.number


def gone_marks(earlier, lineage, plan, shown):
    """What the lineage records say became of points absent from ``plan``: dropped
    or moved there, or in a plan between that is not shown."""
    marks = []
    for point in earlier:
        for where, kind in lineage.gone.get(point.pk, ()):
            if where == plan or where not in shown:
                marks.append(LINK_MARKS[kind])
    return marks


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
    if not own and not any(mark in ("merged", "split") for mark in marks):
        own.append("unchanged")
    marks.extend(own)
    return (
        point,
        counterpart,
        word_diff_sides(counterpart.title, point.title),
        word_diff_sides(counterpart.text, point.text),
    )


# Lineage: what became of each point of one version in the next one compared.


@dataclass
class LineageEntry:
    point: Point
    links: list  # PointLink rows from this point into the later plan, with sources


@dataclass
class LineageTable:
    earlier: Plan
    later: Plan
    entries: list

    @property
    def tally(self):
        """(label, count) for each kind recorded, and the points with no record."""
        counts = Counter(link.kind for entry in self.entries for link in entry.links)
        tally = [(label, counts[kind]) for kind, label in PointLink.Kind.choices if counts[kind]]
        unrecorded = sum(1 for entry in self.entries if not entry.links)
        if unrecorded:
            tally.append(("no lineage recorded", unrecorded))
        return tally


def lineage_tables(rows, plans):
    """For each compared plan and the next one, what became of each of its points:
    the lineage records (kind, later points, source, note), one query for all."""
    points = {point.pk: point for row in rows for cell in row.cells for point in cell.points}
    pairs = list(zip(plans, plans[1:], strict=False))
    if not pairs:
        return []
    links = defaultdict(list)
    for link in (
        PointLink.objects.filter(
            earlier__plan__in=[a for a, _ in pairs], plan__in=[b for _, b in pairs]
        )
        .select_related("source")
        .order_by("pk")
    ):
        link.earlier = points[link.earlier_id]
        if link.later_id:
            link.later = points.get(link.later_id)
        links[(link.earlier_id, link.plan_id)].append(link)
    tables = []
    for earlier, later in pairs:
        mine = sorted((p for p in points.values() if p.plan_id == earlier.pk), key=by_number)
        entries = [LineageEntry(p, links.get((p.pk, later.pk), [])) for p in mine]
        tables.append(LineageTable(earlier, later, entries))
    return tables
