"""Import: checked, previewed, applied all at once, recorded; bad files refused whole."""

import gzip
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tracker.management.commands.import_fixture import Command as ImportCommand
from tracker.models import Change, Event, Party, Point, Position
from tracker.transfer import MODELS, ImportRefused, export_fixture, read_fixture, stash_dir

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("controlled_topics")]

UID = "6f1f8d3e-8c52-4a57-9d2a-1c1b1c1b1c1b"
STATEMENT_UID = "0b9e2f4a-3c1d-4e5f-8a7b-6c5d4e3f2a1b"
STATEMENT = 7  # the statement's place in objects(): after the event, so the rest keep theirs


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.TRACKER_IMPORT_DIR = str(tmp_path)
    return tmp_path / "tracker-imports"


def objects():
    """A small valid fixture: a party, a source, a plan with a component and a point,
    a position, an event and the statement the position codes."""
    return [
        {
            "model": "tracker.party",
            "fields": {"slug": "e3", "name": "E3", "short_name": "E3", "kind": "bloc"},
        },
        {"model": "tracker.source", "fields": {"slug": "ft", "title": "FT report"}},
        {
            "model": "tracker.plan",
            "fields": {"slug": "e3-plan", "title": "E3 counter-proposal", "short_title": "E3"},
        },
        {
            "model": "tracker.component",
            "fields": {"plan": ["e3-plan"], "number": 1, "title": "Security"},
        },
        {
            "model": "tracker.point",
            "fields": {
                "plan": ["e3-plan"],
                "number": 1,
                "title": "Guarantees",
                "text": "Article 5-like guarantees.",
                "topics": [["security_guarantees"]],
                "component": ["e3-plan", 1],
            },
        },
        {
            "model": "tracker.position",
            "fields": {
                "uid": UID,
                "statement": [STATEMENT_UID],
                "point": ["e3-plan", 1],
                "stance": "supports",
                "summary": "Backs the guarantees.",
            },
        },
        {
            "model": "tracker.event",
            "fields": {
                "slug": "geneva",
                "title": "Geneva talks",
                "occurred_on": "2025-11-23",
                "parties": [["e3"]],
                "source": ["ft"],
            },
        },
        {
            "model": "tracker.statement",
            "fields": {
                "uid": STATEMENT_UID,
                "party": ["e3"],
                "attribution": "E3 officials",
                "said_on": "2025-11-23",
                "summary": "The E3 back the guarantees.",
                "sources": [["ft"]],
            },
        },
    ]


POINT = objects()[4]["fields"]


def as_bytes(items):
    return json.dumps(items, indent=2).encode()


def with_fields(index, **fields):
    items = objects()
    items[index]["fields"].update(fields)
    return items


def without_field(index, name):
    items = objects()
    del items[index]["fields"][name]
    return items


def snapshot():
    """Everything an import could change."""
    history = sum(model.history.count() for model in MODELS)
    return "".join(export_fixture()), history, Change.objects.count(), User.objects.count()


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_fixture", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def fixture_file(tmp_path):
    def write(data, name="fixture.json"):
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else as_bytes(data))
        return path

    return write


def upload(client, data, name="fixture.json"):
    content = data if isinstance(data, bytes) else as_bytes(data)
    return client.post(reverse("import_preview"), {"file": SimpleUploadedFile(name, content)})


# Bad input: each refused on the command line and on the web, nothing changed.

BAD = {
    "not json": (b"this is not JSON at all", "not JSON"),
    "broken json": (b'[{"model": "tracker.party", "fields": {"slug": ', "not valid JSON"),
    "a json object": (b'{"model": "tracker.party", "fields": {}}', "not a list of objects"),
    "a list of numbers": (b"[1, 2]", "Object 1 (line 1): expected an object"),
    "an unknown model": (
        as_bytes([*objects(), {"model": "auth.user", "fields": {"username": "x"}}]),
        "Object 9 (line 104): 'auth.user' is not a tracker model",
    ),
    "a session": (
        as_bytes([{"model": "sessions.session", "fields": {}}, *objects()]),
        "Object 1 (line 2): 'sessions.session' is not a tracker model",
    ),
    "a missing field": (as_bytes(without_field(4, "text")), "missing field 'text'"),
    "a missing natural key": (as_bytes(without_field(5, "uid")), "missing field 'uid'"),
    "a wrong type": (
        as_bytes(with_fields(4, number="one")),
        "number: expected a whole number, found text",
    ),
    "a wrong type in text": (
        as_bytes(with_fields(2, title={"en": "x"})),
        "title: expected text, found an object",
    ),
    "a bad date": (as_bytes(with_fields(STATEMENT, said_on="27/11/2025")), "said_on:"),
    "a stance not among the choices": (
        as_bytes(with_fields(5, stance="loves")),
        "stance: Value 'loves' is not a valid choice",
    ),
    "a reference to nowhere": (
        as_bytes(with_fields(STATEMENT, party=["atlantis"])),
        "party: tracker.party atlantis exists neither in the file nor in the database",
    ),
    "a reference by primary key": (
        as_bytes(with_fields(STATEMENT, party=1)),
        "refers to tracker.party by primary key 1",
    ),
    "duplicate natural keys": (
        as_bytes([*objects(), objects()[0]]),
        "are both tracker.party e3: a duplicate natural key",
    ),
    "a point number clash": (
        as_bytes(
            [*objects(), {**objects()[4], "fields": {**objects()[4]["fields"], "title": "B"}}]
        ),
        "are both point e3-plan/1: a number clash",
    ),
    "an unknown field": (
        as_bytes(with_fields(0, colour_name="red")),
        "unknown field 'colour_name'",
    ),
    "a bad colour": (as_bytes(with_fields(0, colour="red")), "colour: Enter a colour as #rrggbb"),
    "a component of another plan": (
        as_bytes(with_fields(4, component=["elsewhere", 1])),
        "tracker.component elsewhere/1 exists neither",
    ),
    "a statement in the future": (
        as_bytes(with_fields(STATEMENT, said_on="2999-01-01")),
        "A statement cannot be made in the future",
    ),
    "an event ending before it starts": (
        as_bytes(with_fields(STATEMENT - 1, ends_on="2025-11-22")),
        "It cannot end before it starts",
    ),
    "a certainty that is not one of the choices": (
        as_bytes(with_fields(STATEMENT - 1, certainty="certain")),
        "certainty: Value 'certain' is not a valid choice",
    ),
    "an empty file": (b"", "file is empty"),
    "an empty list": (b"[]", "The file holds no objects"),
    "a trailing comma": (b'[{"model": "tracker.party", "fields": {}},]', "comma after the last"),
    "not utf-8": (b'["\xff\xfe"]', "not UTF-8"),
    "NaN": (as_bytes(with_fields(0, order=float("nan"))), "NaN is not allowed"),
    "deep nesting": (b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]", "cannot be read"),
    # The field rules both databases need (tracker/validators.py), checked before any lookup.
    "an unpaired surrogate in a text field": (
        as_bytes(with_fields(4, text="Guarantees \ud800")),
        "text: This text holds an invalid character",
    ),
    "an unpaired surrogate in a slug": (
        as_bytes(with_fields(0, slug="e\udc003")),
        "slug: This text holds an invalid character",
    ),
    "an unpaired surrogate in a date": (
        as_bytes(with_fields(STATEMENT, said_on="2025-11-23\ud800")),
        "said_on: This text holds an invalid character",
    ),
    "an unpaired surrogate in a reference": (
        as_bytes(with_fields(STATEMENT, party=["e3\ud800"])),
        "party: a reference to tracker.party: This text holds an invalid character",
    ),
    "a NUL character in a slug": (
        as_bytes(with_fields(0, slug="e3\x00")),
        "slug: Null characters are not allowed",
    ),
    "a NUL character in a text field": (
        as_bytes(with_fields(5, summary="Backs\x00")),
        "summary: Null characters are not allowed",
    ),
    "a NUL character in a reference": (
        as_bytes(with_fields(STATEMENT, sources=[["ft\x00"]])),
        "sources: a reference to tracker.source: Null characters are not allowed",
    ),
    "a number beyond every database": (
        as_bytes(with_fields(4, number=2**63)),
        "number: Ensure this value is less than or equal to 32767",
    ),
    "a number only SQLite would store": (
        as_bytes(with_fields(0, order=40_000)),
        "order: Ensure this value is less than or equal to 32767",
    ),
    "a number beyond every database in a reference": (
        as_bytes(with_fields(5, point=["e3-plan", 2**63])),
        "point: a reference to tracker.point: Ensure this value is less than or equal to 32767",
    ),
    "a text over its length": (
        as_bytes(with_fields(4, text="x" * 10_001)),
        "text: Ensure this value has at most 10000 characters",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_the_command_refuses_bad_input_and_changes_nothing(case, fixture_file):
    data, message = BAD[case]
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run_import(fixture_file(data))
    assert message in str(raised.value)
    assert snapshot() == before


@pytest.mark.parametrize("case", BAD)
def test_the_web_refuses_bad_input_with_a_4xx_and_changes_nothing(case, analyst_client):
    data, message = BAD[case]
    before = snapshot()
    response = upload(analyst_client, data)
    assert 400 <= response.status_code < 500
    assert message in response.content.decode().replace("&#x27;", "'")
    assert "The file was not imported" in response.content.decode()
    assert snapshot() == before
    assert not list(stash_dir().iterdir())


def test_a_file_over_the_size_limit_is_refused(settings, fixture_file, analyst_client):
    data = as_bytes(objects())
    settings.TRACKER_IMPORT_MAX_BYTES = len(data) - 1
    before = snapshot()
    with pytest.raises(CommandError, match="over the import limit"):
        run_import(fixture_file(data))
    response = upload(analyst_client, data)
    assert response.status_code == 413
    assert "over the limit" in response.content.decode()
    assert snapshot() == before


def test_the_web_stops_an_oversized_upload_before_storing_it(settings, analyst_client):
    settings.TRACKER_IMPORT_MAX_BYTES = 100_000
    response = upload(analyst_client, b"[" + b" " * 300_000 + b"]")
    assert response.status_code == 413
    assert response.wsgi_request.upload_too_large
    assert "file" not in response.wsgi_request.FILES


def test_an_oversized_upload_gets_one_message_not_also_a_missing_file(settings, analyst_client):
    settings.TRACKER_IMPORT_MAX_BYTES = 1_000
    response = upload(analyst_client, b"[" + b" " * 5_000 + b"]")
    assert response.status_code == 413
    body = response.content.decode()
    assert "The file is over the limit of 1,000 bytes." in body
    assert "This field is required" not in body
    assert body.count('role="alert"') == 1


def test_a_file_over_the_object_limit_is_refused_before_it_is_read_whole(
    settings, fixture_file, analyst_client
):
    settings.TRACKER_IMPORT_MAX_OBJECTS = 3
    before = snapshot()
    with pytest.raises(CommandError, match="more than 3 objects"):
        run_import(fixture_file(objects()))
    response = upload(analyst_client, objects())
    assert response.status_code == 413
    assert snapshot() == before


def test_the_object_limit_stops_the_parse_before_the_rest_of_the_file(settings):
    settings.TRACKER_IMPORT_MAX_OBJECTS = 3
    data = b"[" + b'{"model": "tracker.party", "fields": {}},' * 4 + b" not JSON at all"
    with pytest.raises(ImportRefused, match="more than 3 objects") as raised:
        read_fixture(io.BytesIO(data))
    assert raised.value.status == 413


def test_every_foreign_entry_is_named_and_the_whole_file_refused(fixture_file):
    items = [
        {"model": "auth.user", "fields": {"username": "mallory", "is_superuser": True}},
        *objects(),
        {"model": "auth.permission", "fields": {}},
        {"model": "admin.logentry", "fields": {}},
        {"model": "tracker.change", "fields": {}},
        {"model": "tracker.point", "fields": {"broken": True}},
    ]
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        run_import(fixture_file(items))
    message = str(raised.value)
    for index, label in [(1, "auth.user"), (10, "auth.permission"), (11, "admin.logentry")]:
        assert re.search(rf"Object {index} \(line \d+\): '{label}' is not a tracker", message)
    assert "'tracker.change' is not a tracker model" in message
    assert snapshot() == before
    assert not User.objects.filter(username="mallory").exists()


def test_a_gzip_bomb_is_refused(settings, fixture_file, analyst_client):
    settings.TRACKER_IMPORT_MAX_BYTES = 1_000_000
    bomb = gzip.compress(b"[" + b" " * 50_000_000 + b"]", compresslevel=9)
    assert len(bomb) < 100_000
    before = snapshot()
    with pytest.raises(CommandError, match="once decompressed"):
        run_import(fixture_file(bomb, "bomb.json.gz"))
    response = upload(analyst_client, bomb, "bomb.json.gz")
    assert response.status_code == 413
    assert "once decompressed" in response.content.decode()
    assert snapshot() == before


def test_a_corrupt_gzip_file_is_refused(fixture_file, analyst_client):
    data = gzip.compress(as_bytes(objects()))[:-30]
    with pytest.raises(CommandError, match="not valid gzip"):
        run_import(fixture_file(data, "cut.json.gz"))
    assert upload(analyst_client, data, "cut.json.gz").status_code == 422


def test_a_gzipped_fixture_imports(fixture_file):
    run_import(fixture_file(gzip.compress(as_bytes(objects())), "ok.json.gz"))
    assert Point.objects.get(plan__slug="e3-plan", number=1).title == "Guarantees"


def test_an_error_names_the_object_its_line_and_the_field(fixture_file):
    with pytest.raises(CommandError) as raised:
        run_import(fixture_file(with_fields(5, stance="loves")))
    assert f"Object 6 (line 56, tracker.position {UID}): stance: Value 'loves'" in str(raised.value)


def test_every_problem_is_listed_not_only_the_first(fixture_file):
    items = with_fields(5, stance="loves")
    items[2]["fields"]["status"] = "won"
    with pytest.raises(CommandError) as raised:
        run_import(fixture_file(items))
    assert "Value 'won' is not a valid choice" in str(raised.value)
    assert "Value 'loves' is not a valid choice" in str(raised.value)


def test_the_models_own_rules_still_apply_to_resolved_references(fixture_file, component):
    # The component exists, but belongs to the U.S. draft, not to the point's plan.
    before = snapshot()
    with pytest.raises(CommandError, match="This component belongs to another plan"):
        run_import(fixture_file(with_fields(4, component=["us-draft", 1])))
    with pytest.raises(CommandError, match="The speaker does not speak for this party"):
        items = with_fields(STATEMENT, speaker=["putin"])
        run_import(fixture_file([*items, *putin_and_party()]))
    assert snapshot() == before


def putin_and_party():
    return [
        {"model": "tracker.party", "fields": {"slug": "ru", "name": "Russia", "short_name": "RU"}},
        {"model": "tracker.actor", "fields": {"slug": "putin", "name": "Putin", "party": ["ru"]}},
    ]


def test_a_derivation_cycle_is_refused(fixture_file):
    items = objects()
    items[2]["fields"]["derived_from"] = ["e3-plan"]
    with pytest.raises(CommandError, match="derived_from forms a cycle"):
        run_import(fixture_file(items))


def test_the_command_exits_non_zero_with_the_message(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[1]")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_fixture", str(path)],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Object 1 (line 1): expected an object" in result.stderr


def test_the_command_refuses_an_unpaired_surrogate_with_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "surrogate.json"
    path.write_bytes(as_bytes(with_fields(2, title="E3 \ud800")))
    result = subprocess.run(
        [sys.executable, "manage.py", "import_fixture", str(path)],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "title: This text holds an invalid character" in result.stderr


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(tmp_path / "missing.json")


# The command line ---------------------------------------------------------------


def test_a_dry_run_previews_and_changes_nothing(fixture_file):
    before = snapshot()
    out, _ = run_import(fixture_file(objects()), "--dry-run")
    assert "tracker.point: 1 created, 0 updated, 0 unchanged" in out
    assert "Dry run, nothing changed; would import fixture.json: 8 created" in out
    assert snapshot() == before
    assert not User.objects.filter(username="import_fixture").exists()


def test_the_command_imports_and_records_history_under_the_actor(fixture_file):
    out, _ = run_import(fixture_file(objects()))
    assert "Imported fixture.json: 8 created, 0 updated, 0 unchanged." in out
    actor = User.objects.get(username="import_fixture")
    assert not actor.is_active and not actor.has_usable_password()
    position = Position.objects.get(uid=UID)
    record = position.history.get()
    assert record.history_user == actor
    assert record.history_change_reason == "Imported from fixture.json"
    assert position.point.component.title == "Security"
    event = Event.objects.get(slug="geneva")
    assert list(event.parties.values_list("slug", flat=True)) == ["e3"]
    assert all(r.history_user == actor for r in event.history.all())
    assert Change.objects.filter(user=actor, summary="Imported from fixture.json").count() >= 8


def test_the_actor_option_names_an_existing_user(fixture_file, analyst):
    run_import(fixture_file(objects()), "--actor", "anna")
    assert Party.objects.get(slug="e3").history.get().history_user == analyst


def test_a_second_import_of_the_same_file_changes_nothing(fixture_file):
    path = fixture_file(objects())
    run_import(path)
    before = snapshot()
    out, _ = run_import(path)
    assert "0 created, 0 updated, 8 unchanged" in out
    assert snapshot() == before


def test_an_update_bumps_the_version_and_shows_a_field_diff(fixture_file):
    run_import(fixture_file(objects()))
    point = Point.objects.get(plan__slug="e3-plan", number=1)
    assert point.version == 1
    items = with_fields(4, title="Guarantees, revised", status="disputed")
    out, _ = run_import(fixture_file(items, "v2.json"), "-v", "2")
    assert "~ tracker.point e3-plan/1" in out
    assert "title: 'Guarantees' -> 'Guarantees, revised'" in out
    assert "status: 'open' -> 'disputed'" in out
    assert "= tracker.party e3" in out
    point.refresh_from_db()
    assert point.version == 2
    assert point.title == "Guarantees, revised"
    latest = point.history.first()
    assert latest.history_change_reason == "Imported from v2.json"
    # Created, its topics set (a version, as in the edit form), then updated.
    assert point.history.count() == 3


def test_fields_left_out_of_an_update_keep_their_value(fixture_file):
    run_import(fixture_file(objects()))
    Point.objects.filter(plan__slug="e3-plan").update(notes="Kept")
    items = without_field(4, "text")
    items[4]["fields"]["title"] = "New title"
    run_import(fixture_file(items))
    point = Point.objects.get(plan__slug="e3-plan", number=1)
    assert (point.title, point.text, point.notes) == (
        "New title",
        "Article 5-like guarantees.",
        "Kept",
    )


def test_a_big_file_gets_a_progress_bar_on_stderr(fixture_file, monkeypatch):
    monkeypatch.setattr(ImportCommand, "PROGRESS_FROM_BYTES", 1)
    _, err = run_import(fixture_file(objects()))
    assert "Reading  [" in err and "Checking [" in err
    assert "100% 8/8 objects" in err


def test_a_small_file_gets_no_progress_bar(fixture_file):
    _, err = run_import(fixture_file(objects()))
    assert err == ""


def test_a_version_or_timestamp_in_the_file_is_ignored(fixture_file):
    items = with_fields(0, version=99, updated_at="2020-01-01T00:00:00Z")
    run_import(fixture_file(items))
    assert Party.objects.get(slug="e3").version == 1


def test_references_resolve_to_objects_already_in_the_database(fixture_file, russia, source):
    items = with_fields(STATEMENT, party=["russia"], sources=[["reuters-bishkek"]])
    run_import(fixture_file(items))
    assert Position.objects.get(uid=UID).party == russia
    assert list(Position.objects.get(uid=UID).statement.sources.all()) == [source]


def test_html_is_stored_as_typed(fixture_file):
    script = "<script>alert('x')</script> & <b>bold</b>"
    run_import(fixture_file(with_fields(4, title=script)))
    assert Point.objects.get(plan__slug="e3-plan").title == script


def test_loaddata_of_the_seed_still_works():
    call_command("loaddata", "seed", verbosity=0)
    assert Point.objects.filter(plan__slug="us-28-point-plan").exists()
    out = io.StringIO()
    call_command("dumpdata", "tracker", stdout=out)
    assert '"model": "tracker.party"' in out.getvalue()


def test_the_seed_imports_into_an_empty_database_and_again_unchanged(analyst_client):
    seed = Path(__file__).resolve().parents[1] / "fixtures" / "seed.json"
    run_import(seed)
    out, _ = run_import(seed, "--dry-run")
    assert " 0 created, 0 updated," in out


# The web --------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("import_fixture"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = upload(client, objects())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Party.objects.exists()


def test_a_viewer_may_not_import(viewer_client):
    assert viewer_client.get(reverse("import_fixture")).status_code == 403
    assert upload(viewer_client, objects()).status_code == 403
    assert viewer_client.post(reverse("import_apply"), {"token": "x"}).status_code == 403
    assert not Party.objects.exists()


def test_the_import_link_shows_only_to_those_who_may_import(viewer_client, client, analyst):
    assert reverse("import_fixture") not in viewer_client.get("/").content.decode()
    assert reverse("export") in viewer_client.get("/").content.decode()
    client.force_login(analyst)
    assert reverse("import_fixture") in client.get("/").content.decode()


def test_the_upload_needs_a_csrf_token(analyst):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = upload(client, objects())
    assert response.status_code == 403
    assert not Party.objects.exists()


def test_an_upload_with_another_extension_is_refused(analyst_client):
    response = upload(analyst_client, objects(), "fixture.txt")
    assert response.status_code == 422
    assert "Upload a .json" in response.content.decode()


def test_a_get_never_applies(analyst_client):
    assert analyst_client.get(reverse("import_apply")).status_code == 405
    assert analyst_client.get(reverse("import_preview")).status_code == 405


def test_the_preview_shows_each_object_and_changes_nothing(analyst_client, fixture_file):
    run_import(fixture_file(objects()))
    items = with_fields(4, text="Article 5-like guarantees, for ten years.")
    items.append(
        {"model": "tracker.party", "fields": {"slug": "nato", "name": "NATO", "short_name": "N"}}
    )
    before = snapshot()
    response = upload(analyst_client, items, "desk.json")
    body = response.content.decode()
    assert response.status_code == 200
    assert snapshot() == before
    changes = {(c.label, c.key): c for c in response.context["preview"].changes}
    assert changes[("tracker.party", "nato")].action == "created"
    assert changes[("tracker.party", "e3")].action == "unchanged"
    updated = changes[("tracker.point", "e3-plan/1")]
    assert updated.action == "updated"
    assert [f.name for f in updated.fields] == ["text"]
    assert "<ins>, for ten years</ins>" in body
    assert response.context["preview"].totals == {"created": 1, "updated": 1, "unchanged": 7}
    assert "Apply the import" in body
    assert list(stash_dir().iterdir())


def test_applying_the_preview_imports_under_the_analysts_name(analyst_client, analyst):
    response = upload(analyst_client, objects(), "desk.json")
    token = response.context["token"]
    response = analyst_client.post(reverse("import_apply"), {"token": token})
    assert response.status_code == 302
    follow = analyst_client.get(response["Location"])
    assert "Imported desk.json: 8 created, 0 updated, 0 unchanged." in follow.content.decode()
    position = Position.objects.get(uid=UID)
    record = position.history.get()
    assert record.history_user == analyst
    assert record.history_change_reason == "Imported from desk.json"
    assert Change.objects.filter(user=analyst, summary="Imported from desk.json").exists()
    assert not list(stash_dir().iterdir())
    # The token is spent.
    again = analyst_client.post(reverse("import_apply"), {"token": token})
    assert again.status_code == 400
    assert Party.objects.get(slug="e3").history.count() == 1


def test_confirming_rechecks_against_the_database_as_it_is_now(analyst_client, fixture_file):
    response = upload(analyst_client, objects())
    token = response.context["token"]
    # Someone adds the party in between: the import would now do something else.
    Party.objects.create(slug="e3", name="Europe's three", short_name="E3")
    before = snapshot()
    response = analyst_client.post(reverse("import_apply"), {"token": token})
    assert response.status_code == 409
    assert "The database changed since the preview" in response.content.decode()
    assert snapshot() == before
    changes = {(c.label, c.key): c for c in response.context["preview"].changes}
    assert changes[("tracker.party", "e3")].action == "updated"
    # Confirming the new preview applies it.
    response = analyst_client.post(reverse("import_apply"), {"token": token})
    assert response.status_code == 302
    assert Party.objects.get(slug="e3").name == "E3"


def test_confirming_refuses_a_file_that_became_invalid(analyst_client):
    response = upload(analyst_client, with_fields(STATEMENT, party=["russia"]))
    assert response.status_code == 422  # russia exists nowhere yet
    Party.objects.create(slug="russia", name="Russia", short_name="RU")
    response = upload(analyst_client, with_fields(STATEMENT, party=["russia"]))
    token = response.context["token"]
    Party.objects.filter(slug="russia").delete()
    before = snapshot()
    response = analyst_client.post(reverse("import_apply"), {"token": token})
    assert response.status_code == 422
    assert "tracker.party russia exists neither" in response.content.decode()
    assert snapshot() == before


def test_confirming_refuses_if_the_stored_file_changed(analyst_client):
    response = upload(analyst_client, objects())
    token = response.context["token"]
    [stored] = stash_dir().iterdir()
    stored.write_bytes(as_bytes(with_fields(0, name="Tampered")))
    response = analyst_client.post(reverse("import_apply"), {"token": token})
    assert response.status_code == 409
    assert "changed since the preview" in response.content.decode()
    assert not Party.objects.exists()


def test_a_token_from_the_form_must_match_the_session(analyst_client, client, analyst):
    upload(analyst_client, objects())
    for token in ["../../etc/passwd", "x" * 43, ""]:
        response = analyst_client.post(reverse("import_apply"), {"token": token})
        assert response.status_code == 400
    assert not Party.objects.exists()


def test_cancelling_discards_the_upload(analyst_client):
    upload(analyst_client, objects())
    response = analyst_client.post(reverse("import_cancel"))
    assert response.status_code == 302
    assert not list(stash_dir().iterdir())
    assert not Party.objects.exists()


def test_html_in_a_file_is_shown_escaped_in_the_preview_and_stored_as_typed(analyst_client):
    script = "<script>alert('x')</script>"
    response = upload(analyst_client, with_fields(4, title=script), "<b>desk</b>.json")
    body = response.content.decode()
    assert script not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "<b>desk</b>" not in body
    analyst_client.post(reverse("import_apply"), {"token": response.context["token"]})
    assert Point.objects.get(plan__slug="e3-plan").title == script


def test_the_upload_form_shows_the_limit(analyst_client, settings):
    settings.TRACKER_IMPORT_MAX_BYTES = 20 * 1024 * 1024
    body = analyst_client.get(reverse("import_fixture")).content.decode()
    assert "20.0\xa0MB" in body
