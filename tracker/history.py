"""The tracker's change history, built on django-simple-history.

simple-history stores each version of each tracked model in its own history
table; this module adds what analysts need on top of it: the cross-model
``Change`` index behind the recent-changes feed, attribution for writes the
library does not see (raw fixture loads, bulk writes, management commands),
field-by-field diffs with names instead of ids, restoring a version, and
reading the tracker as it stood at a given moment.
"""

import contextlib
import datetime
import threading
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from .diff import word_diff_html
from .merge import merge
from .models import (
    Change,
    ChangeMarker,
    Component,
    EditConflict,
    Plan,
    Point,
    Position,
    tracked_models,
)

TRACKED = {model._meta.model_name: model for model in tracked_models()}

# Relations that a model's __str__ follows, so naming many objects costs one query.
NAME_RELATIONS = {Point: ["plan"], Component: ["plan"], Position: ["party"]}

# Fields every version has that are bookkeeping, not content.
NOT_CONTENT = {"id", "version", "uid"}

FIXTURE_SUMMARY = "Loaded from a fixture"


class RestoreRefused(Exception):
    """The version cannot be restored; the message says why, nothing was changed."""


class RestoreConflict(Exception):
    """The object was saved after the restore was offered; nothing was changed.

    ``merge`` is the restored version merged with the current one, field by
    field, from the version shown when the page was loaded.
    """

    def __init__(self, merged):
        super().__init__("The object was saved after the restore was offered.")
        self.merge = merged


# --- attribution -------------------------------------------------------------

_acting = threading.local()


def as_command_actor(name):
    """The user a management command's writes are attributed to.

    An inactive account with an unusable password, named after the command,
    so the history says "import_fixture" rather than nobody.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=name[:150], defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@contextlib.contextmanager
def recorded_as(user, summary=""):
    """Attribute every history record written inside the block to ``user``.

    For code that saves without a request (commands, scripts): records that
    already name a user or a summary keep theirs.
    """
    previous = getattr(_acting, "value", None)
    _acting.value = (user, summary)
    try:
        yield
    finally:
        _acting.value = previous


def fill_attribution(history_instance):
    """Called before each history record is saved (pre_create signal)."""
    acting = getattr(_acting, "value", None)
    if acting is None:
        return
    user, summary = acting
    if history_instance.history_user_id is None and user is not None:
        history_instance.history_user = user
    if not history_instance.history_change_reason and summary:
        history_instance.history_change_reason = summary


# --- the Change index --------------------------------------------------------


def model_name(history_instance):
    return type(history_instance).__name__.removeprefix("Historical").lower()


def party_concerned(instance):
    """The party a change is about, for filtering the recent-changes feed."""
    name = type(instance).__name__.removeprefix("Historical")
    if name == "Party":
        return instance.id
    return getattr(instance, "party_id", None)


def remember_name(instance):
    """Called before a delete (pre_delete), while everything the name mentions exists.

    A cascade deletes rows in no fixed order when the relation is nullable:
    by the time a deleted position is recorded, its point may be gone.
    """
    instance._recorded_name = str(instance)


def change_for(history_instance, instance=None):
    instance = instance if instance is not None else build_instance(history_instance)
    name = getattr(instance, "_recorded_name", None) or str(instance)
    return Change(
        changed_at=history_instance.history_date,
        user_id=history_instance.history_user_id,
        model=model_name(history_instance),
        object_id=history_instance.id,
        object_repr=name[:300],
        history_id=history_instance.history_id,
        action=history_instance.history_type,
        summary=history_instance.history_change_reason or "",
        party_id=party_concerned(history_instance),
    )


def index_history_record(history_instance, instance=None):
    """Add one history record to the cross-model index.

    ``instance`` is the live object the record was made from: its relation
    caches make the name cheaper than rebuilding it from the record.
    """
    change_for(history_instance, instance).save(force_insert=True)


def index_history_records(history_instances, instances):
    """Index records written in bulk (bulk history creation sends no signal)."""
    Change.objects.bulk_create(
        change_for(record, obj) for record, obj in zip(history_instances, instances, strict=True)
    )


# --- the writes simple-history does not see -----------------------------------


def tracked_values(model, obj):
    fields = model.history.model.tracked_fields
    return {f.attname: getattr(obj, f.attname) for f in fields if f.attname != "version"}


def record_raw_save(sender, instance, created):
    """Record a fixture load (``loaddata`` saves raw and simple-history skips it).

    Attributed to the "loaddata" actor unless the loader named a user; an
    object loaded again unchanged gets no new record, so loading a fixture
    twice leaves the history as it was.
    """
    if getattr(instance, "skip_history_when_saving", False):
        return
    latest = sender.history.filter(id=instance.pk).order_by("-history_date", "-history_id")
    latest = latest.first()
    unchanged = latest is not None and latest.history_type != "-"
    if unchanged and tracked_values(sender, latest) == tracked_values(sender, instance):
        return
    if not hasattr(instance, "_history_user"):
        instance._history_user = as_command_actor("loaddata")
    if not getattr(instance, "_change_reason", ""):
        instance._change_reason = FIXTURE_SUMMARY
    records = sender.history.bulk_history_create([instance], update=not created)
    index_history_records(saved_records(sender, records, [instance]), [instance])


def saved_records(model, records, objs):
    """History rows as saved, with their ids (fetched again if the database gave none)."""
    if all(record.history_id for record in records):
        return records
    history = model.history.model.objects.filter(id__in=[obj.pk for obj in objs])
    newest = {}
    for record in history.order_by("history_date", "history_id"):
        newest[record.id] = record
    return [newest[obj.pk] for obj in objs]


def tracked_model(name):
    """The tracked model called ``name`` (as in URLs), or None."""
    return TRACKED.get(name)


def versions(model, pk):
    """An object's history, newest first, with the users who made it."""
    return (
        model.history.filter(id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def version_before(record):
    """The version just before ``record`` of the same object, or None."""
    return (
        type(record)
        .objects.filter(id=record.id)
        .filter(
            models.Q(history_date__lt=record.history_date)
            | models.Q(history_date=record.history_date, history_id__lt=record.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
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


def content_fields(model):
    return [f for f in model.history.model.tracked_fields if f.attname not in NOT_CONTENT]


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


def m2m_history(model, field):
    """The table simple-history keeps ``field``'s rows in: one per related object per version."""
    name = f"historical{model._meta.model_name}_{field.name}"
    return model.history.model._meta.get_field(name).related_model


def m2m_ids(model, records):
    """{field name: {history id: ids of the related objects}} for ``records`` (one query per
    many-to-many field with history)."""
    result = {}
    for m2m in m2m_fields(model):
        target = m2m.m2m_reverse_field_name()
        sets = {record.history_id: set() for record in records}
        rows = m2m_history(model, m2m).objects.filter(history__in=[r.history_id for r in records])
        for history_id, pk in rows.values_list("history_id", f"{target}_id"):
            sets[history_id].add(pk)
        result[m2m.name] = sets
    return result


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


# --- restoring ----------------------------------------------------------------------


def restore_summary(record, summary=""):
    when = date_format(timezone.localtime(record.history_date), "j M Y H:i T")
    text = f"Restored version of {when}"
    return f"{text}: {summary}" if summary else text


def restorable_values(model, record):
    """The record's field values, with relations checked.

    Returns the values and what could not be restored; refuses when a
    required relation is gone.
    """
    values, lost = {}, []
    fields = content_fields(model)
    related = {}
    for f in fields:
        value = getattr(record, f.attname)
        if f.is_relation and value is not None:
            related.setdefault(f.related_model, set()).add(value)
    existing = {
        rel: set(rel.objects.filter(pk__in=ids).values_list("pk", flat=True))
        for rel, ids in related.items()
    }
    for f in fields:
        value = getattr(record, f.attname)
        if f.is_relation and value is not None and value not in existing[f.related_model]:
            what = f"{f.verbose_name} ({f.related_model._meta.verbose_name} #{value})"
            if not f.null:
                raise RestoreRefused(
                    f"This version cannot be restored: its {what} no longer exists. "
                    f"Restore that first."
                )
            lost.append(f"{what}: no longer exists, left empty")
            value = None
        values[f.attname] = value
    if "uid" in {f.attname for f in model.history.model.tracked_fields}:
        values["uid"] = record.uid
    return values, lost


def restore(model, record, *, user, summary="", expected_version=None, keep=()):
    """Make ``record`` the current version again, as a new recorded change.

    An existing object is saved through ``save_checked`` (its version is
    bumped); a deleted one is recreated with the same primary key. Returns
    the object and the list of what could not be restored.

    ``expected_version`` is the object's version when the restore was offered
    (0: it was deleted then). If it has changed since, nothing is written:
    ``RestoreConflict`` carries the merge with the current object, or
    ``RestoreRefused`` says it was deleted meanwhile. ``keep`` names the
    fields to leave as they are now (later changes the editor keeps).
    """
    if record.history_type == "-":
        previous = version_before(record)
        if previous is None:
            raise RestoreRefused("This deletion record has no earlier version to restore.")
        record = previous
    reason = restore_summary(record, summary)
    try:
        with transaction.atomic():
            ChangeMarker.hold()
            values, lost = restorable_values(model, record)
            current = model.objects.select_for_update().filter(pk=record.id).first()
            check_unchanged(model, record, current, expected_version, values, keep)
            keep = set(keep) if current is not None else set()
            obj = current or model(pk=record.id)
            kept = {f.attname for f in content_fields(model) if f.name in keep}
            for name, value in values.items():
                if name not in kept:
                    setattr(obj, name, value)
            validate(obj)
            if current is not None:
                obj.save_checked(current.version, summary=reason, user=user)
            else:
                obj.version = highest_version(model, record.id) + 1
                obj._history_user, obj._change_reason = user, reason
                obj.save(force_insert=True)
            if "parties" not in keep:
                lost += restore_m2m(model, record, obj)
    except IntegrityError as error:
        raise RestoreRefused(f"This version clashes with the current data: {error}") from error
    except EditConflict as error:
        message = "Someone saved this object meanwhile; reload and try again."
        raise RestoreRefused(message) from error
    return obj, lost


def check_unchanged(model, record, current, expected_version, values, keep):
    """Refuse a restore offered on a version that is no longer the current one."""
    live = current.version if current is not None else 0
    if expected_version is None or live == expected_version:
        return
    if current is None:
        raise RestoreRefused(
            "Someone deleted this object after you opened this page; nothing was restored. "
            "It is shown as deleted now: restore a version again to bring it back."
        )
    mine = {f.name: values[f.attname] for f in content_fields(model) if f.name not in set(keep)}
    recorded = m2m_ids(model, [record])
    for f in m2m_fields(model):
        if f.name not in keep:
            wanted = recorded[f.name][record.history_id]
            mine[f.name] = set(
                f.related_model.objects.filter(pk__in=wanted).values_list("pk", flat=True)
            )
    raise RestoreConflict(merge(current, expected_version, mine))


def merged_fields(model):
    """The fields a restore merges: the content fields and the recorded many-to-many ones."""
    return [*content_fields(model), *m2m_fields(model)]


def m2m_fields(model):
    return list(getattr(model.history.model, "_history_m2m_fields", []))


def highest_version(model, pk):
    return model.history.filter(id=pk).aggregate(v=models.Max("version"))["v"] or 0


def validate(obj):
    try:
        obj.validate_unique()
        obj.validate_constraints()
    except ValidationError as error:
        messages = "; ".join(error.messages)
        raise RestoreRefused(f"This version clashes with the current data: {messages}") from error


def restore_m2m(model, record, obj):
    """Give ``obj`` the related objects ``record`` lists that still exist; say which are gone."""
    gone = []
    for name, sets in m2m_ids(model, [record]).items():
        field = model._meta.get_field(name)
        wanted = sets[record.history_id]
        existing = set(
            field.related_model.objects.filter(pk__in=wanted).values_list("pk", flat=True)
        )
        if set(getattr(obj, name).values_list("pk", flat=True)) != existing:
            getattr(obj, name).set(existing)
        label = field.related_model._meta.verbose_name
        gone += [f"{label} #{pk}: no longer exists, left out" for pk in sorted(wanted - existing)]
    return gone


# --- as of a moment -------------------------------------------------------------------


class BadMoment(ValueError):
    """An as-of value that is malformed, out of range, in the future or before any record."""


def build_instance(record):
    """The model instance a history record describes, without touching the database.

    (simple-history's ``record.instance`` reads the fields it does not keep,
    here ``updated_at``, from the live table: one query per record.) The
    record's date stands in for ``updated_at``.
    """
    model = record.instance_type
    values = {f.attname: getattr(record, f.attname) for f in type(record).tracked_fields}
    return model(**values, updated_at=record.history_date)


def instances(records):
    return [build_instance(record) for record in records]


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


# --- size ----------------------------------------------------------------------------------


def history_sizes():
    """History rows per tracked model, and the Change index, for the stats command."""
    sizes = {name: model.history.count() for name, model in TRACKED.items()}
    sizes["change index"] = Change.objects.count()
    return sizes
