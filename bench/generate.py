"""A large synthetic dataset for the benchmark, reproducible from a seed value.

The same seed and sizes always give the same rows (primary keys aside): names,
texts, stances, dates, UUIDs and the whole change history are drawn from one
``random.Random(seed)``. The data follows the evidence model: plans with their
authors, points with topics and lineage links to the plan before, statements
(some said in Russian or Ukrainian, with an English rendering) with their
sources, and positions coding them, a statement sometimes on several subjects.

Objects are created in their first state through django-simple-history's bulk
path (``bulk_create`` + ``bulk_history_create``, the pair
``bulk_create_with_history`` wraps), so each gets its "created" record, and each
record of an object with a many-to-many history (a point's topics, a
statement's sources, an event's parties) gets a copy of its relations, as
simple-history writes them; then later revisions are written as "changed"
history records, the objects are brought to their final state, and one
``Change`` index row is written per history record. A "busy point" gets a long
run of revisions so that its history page is big.

Run it with ``python -m bench.generate --seed 7`` (settings from the
environment, like ``manage.py``); the benchmark calls :func:`generate`.
"""

import argparse
import datetime
import random
import time
import uuid
from dataclasses import dataclass, replace

from django.db import transaction

BATCH = 1000
BASE_TIME = datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
LAST_STATED = datetime.date(2025, 11, 28)
# The topics migration 0010 creates (slug, name): the generator uses those rows,
# and creates any that a database lacks.
TOPICS = [
    ("sovereignty", "Sovereignty"),
    ("territory", "Territory"),
    ("security_architecture", "Security architecture"),
    ("security_guarantees", "Security guarantees"),
    ("nato", "NATO and alliance membership"),
    ("armed_forces", "Armed forces"),
    ("ceasefire", "Ceasefire"),
    ("economy", "Economy"),
    ("sanctions", "Sanctions"),
    ("frozen_assets", "Frozen assets"),
    ("reconstruction", "Reconstruction"),
    ("nuclear", "Nuclear safety"),
    ("humanitarian", "Humanitarian"),
    ("elections", "Elections and governance"),
    ("amnesty", "Amnesty"),
    ("implementation", "Implementation"),
    ("other", "Other"),
]
# Codings lean to the common stances, as analysts' readings do.
STANCES = [
    ("proposer", 1),
    ("supports", 6),
    ("basis", 2),
    ("conditional", 4),
    ("demands", 2),
    ("reserves", 1),
    ("unclear", 3),
    ("opposes", 5),
    ("red_line", 2),
    ("rejects", 1),
]
POINT_STATUSES = ["open", "agreed", "disputed", "leaders"]
# Most statements are in English; some are said in Russian or Ukrainian and
# carry an English rendering.
LANGUAGES = [("en", 85), ("ru", 10), ("uk", 5)]
RENDERERS = ["Reuters", "AP", "Meduza", "Kyiv Independent", "the analyst"]
FOREIGN_WORDS = {
    "ru": ["перемирие", "гарантии", "санкции", "граница", "выборы", "войска", "договор", "мир"],
    "uk": ["перемир'я", "гарантії", "санкції", "кордон", "вибори", "війська", "договір", "мир"],
}
WORDS = [
    "ceasefire",
    "line",
    "guarantees",
    "troops",
    "sanctions",
    "assets",
    "elections",
    "referendum",
    "reconstruction",
    "fund",
    "monitoring",
    "mission",
    "border",
    "corridor",
    "grain",
    "port",
    "nuclear",
    "plant",
    "amnesty",
    "prisoners",
    "exchange",
    "neutrality",
    "alliance",
    "membership",
    "army",
    "ceiling",
    "recognition",
    "sovereignty",
    "dialogue",
    "verification",
    "timetable",
    "phased",
    "withdrawal",
    "buffer",
    "zone",
    "observers",
    "treaty",
    "ratification",
]


@dataclass(frozen=True)
class Sizes:
    parties: int
    actors: int
    plans: int
    points_per_plan: int
    components_per_plan: int
    positions: int  # codings; statements are fewer, as some are coded on several subjects
    sources: int
    events: int
    history: int  # history records in all, creations included
    busy_point_revisions: int


LARGE = Sizes(
    parties=50,
    actors=200,
    plans=5,
    points_per_plan=300,
    components_per_plan=4,
    positions=20_000,
    sources=2_000,
    events=1_000,
    history=100_000,
    busy_point_revisions=5_000,
)
# The same record at twice the points per plan: tables of 600 rows × 50 parties.
WIDE = replace(LARGE, points_per_plan=600)
TINY = Sizes(
    parties=6,
    actors=12,
    plans=2,
    points_per_plan=12,
    components_per_plan=2,
    positions=120,
    sources=10,
    events=8,
    history=500,
    busy_point_revisions=40,
)


class Generator:
    def __init__(self, seed, sizes):
        self.rng = random.Random(seed)
        self.sizes = sizes
        self.clock = 0  # seconds after BASE_TIME, increasing with every record
        self.records = 0  # history records written so far

    # Drawing -----------------------------------------------------------

    def words(self, n, language="en"):
        vocabulary = FOREIGN_WORDS.get(language, WORDS)
        return " ".join(self.rng.choice(vocabulary) for _ in range(n))

    def weighted(self, choices):
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights)[0]

    def tick(self):
        self.clock += self.rng.randint(1, 30)
        return BASE_TIME + datetime.timedelta(seconds=self.clock)

    def stated_on(self):
        return LAST_STATED - datetime.timedelta(days=self.rng.randint(0, 120))

    def uid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # Building ----------------------------------------------------------

    def build(self):
        from tracker.models import Actor, Party, Source

        s, rng = self.sizes, self.rng
        self.parties = [
            Party(
                slug=f"party-{i:02d}",
                name=f"Party {i} {self.words(1).title()}",
                short_name=f"P{i}",
                kind=rng.choice(["state", "bloc", "alliance", "mediator"]),
                role=rng.choice(["belligerent", "mediator", "guarantor", "supporter", "other"]),
                colour=f"#{rng.randrange(0x1000000):06x}",
                order=i,
                description=self.words(12),
            )
            for i in range(1, s.parties + 1)
        ]
        self.actors = [
            Actor(
                slug=f"actor-{i:03d}",
                name=f"Actor {i} {self.words(1).title()}",
                party=self.parties[i % s.parties],
                role=self.words(2),
            )
            for i in range(1, s.actors + 1)
        ]
        self.sources = [
            Source(
                slug=f"source-{i:04d}",
                title=f"Report {i}: {self.words(6)}",
                kind=rng.choice(["news", "official", "leak", "analysis"]),
                primacy=rng.choice(["primary", "secondary"]),
                reliability=rng.choice(["high", "fair", "low", "unknown"]),
                publisher=self.words(1).title(),
                published_on=self.stated_on(),
                url=f"https://example.org/report/{i}",
                full_text=self.words(60),
            )
            for i in range(1, s.sources + 1)
        ]
        self.build_plans()
        self.build_events()
        self.build_statements()

    def build_plans(self):
        from tracker.models import Component, Plan, PlanAuthor, Point, PointLink

        s, rng = self.sizes, self.rng
        self.plans, self.authors = [], []
        for k in range(1, s.plans + 1):
            plan = Plan(
                slug=f"plan-{k}",
                title=f"Plan {k}: {self.words(4)}",
                short_title=f"Plan {k}",
                presented_on=datetime.date(2025, 11, 1) + datetime.timedelta(days=5 * k),
                status="negotiating",
                derived_from=self.plans[-1] if self.plans else None,
                description=self.words(20),
            )
            self.plans.append(plan)
            proposer = self.parties[k % s.parties]
            self.authors.append(
                PlanAuthor(uid=self.uid(), plan=plan, party=proposer, role="proposer")
            )
            if rng.random() < 0.5:  # a reported drafter beside the proposer
                self.authors.append(
                    PlanAuthor(
                        uid=self.uid(),
                        plan=plan,
                        actor=rng.choice(self.actors),
                        role="author",
                        certainty="low",
                        source=rng.choice(self.sources),
                        note=self.words(5),
                    )
                )
        self.components = [
            Component(plan=plan, number=c, title=f"Component {c}: {self.words(3)}")
            for plan in self.plans
            for c in range(1, s.components_per_plan + 1)
        ]
        per_component = -(-s.points_per_plan // s.components_per_plan)
        slugs = [slug for slug, _ in TOPICS]
        self.points, self.point_topics, self.links = [], [], []
        for k, plan in enumerate(self.plans):
            components = self.components[
                k * s.components_per_plan : (k + 1) * s.components_per_plan
            ]
            for n in range(1, s.points_per_plan + 1):
                # Lineage: point n of plan k comes from point n of plan k-1,
                # word for word about a third of the time.
                earlier = self.points[-s.points_per_plan] if k else None
                kept = earlier is not None and rng.random() < 0.3
                point = Point(
                    plan=plan,
                    number=n,
                    title=earlier.title if kept else self.words(4).capitalize(),
                    text=earlier.text if kept else self.words(40),
                    status=rng.choice(POINT_STATUSES),
                    component=components[(n - 1) // per_component],
                    notes=self.words(8),
                )
                self.points.append(point)
                count = self.weighted([(1, 6), (2, 3), (3, 1)])
                self.point_topics.append(rng.sample(slugs, count))
                if earlier is not None:
                    self.links.append(
                        PointLink(
                            uid=self.uid(),
                            earlier=earlier,
                            later=point,
                            plan=plan,
                            kind="same" if kept else "revised",
                        )
                    )

    def build_events(self):
        from tracker.models import Event

        s, rng = self.sizes, self.rng
        self.events = [
            Event(
                slug=f"event-{i:04d}",
                title=f"Event {i}: {self.words(4)}",
                kind=rng.choice(["summit", "talks", "statement", "visit"]),
                occurred_on=self.stated_on(),
                location=self.words(1).title(),
                description=self.words(20),
                source=rng.choice(self.sources),
            )
            for i in range(1, s.events + 1)
        ]
        self.event_parties = [rng.sample(self.parties, min(3, s.parties)) for _ in self.events]

    def build_statements(self):
        """Statements until there are ``positions`` codings: most coded on one subject,
        some on two or three."""
        from tracker.models import Position, Statement, Translation

        s, rng = self.sizes, self.rng
        # A few parties say most things, as in a real negotiation.
        weights = [1 / (i + 1) for i in range(s.parties)]
        speakers = {}
        for actor in self.actors:
            speakers.setdefault(actor.party.slug, []).append(actor)
        self.statements, self.statement_sources = [], []
        self.translations, self.positions = [], []
        while len(self.positions) < s.positions:
            party = rng.choices(self.parties, weights)[0]
            speaker = rng.choice(speakers[party.slug]) if party.slug in speakers else None
            if rng.random() < 0.2:
                speaker = None
            language = self.weighted(LANGUAGES)
            said_on = self.stated_on()
            precision = self.weighted([("day", 90), ("week", 6), ("month", 4)])
            statement = Statement(
                uid=self.uid(),
                party=party,
                speaker=speaker,
                attribution="" if speaker else f"An unnamed {party.short_name} official",
                capacity=speaker.role if speaker else "",
                said_on=said_on,
                precision=precision,
                reported_on=said_on + datetime.timedelta(days=rng.randint(0, 3)),
                event=rng.choice(self.events) if rng.random() < 0.3 else None,
                venue=self.words(2).title() if rng.random() < 0.3 else "",
                language=language,
                text=self.words(10, language) if rng.random() < 0.6 else "",
                summary=self.words(15),
                certainty=rng.choice(["high", "medium", "low"]),
            )
            self.statements.append(statement)
            sources = rng.sample(
                self.sources, min(self.weighted([(1, 7), (2, 2), (3, 1)]), s.sources)
            )
            self.statement_sources.append(sources)
            if language != "en" and statement.text:
                renderer = rng.choice(RENDERERS)
                self.translations.append(
                    Translation(
                        uid=self.uid(),
                        statement=statement,
                        language="en",
                        text=self.words(10),
                        rendered_by=renderer,
                        source=None if renderer == "the analyst" else sources[0],
                    )
                )
            codings = min(
                self.weighted([(1, 85), (2, 10), (3, 5)]), s.positions - len(self.positions)
            )
            subjects = []  # unsaved objects have no hash: compared by identity
            while len(subjects) < codings:
                kind, target = self.subject()
                if not any(target is known for _, known in subjects):
                    subjects.append((kind, target))
            for kind, target in subjects:
                stance = self.weighted(STANCES)
                self.positions.append(
                    Position(
                        uid=self.uid(),
                        statement=statement,
                        # Position.save copies these from the statement; bulk_create does not.
                        party=party,
                        stated_on=said_on,
                        stance=stance,
                        conditions=self.words(8) if stance == "conditional" else "",
                        summary=self.words(15),
                        certainty=rng.choice(["high", "medium", "low"]),
                        **{kind: target},
                    )
                )

    def subject(self):
        """A coding's subject: ("point" | "component" | "plan", the object)."""
        draw = self.rng.random()
        if draw < 0.9:
            return "point", self.rng.choice(self.points)
        if draw < 0.95:
            return "component", self.rng.choice(self.components)
        return "plan", self.rng.choice(self.plans)

    # Writing -----------------------------------------------------------

    def create(self, model, objs):
        """Insert ``objs`` and their "created" history records (the bulk history path)."""
        for obj in objs:
            obj._history_date = self.tick()
            obj.updated_at = obj._history_date
        model.objects.bulk_create(objs, batch_size=BATCH)
        records = model.history.bulk_history_create(objs, batch_size=BATCH)
        self.index(model, objs, records)
        return records

    def relate(self, model, field, objs, related, records=None):
        """The through rows of ``field`` (``related[i]`` for ``objs[i]``), and a copy of
        them for each history record of the object, as simple-history keeps them.

        ``records`` defaults to the objects' "created" records; returns
        {object pk: its through rows}, for the records written later."""
        through = getattr(model, field).through
        own, other = (
            model._meta.get_field(field).m2m_field_name(),
            model._meta.get_field(field).m2m_reverse_field_name(),
        )
        rows = through.objects.bulk_create(
            (
                through(**{own: obj, other: target})
                for obj, targets in zip(objs, related, strict=True)
                for target in targets
            ),
            batch_size=BATCH,
        )
        by_object = {}
        for row in rows:
            by_object.setdefault(getattr(row, f"{own}_id"), []).append(row)
        if records is not None:
            self.snapshot_relations(model, field, records, by_object)
        return by_object

    def snapshot_relations(self, model, field, records, by_object):
        """One row per related object per history record (simple-history's m2m history)."""
        from tracker.history import m2m_history

        m2m = model._meta.get_field(field)
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        history = m2m_history(model, m2m)
        history.objects.bulk_create(
            (
                history(
                    id=row.pk,
                    history_id=record.history_id,
                    **{f"{own}_id": record.id, f"{other}_id": getattr(row, f"{other}_id")},
                )
                for record in records
                for row in by_object.get(record.id, ())
            ),
            batch_size=BATCH,
        )

    def revise(self, model, obj, revisions, change):
        """``revisions`` "changed" records for ``obj``, ``change(obj, n)`` making each edit."""
        history = model.history.model
        fields = [f.attname for f in history.tracked_fields]
        rows = []
        for n in range(revisions):
            change(obj, n)
            obj.version += 1
            obj.updated_at = self.tick()
            rows.append(
                history(
                    history_date=obj.updated_at,
                    history_type="~",
                    history_change_reason=f"Revision {obj.version}: {self.words(3)}",
                    **{name: getattr(obj, name) for name in fields},
                )
            )
        return rows

    def index(self, model, objs, records):
        from tracker.history import party_concerned
        from tracker.models import Change

        self.records += len(records)
        name = model.__name__.lower()
        Change.objects.bulk_create(
            (
                Change(
                    changed_at=record.history_date,
                    model=name,
                    object_id=obj.pk,
                    object_repr=str(obj)[:300],
                    history_id=record.history_id,
                    action=record.history_type,
                    summary=record.history_change_reason or "",
                    party_id=party_concerned(record),
                )
                for obj, record in zip(objs, records, strict=True)
            ),
            batch_size=BATCH,
        )

    def topics(self):
        """The topic rows by slug: those the migration made, and any missing created here."""
        from tracker.models import Topic

        existing = Topic.objects.in_bulk([slug for slug, _ in TOPICS], field_name="slug")
        missing = [Topic(slug=slug, name=name) for slug, name in TOPICS if slug not in existing]
        self.create(Topic, missing)
        return {**existing, **{topic.slug: topic for topic in missing}}

    def write(self):
        from tracker.models import (
            Actor,
            Component,
            Event,
            Party,
            Plan,
            PlanAuthor,
            Point,
            PointLink,
            Position,
            Source,
            Statement,
            Translation,
        )

        for model, objs in [
            (Party, self.parties),
            (Actor, self.actors),
            (Source, self.sources),
        ]:
            self.create(model, objs)
        topics = self.topics()
        # derived_from points at an earlier plan, already saved one by one here.
        for plan in self.plans:
            self.create(Plan, [plan])
        self.create(PlanAuthor, self.authors)
        self.create(Component, self.components)
        per_plan = self.sizes.points_per_plan
        records = []
        for k in range(self.sizes.plans):
            records += self.create(Point, self.points[k * per_plan : (k + 1) * per_plan])
        related = [[topics[slug] for slug in slugs] for slugs in self.point_topics]
        self.topic_rows = self.relate(Point, "topics", self.points, related, records)
        self.create(PointLink, self.links)
        records = self.create(Event, self.events)
        self.relate(Event, "parties", self.events, self.event_parties, records)
        records = self.create(Statement, self.statements)
        self.source_rows = self.relate(
            Statement, "sources", self.statements, self.statement_sources, records
        )
        self.create(Translation, self.translations)
        self.create(Position, self.positions)
        self.write_revisions(Point, Statement, Position)

    def write_revisions(self, Point, Statement, Position):
        """Fill the history up to its size: a busy point, then points, statements and
        codings."""
        rng = self.rng
        remaining = self.sizes.history - self.records
        busy = self.busy_point = self.points[-self.sizes.points_per_plan]  # last plan, point 1

        def edit_point(point, n):
            point.text = f"{self.words(30)} (rev {point.version + 1})"
            point.status = rng.choice(POINT_STATUSES)

        def edit_statement(statement, n):
            statement.summary = self.words(15)
            statement.certainty = rng.choice(["high", "medium", "low"])

        def edit_position(position, n):
            position.stance = self.weighted(STANCES)
            position.conditions = self.words(8) if position.stance == "conditional" else ""
            position.summary = self.words(15)

        plan_of_work = [(Point, busy, min(self.sizes.busy_point_revisions, remaining))]
        remaining -= plan_of_work[0][2]
        while remaining > 0:
            draw = rng.random()
            if draw < 0.25:
                model, obj = Point, rng.choice(self.points)
            elif draw < 0.4:
                model, obj = Statement, rng.choice(self.statements)
            else:
                model, obj = Position, rng.choice(self.positions)
            n = min(remaining, rng.randint(1, 6))
            plan_of_work.append((model, obj, n))
            remaining -= n
        edits = {Point: edit_point, Statement: edit_statement, Position: edit_position}
        revised = {Point: {}, Statement: {}, Position: {}}
        for model, obj, n in plan_of_work:
            rows = self.revise(model, obj, n, edits[model])
            revised[model].setdefault(obj.pk, (obj, []))[1].extend(rows)
        relations = {
            Point: ("topics", self.topic_rows),
            Statement: ("sources", self.source_rows),
        }
        for model, fields in [
            (Point, ["text", "status", "version", "updated_at"]),
            (Statement, ["summary", "certainty", "version", "updated_at"]),
            (Position, ["stance", "conditions", "summary", "version", "updated_at"]),
        ]:
            objs = [obj for obj, _ in revised[model].values()]
            owners = [obj for obj, rows in revised[model].values() for _ in rows]
            rows = [row for _, rows in revised[model].values() for row in rows]
            # Small batches: bulk_update's CASE WHEN costs batch size x rows.
            model.objects.bulk_update(objs, fields, batch_size=100)
            records = model.history.model.objects.bulk_create(rows, batch_size=BATCH)
            self.index(model, owners, records)
            if model in relations:
                field, by_object = relations[model]
                self.snapshot_relations(model, field, records, by_object)


def generate(seed=7, sizes=LARGE):
    """Write the dataset into the default database (expected empty); returns a summary."""
    started = time.perf_counter()
    generator = Generator(seed, sizes)
    generator.build()
    with transaction.atomic():
        generator.write()
    busy = generator.busy_point
    return {
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 2),
        "busy_point": [busy.plan.slug, busy.number],
        "statements": len(generator.statements),
        "history": generator.records,
    }


def main():
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tiny", action="store_true", help="a few hundred rows instead")
    args = parser.parse_args()
    django.setup()
    print(generate(args.seed, TINY if args.tiny else LARGE))


if __name__ == "__main__":
    main()
