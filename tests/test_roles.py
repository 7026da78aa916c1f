"""Who may write: anonymous visitors sign in, viewers are refused, analysts edit."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tracker.models import Point
from tracker.roles import ANALYST, VIEWER

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def write_urls(point, position, russia, putin, source):
    plan = point.plan
    from tracker.models import Event

    event = Event.objects.create(
        slug="bishkek", title="Bishkek remarks", occurred_on="2025-11-27", source=source
    )
    n = point.number
    return [
        reverse("point_field_edit", args=[plan.slug, n, "title"]),
        reverse("point_edit", args=[plan.slug, n]),
        reverse("point_delete", args=[plan.slug, n]),
        reverse("point_create", args=[plan.slug]),
        reverse("position_create_for_point", args=[plan.slug, n]),
        reverse("position_create_for_party", args=[russia.slug]),
        reverse("position_edit", args=[position.uid]),
        reverse("position_delete", args=[position.uid]),
        reverse("party_create"),
        reverse("party_edit", args=[russia.slug]),
        reverse("party_delete", args=[russia.slug]),
        reverse("actor_create", args=[russia.slug]),
        reverse("actor_edit", args=[putin.slug]),
        reverse("actor_delete", args=[putin.slug]),
        reverse("source_create"),
        reverse("source_edit", args=[source.pk]),
        reverse("source_delete", args=[source.pk]),
        reverse("event_create"),
        reverse("event_edit", args=[event.slug]),
        reverse("event_delete", args=[event.slug]),
        reverse("plan_create"),
        reverse("plan_edit", args=[plan.slug]),
        reverse("plan_delete", args=[plan.slug]),
        reverse("plan_new_version", args=[plan.slug]),
        reverse("component_create", args=[plan.slug]),
        reverse("component_edit", args=[plan.slug, point.component.number]),
        reverse("component_delete", args=[plan.slug, point.component.number]),
    ]


def test_the_roles_hold_the_right_permissions(db):
    viewer = set(Group.objects.get(name=VIEWER).permissions.values_list("codename", flat=True))
    analyst = set(Group.objects.get(name=ANALYST).permissions.values_list("codename", flat=True))
    assert "view_point" in viewer and "change_point" not in viewer
    assert {"add_position", "change_point", "delete_party", "add_plan"} <= analyst


def test_anonymous_visitors_are_sent_to_sign_in(client, write_urls):
    for url in write_urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login") + "?next="), url


def test_anonymous_htmx_requests_are_told_to_sign_in(client, point):
    url = reverse("point_field_edit", args=[point.plan.slug, point.number, "title"])
    current = f"http://testserver{point.get_absolute_url()}"
    response = client.post(url, {"title": "x"}, HTTP_HX_CURRENT_URL=current, **HTMX)
    assert response.status_code == 403
    assert response["HX-Redirect"].startswith(reverse("login") + "?next=")
    assert point.get_absolute_url().replace("/", "%2F") in response["HX-Redirect"]


def test_viewers_are_refused_every_write(viewer_client, write_urls):
    for url in write_urls:
        assert viewer_client.get(url).status_code == 403, url
        assert viewer_client.post(url, {"version": 1}).status_code == 403, url


def test_a_viewer_gets_a_short_message_in_place_over_htmx(viewer_client, point):
    url = reverse("point_field_edit", args=[point.plan.slug, point.number, "title"])
    response = viewer_client.post(url, {"title": "x", "version": point.version}, **HTMX)
    assert response.status_code == 403
    assert b"do not have permission" in response.content
    assert Point.objects.get(pk=point.pk).title == "Territory"


def test_viewers_see_no_edit_links(viewer_client, point, position):
    body = viewer_client.get(point.get_absolute_url()).content.decode()
    assert "edit-link" not in body and "Add a position" not in body


@pytest.mark.parametrize("client_fixture", ["analyst_client", "admin_client_"])
def test_analysts_and_superusers_open_every_form(request, client_fixture, write_urls):
    client = request.getfixturevalue(client_fixture)
    for url in write_urls:
        assert client.get(url).status_code == 200, url


def test_analysts_see_edit_links_on_the_pages(analyst_client, point, position):
    body = analyst_client.get(point.get_absolute_url()).content.decode()
    assert reverse("point_field_edit", args=[point.plan.slug, point.number, "text"]) in body
    assert reverse("position_edit", args=[position.uid]) in body
    party_page = analyst_client.get(position.party.get_absolute_url()).content.decode()
    assert reverse("party_edit", args=[position.party.slug]) in party_page
    plan_page = analyst_client.get(point.plan.get_absolute_url()).content.decode()
    assert reverse("plan_new_version", args=[point.plan.slug]) in plan_page
