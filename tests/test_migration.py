"""The evidence model's migrations carry a database of the previous model over with
nothing lost: every position, its quote, speaker, date and source, every point's
topic and lineage, every plan's author, and every history record."""

import datetime

import pytest
from django.apps import apps as django_apps
from django.db import connection
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


class OldData:
    """A small database in the model of migration 0008, with its history and change index."""

    def __init__(self, apps):
        self.apps = apps
        self.clock = CREATED
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
        )
        self.model("Change").objects.create(
            changed_at=when,
            model=name.lower(),
            object_id=obj.pk,
            object_repr=str(obj.pk),
            history_id=record.history_id,
            action=action,
            summary=record.history_change_reason,
            party_id=getattr(obj, "party_id", None),
        )

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


HISTORIES = ["Party", "Actor", "Source", "Plan", "Component", "Point", "Position"]


def counts(apps):
    return {
        name: apps.get_model("tracker", f"Historical{name}").objects.count() for name in HISTORIES
    }


def changes(apps):
    return list(
        apps.get_model("tracker", "Change")
        .objects.order_by("pk")
        .values_list("changed_at", "model", "object_id", "history_id", "action", "summary")
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
            (row[4], row[5].startswith("Converted to the evidence model")) for row in added
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
