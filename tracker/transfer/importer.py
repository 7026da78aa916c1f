"""Preview and apply: the checked entries matched with the database and saved.

The preview is the same run inside a transaction that is rolled back, so it
sees every database constraint the real apply will.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction

from ..diff import word_diff_html
from ..models import EditConflict
from .checks import TEXT_FIELDS, Invalid, capped, required_fields
from .keys import LABELS, MODELS, derived, key_parts, key_relations, key_text, relations
from .reader import ImportRefused


class PreviewChanged(Exception):
    """The database changed between the preview and the confirmation."""

    def __init__(self, preview):
        super().__init__("The database changed since the preview.")
        self.preview = preview


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
        raise ImportRefused(capped(errors))
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
            raise ImportRefused(capped(self.errors))
        for obj, m2m, entry in self.links:
            self.link(obj, m2m, entry)
        if self.errors:
            raise ImportRefused(capped(self.errors))
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
