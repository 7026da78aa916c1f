"""Checking each object of a fixture: shape, types, field rules and natural keys."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from .. import validators
from . import legacy
from .keys import (
    LABELS,
    LOCAL_FIELDS,
    derived,
    key_fields,
    key_parts,
    key_shape,
    key_text,
    max_bytes,
    max_objects,
    tracked_relation,
)
from .reader import ImportRefused, iter_objects, open_fixture

MAX_ERRORS = 50


class Invalid(Exception):
    pass


@dataclass
class Entry:
    """One object of the file, its values converted to Python."""

    index: int
    line: int
    model: type
    values: dict  # field name → value; relations as natural-key tuples
    key: tuple = ()

    @property
    def label(self):
        return self.model._meta.label_lower

    @property
    def where(self):
        key = f" {key_text(self.key)}" if self.key else ""
        return f"Object {self.index} (line {self.line}, {self.label}{key})"


def natural_reference(model, raw):
    """A reference to ``model`` as a natural-key tuple, checked for shape."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raise Invalid(
            f"refers to {model._meta.label_lower} by primary key {raw}; "
            "refer to it by its natural key instead"
        )
    if not isinstance(raw, list):
        raise Invalid(f"expected the natural key of {model._meta.label_lower} as a list")
    parts = key_parts(model)
    ok = len(raw) == len(parts) and all(
        type(part) is int if isinstance(leaf, NUMBER_FIELDS) else isinstance(part, str)
        for part, (_, leaf) in zip(raw, parts, strict=False)
    )
    if not ok:
        raise Invalid(
            f"a reference to {model._meta.label_lower} is {key_shape(model)}, not {raw!r}"
        )
    # The key is looked up in the database: it must obey the rules of the fields it names.
    key = []
    for part, (_, leaf) in zip(raw, parts, strict=True):
        try:
            value = leaf.to_python(part)
            validators.check(leaf, value)
        except ValidationError as exc:
            raise Invalid(
                f"a reference to {model._meta.label_lower}: {' '.join(exc.messages)}"
            ) from exc
        key.append(str(value) if isinstance(leaf, models.UUIDField) else value)
    return tuple(key)


TEXT_FIELDS = (models.CharField, models.TextField)
NUMBER_FIELDS = (models.IntegerField,)


def convert(model_field, raw):
    """The Python value of one field as the file gives it, or ``Invalid``."""
    if raw is None:
        if model_field.null:
            return None
        raise Invalid("may not be null")
    if model_field.many_to_many:
        if not isinstance(raw, list):
            raise Invalid("expected a list of natural keys")
        return tuple(natural_reference(model_field.related_model, item) for item in raw)
    if model_field.is_relation:
        return natural_reference(model_field.related_model, raw)
    if isinstance(model_field, TEXT_FIELDS):
        expected, ok = "text", isinstance(raw, str)
    elif isinstance(model_field, NUMBER_FIELDS):
        expected, ok = "a whole number", type(raw) is int
    elif isinstance(model_field, (models.DateField, models.UUIDField)):
        expected, ok = "text", isinstance(raw, str)
    else:
        expected, ok = "a value", isinstance(raw, str | int | float | bool)
    if not ok:
        raise Invalid(f"expected {expected}, found {json_type(raw)}")
    try:
        if isinstance(raw, str):
            validators.valid_text(raw)  # before a message quotes it back
        value = model_field.to_python(raw)
        # Checked before the natural keys are looked up, and again by full_clean.
        validators.check(model_field, value)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages)) from exc
    return value


def json_type(raw):
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(raw), type(raw).__name__)


def required_fields(model):
    return [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key
        and f.name not in LOCAL_FIELDS
        and not derived(f)
        and not f.has_default()
        and not f.blank
        and not f.null
    ]


def natural_key_of(model, values):
    """The object's natural key from its values (a relation stands for its own key)."""
    names = [f.name for f in key_fields(model)]
    missing = [name for name in names if values.get(name) is None]
    if missing:
        raise Invalid(
            f"missing field {', '.join(repr(n) for n in missing)}, needed to identify the object"
        )
    key = []
    for model_field in key_fields(model):
        value = values[model_field.name]
        if model_field.is_relation:
            key += value
        else:
            key.append(str(value) if isinstance(model_field, models.UUIDField) else value)
    return tuple(key)


def check_object(index, line, raw):
    """An ``Entry`` for one element of the file, or ``Invalid`` listing its problems."""
    if not isinstance(raw, dict):
        raise Invalid(f'expected an object with "model" and "fields", found {json_type(raw)}')
    unexpected = set(raw) - {"model", "fields", "pk"}
    if unexpected:
        raise Invalid(f"unexpected key {', '.join(sorted(map(repr, unexpected)))}")
    if not isinstance(raw.get("model"), str):
        raise Invalid('missing "model"')
    model = LABELS[raw["model"].lower()]
    fields = raw.get("fields")
    if not isinstance(fields, dict):
        raise Invalid('"fields" must be an object')
    values, problems = {}, []
    for name, value in fields.items():
        if name in LOCAL_FIELDS:
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if (
            model_field is None
            or model_field.auto_created
            or model_field.primary_key
            or not (model_field.concrete or model_field.many_to_many)
            or (model_field.is_relation and not tracked_relation(model_field))
        ):
            problems.append(f"unknown field {name!r}")
            continue
        if derived(model_field):
            continue  # the model sets it itself on save
        try:
            values[name] = convert(model_field, value)
        except Invalid as exc:
            problems.append(f"{name}: {exc}")
    if problems:
        raise Invalid("; ".join(problems))
    return Entry(index, line, model, values, natural_key_of(model, values))


def read_fixture(stream, progress=None):
    """Parse and check a fixture; the entries, or ``ImportRefused`` with every problem.

    A file naming any model outside the tracked ones is refused whole, with
    each offending object named. Objects in the previous format (positions
    with their own quote, a point's single topic ...) are converted on the way
    (legacy.py): what they become carries the original's object number and line.
    """
    entries, errors, foreign, count = [], [], [], 0
    converter = legacy.Converter()

    def objects():
        for index, line, raw in iter_objects(
            open_fixture(stream, max_bytes()), max_objects(), progress
        ):
            yield index, line, raw
            yield from converter.pending()
        yield from converter.finish()

    for index, line, raw in objects():
        count = max(count, index)
        model = raw.get("model") if isinstance(raw, dict) else None
        if isinstance(model, str) and model.lower() not in LABELS:
            foreign.append(f"Object {index} (line {line}): {model[:80]!r} is not a tracker model.")
            continue
        try:
            raw = converter.convert(index, line, raw)
            entries.append(check_object(index, line, raw))
        except Invalid as exc:
            errors.append(f"Object {index} (line {line}): {exc}.")
    if foreign:
        allowed = ", ".join(LABELS)
        raise ImportRefused(
            [*capped(foreign), f"Only the tracker's models may be imported: {allowed}."]
        )
    if not count:
        errors.append("The file holds no objects.")
    errors += duplicates(entries)
    if errors:
        raise ImportRefused(capped(errors))
    return entries


def duplicates(entries):
    seen, errors = {}, []
    for entry in entries:
        earlier = seen.setdefault((entry.model, entry.key), entry)
        if earlier is entry:
            continue
        if len(entry.key) > 1:
            what = f"{entry.model._meta.verbose_name} {key_text(entry.key)}"
            errors.append(
                f"Objects {earlier.index} (line {earlier.line}) and {entry.index} "
                f"(line {entry.line}) are both {what}: a number clash."
            )
        else:
            errors.append(
                f"Objects {earlier.index} (line {earlier.line}) and {entry.index} "
                f"(line {entry.line}) are both {entry.label} {key_text(entry.key)}: "
                "a duplicate natural key."
            )
    return errors


def capped(errors):
    if len(errors) <= MAX_ERRORS:
        return errors
    return [*errors[:MAX_ERRORS], f"… and {len(errors) - MAX_ERRORS} more problems."]
