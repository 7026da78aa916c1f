"""History rows and recent changes name the fields each change touched."""

import pytest
from django.urls import reverse

from tests.conftest import STATED_ON
from tracker import history
from tracker.models import Change, Event, Topic

pytestmark = pytest.mark.django_db


def edit(obj, user, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save_checked(obj.version, summary="edit", user=user)


def rows_of(response):
    return {v.history_id: v.fields_changed for v in response.context["page"]}


def test_a_history_row_names_the_fields_changed_next_to_its_summary(analyst_client, analyst, point):
    edit(point, analyst, text="Crimea recognised de facto.", status="disputed")
    response = analyst_client.get(reverse("point_history", args=["us-draft", 21]))
    newest, created = response.context["page"]
    assert newest.fields_changed == ["text", "status"]
    assert created.fields_changed == []  # a creation changes no earlier version
    body = response.content.decode()
    assert 'edit<span class="fields-changed">Changed: text, status</span>' in body


def test_relations_and_choices_count_as_fields(analyst_client, analyst, point, plan):
    edit(point, analyst, status="agreed", component=None)
    response = analyst_client.get(reverse("point_history", args=["us-draft", 21]))
    assert response.context["page"][0].fields_changed == ["status", "component"]


def test_a_points_topics_count_as_a_field(analyst_client, analyst, point):
    edit(point, analyst, title="Territory and borders")
    point._history_user = analyst
    point.topics.add(Topic.objects.get_or_create(slug="territory", defaults={"name": "T"})[0])
    response = analyst_client.get(reverse("point_history", args=["us-draft", 21]))
    assert "topics" in response.context["page"][0].fields_changed


def test_a_save_that_changes_nothing_names_nothing(analyst_client, analyst, point):
    edit(point, analyst)
    response = analyst_client.get(reverse("point_history", args=["us-draft", 21]))
    assert response.context["page"][0].fields_changed == []
    assert "Changed:" not in response.content.decode()


def test_an_events_parties_count_as_a_field(analyst_client, analyst, source, russia, ukraine):
    event = Event.objects.create(slug="talks", title="Talks", occurred_on=STATED_ON, source=source)
    event.parties.add(russia)
    edit(event, analyst, title="Talks in Geneva")
    event.parties.add(ukraine)
    response = analyst_client.get(reverse("object_history", args=["event", event.pk]))
    fields = [v.fields_changed for v in response.context["page"]]
    assert ["parties"] in fields and ["title"] in fields


def test_the_oldest_row_of_a_page_is_compared_with_the_version_on_the_next(
    analyst_client, analyst, point
):
    for n in range(30):
        edit(point, analyst, title=f"Title {n}")
    edit(point, analyst, text="New text")
    page = analyst_client.get(reverse("point_history", args=["us-draft", 21])).context["page"]
    assert page[0].fields_changed == ["text"]
    assert page[len(page) - 1].fields_changed == ["title"]  # its predecessor is on page 2


def test_recent_changes_name_the_fields_of_every_model_on_the_page(
    analyst_client, analyst, point, russia
):
    edit(point, analyst, status="agreed")
    edit(russia, analyst, name="Russian Federation")
    response = analyst_client.get(reverse("recent_changes"))
    by_model = {(c.model, c.action): c.fields_changed for c in response.context["changes"]}
    assert by_model[("point", "~")] == ["status"]
    assert by_model[("party", "~")] == ["name"]
    assert by_model[("point", "+")] == []
    body = response.content.decode()
    assert "Changed: status" in body and "Changed: name" in body


def test_a_deletion_names_no_fields(analyst_client, analyst, source, russia):
    event = Event.objects.create(slug="talks", title="Talks", occurred_on=STATED_ON, source=source)
    event.delete()
    changes = analyst_client.get(reverse("recent_changes")).context["changes"]
    assert [c.fields_changed for c in changes if c.action == "-"] == [[]]


def test_records_are_paired_with_the_version_just_before_them(analyst, point):
    for n in range(4):
        edit(point, analyst, title=f"Title {n}")
    ids = list(
        point.history.order_by("history_date", "history_id").values_list("history_id", flat=True)
    )
    records, previous = history.records_with_previous(type(point), [ids[2], ids[4], ids[0]])
    assert sorted(r.history_id for r in records) == [ids[0], ids[2], ids[4]]
    assert {k: v.history_id for k, v in previous.items()} == {ids[2]: ids[1], ids[4]: ids[3]}


@pytest.mark.parametrize("count", [5, 60])
def test_named_fields_cost_one_query_per_model_on_the_page(
    analyst_client, analyst, point, russia, count, django_assert_num_queries
):
    for n in range(count):
        edit(point, analyst, title=f"Title {n}")
        edit(russia, analyst, short_name=f"R{n}")
    assert Change.objects.count() > 2 * count
    # session, user, user's own and group permissions (view_change), one page
    # of changes, the page's point versions with the versions before them and
    # their topics, the same for the party and its memberships, change marker
    # (ETag)
    with django_assert_num_queries(10):
        response = analyst_client.get(reverse("recent_changes"), {"user": "anna"})
    assert {c.model for c in response.context["changes"]} == {"point", "party"}
    assert all(c.fields_changed for c in response.context["changes"])
