"""The benchmark's own parts: its data generator and its ceiling view (no timings here)."""

import pytest
from django.db.models import Count
from django.urls import reverse

from bench.generate import TINY, TOPICS, generate
from tracker.models import (
    Change,
    Event,
    Point,
    PointLink,
    Position,
    Statement,
    Topic,
    tracked_models,
)


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
                "component__number",
            )
        ),
        "topics": sorted(Point.objects.values_list("plan__slug", "number", "topics__slug")),
        "links": sorted(
            PointLink.objects.values_list(
                "earlier__plan__slug",
                "earlier__number",
                "later__plan__slug",
                "later__number",
                "kind",
            )
        ),
        "statements": list(
            Statement.objects.order_by("uid").values_list(
                "uid",
                "party__slug",
                "speaker__slug",
                "attribution",
                "said_on",
                "language",
                "text",
                "summary",
                "version",
                "updated_at",
            )
        ),
        "sources": sorted(Statement.objects.values_list("uid", "sources__slug")),
        "translations": sorted(Statement.objects.values_list("uid", "translations__text")),
        "positions": list(
            Position.objects.order_by("uid").values_list(
                "uid",
                "statement__uid",
                "party__slug",
                "point__number",
                "stance",
                "conditions",
                "summary",
                "stated_on",
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


@pytest.fixture(autouse=True)
def controlled_topics(db):
    """The database holds the controlled list of topics, as one with data does
    (from the seed, or from the migration): the generator adds none, so its
    history is exactly the size asked for. Written in bulk, without history,
    like rows that predate the test."""
    Topic.objects.bulk_create(
        [Topic(slug=slug, name=name) for slug, name in TOPICS], ignore_conflicts=True
    )


def wipe():
    """Everything the generator writes, except the topics the migrations made."""
    for model in reversed(tracked_models()):
        if model is not Topic:
            model.objects.all().delete()
    for model in tracked_models():  # the deletions are recorded too
        model.history.all().delete()
    Change.objects.all().delete()


def history_count():
    return sum(model.history.count() for model in tracked_models())


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
    before = history_count()
    info = generate(seed=3, sizes=TINY)
    history = history_count() - before
    assert history == info["history"] == TINY.history
    assert Change.objects.count() == history
    assert Position.objects.count() == TINY.positions
    assert Statement.objects.count() == info["statements"] < TINY.positions
    assert Point.objects.count() == TINY.plans * TINY.points_per_plan
    busy = Point.objects.get(plan__slug=info["busy_point"][0], number=info["busy_point"][1])
    assert busy.history.count() > TINY.busy_point_revisions
    assert busy.version == busy.history.count() == busy.history.latest().version


def test_it_creates_the_topics_a_database_lacks(db):
    Topic.objects.all().delete()
    generate(seed=3, sizes=TINY)
    assert Topic.objects.filter(slug="ceasefire").exists()
    assert Topic.history.filter(history_type="+").count() == Topic.objects.count()
    assert not Point.objects.filter(topics__isnull=True).exists()


def test_each_point_comes_from_the_same_number_in_the_plan_before(db):
    generate(seed=3, sizes=TINY)
    links = PointLink.objects.select_related("earlier__plan", "later__plan")
    assert links.count() == TINY.points_per_plan
    for link in links:
        assert (link.earlier.plan.slug, link.later.plan.slug) == ("plan-1", "plan-2")
        assert link.earlier.number == link.later.number
        unchanged = (link.earlier.title, link.earlier.history.earliest().text) == (
            link.later.title,
            link.later.history.earliest().text,
        )
        assert link.kind == ("same" if unchanged else "revised")
    assert {link.kind for link in links} == {"same", "revised"}


def test_codings_copy_their_statement_and_some_statements_are_coded_several_times(db):
    generate(seed=3, sizes=TINY)
    for position in Position.objects.select_related("statement"):
        assert position.party_id == position.statement.party_id
        assert position.stated_on == position.statement.said_on
        assert position.stance != "conditional" or position.conditions
    codings = Statement.objects.annotate(n=Count("positions")).values_list("n", flat=True)
    assert max(codings) >= 2
    assert min(codings) == 1
    languages = set(Statement.objects.values_list("language", flat=True))
    assert {"en", "ru"} <= languages
    foreign = Statement.objects.exclude(language="en").exclude(text="")
    assert foreign.exists()
    assert all(s.translations.filter(language="en").exists() for s in foreign)
    assert not Statement.objects.filter(sources__isnull=True).exists()


def test_history_keeps_each_versions_topics_and_sources(db):
    generate(seed=3, sizes=TINY)
    for point in Point.objects.prefetch_related("topics")[:5]:
        topics = {t.pk for t in point.topics.all()}
        for record in point.history.all():
            assert {row.topic_id for row in record.topics.all()} == topics
    statement = Statement.objects.filter(version__gt=1).first()
    assert statement is not None
    sources = set(statement.sources.values_list("pk", flat=True))
    for record in statement.history.all():
        assert {row.source_id for row in record.sources.all()} == sources
    event = Event.objects.first()
    assert event.history.get().parties.count() == event.parties.count() == 3


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
