"""What the fixtures hold and how a record is named in them.

The tracked models in dependency order, the import limits, and each model's
natural key derived from its ``natural_key()``: the fields behind it are the
model's unique field (a slug, a uid) or its unique constraint ((plan,
number)), a relation in it standing for the related key.
tests/test_export.py checks that this agrees with natural_key() for every model.
"""

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from ..models import tracked_models

# Dependency order: every foreign key points to a model earlier in the list
# (or to its own model: Plan.derived_from, Party.member_of, Source.cites).
MODELS = list(tracked_models())
LABELS = {model._meta.label_lower: model for model in MODELS}
# Local bookkeeping: neither exported nor imported (ignored when a file has them).
LOCAL_FIELDS = {"version", "updated_at"}


def max_bytes():
    return settings.TRACKER_IMPORT_MAX_BYTES


def max_objects():
    return settings.TRACKER_IMPORT_MAX_OBJECTS


def key_text(key):
    return "/".join(str(part) for part in key)


@functools.cache
def key_fields(model):
    """The fields that identify an object, in ``natural_key()`` order."""
    unique = [f for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    if unique:
        return (unique[0],)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and not constraint.condition:
            return tuple(model._meta.get_field(name) for name in constraint.fields)
    raise ImproperlyConfigured(f"{model._meta.label} has no unique field for a natural key.")


@functools.cache
def key_parts(model):
    """(lookup, field) for each part of the natural key: Point → plan__slug, number."""
    parts = []
    for model_field in key_fields(model):
        if model_field.is_relation:
            inner = key_parts(model_field.related_model)
            parts += [(f"{model_field.name}__{lookup}", leaf) for lookup, leaf in inner]
        else:
            parts.append((model_field.name, model_field))
    return tuple(parts)


@functools.cache
def key_relations(model):
    """The relations ``natural_key()`` follows (Provision: point__plan), to select_related."""
    return tuple(
        sorted({lookup.rsplit("__", 1)[0] for lookup, _ in key_parts(model) if "__" in lookup})
    )


def key_shape(model):
    """How a reference is written: "[slug]", "[plan slug, number]"."""
    names = [" ".join(lookup.split("__")[-2:]) for lookup, _ in key_parts(model)]
    return f"[{', '.join(names)}]"


def tracked_relation(model_field):
    """A foreign key or many-to-many field to a tracked model (not to a user)."""
    return model_field.is_relation and model_field.related_model in LABELS.values()


def derived(model_field):
    """A copy the model keeps itself (Position.party from its statement): not imported."""
    keys = {f.name for f in key_fields(model_field.model)}
    return not model_field.editable and model_field.name not in keys


def relations(model):
    """The model's foreign keys and many-to-many fields to tracked models."""
    fields = [f for f in model._meta.concrete_fields if f.is_relation]
    return [f for f in fields + list(model._meta.many_to_many) if tracked_relation(f)]
