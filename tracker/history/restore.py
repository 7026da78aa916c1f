"""Restoring a version: the record made current again, as a new recorded change,
its many-to-many rows with it; a version overtaken since it was offered is merged."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from ..merge import merge
from ..models import ChangeMarker, EditConflict
from .records import content_fields, m2m_fields, m2m_ids, version_before


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
