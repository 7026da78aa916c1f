"""Conditional GET: read pages carry an ETag and a repeat view is a 304, never stale.

The ETag comes from the change marker, the user, the path with its query and the
HX-Request header; a revalidation is answered before the view runs.
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageEncoder
from django.urls import reverse

from tests.evidence import territory_topic
from tracker import revalidation
from tracker.roles import ANALYST

pytestmark = pytest.mark.django_db


def warm(client, url, **headers):
    """Two looks: the first may set the CSRF cookie (and so carries no ETag)."""
    client.get(url, headers=headers)
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response


def revalidate(client, url, etag, **headers):
    return client.get(url, headers={"If-None-Match": etag, **headers})


def test_a_read_page_carries_a_private_etag_that_varies_on_cookie_and_htmx(client, plan, point):
    response = warm(client, plan.get_absolute_url())
    assert response["ETag"].startswith('W/"')
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    vary = {v.strip() for v in response["Vary"].split(",")}
    assert {"Cookie", "HX-Request"} <= vary


def test_a_revalidation_is_answered_304_without_rendering(
    client, plan, point, position, django_assert_num_queries
):
    url = plan.get_absolute_url()
    etag = warm(client, url)["ETag"]
    # the change marker only: no session cookie, no view
    with django_assert_num_queries(1):
        response = revalidate(client, url, etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response.templates == []
    assert response["ETag"] == etag
    assert "Cookie" in response["Vary"]


def test_a_signed_in_revalidation_reads_only_the_session_user_and_marker(
    analyst_client, point, position, django_assert_num_queries
):
    url = point.get_absolute_url()
    etag = warm(analyst_client, url)["ETag"]
    # session, user, change marker (with the count of access changes): no permissions
    with django_assert_num_queries(3):
        response = revalidate(analyst_client, url, etag)
    assert response.status_code == 304 and response.templates == []


def test_head_revalidates_too(client, point):
    etag = warm(client, point.get_absolute_url())["ETag"]
    assert client.head(point.get_absolute_url(), headers={"If-None-Match": etag}).status_code == 304


def test_a_recorded_write_changes_the_etag_and_the_page_is_sent_again(
    client, analyst, plan, point, position
):
    url = plan.get_absolute_url()
    etag = warm(client, url)["ETag"]
    point.title = "Territory, renamed"
    point.save_checked(point.version, user=analyst)
    response = revalidate(client, url, etag)
    assert response.status_code == 200
    assert "Territory, renamed" in response.content.decode()
    assert response["ETag"] != etag
    assert revalidate(client, url, response["ETag"]).status_code == 304


def test_each_user_gets_their_own_etag(client, viewer, analyst, point):
    url = point.get_absolute_url()
    anonymous = warm(client, url)["ETag"]
    client.force_login(viewer)
    as_viewer = warm(client, url)["ETag"]
    client.force_login(analyst)
    as_analyst = warm(client, url)["ETag"]
    assert len({anonymous, as_viewer, as_analyst}) == 3
    # the analyst's tag does not revalidate another user's page
    client.force_login(viewer)
    assert revalidate(client, url, as_analyst).status_code == 200


def test_new_permissions_change_the_etag(client, viewer, point):
    client.force_login(viewer)
    url = point.get_absolute_url()
    etag = warm(client, url)["ETag"]
    viewer.groups.add(Group.objects.get(name=ANALYST))
    response = revalidate(client, url, etag)
    assert response.status_code == 200
    assert "Edit" in response.content.decode()


def test_a_user_changed_in_any_way_changes_every_users_etag(client, analyst, viewer, point):
    client.force_login(viewer)
    url = point.get_absolute_url()
    etag = warm(client, url)["ETag"]
    analyst.is_superuser = True
    analyst.save()
    assert revalidate(client, url, etag).status_code == 200


def test_signing_in_again_keeps_the_etag(client, analyst, point):
    client.force_login(analyst)
    url = point.get_absolute_url()
    etag = warm(client, url)["ETag"]
    client.force_login(analyst)  # stamps last_login only
    assert revalidate(client, url, etag).status_code == 304


def test_a_new_csrf_cookie_changes_the_etag(client, point):
    """The page's forms carry a token made from the cookie: an old page would fail to post."""
    url = point.get_absolute_url()
    etag = warm(client, url)["ETag"]
    client.cookies["csrftoken"] = "x" * 32
    assert revalidate(client, url, etag).status_code == 200


def test_the_query_and_htmx_header_are_part_of_the_etag(client, plan, point, position, russia):
    territory_topic()  # a filter the page understands (one it does not adds a message)
    matrix = reverse("matrix")
    plain = warm(client, f"{matrix}?plan={plan.slug}")["ETag"]
    filtered = warm(client, f"{matrix}?plan={plan.slug}&topic=territory")["ETag"]
    assert plain != filtered
    cell = reverse("matrix_cell", args=[point.pk, russia.pk])
    page = warm(client, cell)["ETag"]
    fragment = warm(client, cell, HX_Request="true")
    assert "<html" not in fragment.content.decode()
    assert fragment["ETag"] != page
    assert revalidate(client, cell, page, HX_Request="true").status_code == 200


def test_a_page_with_a_flash_message_is_rendered_and_carries_no_etag(analyst_client, point):
    url = point.get_absolute_url()
    etag = warm(analyst_client, url)["ETag"]
    session = analyst_client.session
    flash = [Message(constants.SUCCESS, "Flash: saved elsewhere")]
    session["_messages"] = json.dumps(flash, cls=MessageEncoder)
    session.save()
    response = revalidate(analyst_client, url, etag)
    assert response.status_code == 200
    assert "Flash: saved elsewhere" in response.content.decode()
    assert "ETag" not in response
    # shown once: the next revalidation is a 304 again
    assert revalidate(analyst_client, url, etag).status_code == 304


def test_a_message_shown_by_the_page_itself_keeps_it_out_of_revalidation(client, plan, point):
    url = f"{reverse('matrix')}?plan={plan.slug}&topic=nonsense"
    client.get(url)
    response = client.get(url)
    assert "Some filters were not understood" in response.content.decode()
    assert "ETag" not in response


def test_a_response_that_sets_a_cookie_carries_no_etag(client, point):
    first = client.get(point.get_absolute_url())
    assert "csrftoken" in first.cookies
    assert "ETag" not in first


@pytest.mark.parametrize(
    "url",
    ["/healthz", "/accounts/login/", "/export/", "/parties/russia/brief/"],
)
def test_pages_that_depend_on_more_than_the_data_are_left_out(client, russia, url):
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert "ETag" not in response
    forged = revalidation.etag_for(response.wsgi_request)
    assert revalidate(client, url, forged).status_code == 200


def test_a_post_is_never_answered_304(analyst_client, point):
    url = reverse("point_field_edit", args=[point.plan.slug, point.number, "title"])
    etag = warm(analyst_client, point.get_absolute_url())["ETag"]
    response = analyst_client.post(
        url, {"title": "Posted", "version": point.version}, headers={"If-None-Match": etag}
    )
    assert response.status_code == 302


def test_an_error_page_carries_no_etag(client, plan):
    client.get("/plans/no-such-plan/")
    assert "ETag" not in client.get("/plans/no-such-plan/")


def test_a_new_release_changes_every_etag(client, point, monkeypatch):
    url = point.get_absolute_url()
    etag = warm(client, url)["ETag"]
    monkeypatch.setattr(revalidation, "release", lambda: "another deployment")
    assert revalidate(client, url, etag).status_code == 200


def test_the_party_colours_revalidate_for_everyone_and_change_with_a_colour(
    client, analyst_client, russia, django_assert_num_queries
):
    url = reverse("party_colours")
    response = client.get(url)
    etag = response["ETag"]
    assert "no-cache" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")
    assert analyst_client.get(url)["ETag"] == etag
    # the change marker only: no session, no party read
    with django_assert_num_queries(1):
        assert revalidate(analyst_client, url, etag).status_code == 304
    russia.colour = "#000000"
    russia.save()
    response = revalidate(client, url, etag)
    assert response.status_code == 200 and "#000000" in response.content.decode()
    # signed in too: the change marker and the parties, no session
    with django_assert_num_queries(2):
        assert "ETag" in analyst_client.get(url)


def test_every_revalidated_page_name_exists():
    from django.urls import get_resolver

    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    assert names >= revalidation.READ_PAGES | revalidation.SHARED_PAGES
