"""Fixtures in the format before statements still import, converted on the way in;
a broken fixture in today's format changes nothing."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tracker.models import PlanAuthor, PointLink, Position, Statement
from tracker.transfer import MODELS, ImportRefused, apply_import, export_fixture, read_fixture

pytestmark = pytest.mark.django_db

OLD_SEED = Path(__file__).resolve().parent / "data" / "seed-before-statements.json"


def old_seed():
    return json.loads(OLD_SEED.read_text(encoding="utf-8"))


def load(items, user, name="old.json"):
    data = json.dumps(items).encode()
    return apply_import(read_fixture(io.BytesIO(data)), name, user)


def test_the_old_seed_imports_as_statements_and_codings(analyst):
    items = old_seed()
    positions = [i for i in items if i["model"] == "tracker.position"]
    preview = load(items, analyst)
    assert Position.objects.count() == len(positions)
    assert Statement.objects.count() == len(positions)  # no two quote the same remark
    assert preview.counts["tracker.statement"]["created"] == len(positions)
    with_speaker = next(p for p in positions if p["fields"]["speaker"])
    coding = Position.objects.get(uid=with_speaker["fields"]["uid"])
    assert coding.statement.speaker.slug == with_speaker["fields"]["speaker"][0]
    assert coding.statement.text == with_speaker["fields"]["quote"]
    assert coding.party.slug == with_speaker["fields"]["party"][0]
    assert [s.slug for s in coding.statement.sources.all()] == with_speaker["fields"]["source"]
    assert coding.history.get().history_user == analyst
    # Topics, lineage and authors.
    point = next(i for i in items if i["model"] == "tracker.point")
    assert PointLink.objects.count() == sum(
        1 for i in items if i["model"] == "tracker.point" and i["fields"]["derived_from"]
    )
    assert PlanAuthor.objects.filter(role="proposer").count() == sum(
        1 for i in items if i["model"] == "tracker.plan" and i["fields"]["authored_by"]
    )
    from tracker.models import Point

    saved = Point.objects.get(
        plan__slug=point["fields"]["plan"][0], number=point["fields"]["number"]
    )
    assert [t.slug for t in saved.topics.all()] == [point["fields"]["topic"]]


def test_positions_quoting_the_same_remark_share_one_statement(analyst):
    items = old_seed()
    original = next(i for i in items if i["model"] == "tracker.position" and i["fields"]["quote"])
    copy_ = copy.deepcopy(original)
    copy_["fields"]["uid"] = "00000000-0000-4000-8000-000000000001"
    copy_["fields"]["stance"] = "opposes"
    items.append(copy_)
    load(items, analyst)
    first = Position.objects.get(uid=original["fields"]["uid"])
    second = Position.objects.get(uid=copy_["fields"]["uid"])
    assert first.statement == second.statement
    assert first.statement.positions.count() == 2


def test_an_unnamed_speaker_and_unwritten_conditions_are_filled_as_the_migration_does(analyst):
    items = old_seed()
    position = next(i for i in items if i["model"] == "tracker.position")
    position["fields"].update(speaker=None, stance="conditional")
    load(items, analyst)
    coding = Position.objects.get(uid=position["fields"]["uid"])
    assert coding.statement.attribution == "Speaker not recorded"
    assert coding.conditions == coding.summary


def test_the_old_seed_imported_twice_is_unchanged_the_second_time(analyst):
    load(old_seed(), analyst)
    preview = load(old_seed(), analyst)
    assert preview.totals["created"] == preview.totals["updated"] == 0


def test_the_old_seed_imports_from_the_command_line():
    out = io.StringIO()
    call_command("import_fixture", str(OLD_SEED), stdout=out)
    assert "tracker.statement: 34 created" in out.getvalue()


def test_a_broken_fixture_in_todays_format_rolls_back_whole(analyst, tmp_path):
    load(old_seed(), analyst)
    good = "".join(export_fixture())
    items = json.loads(good)
    for model in reversed(MODELS):
        model.objects.all().delete()
    # Everything valid but one coding, which names a statement nowhere to be found.
    broken = next(i for i in items if i["model"] == "tracker.position")
    broken["fields"]["statement"] = ["11111111-1111-4111-8111-111111111111"]
    with pytest.raises(ImportRefused) as refused:
        load(items, analyst, "broken.json")
    message = "\n".join(refused.value.errors)
    assert f"tracker.position {broken['fields']['uid']}" in message
    assert "tracker.statement 11111111-1111-4111-8111-111111111111 exists neither" in message
    assert sum(model.objects.count() for model in MODELS) == 0
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    with pytest.raises(CommandError, match="exists neither"):
        call_command("import_fixture", str(path), stdout=io.StringIO())
    assert sum(model.objects.count() for model in MODELS) == 0


@pytest.mark.parametrize("number", [[], {"n": 1}, [1, 2]])
def test_a_point_whose_number_is_not_a_number_is_refused_not_a_crash(analyst, number):
    items = old_seed()
    point = next(i for i in items if i["model"] == "tracker.point")
    point["fields"]["number"] = number
    with pytest.raises(ImportRefused) as refused:
        load(items, analyst, "odd.json")
    assert "number" in "\n".join(refused.value.errors)
    assert sum(model.objects.count() for model in MODELS) == 0
