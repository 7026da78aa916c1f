"""Throwaway databases for tests that run manage.py or servers in other processes.

On the engine of the suite's own DATABASE_URL unless one is asked for: an SQLite
file in a temporary folder, or a PostgreSQL database created for the test and
dropped after it (on the suite's server, else on ``POSTGRES_URL``).
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parents[1]
# The server a PostgreSQL scratch database goes on when the suite itself runs on SQLite.
POSTGRES_URL = os.environ.get(
    "TRACKER_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/tracker"
)


def suite_url():
    return os.environ.get("DATABASE_URL", "")


def on_postgresql():
    return suite_url().startswith(("postgres://", "postgresql://"))


def postgresql_reachable():
    """None if a PostgreSQL scratch database can be made, else why not."""
    url = suite_url() if on_postgresql() else POSTGRES_URL
    admin_url = urlunparse(urlparse(url)._replace(path="/postgres"))
    try:
        psycopg.connect(admin_url, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        return f"PostgreSQL is unreachable at {admin_url}: {str(error).strip()[:200]}"
    return None


class ScratchDatabase:
    def __init__(self, name, folder, environ=None, vendor=None):
        self.name = name
        self.environ = environ or {}
        self.vendor = vendor or ("postgresql" if on_postgresql() else "sqlite")
        if self.vendor == "postgresql":
            parts = urlparse(suite_url() if on_postgresql() else POSTGRES_URL)
            # The process id keeps concurrent runs (and parallel test workers) on one
            # server apart.
            self.db_name = f"{parts.path.lstrip('/') or 'tracker'}_{name}_{os.getpid()}"
            self.url = urlunparse(parts._replace(path=f"/{self.db_name}"))
            self._admin_url = urlunparse(parts._replace(path="/postgres"))
        else:
            self.path = Path(folder) / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def create(self):
        if self.vendor == "postgresql":
            self.drop()
            with psycopg.connect(self._admin_url, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.db_name}"')
        return self

    def drop(self):
        if self.vendor == "postgresql":
            with psycopg.connect(self._admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def env(self, **extra):
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        env.update(DATABASE_URL=self.url, DJANGO_SETTINGS_MODULE="tracker.settings")
        env.update(self.environ)
        env.update(extra)
        return env

    def manage(self, *args, check=True, timeout=300):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result

    def shell(self, code):
        return self.manage("shell", "-c", code).stdout

    def snapshot(self):
        """Every row of the tracker (history included) and of the users, as JSON text."""
        return self.manage("dumpdata", "tracker", "auth.user", "auth.group", "--indent", "1").stdout
