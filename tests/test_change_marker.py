"""The change marker: one row read in one query, moved by every recorded write.

Rendered tables are cached under it and ETags are made of it, so a write that
leaves it unchanged would serve stale pages, and a marker that moves before the
data would cache stale tables under the new value. The threaded tests run only
on PostgreSQL, where writers really overlap (SQLite's IMMEDIATE transactions
make them wait at BEGIN).
"""

import datetime
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.db.models.signals import post_save

from tests.scratch_db import ScratchDatabase, on_postgresql
from tracker.history import restore
from tracker.models import (
    Change,
    ChangeMarker,
    Party,
    Point,
    Position,
    Statement,
)

pytestmark = pytest.mark.django_db


def test_reading_the_marker_is_one_primary_key_lookup_at_any_size(django_assert_num_queries, point):
    with django_assert_num_queries(1) as captured:
        Change.marker()
    sql = captured.captured_queries[0]["sql"]
    assert "tracker_changemarker" in sql
    assert "COUNT" not in sql.upper() and 'tracker_change"' not in sql
    Change.objects.bulk_create(
        Change(changed_at=point.updated_at, model="point", object_id=point.pk, history_id=n)
        for n in range(10_000, 12_000)
    )
    with django_assert_num_queries(1):
        Change.marker()


def test_the_marker_counts_recorded_changes(point, position):
    value = int(Change.marker().split(".")[0])
    assert value == Change.objects.count()


def test_every_write_path_moves_the_marker(analyst, plan, point, position, russia, tmp_path):
    seen = [Change.marker()]

    def moved():
        seen.append(Change.marker())
        return seen[-1] != seen[-2]

    point.title = "Territory (bracketed)"
    point.save_checked(point.version, summary="edit", user=analyst)
    assert moved()
    Party.objects.create(slug="eu", name="European Union", short_name="EU")
    assert moved()
    restore(Point, point.history.last(), user=analyst)
    assert moved()
    position.delete()
    assert moved()
    fixture = tmp_path / "nato.json"
    nato = {"slug": "nato", "name": "NATO", "short_name": "NATO", "kind": "bloc"}
    fixture.write_text(json.dumps([{"model": "tracker.party", "fields": nato}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert moved()
    nato["name"] = "North Atlantic Treaty Organization"
    fixture.write_text(json.dumps([{"model": "tracker.party", "fields": nato}]))
    call_command("import_fixture", str(fixture), verbosity=0)
    assert moved()
    assert len(set(seen)) == len(seen)


def test_a_rolled_back_write_leaves_the_marker_as_it_was(point):
    before = Change.marker()
    with transaction.atomic():
        point.title = "Never saved"
        point.save()
        assert Change.marker() != before  # seen inside the writing transaction only
        transaction.set_rollback(True)
    assert Change.marker() == before


def test_a_flushed_marker_row_comes_back_with_a_new_epoch(point):
    before = Change.marker()
    ChangeMarker.objects.all().delete()
    point.title = "After the flush"
    point.save()
    after = Change.marker()
    assert after != before
    assert after.split(".")[1] != before.split(".")[1]
    assert ChangeMarker.objects.get().value == 1


def test_renewing_keeps_the_count_and_changes_the_epoch(point):
    before = ChangeMarker.objects.get()
    ChangeMarker.renew()
    after = ChangeMarker.objects.get()
    assert after.value == before.value and after.epoch != before.epoch


MIGRATE_FROM_0004 = """
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from tracker.models import Change
executor = MigrationExecutor(connection)
executor.migrate([("tracker", "0004_history_versions_index")])
connection.cursor().executemany(
    "INSERT INTO tracker_change (changed_at, model, object_id, object_repr, history_id,"
    " action, summary) VALUES (%s, 'point', 1, 'p', %s, '~', '')",
    [(timezone.now(), n) for n in range(1, 38)],
)
"""


def test_the_migration_starts_the_marker_at_the_change_count(tmp_path):
    database = ScratchDatabase("marker_migration", tmp_path).create()
    try:
        database.manage("migrate", "-v0")
        database.shell(MIGRATE_FROM_0004)
        database.manage("migrate", "-v0")
        shown = database.shell("from tracker.models import Change; print(Change.marker())")
        assert shown.strip().splitlines()[-1].split(".")[0] == "37"
    finally:
        database.drop()


# --- PostgreSQL: writers that overlap ----------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    not on_postgresql(), reason="SQLite writers wait at BEGIN IMMEDIATE: they never overlap"
)


class Writer(threading.Thread):
    """Runs ``steps`` in one transaction on its own connection, pausing where told."""

    def __init__(self, steps):
        super().__init__(daemon=True)
        self.steps, self.error = steps, None
        self.recorded, self.may_commit = threading.Event(), threading.Event()

    def run(self):
        try:
            with transaction.atomic():
                self.steps()
                self.recorded.set()
                assert self.may_commit.wait(30)
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            self.recorded.set()
            connections.close_all()


def plan_page(client, point):
    return client.get(f"/plans/{point.plan.slug}/").content.decode()


def edit(pk, title):
    def steps():
        point = Point.objects.get(pk=pk)
        point.title = title
        point.save_checked(point.version, summary=title)

    return steps


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_writers_each_move_the_marker_and_no_table_is_stale(client, position):
    point = position.point
    other = Point.objects.create(plan=point.plan, number=22, title="Sanctions", text="...")
    start = Change.marker()
    assert "Territory" in plan_page(client, point)  # cached under the starting marker

    a = Writer(edit(point.pk, "Written by A"))
    a.start()
    assert a.recorded.wait(30)
    b = Writer(edit(other.pk, "Written by B"))
    b.start()
    # B's write waits for A's transaction: it cannot record (or commit) before A commits.
    assert not b.recorded.wait(1)
    assert Change.marker() == start
    page = plan_page(client, point)
    assert "Written by A" not in page and "Written by B" not in page

    a.may_commit.set()
    a.join(30)
    assert b.recorded.wait(30)
    after_a = Change.marker()
    assert after_a != start
    page = plan_page(client, point)
    assert "Written by A" in page and "Written by B" not in page

    b.may_commit.set()
    b.join(30)
    assert (a.error, b.error) == (None, None)
    after_both = Change.marker()
    assert after_both not in (start, after_a)
    page = plan_page(client, point)
    assert "Written by A" in page and "Written by B" in page


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_write_that_records_twice_does_not_deadlock_with_an_edit_of_its_second_row(
    analyst, position
):
    """A statement whose date changes records itself, then saves its codings again.

    Were the marker locked only when a change is recorded, the plain edit would
    hold the coding's row and wait for the marker, which the first writer
    holds while it waits for that row: a deadlock. Writers lock the marker first.
    """
    statement = Statement.objects.get(pk=position.statement_id)
    loaded = Position.objects.get(pk=position.pk)
    new_date = datetime.date(2025, 11, 21)
    statement_saved, resume = threading.Event(), threading.Event()

    def pause_after_the_statement(sender, instance, **kwargs):
        if instance.pk == statement.pk:
            statement_saved.set()
            assert resume.wait(30)

    def redate():
        statement.said_on = new_date
        statement.save_checked(statement.version, summary="Redated", user=analyst)

    post_save.connect(pause_after_the_statement, sender=Statement, dispatch_uid="pause")
    try:
        first = Writer(redate)
        first.may_commit.set()
        first.start()
        assert statement_saved.wait(30)

        def plain_edit():
            current = Position.objects.get(pk=position.pk)
            current.summary = "Edited meanwhile"
            current.save_checked(loaded.version, summary="plain")

        second = Writer(plain_edit)
        second.may_commit.set()
        second.start()
        second.join(1.5)  # PostgreSQL looks for deadlocks after a second of waiting
        resume.set()
        first.join(30)
        second.join(30)
    finally:
        post_save.disconnect(sender=Statement, dispatch_uid="pause")
    assert (first.error, second.error) == (None, None)
    coding = Position.objects.get(pk=position.pk)
    assert (coding.summary, coding.stated_on) == ("Edited meanwhile", new_date)
