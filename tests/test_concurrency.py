"""Hundreds of conflicting edits through real gunicorn processes: nothing is lost.

Runs tests/concurrency_client.py on the suite's own engine: PostgreSQL with two
gunicorn processes, or SQLite with one process and eight threads. The figures
are printed in the test output; `python -m tests.concurrency_client --record`
run by hand appends them to bench/RESULTS.md.
"""

import json
import subprocess
import sys

from tests.concurrency_client import check
from tests.scratch_db import ROOT, on_postgresql, suite_url

EDITS = 300


def run_client():
    command = [sys.executable, "-m", "tests.concurrency_client", "--edits", str(EDITS)]
    if on_postgresql():
        command += ["--engine", "postgresql", "--postgres-url", suite_url()]
    else:
        command += ["--engine", "sqlite"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_concurrent_conflicting_edits_lose_nothing_and_never_fail_a_user(capsys):
    result = run_client()
    lines = result.stdout.strip().splitlines()
    with capsys.disabled():
        print("\n" + "\n".join(lines[1:]))
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(lines[0])
    assert figures["engine"] == ("postgresql" if on_postgresql() else "sqlite")
    assert figures["sent"] == EDITS
    assert figures["accepted"] + figures["refused"] == EDITS
    # Both outcomes really happened: the clients did collide.
    assert figures["accepted"] >= 10
    assert figures["refused"] >= 10
    assert figures["lost"] == 0
    assert figures["server_errors"] == 0
    assert figures["database_locked"] == 0


def test_the_check_notices_a_lost_edit_a_skipped_version_and_a_stale_final_state():
    initial = [{"number": 1, "version": 4}]
    told = [
        (1, "edit 0-0", "First", 4, 302),
        (1, "edit 1-0", "Second", 5, 302),
        (1, "edit 2-0", "Refused", 5, 409),
    ]
    outcome = {
        "points": {"1": {"title": "First", "version": 6}},
        "history": {"edit 0-0": 1},  # the second accepted edit left no record
        "changes": {"edit 0-0": 1, "edit 1-0": 1},
    }
    figures, problems = check(told, outcome, initial)
    assert figures == {"sent": 3, "accepted": 2, "refused": 1, "other": 0, "lost": 1}
    assert "accepted edit 1-0: 0 history, 1 changes" in problems
    assert "point 1: final title is not the last accepted" in problems

    outcome = {
        "points": {"1": {"title": "Second", "version": 6}},
        "history": {"edit 0-0": 1, "edit 1-0": 1},
        "changes": {"edit 0-0": 1, "edit 1-0": 1},
    }
    told[1] = (1, "edit 1-0", "Second", 4, 302)  # two edits accepted on the same version
    figures, problems = check(told, outcome, initial)
    assert "point 1: accepted versions [4, 4]" in problems
