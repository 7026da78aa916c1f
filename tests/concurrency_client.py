"""Concurrent, conflicting edits through real gunicorn processes; nothing may be lost.

    .venv/bin/python -m tests.concurrency_client --engine postgresql   # 2 gunicorn processes
    .venv/bin/python -m tests.concurrency_client --engine sqlite       # 1 process, 8 threads
    ... --record    # also append the figures to bench/RESULTS.md ("Concurrency")

It builds a scratch database (PostgreSQL ``tracker_concurrency``, or an SQLite
file in a temporary folder), migrates and seeds it, signs several analysts in
(sessions made with Django's SessionStore), serves the production settings on
127.0.0.1 only, and lets every client edit the same few points through the
no-JavaScript form: GET the edit page (reading the version), then POST the
point with a new title. A stale version must be refused with 409.

Afterwards, from the database: every accepted edit has exactly one history
record (and one change-feed row), no refused edit has any, each point holds the
title of its last accepted edit and its version counts every accepted edit, and
no response was a 5xx or mentioned "database is locked". Bounded: a fixed
number of edits, a deadline, loopback only; it stops by itself.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from tests.scratch_db import ROOT, ScratchDatabase

HOST = "127.0.0.1"
PLAN = "us-28-point-plan"
VERSION_INPUT = re.compile(rb'name="version" value="(\d+)"|value="(\d+)"[^>]*name="version"')
SESSION_COOKIE = "__Host-sessionid"
CSRF_COOKIE = "__Host-csrftoken"

SIGN_IN = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
analysts = Group.objects.get(name="Analyst")
keys = []
for n in range({clients}):
    user = User.objects.create_user(f"editor{{n}}", password=None)
    user.groups.add(analysts)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys.append(session.session_key)
print(json.dumps(keys))
"""

POINTS = """
import json
from tracker.models import Point
points = Point.objects.filter(plan__slug="{plan}", number__in={numbers})
print(json.dumps([
    {{"number": p.number, "title": p.title, "text": p.text,
      "topics": [t.pk for t in p.topics.all()],
      "status": p.status, "component": p.component_id or "", "certainty": p.certainty,
      "notes": p.notes, "version": p.version, "pk": p.pk}}
    for p in points
]))
"""

OUTCOME = """
import json
from collections import Counter
from tracker.models import Change, Point
points = Point.objects.filter(plan__slug="{plan}", number__in={numbers})
history = Counter(
    Point.history.filter(id__in=[p.pk for p in points])
    .values_list("history_change_reason", flat=True)
)
changes = Counter(
    Change.objects.filter(model="point", object_id__in=[p.pk for p in points])
    .values_list("summary", flat=True)
)
print(json.dumps({{
    "points": {{p.number: {{"title": p.title, "version": p.version}} for p in points}},
    "history": history,
    "changes": changes,
}}))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on 127.0.0.1 with the production settings (no TLS redirect)."""

    def __init__(self, database, workers, threads, log_path):
        self.port = free_port()
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tracker.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--error-logfile",
            "-",
        ]
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=database.env(), stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {log_path}")
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not come up; see {log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def request(port, method, path, body=None, cookies=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        headers = {"Host": HOST}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Client(threading.Thread):
    """One signed-in analyst editing the shared points, each edit a GET then a POST."""

    def __init__(self, number, port, session_key, points, edits, deadline, tally):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number, self.port, self.points = number, port, points
        self.edits, self.deadline, self.tally = edits, deadline, tally
        self.csrf = secrets.token_hex(16)  # a 32-character secret, used as cookie and token
        self.cookies = {SESSION_COOKIE: session_key, CSRF_COOKIE: self.csrf}
        self.random = random.Random(number)
        self.log = []  # (point number, summary, title, version sent, status)

    def run(self):
        for sequence in range(self.edits):
            if time.monotonic() > self.deadline:
                self.tally.note("deadline")
                return
            point = self.random.choice(self.points)
            path = f"/plans/{PLAN}/points/{point['number']}/edit/"
            status, body = request(self.port, "GET", path, cookies=self.cookies)
            self.tally.response(status, body)
            found = VERSION_INPUT.search(body) if status == 200 else None
            if not found:
                self.tally.note(f"edit page answered {status} without a version")
                continue
            version = int(found.group(1) or found.group(2))
            time.sleep(self.random.random() * 0.02)  # let others load the same version
            summary = f"edit {self.number}-{sequence}"
            title = f"Title from client {self.number}, edit {sequence}"
            fields = {**point, "title": title, "version": version, "edit_summary": summary}
            fields["csrfmiddlewaretoken"] = self.csrf
            del fields["pk"]
            status, body = request(
                self.port, "POST", path, urlencode(fields, doseq=True), self.cookies
            )
            self.tally.response(status, body)
            self.log.append((point["number"], summary, title, version, status))


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.notes = Counter()

    def response(self, status, body):
        with self.lock:
            self.statuses[status] += 1
            if b"database is locked" in body:
                self.notes["database is locked"] += 1

    def note(self, text):
        with self.lock:
            self.notes[text] += 1


def check(edits, outcome, initial):
    """Compare what the clients were told with what the database holds."""
    accepted = [e for e in edits if e[4] == 302]
    refused = [e for e in edits if e[4] == 409]
    other = [e for e in edits if e[4] not in (302, 409)]
    problems = []
    history, changes = Counter(outcome["history"]), Counter(outcome["changes"])
    for _, summary, *_ in accepted:
        if history[summary] != 1 or changes[summary] != 1:
            problems.append(
                f"accepted {summary}: {history[summary]} history, {changes[summary]} changes"
            )
    for _, summary, *_ in refused:
        if history[summary] or changes[summary]:
            problems.append(f"refused {summary} left {history[summary]} history records")
    lost = sum(1 for _, summary, *_ in accepted if history[summary] != 1)
    for point in initial:
        mine = sorted((e for e in accepted if e[0] == point["number"]), key=lambda e: e[3])
        versions = [e[3] for e in mine]
        expected_versions = list(range(point["version"], point["version"] + len(mine)))
        if versions != expected_versions:
            problems.append(f"point {point['number']}: accepted versions {versions}")
        final = outcome["points"][str(point["number"])]
        if final["version"] != point["version"] + len(mine):
            problems.append(f"point {point['number']}: version {final['version']}")
        if mine and final["title"] != mine[-1][2]:
            problems.append(f"point {point['number']}: final title is not the last accepted")
    figures = {
        "sent": len(edits),
        "accepted": len(accepted),
        "refused": len(refused),
        "other": len(other),
        "lost": lost,
    }
    return figures, problems


def run(args):
    folder = Path(tempfile.mkdtemp(prefix="tracker-concurrency-"))
    environ = {
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TRACKER_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": HOST,
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # production, own STATIC_ROOT
        "BENCH_STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "ERROR",
    }
    if args.engine == "postgresql":
        os.environ["DATABASE_URL"] = args.postgres_url
    else:
        os.environ.pop("DATABASE_URL", None)
    database = ScratchDatabase("concurrency", folder, environ=environ)
    if args.engine == "postgresql":
        database.db_name = args.postgres_url.rsplit("/", 1)[-1] + "_concurrency"
        database.url = args.postgres_url + "_concurrency"
    database.create()
    server = None
    try:
        database.manage("migrate", "-v0")
        database.manage("loaddata", "seed", "-v0")
        database.manage("collectstatic", "--noinput", "-v0")
        keys = json.loads(database.shell(SIGN_IN.format(clients=args.clients)).splitlines()[-1])
        numbers = list(range(1, args.points + 1))
        query = POINTS.format(plan=PLAN, numbers=numbers)
        initial = json.loads(database.shell(query).splitlines()[-1])
        if args.engine == "postgresql":
            workers, threads = args.workers or 2, 1
        else:
            workers, threads = 1, args.threads
        server = Server(database, workers, threads, folder / "gunicorn.log")
        deadline = time.monotonic() + args.deadline
        tally = Tally()
        clients = [
            Client(n, server.port, keys[n], initial, args.edits // args.clients, deadline, tally)
            for n in range(args.clients)
        ]
        started = time.monotonic()
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=max(1, deadline - time.monotonic() + 60))
        elapsed = time.monotonic() - started
        server.stop()
        server_log = (folder / "gunicorn.log").read_text(errors="replace")
        server = None
        edits = [edit for client in clients for edit in client.log]
        outcome = json.loads(
            database.shell(OUTCOME.format(plan=PLAN, numbers=numbers)).splitlines()[-1]
        )
        figures, problems = check(edits, outcome, initial)
        figures["server_errors"] = sum(n for s, n in tally.statuses.items() if s >= 500)
        figures["database_locked"] = tally.notes["database is locked"] + server_log.count(
            "database is locked"
        )
        figures.update(
            engine=args.engine,
            gunicorn=f"{workers} process(es) x {threads} thread(s)",
            clients=args.clients,
            points=args.points,
            seconds=round(elapsed, 1),
            statuses=dict(sorted(tally.statuses.items())),
            notes=dict(tally.notes),
        )
        if figures["server_errors"]:
            problems.append(f"{figures['server_errors']} responses were 5xx")
        if figures["database_locked"]:
            problems.append('"database is locked" reached a user or the log')
        if figures["other"]:
            problems.append(f"{figures['other']} edits got neither 302 nor 409")
        if tally.notes:
            problems += [f"{text}: {n}" for text, n in tally.notes.items()]
        return figures, problems
    finally:
        if server is not None:
            server.stop()
        database.drop()


def record(figures):
    """Append the figures under "## Concurrency" in bench/RESULTS.md."""
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    line = (
        f"| {datetime.now(UTC):%Y-%m-%d %H:%M} | {figures['engine']} | {figures['gunicorn']} "
        f"| {figures['clients']} | {figures['sent']} | {figures['accepted']} "
        f"| {figures['refused']} | {figures['lost']} | {figures['server_errors']} "
        f"| {figures['seconds']} |\n"
    )
    heading = "## Concurrency\n"
    if heading not in text:
        text = text.rstrip("\n") + (
            "\n\n" + heading + "\nConflicting edits of the same points through the no-JS edit "
            "form (`python -m tests.concurrency_client --record`). Every accepted edit has "
            "exactly one history record; every refused one got a 409.\n\n"
            "| when (UTC) | database | gunicorn | clients | sent | accepted | refused (409) "
            "| lost | 5xx | seconds |\n|---|---|---|---|---|---|---|---|---|---|\n"
        )
    head, tail = text.split(heading, 1)
    # The section's table ends at the next heading (or the end of the file).
    cut = tail.find("\n## ")
    section, rest = (tail, "") if cut < 0 else (tail[: cut + 1], tail[cut + 1 :])
    results.write_text(head + heading + section.rstrip("\n") + "\n" + line + rest)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["postgresql", "sqlite"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/tracker",
        help="server and base name; the scratch database is <name>_concurrency",
    )
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--edits", type=int, default=300, help="edits in all (bounded)")
    parser.add_argument("--points", type=int, default=3, help="how many points they fight over")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn processes (PostgreSQL)")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads (SQLite)")
    parser.add_argument("--deadline", type=float, default=240, help="seconds before giving up")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args(argv)
    figures, problems = run(args)
    print(json.dumps(figures))
    print(
        f"concurrency {figures['engine']}: sent {figures['sent']}, accepted "
        f"{figures['accepted']}, refused {figures['refused']}, lost {figures['lost']}, "
        f"5xx {figures['server_errors']}"
    )
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if args.record and not problems:
        record(figures)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
