"""Writing the record from the browser: saves that never lose an edit.

Every write goes through ``save()`` / ``delete()`` (never ``QuerySet.update``
or bulk operations) so django-simple-history records it with the user and
the edit summary.
"""

from dataclasses import dataclass

from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils.text import capfirst, slugify

from .history import recorded_as
from .merge import Merge
from .models import ChangeMarker, EditConflict, Tracked


def save_form(form, user):
    """Create or update the form's object, checking the version it was loaded at."""
    obj = form.save(commit=False)
    with transaction.atomic():
        if obj.pk is None:
            obj._change_reason = form.summary or None
            obj._history_user = user
            obj.save()
        else:
            obj.save_checked(form.cleaned_data["version"], summary=form.summary, user=user)
        form.save_m2m()
    return obj


def save_coding(form, user):
    """Save a coding; a new one is coded by ``user``."""
    if form.instance.pk is None:
        form.instance.coded_by = user
    return save_form(form, user)


class RowConflicts(Exception):
    """Codings or translations saved with the statement that both sides changed meanwhile.

    ``merges`` maps each such row's form to its merge with the row as saved
    since. Raised inside the save's transaction: nothing is saved.
    """

    def __init__(self, merges):
        super().__init__(f"{len(merges)} rows were changed by someone else")
        self.merges = merges


def save_rows(formset, statement, user, summary, save=save_form):
    """Save a statement's inline rows (codings, translations) with its summary.

    A row someone saved after the form was opened is merged field by field, as
    the statement is; the rows both sides changed are returned with their merges.
    """
    merges = {}
    for form in formset.deleted_forms:
        if form.instance.pk:
            version = form.cleaned_data.get("version") or form.instance.version
            try:
                delete_checked(form.instance, version, summary, user)
            except EditConflict as conflict:
                # Deleting what they changed: their change is shown before it goes.
                form.cleaned_data.setdefault("version", version)
                merges[form] = form.merge_with(conflict.current)
    for form in formset.changed_forms():
        merged = save_row(form, statement, user, summary, save)
        if merged is not None:
            merges[form] = merged
    return merges


def save_row(form, statement, user, summary, save):
    """Save one row, merged if it was saved meanwhile; its merge if both sides changed it."""
    attempt = form
    for _ in range(MERGE_ATTEMPTS):
        attempt.instance.statement = statement
        attempt.cleaned_data.setdefault("edit_summary", summary)
        try:
            save(attempt, user)
            return None
        except EditConflict as conflict:
            merged = form.merge_with(conflict.current)
        if merged.conflicts:
            return merged
        attempt = form.rebased(merged)
        if not attempt.is_valid():
            return merged.every_difference()
    return merged


def save_statement(form, user, *, codings, translations):
    """Save a statement with its codings and translations: all of it, or nothing.

    The statement goes through the version check (and the merge, by the
    caller); its rows are merged here. If both sides changed a row, nothing is
    saved: ``RowConflicts`` holds each such row's merge.
    """
    with transaction.atomic():
        statement = save_form(form, user)
        merges = save_rows(translations, statement, user, form.summary)
        merges |= save_rows(codings, statement, user, form.summary, save=save_coding)
        if merges:
            raise RowConflicts(merges)
    return statement


@dataclass
class Deletion:
    """What deleting a record does to the others, worked out before anything is written.

    ``cascade``: the records deleted with it (CASCADE). ``released``: the
    records that stay but lose their link to it or to a record deleted with
    it (SET_NULL, an event's parties), each with the fields that change.
    Building it raises ``ProtectedError`` / ``RestrictedError`` when a record
    still refers to one being deleted through a PROTECT relation.
    """

    obj: models.Model
    doomed: dict
    cascade: list
    released: dict

    @classmethod
    def of(cls, obj):
        collector = Collector(using=router.db_for_write(type(obj)))
        collector.collect([obj])
        doomed = {model: {o.pk for o in objs} for model, objs in collector.data.items()}
        cascade = [
            o
            for objs in collector.data.values()
            for o in objs
            if (type(o), o.pk) != (type(obj), obj.pk)
        ]
        return cls(obj, doomed, cascade, released_by(doomed))

    def reason(self, summary):
        """The summary recorded on every record the delete changes."""
        return summary or f"{capfirst(self.obj._meta.verbose_name)} “{self.obj}” deleted"

    def release(self, reason, user):
        """Save each released record without the link, through the change history."""
        for (model, pk), fields in self.released.items():
            record = model.objects.select_for_update().get(pk=pk)
            for field in fields:
                if field.many_to_many:
                    # Recorded once, by the save below, with the version bumped.
                    record.skip_history_when_saving = True
                    getattr(record, field.name).remove(*self.doomed[field.related_model])
                    del record.skip_history_when_saving
                else:
                    setattr(record, field.attname, None)
            record.save_checked(record.version, reason, user)

    def effects(self):
        """What the confirmation page lists: the records deleted with it, and those released."""
        deleted = {}
        for obj in self.cascade:
            deleted.setdefault(type(obj), []).append(obj)
        released = {}
        for (model, pk), fields in self.released.items():
            key = (model, ", ".join(str(f.verbose_name) for f in fields))
            released.setdefault(key, []).append(pk)
        return {
            "deleted": [(count(model, len(objs)), names(objs)) for model, objs in deleted.items()],
            "released": [
                (count(model, len(pks)), fields, names(model.objects.filter(pk__in=pks)))
                for (model, fields), pks in released.items()
            ],
        }


def count(model, n):
    meta = model._meta
    return f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"


def released_by(doomed):
    """Records outside ``doomed`` linked to one inside it by SET_NULL or many-to-many."""
    released = {}
    for model, pks in doomed.items():
        for rel in model._meta.related_objects:
            referring = rel.related_model
            if not issubclass(referring, Tracked):
                continue
            if not (rel.many_to_many or rel.on_delete is models.SET_NULL):
                continue
            referrers = referring.objects.filter(**{f"{rel.field.name}__in": pks})
            referrers = referrers.exclude(pk__in=doomed.get(referring, ())).distinct()
            for pk in referrers.values_list("pk", flat=True):
                released.setdefault((referring, pk), []).append(rel.field)
    return released


def names(objs, limit=10):
    objs = list(objs)
    shown = [str(obj) for obj in objs[:limit]]
    if len(objs) > limit:
        shown.append(f"and {len(objs) - limit} more")
    return shown


def delete_checked(obj, expected_version, summary="", user=None):
    """Delete ``obj`` unless someone saved it after ``expected_version`` was read.

    Nothing changes without a trace: records deleted with it are recorded
    with the user and the summary, and records that only referred to it are
    first saved without the link, with the same user and summary, in the same
    transaction. May raise ``EditConflict``, or ``ProtectedError`` /
    ``RestrictedError`` (before anything is written) when other records still
    refer to it.
    """
    model = type(obj)
    with transaction.atomic():
        ChangeMarker.hold()  # before the row: see ChangeMarker
        current = model.objects.select_for_update().get(pk=obj.pk)
        if current.version != expected_version:
            raise EditConflict(current)
        deletion = Deletion.of(current)
        reason = deletion.reason(summary)
        with recorded_as(user, reason):
            deletion.release(reason, user)
            current._change_reason = summary or None
            if user is not None:
                current._history_user = user
            current.delete()
    return deletion


MERGE_ATTEMPTS = 3


@dataclass
class Outcome:
    """What became of an edit: saved (perhaps merged), or offered again on a conflict."""

    obj: object = None
    # Set when someone saved the record after the editor opened it.
    merge: Merge | None = None
    # On a conflict: the form to offer again.
    form: object = None

    @property
    def saved(self):
        return self.obj is not None

    def message(self, saved):
        """``saved`` ("Saved: …."), and how the edit was merged, if it was."""
        return f"{saved} {self.merge.summary()}" if self.merge else saved


def save_merging(form, user, save=save_form):
    """Save ``form``; if someone saved the record since it was opened, merge field by field.

    Fields only one side changed are merged and the result saved without
    asking, at the current version (tried again if yet another save lands
    meanwhile). If both sides changed a field, or the merged values do not
    validate together, nothing is saved: the outcome holds the merge and the
    form to offer again.
    """
    attempt, merged = form, None
    for _ in range(MERGE_ATTEMPTS):
        try:
            return Outcome(save(attempt, user), merged)
        except EditConflict as conflict:
            merged = form.merge_with(conflict.current)
        if merged.conflicts:
            break
        attempt = form.rebased(merged)
        if not attempt.is_valid():
            merged = merged.every_difference()
            break
    return Outcome(None, merged, form.offered_again(merged))


def unique_slug(model, text, max_length=70):
    base = slugify(text)[:max_length].strip("-") or model._meta.model_name
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
