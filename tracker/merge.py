"""Three-way merge of an edit with what others saved since it was opened.

An edit refused by the version check is not thrown away: it is compared field
by field with the version the editor opened (the *base*, read from the change
history), and the record as it is now (*theirs*). What the editor submitted is
*mine*. A field only one side changed takes that side's value; a field both
sides changed to different values is a conflict that the editor settles.

The edit forms, the admin and restoring a version all merge here.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.db import models
from django.utils.formats import date_format

from .diff import word_diff_html

MINE, THEIRS, SAME, CONFLICT = "mine", "theirs", "same", "conflict"


@dataclass
class FieldMerge:
    """One field of a merge: where its merged value comes from, and the three values as read."""

    name: str
    label: str
    outcome: str
    base_text: str = ""
    theirs_text: str = ""
    mine_text: str = ""
    # The bound "keep theirs / use mine" field of the form offered again, if any.
    choice: object = None

    @property
    def diff(self):
        """From their value to mine, word by word."""
        return word_diff_html(self.theirs_text, self.mine_text)

    @property
    def their_change(self):
        return word_diff_html(self.base_text, self.theirs_text)


@dataclass
class Merge:
    current: models.Model
    base_known: bool
    fields: list
    edits: list = field(default_factory=list)

    def names(self, outcome):
        return [f.name for f in self.fields if f.outcome == outcome]

    @property
    def conflicts(self):
        return [f for f in self.fields if f.outcome == CONFLICT]

    @property
    def theirs(self):
        """Fields only they changed: merged with their value."""
        return [f for f in self.fields if f.outcome == THEIRS]

    @property
    def mine(self):
        """Fields only I changed: merged with mine."""
        return [f for f in self.fields if f.outcome == MINE]

    def every_difference(self):
        """The same merge with every field that differs from theirs left to the editor."""
        fields = [
            replace(f, outcome=CONFLICT) if f.outcome in (MINE, THEIRS) else f for f in self.fields
        ]
        return replace(self, fields=fields)

    def folded(self, name, label, parts):
        """The merge with the fields ``parts`` as one, ``name``: a form field that sets several
        (a coding's subject sets its point, component or plan). Changed by both, or one side
        changing one part and the other another, is a conflict."""
        taken = [f for f in self.fields if f.name in parts]
        if not taken:
            return self
        outcomes = {f.outcome for f in taken} - {SAME}
        if not outcomes:
            outcome = SAME
        elif len(outcomes) > 1:
            outcome = CONFLICT
        else:
            (outcome,) = outcomes

        def joined(attr):
            return " ".join(getattr(f, attr) for f in taken if getattr(f, attr))

        one = FieldMerge(
            name, label, outcome, joined("base_text"), joined("theirs_text"), joined("mine_text")
        )
        return replace(self, fields=[f for f in self.fields if f.name not in parts] + [one])

    def offer_choices(self, form, choice_name):
        """Attach each conflicting field's choice in ``form`` for the template."""
        for f in self.conflicts:
            f.choice = form[choice_name(f.name)]
        return self

    def summary(self):
        """A sentence for the page that saved the merged result."""
        if not self.theirs:
            return "Someone saved it meanwhile, but changed nothing you changed."
        labels = ", ".join(f.label for f in self.theirs)
        return f"Merged with what was saved meanwhile: their change to {labels} is kept."


def merge(current, base_version, mine):
    """Merge ``mine`` ({field name: submitted value}) into ``current``.

    ``base_version`` is the version the editor opened. Fields left out of
    ``mine`` are not the editor's to merge. Without a history record for the
    base (a bulk load, a version never recorded) every field that differs
    from theirs is a conflict.
    """
    model = type(current)
    base = base_record(model, current.pk, base_version)
    fields = []
    for name, my_value in mine.items():
        model_field = model._meta.get_field(name)
        theirs = live_value(model_field, current)
        mine_value = comparable(model_field, my_value)
        before = recorded_value(model_field, base) if base is not None else None
        outcome = field_outcome(base is not None, before, theirs, mine_value)
        merged = FieldMerge(name, str(model_field.verbose_name).capitalize(), outcome)
        if outcome != SAME:
            if base is not None:
                merged.base_text = text(model_field, before)
            merged.theirs_text = text(model_field, theirs)
            merged.mine_text = text(model_field, mine_value)
        fields.append(merged)
    return Merge(current, base is not None, fields, their_edits(model, current.pk, base_version))


def field_outcome(base_known, before, theirs, mine):
    if mine == theirs:
        return SAME
    if not base_known:
        return CONFLICT
    if mine == before:
        return THEIRS
    if theirs == before:
        return MINE
    return CONFLICT


def base_record(model, pk, version):
    """The history record of ``pk`` at ``version`` (its last one, with its final relations)."""
    if version is None:
        return None
    return (
        model.history.filter(id=pk, version=version)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )


def their_edits(model, pk, version):
    """Who saved the record after ``version``, when and why: one line per version."""
    records = (
        model.history.filter(id=pk, version__gt=version or 0)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    edits = {}
    for record in records:
        edits.setdefault(
            record.version,
            {
                "user": record.history_user,
                "when": record.history_date,
                "summary": record.history_change_reason,
            },
        )
    return list(edits.values())


# --- values that compare alike, wherever they were read -------------------------------


def comparable(model_field, value):
    """``value`` as the merge compares it: ids for relations, sets for many-to-many."""
    if model_field.many_to_many:
        return frozenset(getattr(v, "pk", v) for v in value or ())
    if model_field.is_relation:
        return getattr(value, "pk", value)
    if isinstance(value, str):
        # Browsers send line breaks as CRLF whatever the stored text has.
        return value.replace("\r\n", "\n")
    if value is None and isinstance(model_field, models.CharField | models.TextField):
        return ""
    return value


def live_value(model_field, obj):
    if model_field.many_to_many:
        return frozenset(getattr(obj, model_field.name).values_list("pk", flat=True))
    return comparable(model_field, getattr(obj, model_field.attname))


def recorded_value(model_field, record):
    """The value a history record holds (many-to-many from simple-history's rows)."""
    if model_field.many_to_many:
        target = f"{model_field.m2m_reverse_field_name()}_id"
        return frozenset(getattr(record, model_field.name).values_list(target, flat=True))
    return comparable(model_field, getattr(record, model_field.attname))


def text(model_field, value):
    """A value as a reader sees it: names for relations, labels for choices."""
    if value is None or value == "" or value == frozenset():
        return ""
    related = model_field.related_model
    if model_field.many_to_many:
        return ", ".join(sorted(str(obj) for obj in related._default_manager.filter(pk__in=value)))
    if model_field.is_relation:
        obj = related._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else f"(deleted {related._meta.verbose_name} #{value})"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return date_format(value, "j M Y")
    return str(value)
