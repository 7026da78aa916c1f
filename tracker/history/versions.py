"""Reading the history: an object's versions, field-by-field diffs with names
instead of ids, the tracker as it stood at a moment, and the recent changes."""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from ..diff import word_diff_html
from ..models import Change, Plan
from .records import (
    NAME_RELATIONS,
    build_instance,
    content_fields,
    m2m_ids,
    tracked_model,
    version_before,
)


def versions(model, pk):
    """An object's history, newest first, with the users who made it."""
    return (
        model.history.filter(id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def object_label(model, pk):
    """What to call an object in headings: its name now, or as last recorded."""
    current = model.objects.select_related(*NAME_RELATIONS.get(model, [])).filter(pk=pk).first()
    if current is not None:
        return str(current), current
    change = Change.objects.filter(model=model._meta.model_name, object_id=pk).first()
    if change is not None:
        return change.object_repr, None
    return f"{model._meta.verbose_name} #{pk}", None


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    html: str = ""


@dataclass
class Comparison:
    older: object
    newer: object
    changes: list = field(default_factory=list)


def relation_names(records, fields):
    """Names of every object the records point at: one query per related model."""
    wanted = {}
    for f in fields:
        if f.is_relation:
            ids = {getattr(r, f.attname) for r in records} - {None}
            wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for related, ids in wanted.items():
        if not ids:
            continue
        queryset = related.objects.select_related(*NAME_RELATIONS.get(related, []))
        found = queryset.in_bulk(ids)
        for pk in ids:
            obj = found.get(pk)
            label = str(obj) if obj is not None else f"{related._meta.verbose_name} #{pk} (deleted)"
            names[(related, pk)] = label
    return names


def display(f, record, names):
    value = getattr(record, f.attname)
    if value is None or value == "":
        return ""
    if f.is_relation:
        return names[(f.related_model, value)]
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j M Y H:i T")
    if isinstance(value, datetime.date):
        return date_format(value, "j M Y")
    return str(value)


def m2m_names(model, records):
    """{field name: {history id: names of the related objects}} (one query per field, and
    one per related model for the names)."""
    names = {}
    for name, sets in m2m_ids(model, records).items():
        target = model._meta.get_field(name).related_model
        wanted = set().union(*sets.values()) if sets else set()
        known = {obj.pk: str(obj) for obj in target.objects.filter(pk__in=wanted)}
        label = target._meta.verbose_name
        names[name] = {
            history_id: {known.get(pk, f"{label} #{pk}") for pk in ids}
            for history_id, ids in sets.items()
        }
    return names


def compare(model, older, newer):
    """Field-by-field changes from ``older`` (None: before creation) to ``newer``.

    Text is diffed word by word; choices show their labels ("Opposes →
    Conditional"); relations show names. The query count is fixed: one per
    related model, plus one for many-to-many history.
    """
    records = [r for r in (older, newer) if r is not None]
    fields = content_fields(model)
    names = relation_names(records, fields)
    result = Comparison(older, newer)
    for f in fields:
        old = display(f, older, names) if older is not None else ""
        new = display(f, newer, names)
        if old == new:
            continue
        change = FieldChange(f.name, str(f.verbose_name).capitalize(), old, new)
        if isinstance(f, models.CharField | models.TextField) and not f.choices:
            change.html = word_diff_html(old, new)
        else:
            change.html = arrow(old, new)
        result.changes.append(change)
    result.changes += m2m_changes(model, older, newer)
    return result


def arrow(old, new):
    if not old:
        return format_html("<ins>{}</ins>", new)
    if not new:
        return format_html("<del>{}</del>", old)
    return format_html("{} → {}", old, new)


def m2m_changes(model, older, newer):
    changes = []
    records = [r for r in (older, newer) if r is not None]
    for name, sets in m2m_names(model, records).items():
        old = ", ".join(sorted(sets.get(older.history_id, ()))) if older is not None else ""
        new = ", ".join(sorted(sets[newer.history_id]))
        if old != new:
            label = str(model._meta.get_field(name).verbose_name).capitalize()
            changes.append(FieldChange(name, label, old, new, arrow(old, new)))
    return changes


def fields_changed(model, records, previous):
    """The labels of the content fields each record changed, by history id.

    ``previous`` maps a record's history id to the version just before it.
    Only changes ("~") get a list; the comparison reads no relation, so it
    costs no query (but one per many-to-many field). Fields nobody edits (a
    coding's copy of its statement's date, who coded it) are not listed.
    """
    names = [f.name for f in content_fields(model) if f.editable]
    labels = {f.name: str(f.verbose_name) for f in content_fields(model)}
    pairs = [
        (record, previous.get(record.history_id))
        for record in records
        if record.history_type == "~" and previous.get(record.history_id) is not None
    ]
    related = m2m_ids(model, [r for pair in pairs for r in pair]) if pairs else {}
    result = {}
    for record, before in pairs:
        changed = record.diff_against(before, included_fields=names).changed_fields
        changed = sorted(changed, key=names.index)
        found = [labels[name] for name in changed]
        for name, sets in related.items():
            if sets[record.history_id] != sets[before.history_id]:
                found.append(str(model._meta.get_field(name).verbose_name))
        result[record.history_id] = found
    return result


def name_fields_changed(model, versions):
    """Give each of an object's ``versions`` (newest first, consecutive) its
    ``fields_changed``: one query, for the version before the oldest."""
    if not versions:
        return versions
    previous = {
        newer.history_id: older for newer, older in zip(versions, versions[1:], strict=False)
    }
    oldest = versions[-1]
    previous[oldest.history_id] = version_before(oldest)
    found = fields_changed(model, versions, previous)
    for version in versions:
        version.fields_changed = found.get(version.history_id, [])
    return versions


def records_with_previous(model, history_ids):
    """The records ``history_ids`` of ``model`` and the version before each.

    One query: the records, and (in a subquery) the newest earlier record of
    the same object for each. Returns (records, {history id: previous record}).
    """
    history = model.history.model
    earlier = (
        history.objects.filter(id=models.OuterRef("id"))
        .filter(
            models.Q(history_date__lt=models.OuterRef("history_date"))
            | models.Q(
                history_date=models.OuterRef("history_date"),
                history_id__lt=models.OuterRef("history_id"),
            )
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    before = history.objects.filter(history_id__in=history_ids).annotate(previous=Subquery(earlier))
    previous_ids = before.values("previous")
    rows = list(
        history.objects.filter(
            models.Q(history_id__in=history_ids) | models.Q(history_id__in=previous_ids)
        )
    )
    by_object = {}
    for row in rows:
        by_object.setdefault(row.id, []).append(row)
    asked = set(history_ids)
    wanted = [row for row in rows if row.history_id in asked]
    previous = {}
    for record in wanted:
        key = (record.history_date, record.history_id)
        older = [r for r in by_object[record.id] if (r.history_date, r.history_id) < key]
        if older:
            previous[record.history_id] = max(older, key=lambda r: (r.history_date, r.history_id))
    return wanted, previous


def name_fields_changed_in(changes):
    """Give each row of the Change index its ``fields_changed``.

    One query per tracked model on the page (two for events), whatever the
    number of rows.
    """
    ids_by_model = {}
    for change in changes:
        ids_by_model.setdefault(change.model, []).append(change.history_id)
    found = {}
    for name, history_ids in ids_by_model.items():
        model = tracked_model(name)
        if model is None:
            continue
        records, previous = records_with_previous(model, history_ids)
        labels = fields_changed(model, records, previous)
        found.update({(name, hid): fields for hid, fields in labels.items()})
    for change in changes:
        change.fields_changed = found.get((change.model, change.history_id), [])
    return changes


# --- as of a moment -------------------------------------------------------------------


class BadMoment(ValueError):
    """An as-of value that is malformed, out of range, in the future or before any record."""


def plan_at(slug, moment):
    """The plan called ``slug`` as it stood at ``moment`` (one query).

    Raises BadMoment if the plan had no record yet at that moment.
    """
    plan_record = Plan.history.at(moment, slug=slug).first()
    if plan_record is None:
        raise BadMoment(f"There is no record of this plan as of {describe(moment)}.")
    return build_instance(plan_record)


def describe(moment):
    return date_format(timezone.localtime(moment), "j M Y H:i T")


# --- recent changes ---------------------------------------------------------------------


def changes_matching(*, user=None, model=None, party=None, since=None, until=None):
    """The Change index filtered as the recent-changes page and feed allow."""
    changes = Change.objects.select_related("user", "party")
    if user:
        changes = changes.filter(user__username=user)
    if model:
        changes = changes.filter(model=model)
    if party:
        changes = changes.filter(party__slug=party)
    if since:
        changes = changes.filter(changed_at__gte=start_of(since))
    if until:
        changes = changes.filter(changed_at__lt=start_of(until + datetime.timedelta(days=1)))
    return changes


def start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def change_page(changes, *, before=None, after=None, size=50):
    """One page of changes, newest first, by keyset: no COUNT, no OFFSET.

    ``before``/``after`` are the ids of the row the page continues from; the
    position is that row's (changed_at, id), looked up in a subquery so the
    page stays one query. Returns (rows, has_newer, has_older).
    """
    if after is not None:
        when = Change.objects.filter(pk=after).values("changed_at")
        rows = changes.filter(
            models.Q(changed_at__gt=Subquery(when))
            | models.Q(changed_at=Subquery(when), pk__gt=after)
        ).order_by("changed_at", "pk")[: size + 1]
        rows = list(rows)
        has_newer = len(rows) > size
        return list(reversed(rows[:size])), has_newer, True
    if before is not None:
        when = Change.objects.filter(pk=before).values("changed_at")
        changes = changes.filter(
            models.Q(changed_at__lt=Subquery(when))
            | models.Q(changed_at=Subquery(when), pk__lt=before)
        )
    rows = list(changes.order_by("-changed_at", "-pk")[: size + 1])
    return rows[:size], before is not None, len(rows) > size
