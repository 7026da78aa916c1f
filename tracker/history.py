"""Glue between django-simple-history and the tracker's cross-model change feed."""

from .models import Change


def party_concerned(instance):
    """The party a change is about, for filtering the recent-changes feed."""
    name = type(instance).__name__.removeprefix("Historical")
    if name == "Party":
        return instance.id
    return getattr(instance, "party_id", None)


def index_history_record(history_instance):
    model = type(history_instance).__name__.removeprefix("Historical").lower()
    Change.objects.create(
        changed_at=history_instance.history_date,
        user_id=history_instance.history_user_id,
        model=model,
        object_id=history_instance.id,
        object_repr=str(history_instance.instance)[:300],
        history_id=history_instance.history_id,
        action=history_instance.history_type,
        summary=history_instance.history_change_reason or "",
        party_id=party_concerned(history_instance),
    )
