"""Writing the record from the browser: saves that never lose an edit.

Every write goes through ``save()`` / ``delete()`` (never ``QuerySet.update``
or bulk operations) so django-simple-history records it with the user and
the edit summary.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from .diff import changed, word_diff_html
from .models import ChangeMarker, Component, EditConflict, Party, Plan, Point, Position, Source


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
        ChangeMarker.hold()  # before the row: see ChangeMarker
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


def copy_plan(plan, *, slug, title, short_title, summary="", user=None):
    """A new draft plan version with ``plan``'s components and points.

    Each new point derives from the point it copies. One transaction: the
    copy is complete or absent.
    """
    reason = summary or f"New version of {plan.short_title}"

    def record(obj):
        obj._change_reason = reason
        obj._history_user = user
        obj.save()
        return obj

    with transaction.atomic():
        new = record(
            Plan(
                slug=slug,
                title=title,
                short_title=short_title,
                authored_by=plan.authored_by,
                derived_from=plan,
                status=Plan.Status.DRAFT,
                description=plan.description,
                certainty=plan.certainty,
                # A copy of a partial text is as partial as its original.
                all_points_known=plan.all_points_known,
            )
        )
        components = {
            old.pk: record(
                Component(
                    plan=new,
                    number=old.number,
                    title=old.title,
                    description=old.description,
                    certainty=old.certainty,
                )
            )
            for old in plan.components.all()
        }
        for old in plan.points.all():
            record(
                Point(
                    plan=new,
                    number=old.number,
                    title=old.title,
                    text=old.text,
                    topic=old.topic,
                    status=old.status,
                    component=components.get(old.component_id),
                    derived_from=old,
                    certainty=old.certainty,
                    notes=old.notes,
                )
            )
    return new


# The stance matrix -----------------------------------------------------------


def default_plan():
    """The newest plan (by date presented), else the first one."""
    return (
        Plan.objects.order_by(models.F("presented_on").desc(nulls_last=True), "-pk").first()
        or Plan.objects.first()
    )


def matrix_points(plan, filters):
    points = plan.points.select_related("component").order_by("number")
    if filters.get("topic"):
        points = points.filter(topic=filters["topic"])
    if filters.get("status"):
        points = points.filter(status=filters["status"])
    if filters.get("component"):
        points = points.filter(component__number=filters["component"])
    return points


def latest_stances(points):
    """(point id, party id) → the stance of that party's latest position (one query)."""
    latest = Position.objects.filter(point__in=points).latest_per_point_and_party()
    return {
        (point_id, party_id): stance
        for point_id, party_id, stance in latest.values_list("point_id", "party_id", "stance")
    }


def matrix_rows(points, parties, stances):
    """One row per point: the point and, per party, (party, stance or "").

    ``stances`` maps (point id, party id) to a stance value; an as-of view
    passes stances read from history instead of the live table.
    """
    return [
        (point, [(party, stances.get((point.pk, party.pk), "")) for party in parties])
        for point in points
    ]


def matrix_grid(rows, cell_url):
    """Each row of ``matrix_rows`` with its cells as one piece of HTML.

    Built here rather than in the template: at 50 parties × 300 points the
    template loop took over a second and format_html a third of one; plain
    formatting of pieces escaped once each takes a few milliseconds.
    ``cell_url`` is the matrix URL, to which "<point id>/<party id>/" is added.
    """
    base = escape(cell_url)
    labels = {}
    stances = {}

    def stance_class(stance):
        if stance not in stances:
            stances[stance] = escape(stance or "none"), escape(stance or "no position")
        return stances[stance]

    grid = []
    for point, cells in rows:
        html = []
        for party, stance in cells:
            css, text = stance_class(stance)
            if party.pk not in labels:
                labels[party.pk] = escape(party.short_name)
            label = labels[party.pk]
            html.append(
                f'<td id="c{point.pk:d}-{party.pk:d}" class="m m-{css}"><a href="{base}'
                f'{point.pk:d}/{party.pk:d}/" aria-label="{label}: {text}"></a></td>'
            )
        # Every piece above is an integer or was escaped: safe to mark.
        grid.append((point, mark_safe("".join(html))))  # noqa: S308
    return grid


def matrix_cell(point, party):
    """The stance shown in one matrix cell."""
    return latest_stances(Point.objects.filter(pk=point.pk)).get((point.pk, party.pk), "")


def parties_for_matrix():
    return list(Party.objects.only("pk", "slug", "name", "short_name"))
