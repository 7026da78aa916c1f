"""Writing the record from the browser: saves that never lose an edit.

Every write goes through ``save()`` / ``delete()`` (never ``QuerySet.update``
or bulk operations) so django-simple-history records it with the user and
the edit summary.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.text import slugify

from .diff import changed, word_diff_html
from .models import EditConflict, Source


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


def save_position(form, user):
    """Save a position, first creating the new source it describes, if any."""
    with transaction.atomic():
        source = form.new_source()
        if source is not None:
            source.slug = unique_slug(Source, source.title)
            source._change_reason = form.summary or "Added with a position"
            source._history_user = user
            source.save()
            form.instance.source = source
        return save_form(form, user)


def delete_checked(obj, expected_version, summary="", user=None):
    """Delete ``obj`` unless someone saved it after ``expected_version`` was read.

    May raise ``EditConflict``, or ``ProtectedError`` when other records still
    refer to it.
    """
    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=obj.pk)
        if current.version != expected_version:
            raise EditConflict(current)
        current._change_reason = summary or None
        if user is not None:
            current._history_user = user
        current.delete()


def unique_slug(model, text, max_length=70):
    base = slugify(text)[:max_length].strip("-") or model._meta.model_name
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def display(instance, field):
    """A field's value as a reader sees it."""
    if field.choices:
        return instance._get_FIELD_display(field)
    if field.is_relation:
        pk = getattr(instance, field.attname)
        if pk is None:
            return ""
        related = field.related_model._default_manager.filter(pk=pk).first()
        return str(related) if related else f"(deleted #{pk})"
    value = getattr(instance, field.attname)
    return "" if value is None else str(value)


def conflict_changes(current, loaded_version, field_names):
    """What others changed since ``loaded_version``, field by field.

    The values as loaded come from the change history; a record without
    history (a bulk or fixture load) reports no field changes, only that the
    record moved on.
    """
    model = type(current)
    loaded = model.history.filter(id=current.pk, version=loaded_version).first()
    later = (
        model.history.filter(id=current.pk, version__gt=loaded_version)
        .select_related("history_user")
        .order_by("history_date")
    )
    edits = [
        {
            "user": record.history_user,
            "when": record.history_date,
            "summary": record.history_change_reason,
        }
        for record in later
    ]
    changes = []
    for name in field_names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if loaded is None or field.many_to_many:
            continue
        before, after = display(loaded, field), display(current, field)
        if changed(before, after):
            changes.append(
                {
                    "label": field.verbose_name,
                    "before": before,
                    "after": after,
                    "diff": word_diff_html(before, after),
                }
            )
    return {"current": current, "changes": changes, "edits": edits, "known": loaded is not None}
