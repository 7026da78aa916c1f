"""Recording every write: who made it and why, and the cross-model ``Change`` index.

simple-history writes each version; the signal handlers (tracker/signals.py)
call in here to attribute writes the library does not see (raw fixture
loads, bulk writes, management commands) and to index every record.
"""

import contextlib
import threading

from django.contrib.auth import get_user_model

from ..models import Change
from .records import TRACKED, build_instance

FIXTURE_SUMMARY = "Loaded from a fixture"


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


# --- size ----------------------------------------------------------------------------------


def history_sizes():
    """History rows per tracked model, and the Change index, for the stats command."""
    sizes = {name: model.history.count() for name, model in TRACKED.items()}
    sizes["change index"] = Change.objects.count()
    return sizes
