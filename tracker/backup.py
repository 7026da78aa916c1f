"""Whole-database backup and restore, history included.

SQLite uses its online backup API (a consistent copy while the app keeps
running); PostgreSQL uses ``pg_dump -Fc`` and ``pg_restore`` in one transaction,
so a restore that fails half-way leaves the database as it was.
"""

import os
import shutil
import sqlite3

# pg_dump and pg_restore run from an argument list, never through a shell.
import subprocess  # nosec B404
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
# Tables whose rows are the organisation's data: a restore must not silently
# replace them. (Roles, permissions and content types exist in any migrated database.)
DATA_TABLE_PREFIXES = ("tracker_", "auth_user")
# Bookkeeping that any migrated database holds, not data.
NOT_DATA_TABLES = {"tracker_changemarker"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with a message for the operator."""


def engine(using="default"):
    vendor = connections[using].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def backup(path, using="default"):
    """Write a consistent copy of the whole database to ``path``."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    if engine(using) == "sqlite":
        _sqlite_backup(path, using)
    else:
        partial = path.with_name(path.name + ".partial")
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)], using)
        partial.rename(path)  # a backup killed half-way never looks complete
    return path


def restore(path, using="default", force=False):
    """Replace the whole database with the backup in ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    kind = _backup_kind(path)
    vendor = engine(using)
    if kind != vendor:
        raise BackupError(f"{path} is a {kind} backup but the database is {vendor}.")
    rows = data_rows(using)
    if rows and not force:
        raise BackupError(
            f"The database already holds {rows} rows of data; restoring would replace them. "
            "Back it up first, then run restore again with --force."
        )
    if vendor == "sqlite":
        _sqlite_restore(path, using)
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                connections[using].settings_dict["NAME"],
                str(path),
            ],
            using,
        )
    connections[using].close()
    renew_marker(using)


def renew_marker(using):
    """The restored data gets a new change-marker epoch.

    The backup's marker value was reached once already, with other data, by
    the database the backup came from: cached tables and browsers' ETags from
    that time must not match the restored data.
    """
    from .models import ChangeMarker

    if ChangeMarker._meta.db_table in connections[using].introspection.table_names():
        ChangeMarker.renew(using=using)
    connections[using].close()


def data_rows(using="default"):
    """How many rows the data tables hold (0 for a fresh, even unmigrated, database)."""
    connection = connections[using]
    tables = [
        name
        for name in connection.introspection.table_names()
        if name.startswith(DATA_TABLE_PREFIXES) and name not in NOT_DATA_TABLES
    ]
    total = 0
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # nosec B608
            total += cursor.fetchone()[0]
    return total


def _backup_kind(path):
    with open(path, "rb") as file:
        head = file.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by this command.")


def _sqlite_backup(path, using):
    connection = connections[using]
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _sqlite_restore(path, using):
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"{path} is damaged: {verdict}")
        connection = connections[using]
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _run(command, using):
    """Run a PostgreSQL client with the connection's host, port, user and password."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed.")
    params = connections[using].settings_dict
    env = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if params.get(key):
            env[variable] = str(params[key])
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    if command[0] == "pg_dump":
        command = [*command, params["NAME"]]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
