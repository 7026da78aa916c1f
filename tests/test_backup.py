"""`manage.py backup FILE` and `restore FILE`: a restore into a fresh database matches.

Runs the commands in subprocesses against scratch databases of the suite's own
engine (SQLite files, or PostgreSQL databases created and dropped here).
"""

import json

import pytest

from tests.scratch_db import ScratchDatabase

# Edits through the model, so that history records (and their Change rows) exist.
EDITS = """
from django.contrib.auth.models import User
from tracker.models import Point
user = User.objects.create_user("backup-analyst", password="x-password-1")
point = Point.objects.order_by("pk").first()
point.title = "Edited before the backup"
point.save_checked(point.version, summary="First edit", user=user)
point.title = "Edited twice"
point.save_checked(point.version, summary="Second edit", user=user)
print(point.pk)
"""

LATER_EDIT = """
from tracker.models import Point
point = Point.objects.order_by("pk").first()
point.title = "Edited after the backup"
point.save_checked(point.version, summary="Lost by the restore")
Point.objects.order_by("-pk").first().delete()
"""


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    database = ScratchDatabase("backup_original", tmp_path_factory.mktemp("backup")).create()
    database.manage("migrate", "-v0")
    database.manage("import_fixture", "fixtures/seed.json")
    database.shell(EDITS)
    yield database
    database.drop()


@pytest.fixture
def fresh(tmp_path):
    database = ScratchDatabase("backup_fresh", tmp_path).create()
    yield database
    database.drop()


def data_and_marker(snapshot):
    """The snapshot's rows without the change marker, and the marker's fields."""
    rows = json.loads(snapshot)
    (marker,) = [row["fields"] for row in rows if row["model"] == "tracker.changemarker"]
    return [row for row in rows if row["model"] != "tracker.changemarker"], marker


def assert_restored(restored, before):
    """Every row as it was; the change marker at the same count with a new epoch."""
    data, marker = data_and_marker(restored)
    data_before, marker_before = data_and_marker(before)
    assert data == data_before
    assert marker["value"] == marker_before["value"]
    assert marker["epoch"] != marker_before["epoch"]


def history_of_first_point(snapshot):
    rows = json.loads(snapshot)
    points = [row for row in rows if row["model"] == "tracker.point"]
    first = min(points, key=lambda row: row["pk"])
    history = [
        row["fields"]
        for row in rows
        if row["model"] == "tracker.historicalpoint" and row["fields"]["id"] == first["pk"]
    ]
    return first["fields"]["title"], sorted(h["history_change_reason"] or "" for h in history)


def test_a_restore_into_a_fresh_database_matches_the_original(original, fresh, tmp_path):
    before = original.snapshot()
    backup_file = tmp_path / "tracker.backup"
    result = original.manage("backup", str(backup_file))
    assert "Backed up to" in result.stdout
    fresh.manage("restore", str(backup_file))
    restored = fresh.snapshot()
    assert_restored(restored, before)
    title, reasons = history_of_first_point(restored)
    assert title == "Edited twice"
    assert {"First edit", "Second edit"} <= set(reasons)
    assert fresh.manage("migrate", "--check", check=False).returncode == 0


def test_restore_refuses_a_database_that_holds_data_unless_forced(original, tmp_path):
    before = original.snapshot()
    backup_file = tmp_path / "tracker.backup"
    original.manage("backup", str(backup_file))
    original.shell(LATER_EDIT)
    changed = original.snapshot()
    assert changed != before

    refused = original.manage("restore", str(backup_file), check=False)
    assert refused.returncode != 0
    assert "already holds" in refused.stderr and "--force" in refused.stderr
    assert original.snapshot() == changed

    original.manage("restore", "--force", str(backup_file))
    assert_restored(original.snapshot(), before)


def test_it_explains_a_missing_file_an_existing_target_and_a_foreign_file(original, tmp_path):
    missing = original.manage("restore", str(tmp_path / "nope.backup"), check=False)
    assert missing.returncode != 0 and "does not exist" in missing.stderr

    taken = tmp_path / "taken.backup"
    taken.write_text("already here")
    exists = original.manage("backup", str(taken), check=False)
    assert exists.returncode != 0 and "already exists" in exists.stderr
    assert taken.read_text() == "already here"

    foreign = original.manage("restore", "--force", str(taken), check=False)
    assert foreign.returncode != 0 and "not a backup made by this command" in foreign.stderr
    assert "Traceback" not in missing.stderr + exists.stderr + foreign.stderr


def test_a_backup_of_the_other_engine_is_refused(original, tmp_path):
    other = tmp_path / "other.backup"
    if original.vendor == "sqlite":
        other.write_bytes(b"PGDMP" + b"\0" * 64)
    else:
        other.write_bytes(b"SQLite format 3\x00" + b"\0" * 64)
    result = original.manage("restore", "--force", str(other), check=False)
    assert result.returncode != 0
    assert "backup but the database is" in result.stderr
