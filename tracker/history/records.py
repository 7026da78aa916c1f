"""What a history record holds: the tracked models, their content fields, the
many-to-many rows kept beside each version, and the model instance a record describes."""

from django.db import models

from ..models import Component, Point, Position, tracked_models

TRACKED = {model._meta.model_name: model for model in tracked_models()}

# Relations that a model's __str__ follows, so naming many objects costs one query.
NAME_RELATIONS = {Point: ["plan"], Component: ["plan"], Position: ["party"]}

# Fields every version has that are bookkeeping, not content.
NOT_CONTENT = {"id", "version", "uid"}


def tracked_model(name):
    """The tracked model called ``name`` (as in URLs), or None."""
    return TRACKED.get(name)


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


def content_fields(model):
    return [f for f in model.history.model.tracked_fields if f.attname not in NOT_CONTENT]


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


def m2m_fields(model):
    return list(getattr(model.history.model, "_history_m2m_fields", []))


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
