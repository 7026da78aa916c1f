"""Recent changes at /changes/ and its Atom feed."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse

from tracker.models import Change

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 11, 20, 9, 0, tzinfo=datetime.UTC)


def make_changes(count, *, user=None, party=None, model="point", first_id=100_000):
    """Index rows only, in bulk: enough for the feed, which reads nothing else."""
    Change.objects.bulk_create(
        Change(
            changed_at=START + datetime.timedelta(minutes=n),
            user=user,
            model=model,
            object_id=1000 + n,
            object_repr=f"{model} {n}",
            history_id=first_id + n,
            action="~",
            summary=f"edit {n}",
            party=party,
        )
        for n in range(count)
    )


def test_it_lists_changes_newest_first_each_linking_to_its_diff(
    analyst_client, analyst, point, position
):
    point.title = "Territory, contested"
    point.save_checked(point.version, summary="per Geneva", user=analyst)
    response = analyst_client.get(reverse("recent_changes"))
    assert response.status_code == 200
    changes = response.context["changes"]
    assert changes[0].summary == "per Geneva"
    assert changes[0].user == analyst
    record = point.history.first()
    diff = reverse("object_history", args=["point", point.pk]) + f"?b={record.history_id}"
    assert diff in response.content.decode()
    assert analyst_client.get(diff).status_code == 200


def test_it_filters_by_user_model_party_and_dates(analyst_client, analyst, viewer, russia, ukraine):
    make_changes(3, user=analyst, party=russia, model="position")
    make_changes(2, user=viewer, party=ukraine, model="event", first_id=200_000)

    def get(**query):
        """The changes the page lists (read from its diff links: the page is kept)."""
        body = analyst_client.get(reverse("recent_changes"), query).content.decode()
        found = re.findall(r'href="/history/(\w+)/(\d+)/\?b=(\d+)"', body)
        return [Change.objects.get(model=model, history_id=b) for model, _, b in found]

    assert len(get(user="anna")) == 3
    assert len(get(model="event")) == 2
    assert {c.model for c in get(party="ukraine")} == {"event", "party"}  # and its creation
    assert len(get(party="russia", user="vera")) == 0
    assert len(get(since="2025-11-20", until="2025-11-20")) == 5
    assert len(get(since="2025-11-21", until="2025-11-30")) == 0


@pytest.mark.parametrize(
    "query",
    [
        {"since": "yesterday"},
        {"until": "2025-13-45"},
        {"since": "2025-11-25", "until": "2025-11-01"},
    ],
)
def test_bad_dates_are_a_clear_400(analyst_client, query):
    response = analyst_client.get(reverse("recent_changes"), query)
    assert response.status_code == 400
    assert "cannot be used" in response.content.decode()


@pytest.mark.parametrize("query", [{"model": "user"}, {"before": "x"}, {"after": "-3"}])
def test_other_bad_parameters_are_400_too(analyst_client, query):
    assert analyst_client.get(reverse("recent_changes"), query).status_code == 400


def test_it_pages_with_older_and_newer_links(analyst_client):
    make_changes(120)
    first = analyst_client.get(reverse("recent_changes"))
    rows = first.context["changes"]
    assert [c.summary for c in rows[:2]] == ["edit 119", "edit 118"]
    assert first.context["has_older"] and not first.context["has_newer"]
    older = analyst_client.get(reverse("recent_changes"), {"before": rows[-1].pk})
    older_rows = older.context["changes"]
    assert older_rows[0].summary == "edit 69"
    last = analyst_client.get(reverse("recent_changes"), {"before": older_rows[-1].pk})
    assert [c.summary for c in last.context["changes"]][-1] == "edit 0"
    assert not last.context["has_older"]
    newer = analyst_client.get(reverse("recent_changes"), {"after": older_rows[0].pk})
    assert [c.summary for c in newer.context["changes"]] == [c.summary for c in rows]


def test_changes_at_the_same_moment_are_neither_skipped_nor_repeated(analyst_client):
    Change.objects.bulk_create(
        Change(
            changed_at=START,
            model="point",
            object_id=n,
            object_repr=f"p{n}",
            history_id=n,
            action="~",
        )
        for n in range(1, 76)
    )
    seen, query = [], {}
    while True:
        response = analyst_client.get(reverse("recent_changes"), query)
        seen += [c.pk for c in response.context["changes"]]
        if not response.context["has_older"]:
            break
        query = {"before": seen[-1]}
    assert sorted(seen) == sorted(Change.objects.values_list("pk", flat=True))
    assert len(seen) == 75


@pytest.mark.parametrize("count", [60, 5000])
def test_a_page_of_changes_costs_the_same_at_any_size(
    analyst_client, analyst, russia, count, django_assert_num_queries
):
    make_changes(count, user=analyst, party=russia)
    middle = Change.objects.get(summary=f"edit {count // 2}")
    # session, user, user's own and group permissions (view_change), one page
    # of changes with their users and parties (keyset, no COUNT), the page's
    # point versions and the versions before them (fields changed), change marker (ETag)
    with django_assert_num_queries(7):
        response = analyst_client.get(
            reverse("recent_changes"), {"party": "russia", "before": middle.pk}
        )
    assert len(response.context["changes"]) == min(50, count // 2)


def test_viewers_may_read_changes_and_anonymous_readers_sign_in(viewer_client):
    assert viewer_client.get(reverse("recent_changes")).status_code == 200
    response = Client().get(reverse("recent_changes"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_atom_feed_lists_changes_with_links_to_their_diffs(analyst_client, analyst, point):
    point.title = "Territory <contested>"
    point.save_checked(point.version, summary="per Geneva & Bishkek", user=analyst)
    response = analyst_client.get(reverse("changes_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<feed" in body and 'xmlns="http://www.w3.org/2005/Atom"' in body
    assert "per Geneva &amp; Bishkek" in body
    assert "Territory &lt;contested&gt;" in body
    record = point.history.first()
    assert f"/history/point/{point.pk}/?b={record.history_id}" in body


def test_the_feed_takes_the_same_filters(analyst_client, analyst, viewer, russia):
    make_changes(3, user=analyst, party=russia)
    make_changes(2, user=viewer, first_id=200_000)
    body = analyst_client.get(reverse("changes_feed"), {"user": "vera"}).content.decode()
    assert body.count("<entry>") == 2
    response = analyst_client.get(reverse("changes_feed"), {"since": "soon"})
    assert response.status_code == 400
    assert b"since" in response.content


@pytest.mark.parametrize("count", [60, 5000])
def test_the_feed_costs_the_same_at_any_size(
    analyst_client, analyst, count, django_assert_num_queries
):
    make_changes(count, user=analyst)
    # session, user, user's own and group permissions, change marker (ETag), the
    # newest 50 changes with their users and parties
    with django_assert_num_queries(6):
        response = analyst_client.get(reverse("changes_feed"))
    assert response.content.decode().count("<entry>") == 50


def test_the_feed_gives_an_edit_summary_as_text_never_as_html(analyst_client, analyst, point):
    summary = "<script>alert('x')</script> <b>per</b> Geneva & Bishkek"
    point.title = "Territory, contested"
    point.save_checked(point.version, summary=summary, user=analyst)
    body = analyst_client.get(reverse("changes_feed")).content.decode()
    assert "<script" not in body and "<b>" not in body
    atom = "{http://www.w3.org/2005/Atom}"
    newest = next(ElementTree.fromstring(body).iter(f"{atom}entry"))
    shown = newest.find(f"{atom}summary")
    assert shown.get("type") == "text"
    assert shown.text == summary
