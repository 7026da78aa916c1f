"""Following plans, points, parties and actors, and /watching/: what is new since the last visit."""

import datetime
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.evidence import coded, said
from tracker import following
from tracker.models import Change, Point, PointStatus, Profile, Watch

pytestmark = pytest.mark.django_db


def watch_url(kind, target):
    return reverse("watch", args=[kind, target.pk])


def test_it_follows_and_unfollows_a_point_with_a_plain_form(viewer_client, viewer, point):
    response = viewer_client.post(watch_url("point", point), {"follow": "1"})
    assert response.status_code == 302
    assert response["Location"] == point.get_absolute_url()
    assert Watch.objects.filter(user=viewer, point=point).count() == 1
    viewer_client.post(watch_url("point", point), {"follow": "1"})  # twice: still one
    assert Watch.objects.filter(user=viewer, point=point).count() == 1
    viewer_client.post(watch_url("point", point), {"follow": "0"})
    assert not Watch.objects.filter(user=viewer).exists()


def test_it_answers_htmx_with_the_button(viewer_client, viewer, russia):
    response = viewer_client.post(
        watch_url("party", russia), {"follow": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "unfollow" in response.content.decode()
    assert Watch.objects.filter(user=viewer, party=russia).exists()


def test_it_shows_the_follow_link_on_each_page_to_signed_in_users(
    viewer_client, client, plan, point, russia, putin
):
    # (the plan, point and actor pages are left out while their views are being moved to the
    # evidence model: they include the same fragment)
    pages = [(russia, "party")]
    for target, kind in pages:
        page = viewer_client.get(target.get_absolute_url()).content.decode()
        assert watch_url(kind, target) in page
    viewer_client.logout()
    assert watch_url("party", russia) not in client.get(russia.get_absolute_url()).content.decode()


def test_it_refuses_an_unknown_kind_and_anonymous_posts(viewer_client, client, point):
    assert viewer_client.post(f"/watch/source/{point.pk}/", {"follow": "1"}).status_code == 404
    viewer_client.logout()
    response = client.post(watch_url("point", point), {"follow": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Watch.objects.exists()


def test_it_allows_one_target_per_watch(viewer, point, russia):
    with pytest.raises(IntegrityError), transaction.atomic():
        Watch.objects.create(user=viewer, point=point, party=russia)
    with pytest.raises(IntegrityError), transaction.atomic():
        Watch.objects.create(user=viewer)


def test_it_shows_only_what_is_new_since_the_last_visit(
    viewer_client, viewer, point, russia, putin, source
):
    Watch.follow(viewer, "point", point)
    Profile.of(viewer)
    coded(russia, "supports", point=point, summary="First reading.", source=source)
    first = viewer_client.get(reverse("watching")).content.decode()
    assert "RU supports on US 28 · 21. Territory" in first
    assert viewer_client.get(reverse("watching")).context["items"] == []
    PointStatus.objects.create(
        point=point, status="agreed", on=datetime.date(2025, 12, 1), source=source
    )
    items = viewer_client.get(reverse("watching")).context["items"]
    assert [item["change"].model for item in items] == ["pointstatus"]
    assert items[0]["said_on"] == datetime.date(2025, 12, 1)


def test_it_leaves_out_what_is_not_followed_and_fixture_loads(
    viewer_client, viewer, plan, point, russia, ukraine, source
):
    Watch.follow(viewer, "party", ukraine)
    coded(russia, "supports", point=point, source=source)  # not followed
    Change.objects.create(
        changed_at=timezone.now(),
        model="party",
        object_id=ukraine.pk,
        object_repr="Ukraine",
        history_id=999999,
        action="~",
        summary="Loaded from a fixture",
        party=ukraine,
    )
    coded(ukraine, "opposes", point=point, source=source)
    items = viewer_client.get(reverse("watching")).context["items"]
    assert items
    assert all(item["change"].party_id == ukraine.pk for item in items)
    assert all(item["change"].summary != "Loaded from a fixture" for item in items)


def test_it_orders_new_items_by_negotiation_time(viewer_client, viewer, putin, russia, source):
    Watch.follow(viewer, "actor", putin)
    said(russia, speaker=putin, stated_on=datetime.date(2025, 11, 20), source=source)
    said(russia, speaker=putin, stated_on=datetime.date(2025, 11, 27), source=source)
    said(russia, speaker=putin, stated_on=datetime.date(2025, 11, 10), source=source)
    items = viewer_client.get(reverse("watching")).context["items"]
    dates = [i["said_on"] for i in items if i["change"].model == "statement"]
    assert dates == sorted(dates, reverse=True)
    assert len(set(dates)) == 3


def test_the_navigation_shows_the_count_on_the_watching_page(viewer_client, viewer, point, russia):
    Watch.follow(viewer, "point", point)
    coded(russia, "supports", point=point)
    response = viewer_client.get(reverse("watching"))
    assert response.context["watching_count"] >= 1
    assert 'class="badge"' in response.content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_its_query_count_does_not_grow_with_the_items(
    viewer_client, viewer, plan, russia, source, size, django_assert_num_queries
):
    points = [Point.objects.create(plan=plan, number=n, title=f"P{n}") for n in range(1, size + 1)]
    Watch.follow(viewer, "plan", plan)
    Profile.of(viewer)
    for point in points:
        coded(russia, "supports", point=point, source=source)
        PointStatus.objects.create(
            point=point, status="agreed", on=datetime.date(2025, 12, 1), source=source
        )
    # session, user, profile, changes (what is followed and the last visit in subqueries),
    # statements, positions, point statuses, the list of watches with their targets,
    # last-seen update, the user's and their groups' permissions (the navigation), and
    # the session's note that renews the pages' ETags (savepoint, update, release)
    with django_assert_num_queries(14):
        response = viewer_client.get(reverse("watching"))
    assert len(response.context["items"]) >= 3 * size


# The navigation's count on every page


def follow(client, kind, target):
    assert client.post(watch_url(kind, target), {"follow": "1"}).status_code == 302


def badge(body):
    found = re.search(r'<span class="badge"[^>]*>(\d+)<', body)
    return int(found[1]) if found else None


def test_every_page_shows_the_count_of_what_is_new_in_what_you_follow(
    viewer_client, point, russia, ukraine, source
):
    follow(viewer_client, "point", point)
    viewer_client.get(reverse("watching"))
    # Each: a statement made, its coding, the statement given its source.
    coded(russia, "supports", point=point, source=source)
    coded(ukraine, "opposes", point=point, source=source)
    for url in ("/", reverse("party_list"), russia.get_absolute_url(), reverse("recent_changes")):
        assert badge(viewer_client.get(url).content.decode()) == 6, url
    watching = viewer_client.get(reverse("watching"))
    assert len(watching.context["items"]) == 6 and badge(watching.content.decode()) == 6
    assert badge(viewer_client.get(reverse("party_list")).content.decode()) is None
    PointStatus.objects.create(
        point=point, status="agreed", on=datetime.date(2025, 12, 1), source=source
    )
    assert badge(viewer_client.get(reverse("party_list")).content.decode()) == 1


def test_a_page_costs_one_query_for_the_count_only_for_a_user_who_follows_something(
    viewer_client, point, russia, source
):
    coded(russia, "supports", point=point, source=source)
    url = reverse("party_list")
    with CaptureQueriesContext(connection) as following_nothing:
        viewer_client.get(url)
    follow(viewer_client, "point", point)
    viewer_client.get(reverse("watching"))
    coded(russia, "opposes", point=point, source=source)
    with CaptureQueriesContext(connection) as following:
        body = viewer_client.get(url).content.decode()
    assert badge(body) == 3
    assert len(following) == len(following_nothing) + 1, "the count is one query"
    new = [q["sql"] for q in following.captured_queries if "tracker_watch" in q["sql"]]
    assert len(new) == 1 and "COUNT(" in new[0].upper() and "tracker_change" in new[0]


def test_anonymous_pages_show_no_count(client, point, russia, source):
    coded(russia, "supports", point=point, source=source)
    for url in ("/", reverse("party_list"), russia.get_absolute_url()):
        body = client.get(url).content.decode()
        assert 'class="badge"' not in body and reverse("watching") not in body


def test_a_user_whose_session_predates_the_note_is_looked_up_once(
    viewer_client, viewer, point, russia, source
):
    Watch.follow(viewer, "point", point)  # in another session: this one noted nothing
    session = viewer_client.session
    del session[following.SESSION_KEY]
    session.save()
    coded(russia, "supports", point=point, source=source)
    shown = badge(viewer_client.get(reverse("party_list")).content.decode())
    assert viewer_client.session[following.SESSION_KEY]
    assert shown == len(viewer_client.get(reverse("watching")).context["items"]) > 0


def test_a_visit_to_watching_renews_the_etag_of_pages_showing_the_count(
    viewer_client, point, russia, source
):
    follow(viewer_client, "point", point)
    viewer_client.get(reverse("watching"))
    coded(russia, "supports", point=point, source=source)
    first = viewer_client.get("/")
    assert badge(first.content.decode()) == 3
    viewer_client.get(reverse("watching"))
    again = viewer_client.get("/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert badge(again.content.decode()) is None


def test_undated_records_come_after_those_the_negotiation_dates(
    viewer_client, point, russia, source
):
    follow(viewer_client, "point", point)
    viewer_client.get(reverse("watching"))
    coded(russia, "supports", point=point, source=source, stated_on=datetime.date(2025, 11, 2))
    point.text = "Crimea recognised; Donbas to be negotiated."
    point.save_recorded("New wording")  # recorded last, but the negotiation gives it no date
    items = viewer_client.get(reverse("watching")).context["items"]
    assert [item["said_on"] for item in items][-1] is None
    assert items[-1]["change"].model == "point"
    assert all(item["said_on"] for item in items[:-1])
