"""Following plans, points, parties and actors, and /watching/: what is new since the last visit."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.evidence import coded, said
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
    # session, user, profile, watches, changes, statements, positions, point statuses,
    # last-seen update, the user's and their groups' permissions (the navigation),
    # the list of watches with their targets
    with django_assert_num_queries(12):
        response = viewer_client.get(reverse("watching"))
    assert len(response.context["items"]) >= 3 * size
