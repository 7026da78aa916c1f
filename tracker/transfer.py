"""Fixture export and import: the tracker's data as JSON fixtures with natural keys.

Export writes every tracked model (never users, sessions or permissions) in
dependency order, each model's objects sorted by natural key, indented by two
spaces, with natural foreign and primary keys (no ``pk``): two exports of the
same data are byte-identical, diff well in git and load with plain ``loaddata``.
``version`` and ``updated_at`` are left out: they are this database's
bookkeeping (edit-conflict counter, last local save), not the record itself.

Import reads a fixture in chunks (so memory stays bounded by the size and
object-count limits), converts a file in the previous format (see legacy.py),
refuses any model outside the tracked ones, resolves
natural keys inside the file or the database, runs ``full_clean()`` on every
object and saves each through ``save()`` so that the change history records the
importing user and the file name. Objects are matched by natural key (a
``pk`` in the file is ignored); an object found in the database is updated
with the fields the file gives (fields the file leaves out keep their value)
and its ``version`` bumped; one that is not is created. The preview is the
same run inside a transaction that is rolled back, so it sees every database
constraint the real apply will.
"""

import codecs
import contextlib
import functools
import gzip
import hashlib
import io
import json
import re
import secrets
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ImproperlyConfigured,
    ValidationError,
)
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, models, transaction

from . import legacy, validators
from .diff import word_diff_html
from .models import EditConflict, Event, Plan, Source, tracked_models

# Dependency order: every foreign key points to a model earlier in the list
# (or to its own model: Plan.derived_from, Party.member_of, Source.cites).
MODELS = list(tracked_models())
LABELS = {model._meta.label_lower: model for model in MODELS}
# Local bookkeeping: neither exported nor imported (ignored when a file has them).
LOCAL_FIELDS = {"version", "updated_at"}

CHUNK = 64 * 1024
MAX_ERRORS = 50


class ExportError(Exception):
    pass


class ImportRefused(Exception):
    """The file cannot be imported; ``errors`` says why, one line each."""

    def __init__(self, errors, status=422):
        if isinstance(errors, str):
            errors = [errors]
        self.errors = list(errors)
        self.status = status
        super().__init__("\n".join(self.errors))


class PreviewChanged(Exception):
    """The database changed between the preview and the confirmation."""

    def __init__(self, preview):
        super().__init__("The database changed since the preview.")
        self.preview = preview


def max_bytes():
    return settings.TRACKER_IMPORT_MAX_BYTES


def max_objects():
    return settings.TRACKER_IMPORT_MAX_OBJECTS


def key_text(key):
    return "/".join(str(part) for part in key)


# Natural keys ---------------------------------------------------------------
# Each model declares its key with natural_key() and get_by_natural_key(); the
# fields behind it are the model's unique field (a slug, a uid) or its unique
# constraint ((plan, number)), a relation in it standing for the related key.
# tests/test_export.py checks that this agrees with natural_key() for every model.


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


# Export -------------------------------------------------------------------


def exported_fields(model, include_full_text=True):
    """Every field of the record; no bookkeeping, no users (Position.coded_by).

    Derived copies (Position.party, Position.stated_on) are written, so that
    plain ``loaddata`` can load the file, and recomputed on import.
    """
    names = [
        f.name
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many)
        and not f.auto_created
        and not f.primary_key
        and f.name not in LOCAL_FIELDS
        and (not f.is_relation or tracked_relation(f))
    ]
    if model is Source and not include_full_text:
        names.remove("full_text")
    return names


def relations(model):
    """The model's foreign keys and many-to-many fields to tracked models."""
    fields = [f for f in model._meta.concrete_fields if f.is_relation]
    return [f for f in fields + list(model._meta.many_to_many) if tracked_relation(f)]


def _load(model):
    """Every object, with what its and its references' natural keys need: one
    query, and one per many-to-many field."""
    select = list(key_relations(model))
    prefetch = []
    for relation in relations(model):
        target = relation.related_model
        if relation.many_to_many:
            queryset = target.objects.select_related(*key_relations(target))
            prefetch.append(models.Prefetch(relation.name, queryset=queryset))
        else:
            select += [relation.name, *(f"{relation.name}__{r}" for r in key_relations(target))]
    return list(model.objects.select_related(*select).prefetch_related(*prefetch))


def _referenced(obj, relation):
    if relation.many_to_many:
        return [related.pk for related in getattr(obj, relation.name).all()]
    value = getattr(obj, relation.attname)
    return [] if value is None else [value]


def parents(model):
    """The foreign keys an object is deleted with: Point.plan, Translation.statement."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.many_to_one and tracked_relation(f) and f.remote_field.on_delete is models.CASCADE
    ]


@functools.cache
def in_plan(model):
    """A part of a plan's text (the plan, its components, points, provisions):
    its natural key runs through the plan."""
    return model is Plan or any("plan__" in lookup for lookup, _ in key_parts(model))


def _select_plans(objects, slugs):
    """The chosen plans with their contents, and everything those refer to.

    A plan brings what is deleted with it or with its parts: components,
    points, provisions, texts, statuses, lineage links, authors and the
    positions on any of them. Then, until nothing new is added: every object
    referred to (a statement, a party, a speaker, a source, the plan or point
    something derives from; a referred plan comes without its contents); the
    details of what is included (a statement's translations, an actor's
    roles, an event's delegations: records outside the plans' text whose
    containers are all included); and the events whose source is included.
    """
    by_pk = {model: {obj.pk: obj for obj in objects[model]} for model in MODELS}
    plans = {p.pk for p in objects[Plan] if p.slug in slugs}
    missing = set(slugs) - {by_pk[Plan][pk].slug for pk in plans}
    if missing:
        raise ExportError(f"No plan with slug {', '.join(sorted(missing))}.")
    chosen = {model: set() for model in MODELS}
    chosen[Plan] = set(plans)

    def held(model, obj, every):
        ids = [(f.related_model, getattr(obj, f.attname)) for f in parents(model)]
        # The contents go by their plan parts only, the details by every container.
        ids = [(m, pk) for m, pk in ids if pk is not None and (every or in_plan(m))]
        found = [pk in chosen[m] for m, pk in ids]
        return bool(found) and (all(found) if every else any(found))

    def grow(step):
        while True:
            size = sum(len(pks) for pks in chosen.values())
            step()
            if sum(len(pks) for pks in chosen.values()) == size:
                return

    def contents():
        for model in MODELS:
            chosen[model] |= {obj.pk for obj in objects[model] if held(model, obj, every=False)}

    def references():
        chosen[Event] |= {e.pk for e in objects[Event] if e.source_id in chosen[Source]}
        for model in MODELS:
            for relation in relations(model):
                for pk in list(chosen[model]):
                    chosen[relation.related_model].update(_referenced(by_pk[model][pk], relation))
            if not in_plan(model) and parents(model):
                chosen[model] |= {obj.pk for obj in objects[model] if held(model, obj, True)}

    grow(contents)
    grow(references)
    return {model: [obj for obj in objects[model] if obj.pk in chosen[model]] for model in MODELS}


def _dump(model, objects, include_full_text):
    data = serializers.serialize(
        "python",
        objects,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        fields=exported_fields(model, include_full_text),
    )
    many = [f.name for f in model._meta.many_to_many]
    for item in data:
        for name in many:
            if name in item["fields"]:
                item["fields"][name] = sorted(item["fields"][name])
    return data


def export_fixture(plans=None, include_full_text=True):
    """The fixture as an iterator of text chunks (check the plans before iterating).

    The chunks join to exactly ``json.dumps(objects, indent=2)`` plus a final
    newline, written one object at a time so the web download can stream.
    """
    objects = {model: _load(model) for model in MODELS}
    if plans:
        objects = _select_plans(objects, set(plans))
    return _chunks(objects, include_full_text)


def _chunks(objects, include_full_text):
    yield "["
    first = True
    for model in MODELS:
        ordered = sorted(objects[model], key=lambda obj: obj.natural_key())
        for item in _dump(model, ordered, include_full_text):
            text = json.dumps(item, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)
            # Not textwrap.indent: it also breaks lines at U+2028, U+2029 and U+0085,
            # which json.dumps leaves in strings, and would indent inside the text.
            yield ("\n" if first else ",\n") + "  " + text.replace("\n", "\n  ")
            first = False
    yield "]\n" if first else "\n]\n"


def csv_safe(value):
    """Keep a spreadsheet from reading user text as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# Reading a fixture -----------------------------------------------------------


class _Capped(io.RawIOBase):
    """A binary stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, stream, limit, what):
        self.stream = stream
        self.limit = limit
        self.what = what
        self.total = 0

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.stream.read(size if size and size > 0 else CHUNK)
        self.total += len(data)
        if self.total > self.limit:
            raise ImportRefused(
                f"The file is over the import limit of {self.limit:,} bytes{self.what}.",
                status=413,
            )
        return data


def open_fixture(stream, limit=None):
    """A reader of the fixture's JSON bytes, decompressing gzip with a hard cap."""
    limit = max_bytes() if limit is None else limit
    head = stream.read(2)
    stream.seek(0)
    if head == b"\x1f\x8b":
        return _Capped(gzip.GzipFile(fileobj=stream), limit, " once decompressed")
    return _Capped(stream, limit, "")


def _refuse_constant(name):
    raise ValueError(f"{name} is not allowed in JSON")


class _Reader:
    """Text read from a byte stream on demand, with line numbers."""

    WS = re.compile(r"[ \t\n\r]*")

    def __init__(self, stream, progress=None):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # the line at buf[counted]
        self.counted = 0
        self.bytes_read = 0
        self.progress = progress

    def more(self, size=CHUNK):
        if self.eof:
            return False
        try:
            data = self.stream.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            raise ImportRefused(f"The file is not valid gzip ({exc}).") from exc
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            at = self.bytes_read + exc.start
            raise ImportRefused(f"The file is not UTF-8 text (bad byte at offset {at}).") from exc
        self.bytes_read += len(data)
        if not data:
            self.eof = True
        if self.pos > CHUNK:
            self.line_at(self.pos)
            self.buf = self.buf[self.pos :]
            self.counted -= self.pos
            self.pos = 0
        self.buf += text
        if self.progress:
            self.progress("Reading", self.bytes_read, None)
        return True

    def line_at(self, pos):
        self.line += self.buf.count("\n", self.counted, pos)
        self.counted = pos
        return self.line

    def where(self, pos):
        line = self.line + self.buf.count("\n", self.counted, pos)
        column = pos - self.buf.rfind("\n", 0, pos)
        return f"Line {line}, column {column}"

    def peek(self):
        """The next character that is not white space ('' at the end)."""
        while True:
            self.pos = self.WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def value(self, decoder, index):
        line = self.line_at(self.pos)
        while True:
            try:
                value, end = decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # Maybe the object goes on in the part not read yet: read as
                # much again (so a long object costs linear time), then retry.
                if self.more(max(CHUNK, len(self.buf) - self.pos)):
                    continue
                raise ImportRefused(
                    f"{self.where(exc.pos)}: not valid JSON ({exc.msg}), in object {index}."
                ) from exc
            except (ValueError, RecursionError) as exc:
                raise ImportRefused(
                    f"Line {line}: object {index} cannot be read ({str(exc)[:100]})."
                ) from exc
            if end == len(self.buf) and self.more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return line, value


def iter_objects(stream, progress=None):
    """(index, line, value) for each element of the file's top-level JSON list.

    Reads the stream in chunks and decodes one element at a time, so a file
    over the object limit is refused before it is read whole.
    """
    reader = _Reader(stream, progress)
    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
    limit = max_objects()
    start = reader.peek()
    if start == "":
        raise ImportRefused("The file is empty.")
    if start == "{":
        raise ImportRefused(
            f"{reader.where(reader.pos)}: the file holds a JSON object, not a list of "
            "objects ([{…}, …]) as a fixture does."
        )
    if start != "[":
        raise ImportRefused(
            f"{reader.where(reader.pos)}: not JSON, or not a fixture: a fixture is a JSON "
            f"list of objects ([{{…}}, …]); this file starts with {start!r}."
        )
    reader.pos += 1
    index = 0
    if reader.peek() == "]":
        reader.pos += 1
    else:
        while True:
            index += 1
            if index > limit:
                raise ImportRefused(
                    f"The file holds more than {limit:,} objects, the import limit.", status=413
                )
            yield (index, *reader.value(decoder, index))
            after = reader.peek()
            reader.pos += 1
            if after == "]":
                break
            if after != ",":
                what = "the end of the file" if after == "" else repr(after)
                raise ImportRefused(
                    f"{reader.where(reader.pos - 1)}: expected ',' or ']' after object "
                    f"{index}, found {what}."
                )
            if reader.peek() == "]":
                raise ImportRefused(
                    f"{reader.where(reader.pos)}: a comma after the last object is not JSON."
                )
    if reader.peek() != "":
        raise ImportRefused(f"{reader.where(reader.pos)}: more data after the end of the list.")


# Checking each object ---------------------------------------------------------


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
        for index, line, raw in iter_objects(open_fixture(stream), progress):
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
            [*_capped(foreign), f"Only the tracker's models may be imported: {allowed}."]
        )
    if not count:
        errors.append("The file holds no objects.")
    errors += duplicates(entries)
    if errors:
        raise ImportRefused(_capped(errors))
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


def _capped(errors):
    if len(errors) <= MAX_ERRORS:
        return errors
    return [*errors[:MAX_ERRORS], f"… and {len(errors) - MAX_ERRORS} more problems."]


# Preview and apply -------------------------------------------------------------


@dataclass
class FieldChange:
    name: str
    old: str
    new: str
    html: str | None = None  # word diff, for text


@dataclass
class ObjectChange:
    action: str  # created, updated, unchanged
    label: str
    key: str
    text: str
    index: int
    line: int
    fields: list = field(default_factory=list)
    name: str = ""  # the record named with its kind: "Point 21 of US 28: Territory"

    def signature(self):
        parts = [self.action, self.label, self.key]
        parts += [f"{f.name}={f.old!r}>{f.new!r}" for f in self.fields]
        return "\x1f".join(parts)


ACTIONS = ("created", "updated", "unchanged")
PREVIEW_ROWS = 1000  # objects listed one by one on the web preview; all are counted


@dataclass
class Preview:
    filename: str
    changes: list

    @property
    def digest(self):
        """A fingerprint of what the import does, to see whether it changed."""
        text = "\x1e".join(change.signature() for change in self.changes)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def counts(self):
        """{label: {action: n}} in dependency order, models absent from the file left out."""
        counts = {}
        for change in self.changes:
            row = counts.setdefault(change.label, dict.fromkeys(ACTIONS, 0))
            row[change.action] += 1
        return {label: counts[label] for label in LABELS if label in counts}

    @property
    def totals(self):
        totals = dict.fromkeys(ACTIONS, 0)
        for change in self.changes:
            totals[change.action] += 1
        return totals

    @property
    def changed(self):
        """The objects created or updated, listed first on the web preview."""
        return [change for change in self.changes if change.action != "unchanged"][:PREVIEW_ROWS]

    @property
    def unchanged(self):
        return [change for change in self.changes if change.action == "unchanged"][:PREVIEW_ROWS]

    @property
    def changed_unlisted(self):
        totals = self.totals
        return max(0, totals["created"] + totals["updated"] - PREVIEW_ROWS)

    @property
    def unchanged_unlisted(self):
        return max(0, self.totals["unchanged"] - PREVIEW_ROWS)

    @property
    def kinds(self):
        """``counts`` keyed by the plural record name ("Points") instead of the model label."""
        return {
            str(LABELS[label]._meta.verbose_name_plural).capitalize(): row
            for label, row in self.counts.items()
        }

    def summary(self):
        totals = self.totals
        return ", ".join(f"{totals[action]} {action}" for action in ACTIONS)


def _order(entries):
    """Entries in save order: by model, and within a model whatever an object
    refers to by a foreign key to its own model (Plan.derived_from) before it."""
    by_key = {(e.model, e.key): e for e in entries}
    ordered, state, errors = [], {}, []

    def visit(entry, own):
        at = (entry.model, entry.key)
        if state.get(at) == "done":
            return
        if state.get(at) == "visiting":
            raise Invalid(entry)
        state[at] = "visiting"
        for name in own:
            parent = entry.values.get(name)
            if parent is not None and (entry.model, parent) in by_key:
                visit(by_key[(entry.model, parent)], own)
        state[at] = "done"
        ordered.append(entry)

    for model in MODELS:
        own = [f.name for f in relations(model) if f.many_to_one and f.related_model is model]
        for entry in (e for e in entries if e.model is model):
            try:
                visit(entry, own)
            except Invalid:
                errors.append(f"{entry.where}: {', '.join(own)} forms a cycle.")
                state[(entry.model, entry.key)] = "done"
    if errors:
        raise ImportRefused(_capped(errors))
    return ordered


def _existing(entries):
    """The database's objects that the file's natural keys name, by (model, key)."""
    found = {}
    for model in MODELS:
        keys = [e.key for e in entries if e.model is model]
        parts = key_parts(model)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            # Each part narrowed on its own: the exact keys are matched below.
            narrowed = {
                f"{lookup}__in": {key[i] for key in chunk} for i, (lookup, _) in enumerate(parts)
            }
            objects = model.objects.select_related(*key_relations(model)).filter(**narrowed)
            for obj in objects:
                found[(model, tuple(obj.natural_key()))] = obj
    return found


class _Run:
    """One pass over the entries inside a transaction: check, diff and save.

    Many-to-many fields are set once every object is saved, so that a record
    may list others of its kind in any order (Source.cites, Party.member_of).
    """

    def __init__(self, entries, user, filename):
        self.entries = entries
        self.user = user
        self.summary = f"Imported from {filename}"[:300]
        self.in_file = {(e.model, e.key): e for e in entries}
        self.saved = {}
        self.failed = {}
        self.lookups = {}
        self.errors = []
        self.changes = []
        self.links = []  # (object, {m2m field: keys}, entry), set after the saves

    def resolve(self, model, key):
        if (model, key) in self.in_file:
            if (model, key) in self.failed:
                raise Invalid(f"refers to object {self.failed[(model, key)]}, which is invalid")
            return self.saved[(model, key)]
        return self.existing(model, key)

    def existing(self, model, key):
        if (model, key) not in self.lookups:
            try:
                found = model.objects.get_by_natural_key(*key)
            except model.DoesNotExist:
                found = None
            self.lookups[(model, key)] = found
        found = self.lookups[(model, key)]
        if found is None:
            raise Invalid(
                f"{model._meta.label_lower} {key_text(key)} exists neither in the file "
                "nor in the database"
            )
        return found

    def check(self, model, key):
        """A many-to-many target: in the file (saved later, maybe) or in the database."""
        if (model, key) in self.failed:
            raise Invalid(f"refers to object {self.failed[(model, key)]}, which is invalid")
        if (model, key) not in self.in_file:
            self.existing(model, key)
        return key

    def run(self, progress=None):
        ordered = _order(self.entries)
        self.lookups.update(_existing(self.entries))
        for done, entry in enumerate(ordered, 1):
            try:
                self.one(entry)
            except Invalid as exc:
                self.failed[(entry.model, entry.key)] = entry.index
                self.errors.append(f"{entry.where}: {exc}")
            if progress and (done % 200 == 0 or done == len(ordered)):
                progress("Checking", done, len(ordered))
        if self.errors:
            raise ImportRefused(_capped(self.errors))
        for obj, m2m, entry in self.links:
            self.link(obj, m2m, entry)
        if self.errors:
            raise ImportRefused(_capped(self.errors))
        return self.changes

    def one(self, entry):
        obj = self.lookups.get((entry.model, entry.key))
        created = obj is None
        obj = obj or entry.model()
        plain = {
            name: value
            for name, value in entry.values.items()
            if not entry.model._meta.get_field(name).many_to_many
        }
        before = {name: getattr(obj, attname(obj, name)) for name in plain}
        problems, m2m, resolved = [], {}, []
        for name, value in entry.values.items():
            model_field = entry.model._meta.get_field(name)
            try:
                if model_field.many_to_many:
                    m2m[name] = [self.check(model_field.related_model, k) for k in value]
                elif model_field.is_relation and value is not None:
                    setattr(obj, name, self.resolve(model_field.related_model, value))
                    resolved.append(name)
                else:
                    setattr(obj, name, value)
            except Invalid as exc:
                problems.append(f"{name}: {exc}")
        if created:
            missing = [n for n in required_fields(entry.model) if n not in entry.values]
            problems += [f"missing field {name!r}" for name in missing]
        if problems:
            # Still report what is wrong with the object's own values.
            relations_ = [f.name for f in entry.model._meta.concrete_fields if f.is_relation]
            try:
                obj.clean_fields(exclude=relations_)
            except ValidationError as exc:
                problems += validation_messages(exc)
            raise Invalid("; ".join(problems))
        try:
            # A reference just resolved exists: no need to query for it again.
            # (Constraints on those fields hold by natural key and in the database.)
            # Derived copies are the model's to set, on save.
            exclude = resolved + [f.name for f in obj._meta.concrete_fields if derived(f)]
            obj.full_clean(exclude=exclude)
        except ValidationError as exc:
            raise Invalid("; ".join(validation_messages(exc))) from exc
        changes = [] if created else self.field_changes(obj, before, plain)
        m2m_changes = self.m2m_changes(obj, m2m, created)
        changes += m2m_changes
        action = "created" if created else ("updated" if changes else "unchanged")
        self.save(obj, action, entry)
        # Only what changes is set: each set is a version in the history.
        changed = {c.name for c in m2m_changes}
        m2m = {name: keys for name, keys in m2m.items() if (keys if created else name in changed)}
        if m2m:
            self.links.append((obj, m2m, entry))
        self.saved[(entry.model, entry.key)] = obj
        self.changes.append(
            ObjectChange(
                action,
                entry.label,
                key_text(entry.key),
                str(obj)[:200],
                entry.index,
                entry.line,
                changes,
                obj.record_name[:300],
            )
        )

    @staticmethod
    def field_changes(obj, before, plain):
        """What the file changes in an existing object (ids compared, keys shown)."""
        changes = []
        for name, value in plain.items():
            model_field = obj._meta.get_field(name)
            old, new = before[name], getattr(obj, model_field.attname)
            if old == new:
                continue
            if model_field.is_relation:
                related = model_field.related_model._base_manager.filter(pk=old).first()
                old, new = related and tuple(related.natural_key()), value
            html = None
            if isinstance(model_field, TEXT_FIELDS) and not model_field.choices:
                html = word_diff_html(old, new)
            changes.append(FieldChange(name, shown(old), shown(new), html))
        return changes

    @staticmethod
    def m2m_changes(obj, m2m, created):
        changes = []
        if created:
            return changes
        for name, keys in m2m.items():
            related = obj._meta.get_field(name).related_model
            targets = getattr(obj, name).select_related(*key_relations(related))
            old = sorted(tuple(t.natural_key()) for t in targets)
            new = sorted(keys)
            if old != new:
                changes.append(FieldChange(name, shown(old), shown(new)))
        return changes

    def save(self, obj, action, entry):
        try:
            if action == "created":
                obj._history_user = self.user
                obj._change_reason = self.summary
                obj.save()
            elif action == "updated":
                obj.save_checked(obj.version, summary=self.summary, user=self.user)
        except EditConflict as exc:
            raise ImportRefused(
                f"{entry.where} was changed by someone else during the import; try again."
            ) from exc
        except DatabaseError as exc:
            raise ImportRefused(
                f"{entry.where}: the database refused it ({str(exc)[:200]})."
            ) from exc

    def link(self, obj, m2m, entry):
        """Set the many-to-many fields (recorded in the history like the save)."""
        try:
            for name, keys in m2m.items():
                related = obj._meta.get_field(name).related_model
                getattr(obj, name).set([self.resolve(related, key) for key in keys])
        except Invalid as exc:
            self.errors.append(f"{entry.where}: {exc}")
        except DatabaseError as exc:
            raise ImportRefused(
                f"{entry.where}: the database refused it ({str(exc)[:200]})."
            ) from exc


def attname(obj, name):
    return obj._meta.get_field(name).attname


def shown(value):
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return key_text(value)
    if isinstance(value, list):
        return ", ".join(key_text(v) for v in value) or "—"
    return str(value)


def validation_messages(exc):
    if not hasattr(exc, "error_dict"):
        return exc.messages
    return [
        message if name == NON_FIELD_ERRORS else f"{name}: {message}"
        for name, messages in exc.message_dict.items()
        for message in messages
    ]


def preview_import(entries, filename, user=None, progress=None):
    """What importing would do, object by object; nothing is kept."""
    with transaction.atomic():
        changes = _Run(entries, user, filename).run(progress)
        transaction.set_rollback(True)
    return Preview(filename, changes)


def apply_import(entries, filename, user, expected_digest=None, progress=None):
    """Import in one transaction: all or nothing.

    With ``expected_digest`` (the previewed import's fingerprint) the import is
    rolled back and ``PreviewChanged`` raised if it would now do something else.
    """
    with transaction.atomic():
        preview = Preview(filename, _Run(entries, user, filename).run(progress))
        if expected_digest is not None and preview.digest != expected_digest:
            transaction.set_rollback(True)
            raise PreviewChanged(preview)
    return preview


# The web import's upload, kept between preview and confirmation ----------------

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
ALLOWED_NAMES = re.compile(r".+\.json(\.gz)?", re.IGNORECASE)
STASH_LIFETIME = 24 * 3600


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops an upload once it passes the import size limit, before it is stored whole.

    Installed ahead of Django's handlers; the view sees ``request.upload_too_large``.
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > max_bytes():
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def stash_dir():
    path = Path(getattr(settings, "TRACKER_IMPORT_DIR", "") or tempfile.gettempdir())
    path = path / "tracker-imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stash_path(token):
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise ImportRefused("This import is no longer available: upload the file again.", 400)
    return stash_dir() / f"{token}.upload"


def stash_upload(upload):
    """Keep an uploaded file server-side under a random token; (token, sha256)."""
    folder = stash_dir()
    cutoff = time.time() - STASH_LIFETIME
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256()
    with stash_path(token).open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    return token, digest.hexdigest()


def open_stash(token, sha256):
    """The stashed upload as an open binary file, refused if it changed."""
    path = stash_path(token)
    try:
        stream = path.open("rb")
    except FileNotFoundError as exc:
        raise ImportRefused("This import is no longer available: upload the file again.") from exc
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    if not secrets.compare_digest(digest.hexdigest(), str(sha256)):
        stream.close()
        raise ImportRefused("The uploaded file changed since the preview: upload it again.", 409)
    stream.seek(0)
    return stream


def discard_stash(token):
    with contextlib.suppress(ImportRefused):
        stash_path(token).unlink(missing_ok=True)


def clean_filename(name):
    name = Path(str(name)).name
    return re.sub(r"[\x00-\x1f\x7f]", "", name)[:120] or "upload.json"


def preview_upload(token, sha256, filename, user):
    with open_stash(token, sha256) as stream:
        entries = read_fixture(stream)
    return preview_import(entries, filename, user)


def apply_upload(stashed, user):
    """Apply a previewed upload: re-read, re-checked against the database as it is now."""
    with open_stash(stashed.get("token"), stashed.get("sha256")) as stream:
        entries = read_fixture(stream)
    filename = stashed.get("filename") or "upload.json"
    return apply_import(entries, filename, user, expected_digest=stashed.get("digest"))
