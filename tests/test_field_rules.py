"""One set of field rules (tracker/validators.py) for the edit forms, the models and the import:
no NUL, no unpaired surrogate, text within its length, whole numbers that every engine stores."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tracker.forms import PartyForm, PointForm, SourceForm
from tracker.models import Party, Point
from tracker.transfer import ImportRefused, read_fixture

pytestmark = pytest.mark.django_db

SURROGATE = "Territory \ud800"
NUL = "Territory\x00"
INVALID_CHARACTER = "This text holds an invalid character (an unpaired UTF-16 surrogate)."
NULL_CHARACTERS = "Null characters are not allowed."
TOO_BIG = "Ensure this value is less than or equal to 32767."


def point_data(**changes):
    data = {"number": 22, "title": "Amnesty", "text": "All sides.", "topic": "amnesty"}
    data.update(status="open", certainty="high", edit_summary="")
    data.update(changes)
    return data


@pytest.mark.parametrize("number", [2**63, 2**31, 40_000])
def test_a_point_number_no_database_column_holds_is_a_clear_error(analyst_client, plan, number):
    # 2**63 used to reach the number check's query and end in a 500 on SQLite; 40,000 was
    # stored by SQLite and then refused by PostgreSQL's smallint when the export was loaded.
    url = reverse("point_create", args=[plan.slug])
    response = analyst_client.post(url, point_data(number=number))
    assert response.status_code == 422
    assert TOO_BIG in response.content.decode()
    assert not plan.points.exists()


def test_an_edit_form_offers_the_highest_number_the_column_holds(plan):
    assert PointForm(plan=plan).fields["number"].widget.attrs["max"] == "32767"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", SURROGATE, INVALID_CHARACTER),
        ("text", SURROGATE, INVALID_CHARACTER),
        ("text", NUL, NULL_CHARACTERS),
        ("text", "x" * 10_001, "Ensure this value has at most 10000 characters (it has 10001)."),
    ],
)
def test_the_point_form_refuses_text_no_database_stores_alike(plan, field, value, message):
    form = PointForm(point_data(**{field: value}), plan=plan)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_every_text_field_of_every_form_refuses_an_unpaired_surrogate(plan):
    forms = [
        PartyForm({"name": SURROGATE, "short_name": "X", "slug": "x", "kind": "state"}),
        SourceForm({"title": "T", "slug": "t", "kind": "news", "notes": SURROGATE}),
        PointForm(point_data(title=SURROGATE), plan=plan),
    ]
    for form in forms:
        assert not form.is_valid()
        assert INVALID_CHARACTER in str(form.errors)


def test_the_model_applies_the_same_rules_to_any_save_path(plan):
    point = Point(plan=plan, number=40_000, title=SURROGATE, text=NUL)
    with pytest.raises(ValidationError) as raised:
        point.full_clean()
    assert raised.value.message_dict == {
        "number": [TOO_BIG],
        "title": [INVALID_CHARACTER],
        "text": [NULL_CHARACTERS],
    }


def test_the_model_keeps_djangos_own_field_checks(plan):
    party = Party(slug="bad slug", name="x" * 121, short_name="X", order=-1)
    with pytest.raises(ValidationError) as raised:
        party.full_clean()
    assert set(raised.value.message_dict) == {"slug", "name", "order"}


def test_the_import_and_the_form_give_the_same_message(plan):
    item = {"model": "tracker.party", "fields": {"slug": "x", "name": SURROGATE, "short_name": "X"}}
    with pytest.raises(ImportRefused) as raised:
        read_fixture(io.BytesIO(json.dumps([item]).encode()))
    [error] = raised.value.errors
    assert error.endswith(f"name: {INVALID_CHARACTER}.")
    form = PartyForm({"name": SURROGATE, "short_name": "X", "slug": "x", "kind": "state"})
    assert form.errors["name"] == [INVALID_CHARACTER]


def test_a_valid_text_with_characters_outside_the_basic_plane_is_kept(plan):
    form = PointForm(point_data(title="Peace 🕊 Мир"), plan=plan)
    assert form.is_valid(), form.errors
