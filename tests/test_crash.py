"""Crash safety: an import killed mid-way (SIGKILL) leaves the database as it was.

`manage.py import_fixture` applies a whole file in one transaction. The test
starts it on a big generated fixture, waits until it is saving objects (its
progress bar on stderr), kills it with SIGKILL, and checks that the database
passes its integrity check and holds exactly what it held before. A second,
unkilled run of the same file then imports everything, which shows the kill
really interrupted a working import.
"""

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.scratch_db import ROOT, ScratchDatabase

POINTS = 800
POSITIONS_PER_POINT = 2

COUNTS = """
import json
from django.apps import apps
from django.contrib.auth.models import User
counts = {m._meta.label: m.objects.count() for m in apps.get_app_config("tracker").get_models()}
counts["users"] = User.objects.count()
print(json.dumps(counts))
"""


def big_fixture(path):
    """A new plan with many points, each with positions of two seed parties."""
    objects = [
        {
            "model": "tracker.plan",
            "fields": {
                "slug": "crash-test-plan",
                "title": "A plan imported to be interrupted",
                "short_title": "Crash test",
                "status": "draft",
            },
        }
    ]
    for number in range(1, POINTS + 1):
        objects.append(
            {
                "model": "tracker.point",
                "fields": {
                    "plan": ["crash-test-plan"],
                    "number": number,
                    "title": f"Point {number}",
                    "text": "Words of the point. " * 40,
                    "topic": "other",
                    "status": "open",
                },
            }
        )
        for n, party in enumerate(("russia", "ukraine")[:POSITIONS_PER_POINT]):
            objects.append(
                {
                    "model": "tracker.position",
                    "fields": {
                        "uid": f"00000000-0000-4000-8000-{number * 10 + n:012d}",
                        "party": [party],
                        "point": ["crash-test-plan", number],
                        "stance": "unclear",
                        "summary": "A generated position. " * 20,
                        "stated_on": "2025-11-27",
                        "source": ["reuters-bishkek-2025-11-27"],
                    },
                }
            )
    path.write_text(json.dumps(objects, indent=1))
    return 1 + POINTS * (1 + POSITIONS_PER_POINT)


@pytest.fixture
def database(tmp_path):
    database = ScratchDatabase("crash", tmp_path).create()
    database.manage("migrate", "-v0")
    database.manage("loaddata", "seed")
    yield database
    database.drop()


def counts(database):
    return json.loads(database.shell(COUNTS).strip().splitlines()[-1])


def integrity(database):
    """SQLite's own check of the file (after rolling back the killed transaction).

    PostgreSQL has no such check to run; there the unchanged rows are the test.
    """
    if database.vendor != "sqlite":
        return "ok"
    connection = sqlite3.connect(database.path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def kill_while_saving(database, fixture, at_percent=30, timeout=240):
    """Start the import, SIGKILL it once its progress passes ``at_percent`` of saving."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_fixture", str(fixture)],
        cwd=ROOT,
        env=database.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            chunk = process.stderr.read1(4096)
            if not chunk:
                break
            seen += chunk
            last = seen.rsplit(b"\r", 1)[-1]
            if (
                last.startswith(b"Checking")
                and int(last.split(b"]")[1].split(b"%")[0]) >= at_percent
            ):
                process.send_signal(signal.SIGKILL)
                break
        else:
            raise AssertionError("the import never reached the point to kill it")
    finally:
        if process.poll() is None and process.returncode is None:
            process.kill()
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, seen.decode(errors="replace")[-500:]
    return seen


def test_an_import_killed_mid_way_leaves_the_database_as_it_was(database, tmp_path):
    fixture = tmp_path / "big.json"
    objects = big_fixture(fixture)
    before = counts(database)
    snapshot = database.snapshot()

    progress = kill_while_saving(database, fixture)
    assert b"Checking" in progress

    assert integrity(database) == "ok"
    assert counts(database) == before
    assert database.snapshot() == snapshot

    # The same file, left to finish, imports everything: the kill did interrupt it.
    result = database.manage("import_fixture", str(fixture), timeout=600)
    assert "Imported" in result.stdout
    after = counts(database)
    assert after["tracker.Point"] == before["tracker.Point"] + POINTS
    assert after["tracker.Position"] == before["tracker.Position"] + POINTS * POSITIONS_PER_POINT
    assert sum(after.values()) > sum(before.values()) + objects
    assert integrity(database) == "ok"
