"""The seed fixture: it loads, loads again without duplicates, and its data is valid.

The fixture lives in ``fixtures/seed.json`` and is found as ``seed`` through
``FIXTURE_DIRS``; the autouse fixture below adds that directory for these tests
when the settings do not already list it.
"""

import json
import os

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tracker.models import (
    Actor,
    Component,
    Event,
    Party,
    Plan,
    Point,
    Position,
    Source,
    Topic,
)

pytestmark = pytest.mark.django_db

FIXTURE_DIR = django_settings.BASE_DIR / "fixtures"
SEED_FILE = FIXTURE_DIR / "seed.json"
REUTERS_BISHKEK = "reuters-bishkek-2025-11-27"
US_DRAFT = "us-28-point-plan"
MODELS = [Party, Actor, Source, Plan, Component, Point, Position, Event]


@pytest.fixture(autouse=True)
def seed_fixture_dir(settings):
    dirs = list(settings.FIXTURE_DIRS)
    if os.path.realpath(FIXTURE_DIR) not in {os.path.realpath(d) for d in dirs}:
        settings.FIXTURE_DIRS = [*dirs, FIXTURE_DIR]


def load_seed():
    call_command("loaddata", "seed", verbosity=0)


def counts():
    numbers = {model.__name__: model.objects.count() for model in MODELS}
    numbers["Event.parties"] = Event.parties.through.objects.count()
    return numbers


def test_it_loads_on_an_empty_database():
    assert all(model.objects.count() == 0 for model in MODELS)
    load_seed()
    assert set(Plan.objects.values_list("slug", flat=True)) == {
        US_DRAFT,
        "europe-ukraine-12-point",
        "e3-counter-proposal",
        "geneva-framework",
    }
    assert {"us", "ukraine", "russia", "e3"} <= set(Party.objects.values_list("slug", flat=True))
    assert all(model.objects.exists() for model in MODELS)


def test_it_loads_twice_without_duplicates():
    load_seed()
    first = counts()
    load_seed()
    assert counts() == first


def test_the_fixture_uses_natural_keys_and_no_primary_keys():
    entries = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    assert entries
    assert not [entry for entry in entries if "pk" in entry]
    positions = [entry["fields"] for entry in entries if entry["model"] == "tracker.position"]
    uids = [fields["uid"] for fields in positions]
    assert all(uids) and len(set(uids)) == len(uids)
    for entry in entries:
        assert "version" not in entry["fields"]
        assert "updated_at" not in entry["fields"]


def test_the_us_draft_has_exactly_28_points_each_with_a_topic_and_a_component():
    load_seed()
    points = Point.objects.filter(plan__slug=US_DRAFT).order_by("number")
    assert list(points.values_list("number", flat=True)) == list(range(1, 29))
    for point in points:
        assert point.topic in Topic.values, point
        assert point.component is not None, point
        assert point.component.plan.slug == US_DRAFT, point


def test_there_are_four_components_marked_uncertain():
    load_seed()
    components = Component.objects.filter(certainty="low")
    assert components.count() == 4
    assert set(components.values_list("plan__slug", flat=True)) == {US_DRAFT}
    assert sorted(components.values_list("number", flat=True)) == [1, 2, 3, 4]


def test_derived_points_come_from_the_us_draft_under_the_same_number():
    load_seed()
    derived = Point.objects.filter(derived_from__isnull=False).select_related("derived_from__plan")
    assert derived.exists()
    for point in derived:
        assert point.derived_from.plan.slug == US_DRAFT, point
        assert point.derived_from.number == point.number, point


def test_every_position_has_a_source_and_a_stated_on_date():
    load_seed()
    assert Position.objects.exists()
    for position in Position.objects.all():
        assert position.source_id is not None, position
        assert position.stated_on is not None, position


def test_every_quote_has_a_speaker_and_no_quotation_marks():
    load_seed()
    for position in Position.objects.exclude(quote=""):
        assert position.speaker_id is not None, position
        assert not set(position.quote) & set('"“”„«»'), position


def test_sources_keep_no_full_text():
    load_seed()
    assert not Source.objects.exclude(full_text="").exists()


def test_every_quote_citing_the_reuters_bishkek_article_appears_verbatim_in_it(seed_article):
    article = seed_article.read_text(encoding="utf-8")
    load_seed()
    quoted = Position.objects.filter(source__slug=REUTERS_BISHKEK).exclude(quote="")
    assert quoted.exists()
    for position in quoted:
        assert position.quote in article, position.quote


def test_every_loaded_object_passes_full_clean():
    load_seed()
    for model in MODELS:
        for obj in model.objects.all():
            obj.full_clean()
