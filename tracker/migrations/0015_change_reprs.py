"""Name the records 0010 indexed as "Statement 12" as the change index names them.

Migration 0010 wrote a change-index row for each statement, topic, plan
author and lineage link it made, with ``object_repr`` a placeholder ("Statement 12") instead
of the record's name. Those rows are renamed here from the history record
each one points to, the way the change index names a record (its ``str()``):
the model methods are not available to a migration, so the names are built
from the historical models as ``__str__`` builds them at this point of the
schema. A row whose record cannot be named (a related record since deleted)
keeps its placeholder. Nothing else changes; going back leaves the names.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import migrations, models

REASON = "Converted to the evidence model (statements, topics, lineage, authors)"


def topic_name(record):
    return record.name


def plan_author_name(record):
    who = record.actor if record.actor_id else record.party
    role = dict(type(record)._meta.get_field("role").flatchoices).get(record.role, record.role)
    return f"{who.name} · {str(role).lower()} {record.plan.short_title}"


def statement_name(record):
    who = record.speaker.name if record.speaker_id else record.attribution
    return f"{who} ({record.party.short_name}), {record.said_on:%d %b %Y}"


def point_name(point):
    return f"{point.plan.short_title} · {point.number}. {point.title}"


def point_link_name(record):
    kind = dict(type(record)._meta.get_field("kind").flatchoices).get(record.kind, record.kind)
    kind = str(kind).lower()
    if record.later_id:
        return f"{point_name(record.earlier)} → {kind} → {point_name(record.later)}"
    return f"{point_name(record.earlier)} → {kind} in {record.plan.short_title}"


NAMES = {
    "Topic": topic_name,
    "PlanAuthor": plan_author_name,
    "Statement": statement_name,
    "PointLink": point_link_name,
}


def forwards(apps, schema_editor):
    Change = apps.get_model("tracker", "Change")
    ChangeMarker = apps.get_model("tracker", "ChangeMarker")
    total = 0
    for name, named in NAMES.items():
        Historical = apps.get_model("tracker", f"Historical{name}")
        rows = [
            change
            for change in Change.objects.filter(model=name.lower(), action="+", summary=REASON)
            if change.object_repr == f"{name} {change.object_id}"[:300]
        ]
        records = Historical.objects.in_bulk([change.history_id for change in rows])
        renamed = []
        for change in rows:
            record = records.get(change.history_id)
            if record is None:
                continue
            try:
                change.object_repr = named(record)[:300]
            except ObjectDoesNotExist:
                continue
            renamed.append(change)
        Change.objects.bulk_update(renamed, ["object_repr"], batch_size=500)
        total += len(renamed)
    if total:  # what the change index shows changed: cached reads of it are stale
        ChangeMarker.objects.filter(pk=1).update(value=models.F("value") + 1)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0014_event_end_lineage_certainty")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
