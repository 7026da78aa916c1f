"""History pages: the versions of an object, diffs between any two, restore."""

import datetime

import pytest
from django.urls import reverse

from tracker.models import Change, Component, Event, Party, Point, Position, Statement

pytestmark = pytest.mark.django_db


def edit(obj, user, summary, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save_checked(obj.version, summary=summary, user=user)
    return obj


def history_url(obj):
    return reverse("object_history", args=[obj._meta.model_name, obj.pk])


def test_it_lists_the_versions_of_a_point_newest_first_with_who_and_why(
    analyst_client, analyst, point
):
    edit(point, analyst, "per Putin's Bishkek remarks", title="Territory, contested")
    response = analyst_client.get(reverse("point_history", args=[point.plan.slug, point.number]))
    assert response.status_code == 200
    versions = list(response.context["page"])
    assert [v.history_type for v in versions] == ["~", "+"]
    body = response.content.decode()
    assert "per Putin&#x27;s Bishkek remarks" in body
    assert "anna" in body


@pytest.mark.parametrize("name", ["plan", "party", "source", "position", "statement"])
def test_every_object_page_has_a_history_tab(analyst_client, position, name):
    obj = {
        "plan": position.point.plan,
        "party": position.party,
        "source": position.statement.sources.get(),
        "position": position,
        "statement": position.statement,
    }[name]
    page = analyst_client.get(obj.get_absolute_url())
    if name == "statement":
        tab = reverse("object_history", args=[name, obj.pk])
    else:
        key = obj.get_absolute_url().rstrip("/").split("/")[-1]
        tab = reverse(f"{name}_history", args=[key])
    assert tab in page.content.decode()
    assert analyst_client.get(tab).status_code == 200


def test_it_sends_anonymous_readers_to_sign_in(client, point):
    response = client.get(history_url(point))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_diff_marks_inserted_and_deleted_words(analyst_client, analyst, point):
    first = point.history.get()
    edit(point, analyst, "", text="Crimea and Donbas contested <b>now</b>.")
    second = point.history.first()
    response = analyst_client.get(
        history_url(point), {"a": first.history_id, "b": second.history_id}
    )
    assert response.status_code == 200
    [change] = response.context["comparison"].changes
    assert change.name == "text"
    assert str(change.html) == (
        "Crimea and Donbas <del>recognised</del><ins>contested &lt;b&gt;now&lt;/b&gt;</ins>."
    )
    assert "<del>recognised</del>" in response.content.decode()


def test_a_diff_shows_a_stance_change_by_its_labels(analyst_client, analyst, position):
    edit(position, analyst, "", stance="opposes")
    newest = position.history.first()
    response = analyst_client.get(history_url(position), {"b": newest.history_id})
    changes = {c.name: c for c in response.context["comparison"].changes}
    assert str(changes["stance"].html) == "Supports → Opposes"


def test_a_diff_names_related_objects_instead_of_ids(
    analyst_client, analyst, plan, point, component
):
    other = Component.objects.create(plan=plan, number=2, title="Security guarantees")
    edit(point, analyst, "", component=other)
    response = analyst_client.get(history_url(point), {"b": point.history.first().history_id})
    [change] = response.context["comparison"].changes
    assert change.old == str(component)
    assert change.new == str(other)
    assert "Security guarantees" in response.content.decode()


def test_a_diff_of_an_events_parties_names_them(analyst_client, analyst, source, russia, ukraine):
    event = Event.objects.create(
        slug="geneva", title="Geneva talks", occurred_on=datetime.date(2025, 11, 23), source=source
    )
    event._history_user = analyst
    event.parties.set([russia, ukraine])
    response = analyst_client.get(history_url(event), {"b": event.history.first().history_id})
    changes = {c.name: c for c in response.context["comparison"].changes}
    assert changes["parties"].new == "Russia, Ukraine"


def test_a_diff_between_versions_of_different_objects_is_refused(
    analyst_client, plan, point, component
):
    other = Point.objects.create(plan=plan, number=22, title="Other", text="t")
    response = analyst_client.get(
        history_url(point),
        {"a": point.history.first().history_id, "b": other.history.first().history_id},
    )
    assert response.status_code == 400
    assert "belongs to another point" in response.content.decode()


@pytest.mark.parametrize("bad", [{"a": "x"}, {"b": "999999"}, {"a": "-1", "b": "2"}])
def test_a_bad_version_id_is_a_clear_400(analyst_client, point, bad):
    response = analyst_client.get(history_url(point), bad)
    assert response.status_code == 400
    assert response.context["error"]


def test_an_unknown_model_or_object_is_404(analyst_client):
    assert analyst_client.get("/history/user/1/").status_code == 404
    assert analyst_client.get("/history/point/424242/").status_code == 404


def test_restore_brings_back_an_earlier_version_as_a_new_change(analyst_client, analyst, point):
    original = point.history.get()
    edit(point, analyst, "", title="Something else")
    response = analyst_client.post(
        reverse("restore_version", args=["point", point.pk]),
        {"version": original.history_id, "current": 2, "summary": "vandalism"},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.title == "Territory"
    assert point.version == 3
    newest = point.history.first()
    assert newest.history_user == analyst
    assert newest.history_change_reason.startswith("Restored version of ")
    assert newest.history_change_reason.endswith(": vandalism")
    change = Change.objects.get(model="point", history_id=newest.history_id)
    assert change.user == analyst and change.summary == newest.history_change_reason


def test_restore_recreates_a_deleted_object_with_its_relations(
    analyst_client, analyst, position, putin, source
):
    statement = position.statement
    pk, uid = statement.pk, statement.uid
    statement._history_user = analyst
    statement.delete()
    assert not Position.objects.filter(pk=position.pk).exists()  # its codings went with it
    deletion = Statement.history.filter(id=pk).first()
    response = analyst_client.post(
        reverse("restore_version", args=["statement", pk]),
        {"version": deletion.history_id, "current": 0},
    )
    assert response.status_code == 302
    restored = Statement.objects.get(pk=pk)
    assert restored.uid == uid
    assert restored.speaker == putin
    assert list(restored.sources.all()) == [source]  # many-to-many restored too
    # recreated ("+"), then its sources set again ("~"), after the deletion
    assert list(restored.history.values_list("history_type", flat=True)[:3]) == ["~", "+", "-"]


def test_restore_reports_a_nullable_relation_that_is_gone(analyst_client, analyst, position):
    event = Event.objects.create(
        slug="bishkek",
        title="Bishkek",
        occurred_on=position.stated_on,
        source=position.statement.sources.get(),
    )
    statement = position.statement
    statement.event = event
    statement.save()
    pk = statement.pk
    statement.delete()
    event.delete()
    deletion = Statement.history.filter(id=pk).first()
    response = analyst_client.post(
        reverse("restore_version", args=["statement", pk]),
        {"version": deletion.history_id, "current": 0},
        follow=True,
    )
    assert Statement.objects.get(pk=pk).event is None
    assert "Not restored: event" in response.content.decode()


def test_restore_refuses_when_a_required_relation_is_gone(analyst_client, analyst, russia):
    actor = russia.actors.create(slug="lavrov", name="Sergey Lavrov")
    version = actor.history.get()
    actor.delete()
    russia_pk = russia.pk
    Party.objects.filter(pk=russia_pk).delete()
    before = Change.objects.count()
    response = analyst_client.post(
        reverse("restore_version", args=["actor", version.id]),
        {"version": version.history_id, "current": 0},
    )
    assert response.status_code == 409
    assert "no longer exists" in response.content.decode()
    assert Change.objects.count() == before
    assert not actor.__class__.objects.filter(pk=version.id).exists()


def test_restore_needs_its_own_permission(viewer_client, point):
    version = point.history.get()
    response = viewer_client.post(
        reverse("restore_version", args=["point", point.pk]), {"version": version.history_id}
    )
    assert response.status_code == 403


def test_restore_sends_anonymous_users_to_sign_in(client, point):
    version = point.history.get()
    response = client.post(
        reverse("restore_version", args=["point", point.pk]), {"version": version.history_id}
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_restore_of_a_version_of_another_object_changes_nothing(analyst_client, plan, point):
    other = Point.objects.create(plan=plan, number=22, title="Other", text="t")
    response = analyst_client.post(
        reverse("restore_version", args=["point", point.pk]),
        {"version": other.history.get().history_id, "current": 1},
    )
    assert response.status_code == 404
    point.refresh_from_db()
    assert point.title == "Territory" and point.version == 1


def test_restore_without_a_version_is_422(analyst_client, point):
    response = analyst_client.post(reverse("restore_version", args=["point", point.pk]), {})
    assert response.status_code == 422


def test_restore_refuses_a_slug_now_taken_by_another_object(analyst_client, analyst, russia):
    first = russia.history.get()
    edit(russia, analyst, "", slug="russian-federation")
    Party.objects.create(slug="russia", name="Another", short_name="AN")
    response = analyst_client.post(
        reverse("restore_version", args=["party", russia.pk]),
        {"version": first.history_id, "current": 2},
    )
    assert response.status_code == 409
    russia.refresh_from_db()
    assert russia.slug == "russian-federation"


def make_versions(point, user, count):
    """Many versions of one point, inserted in bulk (no per-row signals)."""
    history = Point.history.model
    start = datetime.datetime(2025, 11, 1, tzinfo=datetime.UTC)
    history.objects.bulk_create(
        history(
            id=point.pk,
            plan_id=point.plan_id,
            number=point.number,
            title=f"Title {n}",
            text=f"Text {n}",
            status=point.status,
            certainty=point.certainty,
            component_id=point.component_id,
            version=n + 2,
            history_date=start + datetime.timedelta(minutes=n),
            history_type="~",
            history_user=user,
            history_change_reason=f"edit {n}",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [30, 2000])
def test_the_history_page_costs_the_same_at_any_size(
    analyst_client, analyst, point, count, django_assert_num_queries
):
    make_versions(point, analyst, count)
    newest, older = point.history.all()[:2]
    # session, user, user's group permissions (view_change), point by pk,
    # count of its versions, one page of versions with users, the two chosen
    # versions, names of related plans and components, user permissions
    # (restore_version), the version before the page's oldest (fields changed),
    # the topics of the two chosen versions and of the page's versions (the
    # point has none, so no topic names are read), change marker (ETag)
    with django_assert_num_queries(14):
        response = analyst_client.get(
            history_url(point), {"a": older.history_id, "b": newest.history_id}
        )
    assert response.status_code == 200
    assert len(response.context["page"]) == 25
