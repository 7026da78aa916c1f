"""Run the whole benchmark: build the databases, serve with gunicorn, drive with wrk, report.

For each database (SQLite, PostgreSQL) and dataset (the seed, the large generated
one): create a fresh database from a migrated template, load the data (timed),
count each request's queries, serve the app with gunicorn under the production
settings, run wrk over every request of bench/table.py, then stop the server.
Finally time export/import of the large dataset against dumpdata/loaddata, and
print the table (also written to bench/out/results.json).
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.table import (  # noqa: E402 (the driver runs as a script)
    P99_TARGET_MS,
    PEER_TARGET,
    ROWS,
    SAME_BYTES_TARGET,
    TARGET_RATIO,
)

OUT = ROOT / "bench" / "out"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LUA = str(ROOT / "bench" / "wrk_report.lua")
# Every tracked model (tracker.models.tracked_models(), which this script cannot import):
# a fixture of fewer would leave codings without their statements.
TRACKED = [
    "party",
    "actor",
    "actorrole",
    "source",
    "topic",
    "plan",
    "planauthor",
    "component",
    "point",
    "provision",
    "pointtext",
    "pointlink",
    "pointstatus",
    "event",
    "delegation",
    "statement",
    "translation",
    "position",
]
BROWSER_PAGES = (
    "plan page",
    "stance matrix",
    "timeline",
)  # timed in Chromium too (bench/browser.py)
HISTORY_P99_GROWTH = 1.5
RSS_TARGET_MIB = 120
MARKER_GROWTH_TOLERANCE = 0.2


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
        self.pg = args.postgres.rstrip("/")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "TRACKER_ENV": "production",
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "TRACKER_SSL_REDIRECT": "0",
            "BENCH_STATIC_ROOT": str(self.tmp / "static"),
            "BENCH_SAME_BYTES_DIR": str(self.tmp / "same-bytes"),
            "PYTHONPATH": str(ROOT),
        }
        self.results, self.loads, self.fixtures = [], [], []
        self.markers, self.memory = [], []
        self.browser = []

    # Databases -----------------------------------------------------------

    def url(self, db, name):
        if db == "sqlite":
            return f"sqlite:///{self.tmp / name}.sqlite3"
        return f"{self.pg}/{name}"

    def psql(self, sql):
        subprocess.run(
            ["psql", f"{self.pg}/postgres", "-qAtc", sql], check=True, capture_output=True
        )

    def fresh(self, db, name):
        """A migrated, empty database named ``name``, copied from the template."""
        template = "tracker_bench_template"
        if db == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                src = self.tmp / f"{template}.sqlite3{suffix}"
                if src.exists():
                    shutil.copy(src, self.tmp / f"{name}.sqlite3{suffix}")
        else:
            self.psql(f"DROP DATABASE IF EXISTS {name}")
            self.psql(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(db, name)

    def template(self, db):
        name = "tracker_bench_template"
        if db == "postgres":
            self.psql(f"DROP DATABASE IF EXISTS {name}")
            self.psql(f"CREATE DATABASE {name}")
        self.manage(self.url(db, name), "migrate", "--noinput", "-v0")

    def drop_all(self, db):
        if db == "postgres" and not self.args.keep:
            for name in self.pg_names:
                self.psql(f"DROP DATABASE IF EXISTS {name}")

    @property
    def pg_names(self):
        names = ["tracker_bench_template", "tracker_bench_import", "tracker_bench_loaddata"]
        return names + [f"tracker_bench_{d}" for d in self.args.datasets]

    # Processes -----------------------------------------------------------

    def manage(self, database_url, *args, **kwargs):
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, "DATABASE_URL": database_url},
            check=True,
            **kwargs,
        )

    def prepare(self, database_url, *args):
        out = self.tmp / "prepare.json"
        subprocess.run(
            [PYTHON, "-m", "bench.prepare", *args, str(out)],
            cwd=ROOT,
            env={**self.env, "DATABASE_URL": database_url},
            check=True,
        )
        return json.loads(out.read_text())

    def serve(self, database_url, log_path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server_log = open(log_path, "a")  # noqa: SIM115 (lives as long as the server)
        server = subprocess.Popen(
            [
                GUNICORN,
                "tracker.wsgi",
                f"--workers={self.args.workers}",
                f"--bind=127.0.0.1:{port}",
                f"--error-logfile={log_path}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env={**self.env, "DATABASE_URL": database_url},
            stdout=server_log,
            stderr=server_log,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return server, base
            except OSError:
                time.sleep(0.2)
        server.terminate()
        raise RuntimeError(f"gunicorn did not come up; see {log_path}")

    def settle(self, base):
        """Wait until every worker is free again (slow requests wrk gave up on still run)."""
        from concurrent.futures import ThreadPoolExecutor

        def ping(_):
            started = time.perf_counter()
            with urllib.request.urlopen(base + "/bench/ceiling/", timeout=120) as response:
                response.read()
            return time.perf_counter() - started

        with ThreadPoolExecutor(self.args.workers) as pool:
            for _ in range(120):
                if max(pool.map(ping, range(self.args.workers))) < 0.05:
                    return

    def headers(self, base, site, row=None):
        """What a signed-in browser sends (wrk and the driver's own requests alike)."""
        headers = {"Cookie": site["cookie"], "Origin": base}
        if self.args.encoding:
            headers["Accept-Encoding"] = self.args.encoding
        if row and row.get("htmx"):
            headers["HX-Request"] = "true"
        return {**headers, **(row or {}).get("extra_headers", {})}

    def fetch(self, base, site, path, **extra):
        headers = {**self.headers(base, site), **extra}
        request = urllib.request.Request(base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def same_bytes(self, base, site, row):
        """Save the page's plain (uncompressed) body for its same-bytes row to serve."""
        status, _, body = self.fetch(base, site, row["source"], **{"Accept-Encoding": "identity"})
        folder = Path(self.env["BENCH_SAME_BYTES_DIR"])
        folder.mkdir(exist_ok=True)
        (folder / f"{row['file']}.html").write_bytes(body)
        return status, len(body)

    def etag(self, base, site, row):
        """The ETag the page gives this browser, to send back as If-None-Match."""
        for _ in range(2):  # the first look may renew the CSRF cookie
            status, headers, _ = self.fetch(base, site, row["path"])
        return headers.get("ETag")

    def as_of_views(self, base, site, moments):
        """As-of views of the plan page and the matrix at ``moments``, each a new table."""
        from concurrent.futures import ThreadPoolExecutor

        targets = site["targets"]
        paths = [
            f"/plans/{targets['plan']}/?as_of={m}"
            if n % 2
            else f"/matrix/?plan={targets['plan']}&as_of={m}"
            for n, m in enumerate(moments)
        ]
        with ThreadPoolExecutor(self.args.workers) as pool:
            statuses = list(pool.map(lambda p: self.fetch(base, site, p)[0], paths * 2))
        return sum(1 for status in statuses if status == 200)

    def worker_rss(self, server):
        """RSS in MiB of each gunicorn worker (the master's children)."""
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            kib = re.search(r"VmRSS:\s+(\d+) kB", status)
            if kib:
                sizes.append(round(int(kib.group(1)) / 1024, 1))
        return sizes

    def wrk(self, base, row, site, seconds):
        headers = [f"{name}: {value}" for name, value in self.headers(base, site, row).items()]
        env = {**os.environ, "BENCH_MODE": "get"}
        if row["method"] == "POST":
            headers += [f"X-CSRFToken: {site['csrf_header']}", f"Referer: {base}/"]
            edit = row["edit"]
            env.update(
                BENCH_MODE="edit",
                BENCH_EDIT_PATHS=" ".join(edit["paths"]),
                BENCH_EDIT_VERSIONS=" ".join(str(v) for v in edit["versions"]),
                BENCH_EDIT_BODY=edit["body"],
                BENCH_EDIT_FIELD=edit["field"],
            )
        c = self.args.connections
        command = ["wrk", f"-t{c}", f"-c{c}", f"-d{seconds}s", "--timeout=10s", "-s", LUA]
        for header in headers:
            command += ["-H", header]
        done = subprocess.run(
            [*command, base + row["path"]], env=env, capture_output=True, text=True, check=True
        )
        line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
        return json.loads(line.removeprefix("BENCH_JSON "))

    # Steps ---------------------------------------------------------------

    def time_in_chromium(self, db, dataset, base, site):
        if __package__:
            from . import browser
        else:  # run as a script (bench/run): bench/ is first on sys.path
            import browser

        pages = [(r["name"], r["path"]) for r in site["rows"] if r["name"] in BROWSER_PAGES]
        pages = [(name, path) for name, path in pages if path]
        for name, numbers in browser.timings(base, pages, site["cookie"]).items():
            self.browser.append({"db": db, "dataset": dataset, "request": name, **numbers})
            log(f"   {name} in Chromium: {numbers}")

    def run_dataset(self, db, dataset):
        log(f"== {db} / {dataset}: loading")
        url = self.fresh(db, f"tracker_bench_{dataset}")
        load = self.prepare(url, "load", dataset)
        self.loads.append({"db": db, "dataset": dataset, **load})
        site = self.prepare(url, "measure")
        server, base = self.serve(url, OUT / f"gunicorn-{db}-{dataset}.log")
        try:
            memory = {"db": db, "dataset": dataset, "rss_start_mib": self.worker_rss(server)}
            for row in site["rows"]:
                if row["kind"] == "same-bytes" and row["path"]:
                    status, row["bytes"] = self.same_bytes(base, site, row)
                    row["status"] = 200 if status == 200 else status
                elif row["kind"] == "revalidation" and row["path"]:
                    etag = self.etag(base, site, row)
                    if etag is None:
                        row["path"], row["note"] = None, "(the page sends no ETag)"
                    else:
                        row["extra_headers"] = {"If-None-Match": etag}
                        again = self.fetch(base, site, row["path"], **row["extra_headers"])
                        row["status"] = again[0]
            for row in site["rows"]:
                result = {"request": row["name"], "kind": row["kind"], "dataset": dataset}
                result.update(db=db, path=row["path"], queries=row.get("queries"))
                result["status"] = row.get("status")
                self.results.append(result)
                if row["path"] is None:
                    result["note"] = row.get("note", "")
                    log(f"   {row['name']}: not available {result['note']}")
                    continue
                if row["status"] >= 500:
                    log(f"   {row['name']}: answers {row['status']}, not measured")
                    continue
                if row["method"] == "GET":  # warm every worker's caches first
                    self.wrk(base, row, site, 1)
                    self.settle(base)
                result.update(self.wrk(base, row, site, self.args.duration))
                self.settle(base)
                log(f"   {row['name']}: {result['rps']} rps, p99 {result['p99_ms']} ms")
            memory["rss_after_pages_mib"] = self.worker_rss(server)
            memory["as_of_views"] = self.as_of_views(base, site, site["moments"])
            memory["rss_after_as_of_mib"] = self.worker_rss(server)
            self.memory.append(memory)
            log(f"   worker RSS (MiB): {memory}")
            self.time_in_chromium(db, dataset, base, site)
        finally:
            server.terminate()
            server.wait(timeout=30)
        return url

    def timed(self, command, database_url, stdout=None, program=("manage.py",)):
        """Run ``command`` (manage.py arguments); seconds and peak RSS in MiB."""
        prefix = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
        started = time.perf_counter()
        done = subprocess.run(
            [*prefix, PYTHON, *program, *command],
            cwd=ROOT,
            env={**self.env, "DATABASE_URL": database_url},
            stdout=stdout or subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        seconds = round(time.perf_counter() - started, 2)
        peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        return {
            "seconds": seconds,
            "peak_mib": round(int(peak.group(1)) / 1024, 1) if peak else None,
            "ok": done.returncode == 0,
            "error": done.stderr.strip().splitlines()[-1:] if done.returncode else None,
        }

    def has_command(self, url, name):
        done = subprocess.run(
            [PYTHON, "manage.py", "help", name],
            cwd=ROOT,
            env={**self.env, "DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
        return done.stdout if done.returncode == 0 else None

    def run_fixtures(self, db, source_url):
        log(f"== {db} / large: fixtures")
        dumped = self.tmp / "dumpdata.json"
        exported = self.tmp / "export.json"

        def record(step, result):
            self.fixtures.append({"db": db, "step": step, **result})
            log(f"   {step}: {result}")

        record(
            "dumpdata",
            self.timed(
                [
                    "dumpdata",
                    *[f"tracker.{m}" for m in TRACKED],
                    "--natural-foreign",
                    "--natural-primary",
                    "-o",
                    str(dumped),
                ],
                source_url,
            ),
        )
        export_help = self.has_command(source_url, "export_fixture")
        if export_help is None:
            record("export_fixture", {"ok": False, "error": "not available"})
        elif re.search(r"(-o|--output)\b", export_help):
            record(
                "export_fixture", self.timed(["export_fixture", "-o", str(exported)], source_url)
            )
        else:
            with exported.open("w") as out:
                record("export_fixture", self.timed(["export_fixture"], source_url, stdout=out))
        same_file = exported if exported.exists() and exported.stat().st_size else dumped
        # Django's own loaddata, without the tracker's history recording of
        # fixture loads: the baseline the import is held to.
        load_url = self.fresh(db, "tracker_bench_loaddata")
        plain = ("-m", "bench.plain_loaddata")
        record(
            f"stock loaddata ({same_file.name})",
            self.timed([str(same_file)], load_url, program=plain),
        )
        if self.has_command(source_url, "import_fixture") is None:
            record("import_fixture", {"ok": False, "error": "not available"})
        else:
            import_url = self.fresh(db, "tracker_bench_import")
            record("import_fixture", self.timed(["import_fixture", str(same_file)], import_url))

    def run(self):
        OUT.mkdir(exist_ok=True)
        started = time.perf_counter()
        log(f"== collectstatic into {self.env['BENCH_STATIC_ROOT']}")
        self.manage(self.url("sqlite", "static"), "collectstatic", "--noinput", "-v0")
        try:
            for db in self.args.databases:
                self.template(db)
                for dataset in self.args.datasets:
                    url = self.run_dataset(db, dataset)
                    if dataset == "large" and db in self.args.fixtures:
                        self.run_fixtures(db, url)
                    if dataset == "large":  # last: it grows the change index fivefold
                        log(f"== {db} / large: the change marker's cost")
                        for step in self.prepare(url, "marker"):
                            self.markers.append({"db": db, **step})
                            log(f"   {step}")
                self.drop_all(db)
        finally:
            if not self.args.keep:
                shutil.rmtree(self.tmp, ignore_errors=True)
        return round(time.perf_counter() - started, 1)


# Report --------------------------------------------------------------------


def judge(results, rows):
    """Add the ratios (to the ceiling, the admin peer, the same bytes) and the verdict."""
    by_key = {(r["db"], r["dataset"], r["request"]): r for r in results}
    spec = {row.name: row for row in rows}
    for r in results:
        ceiling = by_key.get((r["db"], r["dataset"], "ceiling"), {}).get("rps")
        if "rps" not in r:
            r["verdict"] = "not available" if r["path"] is None else f"broken ({r['status']})"
            continue
        r["ratio"] = round(r["rps"] / ceiling, 3) if ceiling else None
        row = spec.get(r["request"])
        for field, name in (
            ("vs_peer", row and row.peer),
            ("vs_same_bytes", row and row.same_bytes),
        ):
            other = by_key.get((r["db"], r["dataset"], name), {}).get("rps") if name else None
            if other and r["kind"] != "same-bytes":
                r[field] = round(r["rps"] / other, 2)
        if r["kind"] == "ceiling":
            r["verdict"] = "(ceiling)"
            continue
        if r["kind"] in ("peer", "same-bytes"):
            r["verdict"] = "(yardstick)"
            continue
        misses = []
        if not r["requests"]:
            r["verdict"] = f"no response within {r['seconds']:.0f} s"
            continue
        if r["status"] and r["status"] >= 400:
            misses.append(f"status {r['status']}")
        if r["kind"] == "revalidation" and r["status"] != 304:
            misses.append(f"answers {r['status']}, not 304")
        if r["errors"]["status"] or r.get("failures"):
            misses.append(f"{r['errors']['status']} error responses")
        if r["ratio"] is not None and r["ratio"] < TARGET_RATIO[r["kind"]]:
            misses.append(f"ratio < {TARGET_RATIO[r['kind']]}")
        if r.get("vs_peer") is not None and r["vs_peer"] < PEER_TARGET:
            misses.append(f"< {PEER_TARGET:g}x admin")
        if r.get("vs_same_bytes") is not None and r["vs_same_bytes"] < SAME_BYTES_TARGET:
            misses.append(f"< {SAME_BYTES_TARGET:g}x same bytes")
        if r["p99_ms"] >= P99_TARGET_MS:
            misses.append(f"p99 >= {P99_TARGET_MS} ms")
        other = by_key.get((r["db"], "small" if r["dataset"] == "large" else "large", r["request"]))
        if other and r["queries"] is not None and other.get("queries") not in (None, r["queries"]):
            misses.append("queries differ by size")
        grows = other and other.get("p99_ms") and r["dataset"] == "large"
        if r["kind"] == "history" and grows and r["p99_ms"] > HISTORY_P99_GROWTH * other["p99_ms"]:
            misses.append(f"p99 > {HISTORY_P99_GROWTH}x seed")
        r["verdict"] = "; ".join(misses) or "yes"
    return results


def table(results):
    head = [
        "request",
        "dataset",
        "db",
        "rps",
        "p50 ms",
        "p99 ms",
        "x ceiling",
        "x admin",
        "x same bytes",
        "queries",
        "target met?",
    ]
    lines = [head]
    for r in results:
        if "rps" in r:
            numbers = [
                f"{r['rps']:.0f}",
                f"{r['p50_ms']:.1f}",
                f"{r['p99_ms']:.1f}",
                f"{r['ratio']:.2f}" if r.get("ratio") is not None else "-",
                f"{r['vs_peer']:.2f}" if r.get("vs_peer") is not None else "",
                f"{r['vs_same_bytes']:.2f}" if r.get("vs_same_bytes") is not None else "",
            ]
        else:
            numbers = ["-"] * 4 + [""] * 2
        queries = "-" if r.get("queries") is None else str(r["queries"])
        lines.append([r["request"], r["dataset"], r["db"], *numbers, queries, r["verdict"]])
    return markdown(lines)


def marker_table(markers):
    """The marker's cost at the history's size and at five times it."""
    lines = [["db", "changes", "marker ms", "count-and-max ms (before)"]]
    for m in markers:
        lines.append([m["db"], f"{m['changes']:,}", m["marker_ms"], m["count_and_max_ms"]])
    verdicts = []
    for db in dict.fromkeys(m["db"] for m in markers):
        small, big = [m for m in markers if m["db"] == db][:2]
        growth = big["marker_ms"] / small["marker_ms"] - 1
        ok = abs(growth) <= MARKER_GROWTH_TOLERANCE
        verdicts.append(f"{db}: {growth:+.0%} at 5x the changes ({'yes' if ok else 'no'})")
    return markdown(lines) + "\n\nSame cost (±20%): " + "; ".join(verdicts)


def memory_table(memory):
    lines = [["db", "dataset", "at start", "after every page", "after 50 as-of views", "< 120?"]]
    for m in memory:
        worst = max(m["rss_after_as_of_mib"] or [0])
        lines.append(
            [
                m["db"],
                m["dataset"],
                " / ".join(map(str, m["rss_start_mib"])),
                " / ".join(map(str, m["rss_after_pages_mib"])),
                " / ".join(map(str, m["rss_after_as_of_mib"])),
                "yes" if worst < RSS_TARGET_MIB else "no",
            ]
        )
    return "RSS per gunicorn worker (MiB)\n\n" + markdown(lines)


def markdown(lines):
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(lines[0]))]
    out = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) + " |"
        for line in lines
    ]
    out.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def machine():
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gib": round(mem / 1024 / 1024, 1),
        "python": platform.python_version(),
        "date": datetime.date.today().isoformat(),
    }


def main():
    parser = argparse.ArgumentParser(description="Benchmark the tracker against its ceiling.")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per request")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--datasets",
        default="small,large",
        help="small (the seed), large (300 points × 50 parties), wide (600 × 50)",
    )
    parser.add_argument("--fixtures", default="postgres", help="databases to time fixtures on")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the databases and temp dir")
    parser.add_argument(
        "--encoding",
        default="gzip, deflate, br",
        help="Accept-Encoding sent with every request, as Chromium does ('' for none)",
    )
    args = parser.parse_args()
    for name in ("databases", "datasets", "fixtures"):
        setattr(args, name, [x for x in getattr(args, name).split(",") if x])
    bench = Bench(args)
    seconds = bench.run()
    results = judge(bench.results, ROWS)
    report = {
        "machine": machine(),
        "settings": {k: v for k, v in vars(args).items() if k != "postgres"},
        "total_seconds": seconds,
        "loads": bench.loads,
        "results": results,
        "fixtures": bench.fixtures,
        "markers": bench.markers,
        "memory": bench.memory,
        "browser": bench.browser,
    }
    (OUT / "results.json").write_text(json.dumps(report, indent=1))
    parts = [table(results)]
    loads = [[x["db"], x["dataset"], x["load_seconds"]] for x in bench.loads]
    parts.append(markdown([["db", "dataset", "load (s)"], *loads]))
    if bench.browser:
        head = ["request (Chromium)", "dataset", "db", "first byte ms", "first screen ms"]
        head += ["DCL ms", "load ms"]
        rows = [
            [b["request"], b["dataset"], b["db"]]
            + [b.get(key, "-") for key in ("first_byte_ms", "first_screen_ms", "dcl_ms", "load_ms")]
            for b in bench.browser
        ]
        parts.append(markdown([head, *rows]))
    if bench.fixtures:
        steps = [
            [
                f["db"],
                f["step"],
                f.get("seconds", "-"),
                f.get("peak_mib", "-"),
                "yes" if f["ok"] else f["error"],
            ]
            for f in bench.fixtures
        ]
        parts.append(markdown([["db", "step", "seconds", "peak MiB", "ok"], *steps]))
    if bench.markers:
        parts.append(marker_table(bench.markers))
    if bench.memory:
        parts.append(memory_table(bench.memory))
    parts.append(f"{report['machine']} · total {seconds} s")
    text = "\n\n".join(parts)
    (OUT / "results.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
