"""The plan page and the stance matrix as they stood at a moment (?as_of=)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import populate
from tests.tables import cell_classes, stance_table
from tracker.history import TRACKED
from tracker.models import Plan, Point, Position
from tracker.stances import ROWS_AT_ONCE

from .evidence import coded

pytestmark = pytest.mark.django_db

THEN = datetime.datetime(2025, 11, 20, 10, 0, tzinfo=datetime.UTC)


def backdate(when=THEN):
    """Move every history record made so far to ``when``: edits after this are 'later'."""
    for model in TRACKED.values():
        model.history.update(history_date=when)


def record_all(when=THEN):
    """History for objects made with bulk_create (which records none), dated ``when``."""
    for model in TRACKED.values():
        missing = model.objects.exclude(pk__in=model.history.values("id"))
        model.history.bulk_history_create(list(missing), default_date=when)


def plan_url(plan, as_of):
    return reverse("plan_detail", args=[plan.slug]) + f"?as_of={as_of}"


def test_a_plan_as_of_a_date_shows_it_as_it_stood_then(client, analyst, plan, point, position):
    backdate()
    point.title = "Territory, bracketed"
    point.save_checked(point.version, user=analyst)
    position.stance = "opposes"
    position.save_checked(position.version, user=analyst)
    Point.objects.create(plan=plan, number=22, title="Added later", text="t")

    then = client.get(plan_url(plan, "2025-11-20"))
    assert then.status_code == 200
    body = then.content.decode()
    assert "Territory" in body and "Territory, bracketed" not in body
    assert "Added later" not in body
    table = stance_table(then)
    [(_, rows, _)] = table.sections()
    [(shown, _)] = rows
    assert shown.title == "Territory"
    [russia] = table.parties
    assert table.stance(shown, russia) == "supports"
    # The cell shows the stance of then, not the date it was stated.
    assert "m-supports" in cell_classes(body, shown, russia)
    assert ">Supports</span>" in body

    now = client.get(reverse("plan_detail", args=[plan.slug]))
    assert "Territory, bracketed" in now.content.decode()


def test_the_plan_as_of_a_moment_renders_each_cell_with_its_stance(
    client, analyst, plan, point, position, ukraine
):
    coded(
        party=ukraine,
        point=point,
        stance="opposes",
        summary="Refuses.",
        stated_on=position.stated_on,
        source=position.statement.sources.first(),
    )
    backdate()
    position.stance, position.conditions = "conditional", "If Ukraine withdraws first."
    position.save_checked(position.version, user=analyst)
    body = client.get(plan_url(plan, "2025-11-21")).content.decode()
    row = body.split('<td class="num">21</td>')[1].split("</tr>")[0]
    assert '<span class="stance stance-supports lean-for">Supports</span>' in row
    assert '<span class="stance stance-opposes lean-against">Opposes</span>' in row
    assert "2025" not in row and "conditional" not in row.lower()


def test_a_point_deleted_since_still_shows_as_of_before_its_deletion(client, plan, point):
    backdate()
    point.delete()
    body = client.get(plan_url(plan, "2025-11-20T10:30")).content.decode()
    assert "Territory" in body
    today = timezone.localdate().isoformat()
    assert "This plan had no points" in client.get(plan_url(plan, today)).content.decode()


def test_an_as_of_page_has_a_banner_and_no_edit_affordances(analyst_client, plan, point, position):
    backdate()
    response = analyst_client.get(plan_url(plan, "2025-11-20T14:00"))
    body = response.content.decode()
    assert "As of 20 Nov 2025 14:00" in body
    assert "read-only" in body
    assert "/edit/" not in body
    assert '<form method="post"' not in body.split("<main")[1]
    assert point.get_absolute_url() not in body


@pytest.mark.parametrize(
    "value, message",
    [
        ("yesterday", "is not a date or time"),
        ("2025-13-40", "is not a date or time"),
        ("2025-11-25T25:00", "is not a date or time"),
        ("2099-01-01", "in the future"),
        ("2025-11-01", "no record of this plan"),
    ],
)
def test_a_bad_or_pre_history_as_of_is_a_clear_400(client, plan, point, value, message):
    backdate()
    response = client.get(plan_url(plan, value))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_plan_as_of_is_404(client, plan):
    response = client.get(reverse("plan_detail", args=["nope"]) + "?as_of=2025-11-20")
    assert response.status_code == 404


def test_the_matrix_as_of_shows_the_stances_of_then(
    client, analyst, plan, point, position, ukraine
):
    backdate()
    position.stance, position.conditions = "conditional", "If Ukraine withdraws first."
    position.save_checked(position.version, user=analyst)
    response = client.get(reverse("matrix"), {"plan": plan.slug, "as_of": "2025-11-21"})
    assert response.status_code == 200
    assert "read-only" in response.content.decode()
    table = stance_table(response)
    assert [p.slug for p in table.parties] == ["russia", "ukraine"]
    [shown] = table.points
    assert shown.pk == point.pk
    assert [table.stance(shown, party) for party in table.parties] == ["supports", ""]
    body = response.content.decode()
    russia, ukraine = table.parties
    assert "m-supports" in cell_classes(body, shown, russia)
    assert "m-none" in cell_classes(body, shown, ukraine)
    today = timezone.localdate().isoformat()
    now = client.get(reverse("matrix"), {"plan": plan.slug, "as_of": today})
    assert "m-conditional" in cell_classes(now.content.decode(), shown, russia)


def test_a_bad_matrix_as_of_is_a_clear_400(client, plan, point):
    response = client.get(reverse("matrix"), {"plan": plan.slug, "as_of": "last week"})
    assert response.status_code == 400
    assert "is not a date or time" in response.content.decode()


def grow(plan, parties, points, noise):
    """A plan of ``parties`` × ``points`` with history, plus ``noise`` unrelated history rows."""
    populate(plan, parties=parties, points=points, positions_per_cell=2)
    record_all()
    backdate()
    other = Plan.objects.create(slug="noise", title="Noise", short_title="N")
    Point.history.bulk_history_create(
        [Point(id=10_000 + n, plan=other, number=n + 1, title="n", text="t") for n in range(noise)],
        default_date=THEN,
    )


@pytest.mark.parametrize("size", [(2, 5, 10), (12, 80, 20_000)])
def test_the_plan_as_of_costs_the_same_at_any_size(client, plan, size, django_assert_num_queries):
    grow(plan, *size)
    # plan, change marker, its components, its points, their positions, the
    # parties with stances
    with django_assert_num_queries(6):
        response = client.get(plan_url(plan, "2025-11-20T12:00"))
    assert response.status_code == 200
    parties, points, _ = size
    table = stance_table(response)
    [(_, rows, _)] = table.sections()
    # the first screenful is drawn, the table holds every point
    assert len(rows) == min(points, ROWS_AT_ONCE) and len(table.points) == points
    assert len(table.parties) == parties
    assert all(table.stance(point, party) for point in table.points for party in table.parties)
    assert Position.objects.count() == parties * points * 2


@pytest.mark.parametrize("size", [(2, 5, 10), (12, 80, 20_000)])
def test_the_matrix_as_of_costs_the_same_at_any_size(client, plan, size, django_assert_num_queries):
    grow(plan, *size)
    # plan by slug (the live view), then as of: plan, change marker,
    # components, points, positions, all parties recorded then
    with django_assert_num_queries(7):
        response = client.get(reverse("matrix"), {"plan": plan.slug, "as_of": "2025-11-20T12:00"})
    assert response.status_code == 200
    assert len(stance_table(response).points) == size[1]


def test_a_second_look_at_the_same_moment_reuses_the_rendered_tables(
    client, plan, django_assert_num_queries
):
    grow(plan, 3, 4, 10)
    url = plan_url(plan, "2025-11-20T12:00")
    first = client.get(url).content.decode()
    # plan as of then, change marker: the tables come from the cache
    with django_assert_num_queries(2):
        again = client.get(url).content.decode()
    assert again.count("stance-supports") == first.count("stance-supports") > 0
    matrix = {"plan": plan.slug, "as_of": "2025-11-20T12:00"}
    client.get(reverse("matrix"), matrix)
    # plan by slug (the live view), plan as of then, change marker
    with django_assert_num_queries(3):
        assert client.get(reverse("matrix"), matrix).status_code == 200
