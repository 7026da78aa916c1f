"""A large synthetic dataset for the benchmark, reproducible from a seed value.

The same seed and sizes always give the same rows (primary keys aside): names,
texts, stances, dates, UUIDs and the whole change history are drawn from one
``random.Random(seed)``. Objects are created in their first state through
django-simple-history's bulk path (``bulk_create`` + ``bulk_history_create``, the
pair ``bulk_create_with_history`` wraps), so each gets its "created" record; then
later revisions are written as "changed" history records, the objects are
brought to their final state, and one ``Change`` index row is written per
history record. A "busy point" gets a long run of revisions so that its history
page is big.

Run it with ``python -m bench.generate --seed 7`` (settings from the
environment, like ``manage.py``); the benchmark calls :func:`generate`.
"""

import argparse
import datetime
import random
import time
import uuid
from dataclasses import dataclass

from django.db import transaction

BATCH = 1000
BASE_TIME = datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
LAST_STATED = datetime.date(2025, 11, 28)
TOPICS = [
    "sovereignty",
    "security_guarantees",
    "nato",
    "armed_forces",
    "territory",
    "economy",
    "reconstruction",
    "sanctions",
    "frozen_assets",
    "nuclear",
    "humanitarian",
    "elections",
    "amnesty",
    "implementation",
    "ceasefire",
    "other",
]
STANCES = ["supports", "conditional", "opposes", "unclear"]
POINT_STATUSES = ["open", "agreed", "disputed", "leaders"]
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
    positions: int
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
TINY = Sizes(
    parties=6,
    actors=12,
    plans=2,
    points_per_plan=12,
    components_per_plan=2,
    positions=120,
    sources=10,
    events=8,
    history=400,
    busy_point_revisions=40,
)


def creation_count(sizes):
    return (
        sizes.parties
        + sizes.actors
        + sizes.sources
        + sizes.plans
        + sizes.plans * sizes.components_per_plan
        + sizes.plans * sizes.points_per_plan
        + sizes.positions
        + sizes.events
    )


class Generator:
    def __init__(self, seed, sizes):
        self.rng = random.Random(seed)
        self.sizes = sizes
        self.clock = 0  # seconds after BASE_TIME, increasing with every record

    # Drawing -----------------------------------------------------------

    def words(self, n):
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def tick(self):
        self.clock += self.rng.randint(1, 30)
        return BASE_TIME + datetime.timedelta(seconds=self.clock)

    def stated_on(self):
        return LAST_STATED - datetime.timedelta(days=self.rng.randint(0, 120))

    def uid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # Building ----------------------------------------------------------

    def build(self):
        from tracker.models import Actor, Component, Event, Party, Plan, Point, Position, Source

        s, rng = self.sizes, self.rng
        self.parties = [
            Party(
                slug=f"party-{i:02d}",
                name=f"Party {i} {self.words(1).title()}",
                short_name=f"P{i}",
                kind=rng.choice(["state", "bloc", "alliance", "mediator"]),
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
                publisher=self.words(1).title(),
                published_on=self.stated_on(),
                url=f"https://example.org/report/{i}",
                full_text=self.words(60),
            )
            for i in range(1, s.sources + 1)
        ]
        self.plans = []
        for k in range(1, s.plans + 1):
            self.plans.append(
                Plan(
                    slug=f"plan-{k}",
                    title=f"Plan {k}: {self.words(4)}",
                    short_title=f"Plan {k}",
                    authored_by=self.parties[k % s.parties],
                    presented_on=datetime.date(2025, 11, 1) + datetime.timedelta(days=5 * k),
                    status="negotiating",
                    derived_from=self.plans[-1] if self.plans else None,
                    description=self.words(20),
                )
            )
        self.components = [
            Component(plan=plan, number=c, title=f"Component {c}: {self.words(3)}")
            for plan in self.plans
            for c in range(1, s.components_per_plan + 1)
        ]
        per_component = -(-s.points_per_plan // s.components_per_plan)
        self.points = []
        for k, plan in enumerate(self.plans):
            components = self.components[
                k * s.components_per_plan : (k + 1) * s.components_per_plan
            ]
            for n in range(1, s.points_per_plan + 1):
                self.points.append(
                    Point(
                        plan=plan,
                        number=n,
                        title=self.words(4).capitalize(),
                        text=self.words(40),
                        topic=rng.choice(TOPICS),
                        status=rng.choice(POINT_STATUSES),
                        component=components[(n - 1) // per_component],
                        # Lineage: point n of plan k derives from point n of plan k-1.
                        derived_from=self.points[-s.points_per_plan] if k else None,
                        notes=self.words(8),
                    )
                )
        # A few parties say most things, as in a real negotiation.
        weights = [1 / (i + 1) for i in range(s.parties)]
        speakers = {}
        for actor in self.actors:
            speakers.setdefault(actor.party.slug, []).append(actor)
        self.positions = []
        for _ in range(s.positions):
            party = rng.choices(self.parties, weights)[0]
            subject = rng.random()
            point = rng.choice(self.points) if subject < 0.9 else None
            component = rng.choice(self.components) if 0.9 <= subject < 0.95 else None
            plan = rng.choice(self.plans) if subject >= 0.95 else None
            self.positions.append(
                Position(
                    uid=self.uid(),
                    party=party,
                    point=point,
                    component=component,
                    plan=plan,
                    stance=rng.choice(STANCES),
                    summary=self.words(15),
                    quote=self.words(10) if rng.random() < 0.5 else "",
                    speaker=rng.choice(speakers.get(party.slug, [None])),
                    stated_on=self.stated_on(),
                    source=rng.choice(self.sources),
                    certainty=rng.choice(["high", "medium", "low"]),
                )
            )
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
        self.event_parties = [
            (event, party)
            for event in self.events
            for party in rng.sample(self.parties, min(3, s.parties))
        ]

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

    def write(self):
        from tracker.models import Actor, Component, Event, Party, Plan, Point, Position, Source

        for model, objs in [
            (Party, self.parties),
            (Actor, self.actors),
            (Source, self.sources),
        ]:
            self.create(model, objs)
        # derived_from points at an earlier plan, already saved one by one here.
        for plan in self.plans:
            self.create(Plan, [plan])
        self.create(Component, self.components)
        per_plan = self.sizes.points_per_plan
        for k in range(self.sizes.plans):
            self.create(Point, self.points[k * per_plan : (k + 1) * per_plan])
        self.create(Position, self.positions)
        self.create(Event, self.events)
        through = Event.parties.through
        through.objects.bulk_create(
            (through(event=e, party=p) for e, p in self.event_parties), batch_size=BATCH
        )
        self.write_revisions(Point, Position)

    def write_revisions(self, Point, Position):
        """Fill the history up to its size: a busy point, then points and positions."""
        rng = self.rng
        remaining = self.sizes.history - creation_count(self.sizes)
        busy = self.busy_point = self.points[-self.sizes.points_per_plan]  # last plan, point 1

        def edit_point(point, n):
            point.text = f"{self.words(30)} (rev {point.version + 1})"
            point.status = rng.choice(POINT_STATUSES)

        def edit_position(position, n):
            position.stance = rng.choice(STANCES)
            position.summary = self.words(15)

        plan_of_work = [(Point, busy, min(self.sizes.busy_point_revisions, remaining))]
        remaining -= plan_of_work[0][2]
        while remaining > 0:
            if rng.random() < 0.25:
                model, obj = Point, rng.choice(self.points)
            else:
                model, obj = Position, rng.choice(self.positions)
            n = min(remaining, rng.randint(1, 6))
            plan_of_work.append((model, obj, n))
            remaining -= n
        edits = {Point: edit_point, Position: edit_position}
        revised = {Point: {}, Position: {}}
        for model, obj, n in plan_of_work:
            rows = self.revise(model, obj, n, edits[model])
            revised[model].setdefault(obj.pk, (obj, []))[1].extend(rows)
        for model, fields in [
            (Point, ["text", "status", "version", "updated_at"]),
            (Position, ["stance", "summary", "version", "updated_at"]),
        ]:
            objs = [obj for obj, _ in revised[model].values()]
            owners = [obj for obj, rows in revised[model].values() for _ in rows]
            rows = [row for _, rows in revised[model].values() for row in rows]
            # Small batches: bulk_update's CASE WHEN costs batch size x rows.
            model.objects.bulk_update(objs, fields, batch_size=100)
            records = model.history.model.objects.bulk_create(rows, batch_size=BATCH)
            self.index(model, owners, records)


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
