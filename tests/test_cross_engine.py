"""An export from SQLite loads into PostgreSQL and the reverse, unchanged.

The edit forms and the import apply the same field rules (tracker/validators.py), the
rules both engines share: whatever one engine accepted through them, the other stores
alike. Data that only SQLite could hold (written around those rules) is refused whole on
import, with a message and no traceback, before anything is written.

Needs PostgreSQL on 127.0.0.1:5432 (or TRACKER_TEST_POSTGRES_URL) whatever the suite's
own engine; skipped, saying so, where it is unreachable (CI has it).
"""

import pytest

from tests.scratch_db import ScratchDatabase, postgresql_reachable

# Records at the edges of the rules: the longest names, the largest numbers every
# engine stores, characters outside the basic plane, line and paragraph separators.
EDGES = """
import datetime
from tracker.models import Party, Plan, Point, Position, Source, Statement

def saved(obj):
    obj.full_clean()
    obj.save()
    return obj

party = saved(Party(slug="edge-" + "e" * 45, name="\\u0395" * 120, short_name="\\U0001F54A" * 20,
                    order=32767, description="x" * 10_000))
plan = Plan.objects.get(slug="us-28-point-plan")
point = saved(Point(plan=plan, number=32767, title="\\u041c\\u0438\\u0440 \\U0001F54A " + "t" * 190,
                    text="line\\r\\nbreak\\ttab \\u2028 separator \\"quoted\\" back\\\\slash"))
source = saved(Source(slug="edge-source", title="s" * 300, url="https://example.org/" + "p" * 470,
                      full_text="\\u00e9" * 200_000, published_on=datetime.date(1900, 1, 1)))
statement = saved(Statement(party=party, attribution="\\u201ca senior official\\u201d",
                            said_on=datetime.date(2025, 11, 27), language="uk",
                            text="\\u201cwe shall see\\u201d", summary="\\U0001F600 " * 100))
statement.sources.set([source])
saved(Position(statement=statement, point=point, stance="unclear", summary="s"))
"""

# Changes made on PostgreSQL, to carry back to SQLite.
MORE = """
from tracker.models import Party, Point
point = Point.objects.get(plan__slug="us-28-point-plan", number=32767)
point.text = point.text + " \\u2014 amended on the other engine"
point.save()
saved = Party(slug="pg-only", name="Only on PostgreSQL", short_name="PG", order=0)
saved.full_clean()
saved.save()
"""


# Around the rules, as an older version or another tool could have written it.
RAW_WRITE = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "UPDATE tracker_point SET number = %s, title = %s WHERE number = 9 AND plan_id = "
        "(SELECT id FROM tracker_plan WHERE slug = 'us-28-point-plan')",
        [40000, "NUL\\x00here"],
    )
"""


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    reason = postgresql_reachable()
    if reason:
        pytest.skip(f"{reason}: the cross-engine import needs both engines (CI has them)")
    folder = tmp_path_factory.mktemp("engines")
    sqlite = ScratchDatabase("xsqlite", folder, vendor="sqlite").create()
    postgresql = ScratchDatabase("xpostgresql", folder, vendor="postgresql").create()
    try:
        for database in (sqlite, postgresql):
            database.manage("migrate", "-v", "0")
        sqlite.manage("import_fixture", "fixtures/seed.json", "-v", "0")
        yield sqlite, postgresql
    finally:
        sqlite.drop()
        postgresql.drop()


def export(database, path):
    database.manage("export_fixture", "-o", str(path))
    return path.read_text(encoding="utf-8")


def test_an_export_from_sqlite_loads_into_postgresql_and_back_unchanged(engines, tmp_path):
    sqlite, postgresql = engines
    sqlite.shell(EDGES)
    from_sqlite = export(sqlite, tmp_path / "from-sqlite.json")
    assert "\\U0001F54A" not in from_sqlite and "\U0001f54a" in from_sqlite
    postgresql.manage("import_fixture", str(tmp_path / "from-sqlite.json"))
    assert export(postgresql, tmp_path / "again.json") == from_sqlite

    postgresql.shell(MORE)
    from_postgresql = export(postgresql, tmp_path / "from-postgresql.json")
    assert "amended on the other engine" in from_postgresql
    sqlite.manage("import_fixture", str(tmp_path / "from-postgresql.json"))
    assert export(sqlite, tmp_path / "back.json") == from_postgresql


def test_what_only_sqlite_could_hold_is_refused_whole_by_postgresql(engines, tmp_path):
    _, postgresql = engines
    sqlite = ScratchDatabase("xsqlite_raw", tmp_path, vendor="sqlite").create()
    sqlite.manage("migrate", "-v", "0")
    sqlite.manage("import_fixture", "fixtures/seed.json", "-v", "0")
    sqlite.shell(RAW_WRITE)
    path = tmp_path / "sqlite-only.json"
    export(sqlite, path)
    before = export(postgresql, tmp_path / "before.json")
    result = postgresql.manage("import_fixture", str(path), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "number: Ensure this value is less than or equal to 32767." in result.stderr
    assert "title: Null characters are not allowed." in result.stderr
    assert export(postgresql, tmp_path / "after.json") == before
