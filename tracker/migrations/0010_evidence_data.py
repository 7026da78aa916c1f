"""Carry the data into the evidence model, keeping every record and its history.

- Each position's quote, speaker, date and source become a Statement; positions
  that quote the same words by the same speaker on the same day from the same
  source share one statement (the same remark coded on several points).
- Each point's single topic becomes its first topic; each point's single
  "derives from" link becomes a lineage link (same when title and text are
  unchanged, revised otherwise); each plan's "authored by" becomes its proposer.

Records created here get a first history record ("+") dated when their
origin was last changed, so that history, merge and restore find a base
version. Historical rows of positions get the statement they now read, and
each historical point row its topic, so earlier versions stay complete.
"""

import uuid
from collections import namedtuple

from django.db import migrations, models
from django.utils import timezone

# When and by whom a record created here counts as made.
Origin = namedtuple("Origin", "history_date history_user_id")

REASON = "Converted to the evidence model (statements, topics, lineage, authors)"

TOPICS = [
    ("sovereignty", "Sovereignty", "Territory and state definition"),
    ("territory", "Territory", "Territory and state definition"),
    ("security_architecture", "Security architecture", "Security sector"),
    ("security_guarantees", "Security guarantees", "Security guarantees"),
    ("nato", "NATO and alliance membership", "Alliance membership"),
    ("armed_forces", "Armed forces", "Security sector: armed forces"),
    ("ceasefire", "Ceasefire", "Security sector: ceasefire"),
    ("economy", "Economy", "Sanctions and economic normalisation"),
    ("sanctions", "Sanctions", "Sanctions and economic normalisation"),
    ("frozen_assets", "Frozen assets", "Frozen assets and reparations"),
    ("reconstruction", "Reconstruction", "Reconstruction"),
    ("nuclear", "Nuclear safety", "Nuclear safety"),
    ("humanitarian", "Humanitarian", "Humanitarian: prisoners, children, civilians"),
    ("elections", "Elections and governance", "Elections and governance"),
    ("amnesty", "Amnesty", "Transitional justice and amnesty"),
    ("implementation", "Implementation", "Implementation and guarantors"),
    ("other", "Other", ""),
]

ROLE_BY_KIND = {"mediator": "mediator", "organisation": "organisation", "bloc": "bloc"}
BELLIGERENTS = {"russia", "ukraine"}


def first_records(Historical, ids):
    """The first history record of each object in ``ids``: {id: record}."""
    first = {}
    for record in Historical.objects.filter(id__in=ids).order_by("history_date", "history_id"):
        first.setdefault(record.id, record)
    return first


def record(apps, name, objects, origin):
    """A "+" history record for each new object, dated and signed like its origin."""
    Model = apps.get_model("tracker", name)
    Historical = apps.get_model("tracker", f"Historical{name}")
    names = {f.attname for f in Historical._meta.concrete_fields}
    rows = []
    for obj in objects:
        source = origin(obj)
        values = {
            f.attname: getattr(obj, f.attname)
            for f in Model._meta.concrete_fields
            if f.attname in names
        }
        rows.append(
            Historical(
                **values,
                history_date=source.history_date,
                history_user_id=source.history_user_id,
                history_type="+",
                history_change_reason=REASON,
            )
        )
    records = Historical.objects.bulk_create(rows, batch_size=500)
    index(apps, name, records)
    return records


def index(apps, name, records):
    """One row in the change index per new history record, and the marker moved on."""
    Change = apps.get_model("tracker", "Change")
    ChangeMarker = apps.get_model("tracker", "ChangeMarker")
    Change.objects.bulk_create(
        [
            Change(
                changed_at=r.history_date,
                user_id=r.history_user_id,
                model=name.lower(),
                object_id=r.id,
                object_repr=f"{name} {r.id}"[:300],
                history_id=r.history_id,
                action="+",
                summary=REASON,
                party_id=getattr(r, "party_id", None),
            )
            for r in records
        ],
        batch_size=500,
    )
    if records and not ChangeMarker.objects.filter(pk=1).update(
        value=models.F("value") + len(records)
    ):
        ChangeMarker.objects.create(pk=1, value=len(records))


def topics(apps):
    Topic = apps.get_model("tracker", "Topic")
    Point = apps.get_model("tracker", "Point")
    HistoricalPoint = apps.get_model("tracker", "HistoricalPoint")
    HistoricalTopics = apps.get_model("tracker", "HistoricalPoint_topics")
    Through = Point.topics.through
    # Only the topics points use: a new database gets its list from the seed.
    used = set(Point.objects.values_list("topic", flat=True).distinct())
    used |= set(HistoricalPoint.objects.values_list("topic", flat=True).distinct())
    by_slug, made = {}, []
    for slug, name, category in TOPICS:
        if slug not in used:
            continue
        by_slug[slug], created = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "pax_category": category}
        )
        if created:
            made.append(by_slug[slug])
    record(apps, "Topic", made, lambda topic: Origin(timezone.now(), None))
    Through.objects.bulk_create(
        [
            Through(point_id=pk, topic_id=by_slug[t].pk)
            for pk, t in Point.objects.values_list("pk", "topic")
        ],
        batch_size=1000,
    )
    # A history row of a relation names its row in the live table (0 when the
    # point has since been deleted).
    rows = {(p, t): pk for pk, p, t in Through.objects.values_list("pk", "point_id", "topic_id")}
    HistoricalTopics.objects.bulk_create(
        [
            HistoricalTopics(
                id=rows.get((pk, by_slug[t].pk), 0),
                history_id=h,
                point_id=pk,
                topic_id=by_slug[t].pk,
            )
            for h, pk, t in HistoricalPoint.objects.values_list("history_id", "id", "topic")
            if t in by_slug
        ],
        batch_size=1000,
    )


def lineage(apps):
    Point = apps.get_model("tracker", "Point")
    PointLink = apps.get_model("tracker", "PointLink")
    HistoricalPoint = apps.get_model("tracker", "HistoricalPoint")
    later = list(Point.objects.filter(derived_from__isnull=False).select_related("derived_from"))
    links = [
        PointLink(
            uid=uuid.uuid4(),
            earlier_id=point.derived_from_id,
            later_id=point.pk,
            plan_id=point.plan_id,
            kind="same"
            if (point.title, point.text) == (point.derived_from.title, point.derived_from.text)
            else "revised",
            note="From the point's single “derives from” link.",
            version=1,
            updated_at=point.updated_at,
        )
        for point in later
    ]
    links = PointLink.objects.bulk_create(links, batch_size=500)
    first = first_records(HistoricalPoint, [link.later_id for link in links])
    record(
        apps,
        "PointLink",
        [link for link in links if link.later_id in first],
        lambda link: first[link.later_id],
    )


def authors(apps):
    Plan = apps.get_model("tracker", "Plan")
    PlanAuthor = apps.get_model("tracker", "PlanAuthor")
    HistoricalPlan = apps.get_model("tracker", "HistoricalPlan")
    plans = list(Plan.objects.filter(authored_by__isnull=False))
    made = PlanAuthor.objects.bulk_create(
        [
            PlanAuthor(
                uid=uuid.uuid4(),
                plan_id=plan.pk,
                party_id=plan.authored_by_id,
                role="proposer",
                certainty=plan.certainty,
                note="From the plan's single “authored by” field.",
                version=1,
                updated_at=plan.updated_at,
            )
            for plan in plans
        ]
    )
    first = first_records(HistoricalPlan, [a.plan_id for a in made])
    record(apps, "PlanAuthor", [a for a in made if a.plan_id in first], lambda a: first[a.plan_id])


def roles(apps):
    Party = apps.get_model("tracker", "Party")
    for party in Party.objects.all():
        role = (
            "belligerent" if party.slug in BELLIGERENTS else ROLE_BY_KIND.get(party.kind, "other")
        )
        if role != party.role:
            Party.objects.filter(pk=party.pk).update(role=role)


def statements(apps):
    Position = apps.get_model("tracker", "Position")
    Statement = apps.get_model("tracker", "Statement")
    HistoricalPosition = apps.get_model("tracker", "HistoricalPosition")
    HistoricalSources = apps.get_model("tracker", "HistoricalStatement_sources")
    Sources = Statement.sources.through

    groups = {}
    for position in Position.objects.select_related("speaker", "party").order_by("pk"):
        quote = position.quote.strip()
        key = (
            (position.party_id, position.speaker_id, position.stated_on, quote, position.source_id)
            if quote
            else ("position", position.pk)
        )
        groups.setdefault(key, []).append(position)

    made = []
    for members in groups.values():
        first = members[0]
        made.append(
            Statement(
                uid=uuid.uuid4(),
                party_id=first.party_id,
                speaker_id=first.speaker_id,
                attribution="" if first.speaker_id else "Speaker not recorded",
                capacity=first.speaker.role if first.speaker_id else "",
                said_on=first.stated_on,
                precision="day",
                language="en",
                text=first.quote,
                summary=first.summary,
                certainty=first.certainty,
                version=1,
                updated_at=first.updated_at,
            )
        )
    made = Statement.objects.bulk_create(made, batch_size=500)
    Sources.objects.bulk_create(
        [
            Sources(statement_id=s.pk, source_id=m[0].source_id)
            for s, m in zip(made, groups.values(), strict=True)
        ],
        batch_size=1000,
    )
    for statement, members in zip(made, groups.values(), strict=True):
        ids = [p.pk for p in members]
        Position.objects.filter(pk__in=ids).update(statement_id=statement.pk)
        HistoricalPosition.objects.filter(id__in=ids).update(statement_id=statement.pk)

    first = first_records(HistoricalPosition, [m[0].pk for m in groups.values()])
    origin = {s.pk: first.get(m[0].pk) for s, m in zip(made, groups.values(), strict=True)}
    records = record(apps, "Statement", [s for s in made if origin[s.pk]], lambda s: origin[s.pk])
    source_of = {s.pk: m[0].source_id for s, m in zip(made, groups.values(), strict=True)}
    rows = dict(Sources.objects.values_list("statement_id", "pk"))
    HistoricalSources.objects.bulk_create(
        [
            HistoricalSources(
                id=rows[r.id], history_id=r.history_id, statement_id=r.id, source_id=source_of[r.id]
            )
            for r in records
        ],
        batch_size=1000,
    )


def conditions(apps):
    """Conditions lived in the summary's free text: they are written out from it."""
    Position = apps.get_model("tracker", "Position")
    HistoricalPosition = apps.get_model("tracker", "HistoricalPosition")
    for model in (Position, HistoricalPosition):
        for pk, summary in model.objects.filter(stance="conditional", conditions="").values_list(
            "pk", "summary"
        ):
            model.objects.filter(pk=pk).update(conditions=summary)


def forwards(apps, schema_editor):
    conditions(apps)
    topics(apps)
    lineage(apps)
    authors(apps)
    roles(apps)
    statements(apps)


NEW_MODELS = [
    "statement",
    "translation",
    "provision",
    "pointtext",
    "pointlink",
    "pointstatus",
    "topic",
    "planauthor",
    "actorrole",
    "delegation",
]


def backwards(apps, schema_editor):
    """Going back drops the new models' tables (0009): their change index rows go too."""
    apps.get_model("tracker", "Change").objects.filter(model__in=NEW_MODELS).delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0009_evidence_model")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
