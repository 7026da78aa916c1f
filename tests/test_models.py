"""What the data must always obey, enforced by the database and the models."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tracker.models import (
    ActorRole,
    Certainty,
    Component,
    Delegation,
    EditConflict,
    Event,
    Party,
    Plan,
    Point,
    PointLink,
    PointStatus,
    Position,
    Provision,
    Statement,
    Translation,
)

from .evidence import coded, said

pytestmark = pytest.mark.django_db


def test_point_numbers_are_unique_within_a_plan(plan, point):
    with pytest.raises(IntegrityError), transaction.atomic():
        Point.objects.create(plan=plan, number=point.number, title="Again", text="t")


def test_the_same_number_may_appear_in_another_plan(point):
    other = Plan.objects.create(slug="e3", title="E3 counter-proposal", short_title="E3")
    assert Point.objects.create(plan=other, number=point.number, title="Same", text="t").pk


def test_component_numbers_are_unique_within_a_plan(plan, component):
    with pytest.raises(IntegrityError), transaction.atomic():
        Component.objects.create(plan=plan, number=component.number, title="Again")


@pytest.mark.parametrize("subjects", [{}, {"point": True, "plan": True}])
def test_a_position_has_exactly_one_subject(subjects, point, plan, russia, source):
    fields = {
        "point": point if subjects.get("point") else None,
        "plan": plan if subjects.get("plan") else None,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        coded(
            party=russia,
            stance="supports",
            summary="s",
            stated_on=datetime.date(2025, 11, 27),
            source=source,
            **fields,
        )


def test_a_statement_needs_a_speaker_or_an_attribution(russia):
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(party=russia, said_on=datetime.date(2025, 11, 27), summary="s")


def test_a_range_needs_its_end_and_only_a_range_has_one(russia):
    day = datetime.date(2025, 11, 24)
    with pytest.raises(IntegrityError), transaction.atomic():
        said(russia, stated_on=day, precision="range")
    with pytest.raises(IntegrityError), transaction.atomic():
        said(russia, stated_on=day, said_until=day + datetime.timedelta(days=2))
    statement = said(russia, stated_on=day, precision="range", said_until=day)
    statement.said_until = day - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "said_until" in error.value.message_dict


def test_an_event_does_not_end_before_it_starts(source):
    day = datetime.date(2025, 11, 23)
    event = Event.objects.create(
        slug="geneva", title="Geneva talks", occurred_on=day, ends_on=day, source=source
    )
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_on=day - datetime.timedelta(days=1))
    assert "tracker_event_ends_after_start" in str(error.value) or "CHECK" in str(error.value)
    event.ends_on = day - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["ends_on"] == ["It cannot end before it starts."]
    event.ends_on, event.precision = None, "range"
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "ends_on" in error.value.message_dict  # a range needs its latest date
    event.ends_on = day + datetime.timedelta(days=2)
    event.full_clean()


def test_lineage_statuses_and_delegations_are_reported_unless_confirmed(
    point, plan, source, russia
):
    """Their certainty defaults to "reported": confirmed is for the analyst to say."""
    later_plan = Plan.objects.create(slug="geneva", title="Geneva", short_title="G")
    later = Point.objects.create(plan=later_plan, number=1, title="t", text="t")
    link = PointLink.objects.create(earlier=point, later=later, plan=later_plan, kind="same")
    status = PointStatus.objects.create(
        point=point, status="agreed", on=datetime.date(2025, 11, 25), source=source
    )
    event = Event.objects.create(
        slug="e", title="E", occurred_on=datetime.date(2025, 11, 23), source=source
    )
    delegation = Delegation.objects.create(event=event, party=russia)
    assert {link.certainty, status.certainty, delegation.certainty} == {Certainty.MEDIUM}
    delegation.certainty = "sure"
    with pytest.raises(ValidationError) as error:
        delegation.full_clean()
    assert "certainty" in error.value.message_dict


def test_a_conditional_coding_writes_out_its_conditions(position):
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=position.pk).update(stance="conditional", conditions="")
    position.stance, position.conditions = "conditional", " "
    with pytest.raises(ValidationError) as error:
        position.full_clean()
    assert "conditions" in error.value.message_dict


def test_a_coding_takes_its_party_and_date_from_its_statement(position, ukraine):
    statement = position.statement
    statement.said_on = datetime.date(2025, 11, 21)
    statement.speaker = None
    statement.attribution = "A Ukrainian official"
    statement.party = ukraine
    statement.save()
    position.refresh_from_db()
    assert (position.party, position.stated_on) == (ukraine, datetime.date(2025, 11, 21))


def test_a_provision_coding_is_on_a_provision_of_its_point(position, plan):
    other = Point.objects.create(plan=plan, number=3, title="Other", text="t")
    provision = Provision.objects.create(point=other, number=1, title="Recognition")
    position.provision = provision
    with pytest.raises(ValidationError) as error:
        position.full_clean()
    assert "provision" in error.value.message_dict


def test_a_translation_is_in_another_language_than_its_statement(position):
    translation = Translation(
        statement=position.statement, language="en", text="x", rendered_by="Reuters"
    )
    with pytest.raises(ValidationError) as error:
        translation.full_clean()
    assert "language" in error.value.message_dict


def test_a_dropped_point_has_no_later_point_and_a_kept_one_has(point, plan):
    later_plan = Plan.objects.create(slug="geneva", title="Geneva", short_title="Geneva")
    later = Point.objects.create(plan=later_plan, number=4, title="Merged", text="t")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointLink.objects.create(earlier=point, later=later, plan=later_plan, kind="dropped")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointLink.objects.create(earlier=point, plan=later_plan, kind="merged")
    PointLink.objects.create(earlier=point, later=later, plan=later_plan, kind="merged")
    PointLink.objects.create(earlier=point, plan=later_plan, kind="moved", later=None)
    assert set(point.later_links.values_list("kind", flat=True)) == {"merged", "moved"}


def test_an_actor_role_is_held_between_its_dates(putin, russia):
    role = ActorRole.objects.create(
        actor=putin, party=russia, title="Head", ended_on=datetime.date(2025, 11, 28)
    )
    assert role.held_on(datetime.date(2025, 11, 27))
    assert not role.held_on(datetime.date(2025, 11, 29))
    assert putin.role_on(datetime.date(2025, 11, 1)) == "Head"


def test_the_database_refuses_an_unknown_stance(position):
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=position.pk).update(stance="maybe")


def test_the_database_refuses_a_malformed_colour(russia):
    with pytest.raises(IntegrityError), transaction.atomic():
        Party.objects.filter(pk=russia.pk).update(colour="red")


def test_model_validation_explains_a_future_date_and_a_foreign_speaker(position, ukraine):
    statement = position.statement
    statement.said_on = datetime.date.today() + datetime.timedelta(days=2)
    statement.party = ukraine
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert set(error.value.message_dict) >= {"said_on", "speaker"}


def test_a_point_cannot_use_a_component_of_another_plan(point):
    other = Plan.objects.create(slug="e3", title="E3", short_title="E3")
    point.component = Component.objects.create(plan=other, number=1, title="Elsewhere")
    with pytest.raises(ValidationError) as error:
        point.full_clean()
    assert "component" in error.value.message_dict


def test_natural_keys_find_each_object_again(position, point, component, putin):
    provision = Provision.objects.create(point=point, number=1, title="Recognition")
    statement = position.statement
    objs = (position, statement, provision, point, component, putin, position.party, point.plan)
    for obj in (*objs, statement.sources.get()):
        model = type(obj)
        assert model.objects.get_by_natural_key(*obj.natural_key()) == obj


def test_str_names_each_object_for_an_analyst(position, point, component):
    assert str(point) == "US 28 · 21. Territory"
    assert str(component) == "US 28 · component 1: Peace framework"
    assert str(position) == "RU supports on US 28 · 21. Territory"


def test_save_checked_bumps_the_version(point):
    point.title = "Territory (revised)"
    point.save_checked(point.version)
    point.refresh_from_db()
    assert (point.version, point.title) == (2, "Territory (revised)")


def test_save_checked_refuses_a_stale_copy_and_keeps_the_first_edit(point):
    first, second = Point.objects.get(pk=point.pk), Point.objects.get(pk=point.pk)
    first.title = "First analyst"
    first.save_checked(1)
    second.title = "Second analyst"
    with pytest.raises(EditConflict) as conflict:
        second.save_checked(1)
    assert conflict.value.current.title == "First analyst"
    point.refresh_from_db()
    assert (point.title, point.version) == ("First analyst", 2)


def test_every_save_is_recorded_with_its_summary(point):
    point.title = "Territory, bracketed"
    point.save_checked(point.version, summary="per the Geneva readout")
    latest = point.history.first()
    assert latest.title == "Territory, bracketed"
    assert latest.history_change_reason == "per the Geneva readout"


def test_open_first_puts_unsettled_points_before_agreed_ones(plan):
    agreed = Point.objects.create(plan=plan, number=1, title="a", text="t", status="agreed")
    disputed = Point.objects.create(plan=plan, number=2, title="b", text="t", status="disputed")
    assert list(plan.points.open_first()) == [disputed, agreed]


@pytest.mark.parametrize(
    "model, fields",
    [("Party", {"name": "New", "short_name": "N"}), ("Plan", {"title": "New", "short_title": "N"})],
)
def test_it_refuses_the_slug_new_which_the_create_pages_use(model, fields):
    from tracker import models

    obj = getattr(models, model)(slug="new", **fields)
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert "reserved" in str(error.value.message_dict["slug"])


def content(obj, leave_out=()):
    """Every editable field's stored value, except ``leave_out``."""
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in leave_out
    }


def test_a_plan_version_copies_every_field_of_the_plan_its_components_and_points(
    plan, component, point, analyst
):
    plan.description, plan.date_note, plan.all_points_known = "As leaked.", "around 20 Nov", False
    plan.save()
    point.notes, point.status, point.certainty = "Bracketed.", "leaders", "low"
    point.save()
    new = plan.copy_as_version(slug="v2", title="V2", short_title="V2", user=analyst)
    assert content(new, ["slug", "title", "short_title", "derived_from", "status"]) == content(
        plan, ["slug", "title", "short_title", "derived_from", "status"]
    )
    assert new.derived_from == plan and new.status == Plan.Status.DRAFT
    [copied_component] = new.components.all()
    assert content(copied_component, ["plan"]) == content(component, ["plan"])
    copied = new.points.get(number=point.number)
    assert content(copied, ["plan", "component"]) == content(point, ["plan", "component"])
    assert copied.component == copied_component
    [link] = copied.earlier_links.all()
    assert (link.earlier, link.kind, link.plan) == (point, "same", new)
    assert copied.history.get().history_user == analyst
