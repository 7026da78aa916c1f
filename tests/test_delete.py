"""Deletes leave no untraced change, and never end in a 500.

Records deleted with a record (CASCADE) are recorded with the user and the
summary of the delete; records that only pointed at it (SET_NULL, an event's
parties) are saved without the link, through the history, first; relations
that are evidence (PROTECT) refuse the delete and name what still refers.
Afterwards the history, the as-of views and restore agree with the live data.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import STATED_ON
from tracker import history
from tracker.models import (
    Actor,
    Change,
    Component,
    Event,
    Party,
    Plan,
    Point,
    PointLink,
    Position,
    newest_per_object,
)

from .evidence import coded

pytestmark = pytest.mark.django_db


def values(model, obj):
    """What the history keeps of an object, version included."""
    return {f.attname: getattr(obj, f.attname) for f in model.history.model.tracked_fields}


def parties_of(record):
    return set(record.parties.values_list("party_id", flat=True))


def assert_history_agrees_with_the_live_data():
    """Every live object is its newest history record; every deleted one is recorded deleted;
    the tracker as of now is the live data."""
    for model in history.TRACKED.values():
        live = {obj.pk: values(model, obj) for obj in model.objects.all()}
        newest = newest_per_object(model.history.all())
        recorded = {r.id: values(model, r) for r in newest if r.history_type != "-"}
        assert recorded == live, f"{model.__name__}: history and live data disagree"
        as_of = {r.id: values(model, r) for r in model.history.at(timezone.now())}
        assert as_of == live, f"{model.__name__}: as of now and live data disagree"
    for event in Event.objects.all():
        newest = event.history.order_by("-history_date", "-history_id").first()
        assert parties_of(newest) == set(event.parties.values_list("pk", flat=True))


def delete(client, url, version, summary="cleaning up"):
    return client.post(url, {"version": version, "edit_summary": summary})


def point_delete_url(point):
    return reverse("point_delete", args=[point.plan.slug, point.number])


# Components: their points stay, without the component (SET_NULL, recorded) -----------------


def test_deleting_a_component_records_each_point_that_loses_it(analyst_client, analyst, point):
    component = point.component
    url = reverse("component_delete", args=[point.plan.slug, component.number])
    page = analyst_client.get(url)
    assert "1 point will be kept without component" in page.content.decode()
    assert delete(analyst_client, url, component.version).status_code == 302
    point.refresh_from_db()
    assert point.component is None and point.version == 2
    record = point.history.first()
    assert (record.history_user, record.history_change_reason) == (analyst, "cleaning up")
    assert record.component_id is None
    change = Change.objects.get(model="point", history_id=record.history_id)
    assert change.user == analyst and change.summary == "cleaning up"
    assert_history_agrees_with_the_live_data()


def test_a_point_of_the_deleted_component_edited_meanwhile_keeps_that_edit(analyst_client, point):
    component = point.component
    url = reverse("component_delete", args=[point.plan.slug, component.number])
    point.title = "Edited before the delete"
    point.save_checked(point.version)
    assert delete(analyst_client, url, component.version).status_code == 302
    point.refresh_from_db()
    assert (point.title, point.component_id, point.version) == ("Edited before the delete", None, 3)
    assert_history_agrees_with_the_live_data()


def test_restoring_the_component_and_the_point_brings_the_link_back(analyst_client, analyst, point):
    component = point.component
    before_delete = point.history.first()
    url = reverse("component_delete", args=[point.plan.slug, component.number])
    delete(analyst_client, url, component.version, summary="")
    deletion = Component.history.filter(id=component.pk).first()
    restore = reverse("restore_version", args=["component", component.pk])
    response = analyst_client.post(restore, {"version": deletion.history_id, "current": 0})
    assert response.status_code == 302
    assert Component.objects.filter(pk=component.pk).exists()
    point.refresh_from_db()
    assert point.component is None  # the point's own history says it lost it
    assert point.history.first().history_change_reason.startswith("Component “")
    restore = reverse("restore_version", args=["point", point.pk])
    data = {"version": before_delete.history_id, "current": point.version}
    assert analyst_client.post(restore, data).status_code == 302
    point.refresh_from_db()
    assert point.component_id == component.pk
    assert_history_agrees_with_the_live_data()


def test_the_plan_as_of_now_matches_the_live_plan_after_a_component_comes_back(
    analyst_client, point
):
    """Deleted, then restored: the point stays unassigned, live and as of now alike."""
    component = point.component
    url = reverse("component_delete", args=[point.plan.slug, component.number])
    analyst_client.post(url, {"version": component.version})
    deletion = Component.history.filter(id=component.pk).first()
    restore = reverse("restore_version", args=["component", component.pk])
    analyst_client.post(restore, {"version": deletion.history_id, "current": 0}, follow=True)
    plan_url = reverse("plan_detail", args=[point.plan.slug])
    live = analyst_client.get(plan_url).content.decode()
    as_of = analyst_client.get(plan_url, {"as_of": timezone.now().isoformat()})
    assert as_of.status_code == 200
    for body in (live, as_of.content.decode()):
        unassigned = body.index("Not assigned to a component")
        assert body.index("Territory", unassigned) > unassigned


# Actors: a quote's speaker is evidence (PROTECT) --------------------------------------------


def test_an_actor_quoted_by_a_statement_cannot_be_deleted(analyst_client, putin, position):
    url = reverse("actor_delete", args=[putin.slug])
    page = analyst_client.get(url)
    assert "cannot be deleted while other records refer to it" in page.content.decode()
    before = Change.objects.count()
    response = delete(analyst_client, url, putin.version)
    assert response.status_code == 409
    statement = position.statement
    assert str(statement) in response.content.decode()
    assert Actor.objects.filter(pk=putin.pk).exists()
    statement.refresh_from_db()
    assert statement.speaker == putin and statement.version == 1
    assert Change.objects.count() == before


def test_an_actor_no_statement_names_is_deleted(analyst_client, putin):
    url = reverse("actor_delete", args=[putin.slug])
    assert delete(analyst_client, url, putin.version).status_code == 302
    assert not Actor.objects.filter(pk=putin.pk).exists()
    assert_history_agrees_with_the_live_data()


# Points with positions: deleted with them, every deletion recorded --------------------------


def test_deleting_a_point_with_positions_deletes_and_records_them(
    analyst_client, analyst, position
):
    point = position.point
    name = str(position)
    page = analyst_client.get(point_delete_url(point))
    assert "Deleting it also deletes 1 position" in page.content.decode()
    response = delete(analyst_client, point_delete_url(point), point.version)
    assert response.status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()
    record = Position.history.filter(id=position.pk).first()
    assert record.history_type == "-"
    assert (record.history_user, record.history_change_reason) == (analyst, "cleaning up")
    change = Change.objects.get(model="position", history_id=record.history_id)
    assert change.object_repr == name and change.user == analyst
    assert_history_agrees_with_the_live_data()


def test_deleting_a_point_with_positions_from_the_admin(admin_client_, superuser, position):
    point = position.point
    url = reverse("admin:tracker_point_delete", args=[point.pk])
    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Point.objects.filter(pk=point.pk).exists()
    record = Position.history.filter(id=position.pk).first()
    assert (record.history_type, record.history_user) == ("-", superuser)
    assert Change.objects.filter(model="position", history_id=record.history_id).exists()
    assert_history_agrees_with_the_live_data()


def test_deleting_points_with_positions_in_bulk_from_the_admin(admin_client_, plan, position):
    other = Point.objects.create(plan=plan, number=22, title="Other", text="t")
    data = {"action": "delete_selected", "_selected_action": [position.point_id, other.pk]}
    data["post"] = "yes"
    response = admin_client_.post(reverse("admin:tracker_point_changelist"), data)
    assert response.status_code == 302
    assert not Point.objects.exists() and not Position.objects.exists()
    assert_history_agrees_with_the_live_data()


def test_deleting_a_point_deletes_and_records_its_lineage_links(
    analyst_client, analyst, plan, point
):
    later = Plan.objects.create(slug="geneva", title="Geneva framework", short_title="Geneva")
    derived = Point.objects.create(plan=later, number=1, title="T", text="t")
    link = PointLink.objects.create(earlier=point, later=derived, plan=later, kind="merged")
    assert delete(analyst_client, point_delete_url(point), point.version).status_code == 302
    assert not PointLink.objects.filter(pk=link.pk).exists()
    assert PointLink.history.filter(id=link.pk, history_type="-").get().history_user == analyst
    derived.refresh_from_db()
    assert derived.version == 1
    assert_history_agrees_with_the_live_data()


def test_deleting_a_plan_records_everything_it_takes_and_every_link_it_empties(
    analyst_client, analyst, plan, position
):
    later = Plan.objects.create(
        slug="geneva", title="Geneva framework", short_title="Geneva", derived_from=plan
    )
    derived = Point.objects.create(plan=later, number=1, title="T", text="t")
    PointLink.objects.create(earlier=position.point, later=derived, plan=later, kind="same")
    url = reverse("plan_delete", args=[plan.slug])
    body = analyst_client.get(url).content.decode()
    assert "also deletes 1 component" in body and "1 point:" in body and "1 position" in body
    assert delete(analyst_client, url, plan.version).status_code == 302
    later.refresh_from_db()
    derived.refresh_from_db()
    assert later.derived_from is None and not derived.earlier_links.exists()
    for model in (Plan, Component, Point, Position, PointLink):
        deleted = model.history.filter(history_type="-")
        assert deleted.exists()
        assert all(r.history_user == analyst for r in deleted)
        assert all(r.history_change_reason == "cleaning up" for r in deleted)
    assert_history_agrees_with_the_live_data()


# Parties in events: the event stays, without the party (recorded) --------------------------


def test_deleting_a_party_records_each_event_that_loses_it(analyst_client, analyst, source):
    gone = Party.objects.create(slug="observer", name="Observer", short_name="OB")
    stays = Party.objects.create(slug="ukraine", name="Ukraine", short_name="UA")
    event = Event.objects.create(
        slug="talks", title="Talks", occurred_on=datetime.date(2025, 11, 23), source=source
    )
    event.parties.set([gone, stays])
    url = reverse("party_delete", args=[gone.slug])
    assert "1 event will be kept without parties" in analyst_client.get(url).content.decode()
    assert delete(analyst_client, url, gone.version).status_code == 302
    event.refresh_from_db()
    assert list(event.parties.all()) == [stays] and event.version == 2
    newest = event.history.order_by("-history_date", "-history_id").first()
    assert newest.history_user == analyst and newest.version == 2
    assert parties_of(newest) == {stays.pk}
    assert_history_agrees_with_the_live_data()


# Positions on a component ------------------------------------------------------------------


@pytest.fixture
def component_position(component, russia, source):
    return coded(
        party=russia,
        component=component,
        stance="conditional",
        summary="Open to the framework.",
        stated_on=STATED_ON,
        source=source,
    )


def test_a_position_on_a_component_can_be_edited(analyst_client, component_position):
    url = reverse("position_edit", args=[component_position.uid])
    assert analyst_client.get(url).status_code == 200
    data = {
        "subject": f"component:{component_position.component_id}",
        "stance": "opposes",
        "conditions": "",
        "summary": "Rejects the framework.",
        "certainty": "high",
        "version": component_position.version,
    }
    response = analyst_client.post(url, data)
    assert response.status_code == 302
    plan = component_position.component.plan
    expected = reverse("plan_components", args=[plan.slug]) + "#component-1"
    assert response["Location"] == expected
    assert analyst_client.get(expected).status_code == 200
    component_position.refresh_from_db()
    assert component_position.stance == "opposes"


def test_a_position_on_a_component_can_be_deleted(analyst_client, component_position):
    url = reverse("position_delete", args=[component_position.uid])
    assert analyst_client.get(url).status_code == 200
    assert delete(analyst_client, url, component_position.version).status_code == 302
    assert not Position.objects.filter(pk=component_position.pk).exists()
    assert_history_agrees_with_the_live_data()
