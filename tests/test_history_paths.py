"""Every write path leaves a history record with the right user and summary.

Each record must also reach the Change index behind /changes/.
"""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from tracker.history import (
    FIXTURE_SUMMARY,
    as_command_actor,
    recorded_as,
)
from tracker.models import Change, Event, Party, Plan, Point, Position

pytestmark = pytest.mark.django_db


def indexed(record, model_name):
    return Change.objects.get(model=model_name, history_id=record.history_id)


def test_a_save_with_a_user_and_summary_is_recorded_and_indexed(analyst, point):
    point.title = "Territory (bracketed)"
    point.save_checked(point.version, summary="per Geneva readout", user=analyst)
    record = point.history.first()
    assert (record.history_user, record.history_change_reason) == (analyst, "per Geneva readout")
    change = indexed(record, "point")
    assert change.user == analyst
    assert change.summary == "per Geneva readout"
    assert change.action == "~"
    assert change.object_repr == "US 28 · 21. Territory (bracketed)"


def test_a_deletion_is_recorded_with_its_user(analyst, position):
    pk = position.pk
    position._history_user = analyst
    position._change_reason = "duplicate"
    position.delete()
    record = Position.history.filter(id=pk).first()
    assert record.history_type == "-"
    change = indexed(record, "position")
    assert (change.user, change.summary, change.action) == (analyst, "duplicate", "-")
    assert change.party_id == position.party_id


def test_a_no_js_form_edit_is_recorded_with_the_signed_in_user(analyst_client, analyst, point):
    url = reverse("point_edit", args=[point.plan.slug, point.number])
    page = analyst_client.get(url)
    form = page.context["form"]
    # What a browser posts: every field's value, no value for unticked boxes.
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data.update(title="Territory, contested", edit_summary="no-JS edit")
    response = analyst_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    record = point.history.first()
    assert record.history_user == analyst
    assert record.history_change_reason == "no-JS edit"
    assert indexed(record, "point").user == analyst


def test_an_inline_htmx_edit_is_recorded_with_the_signed_in_user(analyst_client, analyst, point):
    url = reverse("point_field_edit", args=[point.plan.slug, point.number, "title"])
    data = {"title": "Territory, inline", "version": point.version, "edit_summary": "inline"}
    response = analyst_client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.content.decode()[:2000]
    record = point.history.first()
    assert (record.title, record.history_user) == ("Territory, inline", analyst)
    assert record.history_change_reason == "inline"
    assert indexed(record, "point").user == analyst


def test_an_admin_edit_is_recorded_with_the_admin_user_and_summary(
    admin_client_, superuser, russia
):
    url = reverse("admin:tracker_party_change", args=[russia.pk])
    data = {
        "slug": "russia",
        "name": "Russian Federation",
        "short_name": "RU",
        "kind": "state",
        "role": "belligerent",
        "colour": "#b91c1c",
        "order": 100,
        "description": "",
        "change_summary": "official name",
        "loaded_version": 1,
    }
    response = admin_client_.post(url, data)
    assert response.status_code == 302
    russia.refresh_from_db()
    assert russia.version == 2
    record = russia.history.first()
    assert (record.history_user, record.history_change_reason) == (superuser, "official name")
    assert indexed(record, "party").user == superuser


def test_an_admin_revert_is_recorded_as_a_restore(admin_client_, superuser, analyst, russia):
    first = russia.history.get()
    russia.name = "Russian Federation"
    russia.save_checked(1, user=analyst)
    url = reverse("admin:tracker_party_simple_history", args=[russia.pk, first.history_id])
    data = {
        "slug": "russia",
        "name": "Russia",
        "short_name": "RU",
        "kind": "state",
        "role": "belligerent",
        "colour": "#b91c1c",
        "order": 100,
        "description": "",
        "loaded_version": 2,
    }
    response = admin_client_.post(url, data)
    assert response.status_code == 302
    russia.refresh_from_db()
    assert (russia.name, russia.version) == ("Russia", 3)
    record = russia.history.first()
    assert record.history_user == superuser
    assert record.history_change_reason.startswith("Restored version of ")
    change = indexed(record, "party")
    assert change.user == superuser and change.summary.startswith("Restored version of ")


def test_the_admin_shows_each_objects_history(admin_client_, russia):
    response = admin_client_.get(reverse("admin:tracker_party_history", args=[russia.pk]))
    assert response.status_code == 200
    assert b"Created" in response.content or b"Added" in response.content


def test_loaddata_seed_leaves_a_record_per_object_attributed_to_loaddata():
    call_command("loaddata", "seed", verbosity=0)
    actor = User.objects.get(username="loaddata")
    assert not actor.is_active and not actor.has_usable_password()
    assert Plan.history.filter(slug="us-28-point-plan", history_user=actor).count() == 1
    for model in (Party, Plan, Point, Position, Event):
        assert model.history.filter(history_user=actor).count() >= model.objects.count() > 0
        missing = model.objects.exclude(pk__in=model.history.values("id"))
        assert not missing.exists()
    record = Point.history.first()
    assert record.history_change_reason == FIXTURE_SUMMARY
    assert Change.objects.filter(user=actor).count() >= Point.objects.count()


def test_loading_the_seed_twice_adds_no_records():
    call_command("loaddata", "seed", verbosity=0)
    before = (Point.history.count(), Change.objects.count())
    call_command("loaddata", "seed", verbosity=0)
    assert (Point.history.count(), Change.objects.count()) == before


def test_a_changed_fixture_reload_records_an_update(tmp_path, russia):
    data = [
        {
            "model": "tracker.party",
            "pk": russia.pk,
            "fields": {
                "slug": "russia",
                "name": "Russia (fixture)",
                "short_name": "RU",
                "kind": "state",
                "colour": "#b91c1c",
                "order": 100,
                "description": "",
                "version": 1,
                "updated_at": "2025-11-25T10:00:00Z",
            },
        }
    ]
    path = tmp_path / "party.json"
    path.write_text(json.dumps(data))
    call_command("loaddata", str(path), verbosity=0)
    record = russia.history.first()
    assert (record.history_type, record.name) == ("~", "Russia (fixture)")
    assert record.history_user.username == "loaddata"
    assert indexed(record, "party").summary == FIXTURE_SUMMARY


def test_a_management_command_names_its_actor(plan):
    actor = as_command_actor("close_points")
    assert as_command_actor("close_points") == actor
    assert not actor.is_active and not actor.has_usable_password()
    with recorded_as(actor, "closed by the nightly job"):
        plan.status = "superseded"
        plan.save()
    record = plan.history.first()
    assert (record.history_user, record.history_change_reason) == (
        actor,
        "closed by the nightly job",
    )
    assert indexed(record, "plan").user == actor


def test_recorded_as_keeps_a_user_and_summary_given_on_the_object(analyst, plan):
    with recorded_as(as_command_actor("script"), "default summary"):
        plan.title = "Changed"
        plan.save_checked(plan.version, summary="own summary", user=analyst)
    record = plan.history.first()
    assert (record.history_user, record.history_change_reason) == (analyst, "own summary")


def test_history_stats_prints_rows_per_model(point, position):
    out = io.StringIO()
    call_command("history_stats", stdout=out)
    lines = dict(line.rsplit(None, 1) for line in out.getvalue().splitlines())
    assert lines["point"] == "1"
    assert lines["position"] == "1"
    assert lines["event"] == "0"
    assert int(lines["change index"].replace(",", "")) == Change.objects.count()


def test_an_event_created_with_parties_records_them(analyst, source, russia):
    event = Event(
        slug="alaska",
        title="Alaska summit",
        occurred_on=datetime.date(2025, 8, 15),
        source=source,
    )
    event._history_user = analyst
    event.save()
    event.parties.set([russia])
    record = event.history.first()
    assert list(record.parties.values_list("party_id", flat=True)) == [russia.pk]
    assert record.history_user == analyst
