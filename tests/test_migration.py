"""The evidence model's migrations carry a database of the previous model over with
nothing lost: every position, its quote, speaker, date and source, every point's
topic and lineage, every plan's author, and every history record. Three databases
are carried: a small one made by hand, the real seed of the previous model (its
fixture loaded through the models of that time) and a large generated one."""

import datetime
import json
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tracker", "0008_change_marker")]
SAID = datetime.date(2025, 11, 20)
CREATED = datetime.datetime(2025, 11, 1, 9, 0, tzinfo=datetime.UTC)


def migrate(targets):
    """The database migrated to ``targets``; returns the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # the graph as migrated, for the state's models
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("tracker")


class OldRecords:
    """Rows written in the model of migration 0008 as that model's code wrote them: each
    with its history record and its row in the change index."""

    user_id = None

    def __init__(self, apps):
        self.apps = apps
        self.clock = CREATED

    def model(self, name):
        return self.apps.get_model("tracker", name)

    def tick(self):
        self.clock += datetime.timedelta(minutes=7)
        return self.clock

    def recorded(self, model_name, **values):
        """A row, its "created" history record and its change index row."""
        obj = self.model(model_name).objects.create(**values)
        self.record(obj, "+")
        return obj

    def changed(self, obj, **values):
        for field, value in values.items():
            setattr(obj, field, value)
        obj.version += 1
        obj.save()
        self.record(obj, "~")

    def name(self, obj):
        return str(obj.pk)

    def record(self, obj, action):
        name = type(obj).__name__
        historical = self.model(f"Historical{name}")
        fields = {f.attname for f in historical._meta.concrete_fields}
        when = self.tick()
        record = historical.objects.create(
            **{
                f.attname: getattr(obj, f.attname)
                for f in obj._meta.concrete_fields
                if f.attname in fields
            },
            history_date=when,
            history_type=action,
            history_change_reason=f"{name} {action}",
            history_user_id=self.user_id,
        )
        # A record's many-to-many rows as they stood (an event's parties).
        for field in obj._meta.many_to_many:
            try:
                rows = self.model(f"Historical{name}_{field.name}")
            except LookupError:
                continue
            own, other = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            for pk, related in field.remote_field.through.objects.filter(
                **{own: obj.pk}
            ).values_list("pk", other):
                rows.objects.create(
                    id=pk, history_id=record.history_id, **{own: obj.pk, other: related}
                )
        self.model("Change").objects.create(
            changed_at=when,
            user_id=self.user_id,
            model=name.lower(),
            object_id=obj.pk,
            object_repr=self.name(obj),
            history_id=record.history_id,
            action=action,
            summary=record.history_change_reason,
            party_id=getattr(obj, "party_id", None),
        )


class OldData(OldRecords):
    """A small database in the model of migration 0008, with its history and change index."""

    def __init__(self, apps):
        super().__init__(apps)
        model = self.model
        self.russia = self.recorded("Party", slug="russia", name="Russia", short_name="RU")
        self.ukraine = self.recorded("Party", slug="ukraine", name="Ukraine", short_name="UA")
        self.us = self.recorded("Party", slug="us", name="United States", short_name="US")
        self.lavrov = self.recorded(
            "Actor", slug="lavrov", name="Sergei Lavrov", party=self.russia, role="Minister"
        )
        self.reuters = self.recorded("Source", slug="reuters", title="Reuters report")
        self.tass = self.recorded("Source", slug="tass", title="TASS report")
        self.draft = self.recorded(
            "Plan", slug="draft", title="28-point draft", short_title="Draft", authored_by=self.us
        )
        self.geneva = self.recorded(
            "Plan",
            slug="geneva",
            title="Geneva text",
            short_title="Geneva",
            authored_by=self.ukraine,
            derived_from=self.draft,
        )
        self.unsigned = self.recorded("Plan", slug="unsigned", title="Unsigned", short_title="U")
        self.component = self.recorded("Component", plan=self.draft, number=1, title="Security")
        self.territory = self.point(self.draft, 1, "territory", "Line of contact", "Frozen.")
        self.nato = self.point(self.draft, 2, "nato", "No NATO", "Ukraine stays out.")
        self.same = self.point(
            self.geneva, 1, "territory", "Line of contact", "Frozen.", self.territory
        )
        self.revised = self.point(
            self.geneva, 2, "security_guarantees", "No NATO", "Guarantees instead.", self.nato
        )
        quoted = {
            "party": self.russia,
            "speaker": self.lavrov,
            "stated_on": SAID,
            "quote": "The line must stay where it is.",
            "source": self.reuters,
        }
        # The same remark coded on two points: one statement, two codings.
        self.twice = [
            self.recorded(
                "Position", point=self.territory, stance="supports", summary="A", **quoted
            ),
            self.recorded("Position", point=self.same, stance="supports", summary="B", **quoted),
        ]
        # The same words from another source are another report: another statement.
        self.elsewhere = self.recorded(
            "Position",
            point=self.nato,
            stance="opposes",
            summary="C",
            **{**quoted, "source": self.tass},
        )
        self.conditional = self.recorded(
            "Position",
            party=self.ukraine,
            point=self.revised,
            stance="conditional",
            summary="Only with guarantees from the United States.",
            stated_on=SAID,
            source=self.reuters,
        )
        self.unnamed = self.recorded(
            "Position",
            party=self.ukraine,
            plan=self.geneva,
            stance="supports",
            summary="Welcomes the text.",
            stated_on=SAID - datetime.timedelta(days=1),
            source=self.tass,
        )
        self.on_component = self.recorded(
            "Position",
            party=self.us,
            component=self.component,
            stance="unclear",
            summary="E",
            quote="We will see.",
            stated_on=SAID,
            source=self.reuters,
        )
        # A later edit of a point and of a coding: "changed" records.
        self.changed(self.nato, text="Ukraine stays out, in its constitution.")
        self.changed(self.twice[0], stance="conditional", summary="Only on the line.")
        self.changed(self.conditional, summary="Only with guarantees from the U.S. and Europe.")
        self.positions = [
            *self.twice,
            self.elsewhere,
            self.conditional,
            self.unnamed,
            self.on_component,
        ]
        self.points = [self.territory, self.nato, self.same, self.revised]
        assert model("Position").objects.count() == len(self.positions)

    def point(self, plan, number, topic, title, text, derived_from=None):
        return self.recorded(
            "Point",
            plan=plan,
            number=number,
            topic=topic,
            title=title,
            text=text,
            derived_from=derived_from,
        )


HISTORIES = ["Party", "Actor", "Source", "Plan", "Component", "Point", "Position", "Event"]


def counts(apps):
    return {
        name: apps.get_model("tracker", f"Historical{name}").objects.count() for name in HISTORIES
    }


def changes(apps):
    return list(
        apps.get_model("tracker", "Change")
        .objects.order_by("pk")
        .values_list(
            "changed_at",
            "user_id",
            "model",
            "object_id",
            "object_repr",
            "history_id",
            "action",
            "summary",
            "party_id",
        )
    )


@pytest.mark.django_db(transaction=True)
def test_it_carries_the_previous_model_into_the_evidence_model_with_nothing_lost():
    newest = latest()
    try:
        old = OldData(migrate(BEFORE))
        history_before, changes_before = counts(old.apps), changes(old.apps)
        apps = migrate(newest)

        def model(name):
            return apps.get_model("tracker", name)

        Position, Statement, Point = model("Position"), model("Statement"), model("Point")
        assert counts(apps) == history_before
        # The old index stays as it was; each record the migration creates is
        # indexed after it, with the migration's reason.
        after = changes(apps)
        assert after[: len(changes_before)] == changes_before
        added = after[len(changes_before) :]
        made = sum(
            model(f"Historical{name}").objects.count()
            for name in ("Statement", "PointLink", "PlanAuthor", "Topic")
        )
        assert len(added) == made
        assert {
            (row[6], row[7].startswith("Converted to the evidence model")) for row in added
        } == {("+", True)}
        # Each is named as the change index names a record, not "Statement 12" (0015).
        named = model("Change").objects.order_by("pk")[len(changes_before) :]
        for change in named:
            record = django_apps.get_model("tracker", change.model).objects.get(pk=change.object_id)
            assert change.object_repr == str(record), change.model

        # Every position is a coding, under its own primary key, of a statement
        # that says what the position quoted, by whom, when and from where.
        for was in old.positions:
            coding = Position.objects.get(pk=was.pk)
            statement = coding.statement
            assert coding.uid == was.uid
            assert (coding.party_id, coding.stated_on) == (was.party_id, was.stated_on)
            assert statement.text == was.quote
            assert statement.speaker_id == was.speaker_id
            assert statement.said_on == was.stated_on
            assert statement.party_id == was.party_id
            assert list(statement.sources.values_list("pk", flat=True)) == [was.source_id]
        first, second = (Position.objects.get(pk=p.pk) for p in old.twice)
        assert first.statement_id == second.statement_id
        assert Position.objects.get(pk=old.elsewhere.pk).statement_id != first.statement_id
        assert Statement.objects.count() == len(old.positions) - 1
        unnamed = Position.objects.get(pk=old.unnamed.pk).statement
        assert unnamed.speaker_id is None
        assert unnamed.attribution == "Speaker not recorded"
        assert Statement.objects.get(pk=first.statement_id).capacity == "Minister"

        # A conditional coding writes out its conditions from its summary.
        conditional = Position.objects.get(pk=old.conditional.pk)
        assert conditional.conditions == conditional.summary != ""
        assert Position.objects.get(pk=old.twice[0].pk).conditions == "Only on the line."

        # Topics, lineage and authors.
        for was in old.points:
            point = Point.objects.get(pk=was.pk)
            assert was.topic in set(point.topics.values_list("slug", flat=True))
        links = model("PointLink").objects.order_by("later_id")
        assert list(links.values_list("earlier_id", "later_id", "plan_id", "kind")) == [
            (old.territory.pk, old.same.pk, old.geneva.pk, "same"),
            (old.nato.pk, old.revised.pk, old.geneva.pk, "revised"),
        ]
        authors = model("PlanAuthor").objects.order_by("plan_id")
        assert list(authors.values_list("plan_id", "party_id", "actor_id", "role")) == [
            (old.draft.pk, old.us.pk, None, "proposer"),
            (old.geneva.pk, old.ukraine.pk, None, "proposer"),
        ]

        # Every old history record of a position reads its statement now, and a
        # conditional one its conditions; each point's records keep its topic.
        HistoricalPosition = model("HistoricalPosition")
        for record in HistoricalPosition.objects.all():
            coding = Position.objects.get(pk=record.id)
            assert record.statement_id == coding.statement_id
            assert record.party_id == coding.party_id
            assert record.stance != "conditional" or record.conditions == record.summary
        HistoricalPoint = model("HistoricalPoint")
        for record in HistoricalPoint.objects.all():
            topics = model("HistoricalPoint_topics").objects.filter(history_id=record.history_id)
            slugs = set(
                model("Topic")
                .objects.filter(pk__in=topics.values("topic_id"))
                .values_list("slug", flat=True)
            )
            assert Point.objects.get(pk=record.id).topics.filter(slug__in=slugs).exists()

        # Each new record has its "created" record, its statement's sources with it.
        HistoricalStatement = model("HistoricalStatement")
        for statement in Statement.objects.all():
            records = HistoricalStatement.objects.filter(id=statement.pk)
            assert list(records.values_list("history_type", flat=True)) == ["+"]
            sources = model("HistoricalStatement_sources").objects.filter(
                history_id=records.get().history_id
            )
            assert list(sources.values_list("source_id", flat=True)) == list(
                statement.sources.values_list("pk", flat=True)
            )
        for name in ("PointLink", "PlanAuthor"):
            made = model(name).objects.values_list("pk", flat=True)
            recorded = model(f"Historical{name}").objects.filter(history_type="+")
            assert sorted(recorded.values_list("id", flat=True)) == sorted(made)
    finally:
        migrate(newest)


# The real seed of the previous model, in its fixture format (natural keys): the
# database the evidence model's migrations first carried over.
SEED = Path(__file__).resolve().parent / "data" / "seed-before-statements.json"

# How the fixtures of migration 0008 named a row that others refer to.
KEYS = {
    "Party": ("slug",),
    "Actor": ("slug",),
    "Source": ("slug",),
    "Plan": ("slug",),
    "Event": ("slug",),
    "Component": ("plan", "number"),
    "Point": ("plan", "number"),
    "Position": ("uid",),
}

# The fields the evidence model moved elsewhere; the test follows each to its new place.
MOVED = {
    ("Plan", "authored_by"),
    ("Point", "topic"),
    ("Point", "derived_from"),
    ("Position", "quote"),
    ("Position", "speaker"),
    ("Position", "source"),
}


class SeedData(OldRecords):
    """The seed fixture loaded into the model of migration 0008 as a desk of that time
    loaded it: row by row in the fixture's order, each signed by the loading user, with
    its "created" history record and its change index row."""

    def __init__(self, apps, items):
        super().__init__(apps)
        self.user_id = apps.get_model("auth", "User").objects.create(username="seed-desk").pk
        self.loaded = [(item, self.load(item)) for item in items]

    def load(self, item):
        Model = self.apps.get_model(item["model"])
        values, many = {}, {}
        for name, value in item["fields"].items():
            field = Model._meta.get_field(name)
            if field.many_to_many:
                many[name] = [self.find(field.related_model, key) for key in value]
            elif field.is_relation:
                found = None if value is None else self.find(field.related_model, value)
                values[field.attname] = found
            else:
                values[name] = field.to_python(value)
        obj = Model.objects.create(**values)
        for name, pks in many.items():
            getattr(obj, name).set(pks)
        self.record(obj, "+")
        return obj

    def find(self, model, key):
        """The primary key of ``model``'s row with the natural key ``key``."""
        return model.objects.get(**self.lookup(model, list(key))).pk

    def lookup(self, model, key):
        query = {}
        for name in KEYS[model.__name__]:
            field = model._meta.get_field(name)
            if field.is_relation:  # a nested key: the related row's key, flattened
                for part, value in self.lookup(field.related_model, key).items():
                    query[f"{name}__{part}"] = value
            else:
                query[name] = key.pop(0)
        return query

    def key(self, obj):
        parts = []
        for name in KEYS[type(obj).__name__]:
            value = getattr(obj, name)
            parts += self.key(value) if hasattr(value, "_meta") else [str(value)]
        return parts

    def name(self, obj):
        return " ".join(self.key(obj))


# Topic slugs the previous model allowed (each has its Topic in migration 0010).
TOPIC_SLUGS = [
    "sovereignty",
    "territory",
    "security_guarantees",
    "nato",
    "armed_forces",
    "ceasefire",
    "sanctions",
    "frozen_assets",
    "reconstruction",
    "nuclear",
    "humanitarian",
    "elections",
    "amnesty",
    "implementation",
]


class GeneratedData(OldRecords):
    """A large database in the model of migration 0008: ``plans`` plans of ``points``
    points each, the later plans derived from the first, and ``positions`` positions
    in the ways positions were coded, with later edits in their history."""

    def __init__(self, apps, plans, points, positions):
        super().__init__(apps)
        kinds = ["state", "state", "state", "bloc"]
        self.parties = [
            self.recorded(
                "Party", slug=f"party-{n}", name=f"Party {n}", short_name=f"P{n}", kind=kind
            )
            for n, kind in enumerate(kinds)
        ]
        self.actors = [
            self.recorded(
                "Actor", slug=f"actor-{n}", name=f"Actor {n}", party=party, role=f"Minister {n}"
            )
            for n, party in enumerate(self.parties)
        ]
        self.sources = [
            self.recorded("Source", slug=f"source-{n}", title=f"Report {n}") for n in range(5)
        ]
        first = None
        self.plans, self.points, self.components = [], [], []
        for p in range(plans):
            plan = self.recorded(
                "Plan",
                slug=f"plan-{p}",
                title=f"Plan {p}",
                short_title=f"Plan {p}",
                authored_by=None if p == plans - 1 else self.parties[p % 3],
                derived_from=first,
            )
            components = [
                self.recorded("Component", plan=plan, number=c + 1, title=f"Component {c + 1}")
                for c in range(4)
            ]
            for n in range(1, points + 1):
                earlier = self.points[n - 1] if first and n % 3 else None
                self.points.append(
                    self.recorded(
                        "Point",
                        plan=plan,
                        number=n,
                        topic=TOPIC_SLUGS[(n + p) % len(TOPIC_SLUGS)],
                        title=earlier.title if earlier else f"Point {n} of plan {p}",
                        # Half of the derived points keep the earlier text, half revise it.
                        text=earlier.text if earlier and n % 2 else f"Text {n} of plan {p}.",
                        component=components[n % 4] if n % 2 else None,
                        derived_from=earlier,
                    )
                )
            first = first or plan
            self.plans.append(plan)
            self.components += components
        for point in self.points[::10]:
            self.changed(point, text=f"{point.text} Amended.")
        self.positions = [self.position(i) for i in range(positions)]
        for position in self.positions[::4]:
            self.changed(position, summary=f"{position.summary} Revised.")

    def position(self, i):
        """Position ``i``: of each five, two code one remark on two subjects, the third
        the same words from another source, the fourth a reading with no quote or
        speaker, the fifth a conditional stance on a remark of its own."""
        remark, kind = divmod(i, 5)
        party = self.parties[remark % len(self.parties)]
        subject = self.subject(i)
        values = {
            "party": party,
            "speaker": self.actors[remark % len(self.actors)],
            "stated_on": SAID - datetime.timedelta(days=remark % 30),
            "quote": f"Remark {remark}: the line stays where it is.",
            "source": self.sources[remark % len(self.sources)],
            "stance": "supports",
            "summary": f"Reading {i}.",
        }
        if kind == 2:
            values["source"] = self.sources[(remark + 1) % len(self.sources)]
            values["stance"] = "opposes"
        elif kind == 3:
            values.update(quote="", speaker=None, stance="unclear")
        elif kind == 4:
            values.update(
                quote=f"Remark {remark}: only with guarantees.",
                stance="conditional",
                summary=f"Only with guarantees ({i}).",
            )
        return self.recorded("Position", **values, **subject)

    def subject(self, i):
        if i % 11 == 0:
            return {"component": self.components[i % len(self.components)]}
        if i % 7 == 0:
            return {"plan": self.plans[i % len(self.plans)]}
        return {"point": self.points[i % len(self.points)]}


class Before:
    """What a database of the previous model holds, read before it is migrated."""

    def __init__(self, apps):
        def model(name):
            return apps.get_model("tracker", name)

        self.positions = list(
            model("Position")
            .objects.order_by("pk")
            .values(
                "pk",
                "uid",
                "party_id",
                "stated_on",
                "quote",
                "speaker_id",
                "source_id",
                "stance",
                "summary",
                "plan_id",
                "component_id",
                "point_id",
            )
        )
        self.points = list(
            model("Point").objects.values(
                "pk", "plan_id", "topic", "derived_from_id", "title", "text"
            )
        )
        self.authors = dict(
            model("Plan").objects.filter(authored_by__isnull=False).values_list("pk", "authored_by")
        )
        self.roles = dict(model("Actor").objects.values_list("pk", "role"))
        self.point_topics = dict(
            model("HistoricalPoint").objects.values_list("history_id", "topic")
        )
        self.position_records = dict(
            model("HistoricalPosition").objects.values_list("history_id", "id")
        )
        self.histories = counts(apps)
        self.event_parties = model("HistoricalEvent_parties").objects.count()
        self.changes = changes(apps)

    def remarks(self):
        """The positions grouped by the remark they quote: the same words by the same
        speaker on the same day from the same source; a position without a quote is a
        remark of its own. Each group is to become one statement."""
        groups = {}
        for p in self.positions:
            quote = p["quote"].strip()
            key = (
                (p["party_id"], p["speaker_id"], p["stated_on"], quote, p["source_id"])
                if quote
                else ("unquoted", p["pk"])
            )
            groups.setdefault(key, set()).add(p["pk"])
        return list(groups.values())


def assert_carried(before, apps, user_id=None):
    """Everything ``before`` read is in the migrated database, where the evidence model
    keeps it, with every history record and change index row."""

    def model(name):
        return apps.get_model("tracker", name)

    Position, Statement = model("Position"), model("Statement")
    assert counts(apps) == before.histories
    assert model("HistoricalEvent_parties").objects.count() == before.event_parties

    # The old change index unchanged, row for row; each record the migration made
    # indexed after it, signed as its origin was, named as the index names it.
    after = changes(apps)
    assert after[: len(before.changes)] == before.changes
    added = model("Change").objects.order_by("pk")[len(before.changes) :]
    new_names = ("Statement", "PointLink", "PlanAuthor", "Topic")
    made = sum(model(f"Historical{name}").objects.count() for name in new_names)
    assert len(added) == made
    for change in added:
        assert (change.action, change.summary.startswith("Converted to the evidence")) == (
            "+",
            True,
        )
        record = django_apps.get_model("tracker", change.model).objects.get(pk=change.object_id)
        assert change.object_repr == str(record), change.model
        if change.model != "topic":  # topics are the migration's own
            assert change.user_id == user_id

    # Every position a coding under its own key, of a statement saying what it quoted.
    codings = {c["id"]: c for c in Position.objects.values()}
    statements = {s["id"]: s for s in Statement.objects.values()}
    sources = {}
    for statement_id, source_id in Statement.sources.through.objects.values_list(
        "statement_id", "source_id"
    ):
        sources.setdefault(statement_id, []).append(source_id)
    assert sorted(codings) == [p["pk"] for p in before.positions]
    for was in before.positions:
        coding = codings[was["pk"]]
        statement = statements[coding["statement_id"]]
        kept = ("uid", "party_id", "stated_on", "stance", "summary")
        kept += ("plan_id", "component_id", "point_id")
        assert {f: coding[f] for f in kept} == {f: was[f] for f in kept}
        assert coding["conditions"] == (was["summary"] if was["stance"] == "conditional" else "")
        assert statement["text"] == was["quote"]
        assert statement["speaker_id"] == was["speaker_id"]
        assert statement["said_on"] == was["stated_on"]
        assert statement["party_id"] == was["party_id"]
        assert sources[statement["id"]] == [was["source_id"]]
        if was["speaker_id"]:
            assert statement["capacity"] == before.roles[was["speaker_id"]]
        else:
            assert statement["attribution"] == "Speaker not recorded"
    # The same remark coded on several subjects is one statement; nothing else is.
    by_statement = {}
    for pk, coding in codings.items():
        by_statement.setdefault(coding["statement_id"], set()).add(pk)
    assert sorted(map(sorted, by_statement.values())) == sorted(map(sorted, before.remarks()))
    assert len(statements) == len(before.remarks())

    # Each point's topic is its topic; each "derived from" a lineage link; each
    # "authored by" the plan's proposer.
    topics = {}
    for point_id, slug in model("Point").topics.through.objects.values_list(
        "point_id", "topic__slug"
    ):
        topics.setdefault(point_id, set()).add(slug)
    assert {p["pk"]: {p["topic"]} for p in before.points} == topics
    links = model("PointLink").objects.values_list("earlier_id", "later_id", "plan_id", "kind")
    wording = {p["pk"]: (p["title"], p["text"]) for p in before.points}
    assert sorted(links) == sorted(
        (
            p["derived_from_id"],
            p["pk"],
            p["plan_id"],
            "same" if wording[p["pk"]] == wording[p["derived_from_id"]] else "revised",
        )
        for p in before.points
        if p["derived_from_id"]
    )
    authors = model("PlanAuthor").objects.values_list("plan_id", "party_id", "actor_id", "role")
    assert sorted(authors) == sorted(
        (plan, party, None, "proposer") for plan, party in before.authors.items()
    )

    # Every old record of a position reads its statement; of a point, its topic.
    records = model("HistoricalPosition").objects.values_list("history_id", "id", "statement_id")
    assert {h: i for h, i, _ in records} == before.position_records
    for _, pk, statement_id in records:
        assert statement_id == codings[pk]["statement_id"]
    record_topics = dict(
        model("HistoricalPoint_topics").objects.values_list("history_id", "topic__slug")
    )
    assert record_topics == before.point_topics

    # Each new record has one "created" record, a statement's with its sources.
    for name in new_names:
        made = sorted(model(name).objects.values_list("pk", flat=True))
        recorded = model(f"Historical{name}").objects.values_list("id", "history_type")
        assert sorted(recorded) == [(pk, "+") for pk in made], name
    record_sources = model("HistoricalStatement_sources").objects.values_list(
        "history__id", "source_id"
    )
    assert sorted(record_sources) == sorted(
        (pk, source) for pk, ids in sources.items() for source in ids
    )


@pytest.mark.django_db(transaction=True)
def test_it_carries_the_seed_of_the_previous_model_with_its_history():
    """The real seed, on SQLite and on PostgreSQL alike (``DATABASE_URL``)."""
    items = json.loads(SEED.read_text(encoding="utf-8"))
    newest = latest()
    try:
        old = migrate(BEFORE)
        with transaction.atomic():
            seed = SeedData(old, items)
        before = Before(seed.apps)
        # The seed's positions, read from the fixture: none quotes a remark another
        # quotes, so each becomes a statement of its own.
        positions = [i["fields"] for i in items if i["model"] == "tracker.position"]
        quoted = [p for p in positions if p["quote"].strip()]
        remarks = {
            (p["party"][0], p["speaker"] and p["speaker"][0], p["stated_on"], p["quote"].strip())
            + tuple(p["source"] or ())
            for p in quoted
        }
        assert (len(positions), len(quoted), len(remarks)) == (34, 6, 6)
        assert len(before.remarks()) == len(positions) - len(quoted) + len(remarks)
        apps = migrate(newest)
        assert_carried(before, apps, user_id=seed.user_id)

        # Every field the fixture gave is where it was, but those the evidence model
        # moved, which the checks above follow.
        moved = set()
        for item, was in seed.loaded:
            Model = apps.get_model(item["model"])
            now = Model.objects.get(pk=was.pk)
            for name, value in item["fields"].items():
                try:
                    field = Model._meta.get_field(name)
                except FieldDoesNotExist:
                    moved.add((Model.__name__, name))
                    continue
                if field.many_to_many:
                    old = set(getattr(was, name).values_list("pk", flat=True))
                    assert set(getattr(now, name).values_list("pk", flat=True)) == old
                elif field.is_relation:
                    assert getattr(now, field.attname) == getattr(was, field.attname), name
                else:
                    assert getattr(now, name) == field.to_python(value), (item["model"], name)
        assert moved == MOVED
        # The seed's counts, as a reader of the fixture would count them.
        counted = {
            "Statement": len(positions),
            "PointLink": sum(
                1 for i in items if i["model"] == "tracker.point" and i["fields"]["derived_from"]
            ),
            "PlanAuthor": sum(
                1 for i in items if i["model"] == "tracker.plan" and i["fields"]["authored_by"]
            ),
            "Topic": len({i["fields"]["topic"] for i in items if i["model"] == "tracker.point"}),
        }
        assert {name: apps.get_model("tracker", name).objects.count() for name in counted} == (
            counted
        )
    finally:
        migrate(newest)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("plans", "points", "positions"), [(3, 60, 2000)])
def test_it_carries_a_large_database_of_the_previous_model(plans, points, positions):
    newest = latest()
    try:
        old = migrate(BEFORE)
        with transaction.atomic():
            data = GeneratedData(old, plans, points, positions)
        before = Before(data.apps)
        assert len(before.positions) == positions
        assert len(before.points) == plans * points
        # Two in five positions share a remark; the rest are remarks of their own.
        assert len(before.remarks()) == positions - positions // 5
        assert_carried(before, migrate(newest))
    finally:
        migrate(newest)
