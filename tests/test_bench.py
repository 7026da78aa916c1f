"""The benchmark's own parts: its data generator and its ceiling view (no timings here)."""

import pytest
from django.urls import reverse

from bench.generate import TINY, generate
from tracker.models import (
    Actor,
    Change,
    Component,
    Event,
    Party,
    Plan,
    Point,
    Position,
    Source,
)

TRACKED = [Position, Event, Point, Component, Plan, Actor, Source, Party]


def snapshot():
    """The generated data without primary keys, which depend on the database's sequences."""
    return {
        "points": list(
            Point.objects.order_by("plan__slug", "number").values_list(
                "plan__slug",
                "number",
                "title",
                "text",
                "status",
                "version",
                "derived_from__plan__slug",
                "derived_from__number",
                "component__number",
            )
        ),
        "positions": list(
            Position.objects.order_by("uid").values_list(
                "uid",
                "party__slug",
                "point__number",
                "stance",
                "summary",
                "stated_on",
                "source__slug",
                "version",
                "updated_at",
            )
        ),
        "point_history": list(
            Point.history.order_by("history_date", "version").values_list(
                "history_date",
                "history_type",
                "number",
                "text",
                "version",
                "history_change_reason",
            )
        ),
        "changes": list(
            Change.objects.order_by("changed_at", "model", "action").values_list(
                "changed_at", "model", "action", "object_repr", "summary", "party__slug"
            )
        ),
        "events": sorted(Event.objects.values_list("slug", "parties__slug")),
    }


def wipe():
    Event.parties.through.objects.all().delete()
    for model in TRACKED:
        model.objects.all().delete()
        model.history.all().delete()
    Change.objects.all().delete()


def test_it_generates_the_same_data_from_the_same_seed(db):
    generate(seed=3, sizes=TINY)
    first = snapshot()
    wipe()
    generate(seed=3, sizes=TINY)
    assert snapshot() == first


def test_it_generates_other_data_from_another_seed(db):
    generate(seed=3, sizes=TINY)
    first = snapshot()
    wipe()
    generate(seed=4, sizes=TINY)
    assert snapshot()["positions"] != first["positions"]


def test_it_generates_the_sizes_asked_for_with_one_change_row_per_history_record(db):
    info = generate(seed=3, sizes=TINY)
    history = sum(model.history.count() for model in TRACKED)
    assert history == TINY.history
    assert Change.objects.count() == history
    assert Position.objects.count() == TINY.positions
    assert Point.objects.count() == TINY.plans * TINY.points_per_plan
    busy = Point.objects.get(plan__slug=info["busy_point"][0], number=info["busy_point"][1])
    assert busy.history.count() > TINY.busy_point_revisions
    assert busy.version == busy.history.count() == busy.history.latest().version


def test_each_point_derives_from_the_same_number_in_the_plan_before(db):
    generate(seed=3, sizes=TINY)
    for point in Point.objects.filter(plan__slug="plan-2").select_related("derived_from__plan"):
        assert (point.derived_from.plan.slug, point.derived_from.number) == ("plan-1", point.number)
    assert not Point.objects.filter(plan__slug="plan-1", derived_from__isnull=False).exists()


@pytest.mark.urls("bench.urls")
def test_the_ceiling_answers_a_signed_in_user_without_a_query(
    analyst_client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = analyst_client.get(reverse("bench_ceiling"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.urls("bench.urls")
def test_the_ceiling_is_public_and_read_only(client):
    assert client.get(reverse("bench_ceiling")).status_code == 200
    assert client.post(reverse("bench_ceiling")).status_code == 405


def test_the_ceiling_is_not_served_by_the_app(client):
    assert client.get("/bench/ceiling/").status_code == 404


@pytest.mark.urls("bench.urls")
def test_the_same_bytes_view_serves_a_saved_page_without_a_query(
    db, client, tmp_path, monkeypatch, django_assert_num_queries
):
    from bench import views

    monkeypatch.setenv("BENCH_SAME_BYTES_DIR", str(tmp_path))
    monkeypatch.setattr(views, "_pages", {})
    (tmp_path / "plan-page.html").write_bytes("<p>Тable of 1,500 points</p>".encode())
    with django_assert_num_queries(0):
        response = client.get(reverse("bench_same_bytes", args=["plan-page"]))
    assert response.status_code == 200
    assert response.content == "<p>Тable of 1,500 points</p>".encode()
    assert client.get(reverse("bench_same_bytes", args=["matrix"])).status_code == 404


def test_the_benchmarks_views_are_not_among_the_apps_urls(client):
    assert client.get("/bench/same-bytes/plan-page/").status_code == 404
