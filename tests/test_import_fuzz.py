"""Fuzzing the import: whatever the bytes, a clear refusal or a clean import, never a crash,
and a refused file changes nothing; what is imported obeys the field rules both engines share
(no NUL, no unpaired surrogate, text within its length, numbers every engine stores)."""

import gzip
import io
import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_import import objects, snapshot
from tracker import validators
from tracker.transfer import MODELS, ImportRefused, apply_import, read_fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("controlled_topics")]

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=25,
)

FIELD_NAMES = sorted({name for item in objects() for name in item["fields"]} | {"pk", "model"})


def attempt(data, user):
    """Import ``data`` inside a savepoint that is always rolled back.

    Returns True if it was imported, False if refused; a refusal must leave the
    database exactly as it was, and nothing but ImportRefused may escape.
    """
    before = snapshot()
    with transaction.atomic():
        try:
            entries = read_fixture(io.BytesIO(data))
            apply_import(entries, "fuzz.json", user)
        except ImportRefused as exc:
            assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
            assert 400 <= exc.status < 500
            assert snapshot() == before
            transaction.set_rollback(True)
            return False
        assert_obeys_the_field_rules()
        transaction.set_rollback(True)
        return True


def assert_obeys_the_field_rules():
    for model in MODELS:
        for obj in model.objects.all():
            for model_field in model._meta.concrete_fields:
                validators.check(model_field, getattr(obj, model_field.attname))


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_cleanly(analyst, data):
    attempt(data, analyst)


@FUZZ
@given(json_values)
def test_random_json_is_refused_cleanly(analyst, value):
    attempt(json.dumps(value).encode(), analyst)


@FUZZ
@given(st.lists(st.fixed_dictionaries({"model": st.text(max_size=20), "fields": json_values})))
def test_random_fixture_shaped_json_is_refused_cleanly(analyst, items):
    attempt(json.dumps(items).encode(), analyst)


@st.composite
def mutated_fixtures(draw):
    """A valid fixture with one to three things changed, dropped or added."""
    items = objects()
    for _ in range(draw(st.integers(1, 3))):
        item = draw(st.sampled_from(items))
        action = draw(st.sampled_from(["set", "drop", "model", "duplicate", "remove"]))
        name = draw(st.sampled_from(FIELD_NAMES))
        if action == "set":
            item["fields"][name] = draw(json_values)
        elif action == "drop":
            item["fields"].pop(name, None)
        elif action == "model":
            item["model"] = draw(
                st.sampled_from(["auth.user", "tracker.change", "tracker.point", "TRACKER.PARTY"])
            )
        elif action == "duplicate":
            items.append(json.loads(json.dumps(item)))
        elif len(items) > 1:
            items.remove(item)
    return items


@FUZZ
@given(mutated_fixtures())
def test_mutated_fixtures_import_or_are_refused_cleanly(analyst, items):
    attempt(json.dumps(items).encode(), analyst)


@FUZZ
@given(st.data())
def test_cut_or_corrupted_files_are_refused_cleanly(analyst, data):
    raw = json.dumps(objects(), indent=2).encode()
    if data.draw(st.booleans()):
        raw = gzip.compress(raw)
    at = data.draw(st.integers(0, len(raw) - 1))
    if data.draw(st.booleans()):
        raw = raw[:at]
    else:
        raw = raw[:at] + bytes([data.draw(st.integers(0, 255))]) + raw[at + 1 :]
    attempt(raw, analyst)


# The classes of value that one engine takes and the other does not, or neither can store.
BAD_CHARACTERS = ["\x00", "\ud800", "\udbff", "\udc00", "\udfff"]
text_with_a_bad_character = st.builds(
    lambda head, bad, tail: head + bad + tail,
    st.text(max_size=8),
    st.sampled_from(BAD_CHARACTERS),
    st.text(max_size=8),
)
edge_integers = st.sampled_from(
    [0, -1, 2**15 - 1, 2**15, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1]
) | st.integers(min_value=-(2**70), max_value=2**70)
text_at_a_limit = st.sampled_from([60, 61, 120, 121, 200, 201, 300, 301, 9_999, 10_000, 10_001])
edge_values = st.one_of(
    text_with_a_bad_character,
    edge_integers,
    text_at_a_limit.map(lambda n: "é" * n),
    st.sampled_from(["0001-01-01", "9999-12-31", "2025-11-23\x00", "e3-plan\ud800"]),
)
edge_references = st.one_of(
    st.tuples(st.just("e3-plan"), edge_integers).map(list),
    st.tuples(text_with_a_bad_character).map(list),
    st.tuples(text_with_a_bad_character, st.just(1)).map(list),
)


@st.composite
def fixtures_with_edge_values(draw):
    """A valid fixture with one to three fields (references included) set to edge values."""
    items = objects()
    for _ in range(draw(st.integers(1, 3))):
        item = draw(st.sampled_from(items))
        name = draw(st.sampled_from(sorted(item["fields"])))
        value = item["fields"][name]
        reference = isinstance(value, list)
        item["fields"][name] = draw(edge_references if reference else edge_values)
    return items


@FUZZ
@given(fixtures_with_edge_values())
def test_edge_values_import_alike_on_both_engines_or_are_refused_cleanly(analyst, items):
    attempt(json.dumps(items).encode(), analyst)


@FUZZ
@given(st.lists(text_with_a_bad_character, min_size=1, max_size=3), st.data())
def test_bad_characters_anywhere_are_refused_cleanly(analyst, bad, data):
    items = objects()
    for text in bad:
        item = data.draw(st.sampled_from(items))
        name = data.draw(st.sampled_from(sorted(item["fields"])))
        item["fields"][name] = text
    assert not attempt(json.dumps(items).encode(), analyst)


def test_the_unmutated_fixture_imports(analyst):
    assert attempt(json.dumps(objects()).encode(), analyst)
