"""Throwaway databases for tests that run manage.py or servers in other processes.

On the engine of the suite's own DATABASE_URL: an SQLite file in a temporary
folder, or a PostgreSQL database created for the test and dropped after it.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parents[1]


def suite_url():
    return os.environ.get("DATABASE_URL", "")


def on_postgresql():
    return suite_url().startswith(("postgres://", "postgresql://"))


class ScratchDatabase:
    def __init__(self, name, folder, environ=None):
        self.name = name
        self.environ = environ or {}
        if on_postgresql():
            parts = urlparse(suite_url())
            self.db_name = f"{parts.path.lstrip('/') or 'tracker'}_{name}"
            self.url = urlunparse(parts._replace(path=f"/{self.db_name}"))
            self._admin_url = urlunparse(parts._replace(path="/postgres"))
        else:
            self.path = Path(folder) / f"{name}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    @property
    def vendor(self):
        return "postgresql" if on_postgresql() else "sqlite"

    def create(self):
        if on_postgresql():
            self.drop()
            with psycopg.connect(self._admin_url, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.db_name}"')
        return self

    def drop(self):
        if on_postgresql():
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
