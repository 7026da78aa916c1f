"""The change log exported as CSV and JSON, filtered like /changes/."""

import csv
import io

import pytest
from django.urls import reverse

from tests.evidence import coded

pytestmark = pytest.mark.django_db


def test_it_exports_the_change_log_as_csv_filtered_by_model(viewer_client, point, russia):
    coded(russia, "supports", point=point)
    response = viewer_client.get(reverse("changes_export_csv"), {"model": "position"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows and {row["model"] for row in rows} == {"position"}
    assert rows[0]["party"] == "russia"


def test_it_exports_json_filtered_by_party(viewer_client, point, russia, ukraine):
    coded(russia, "supports", point=point)
    coded(ukraine, "opposes", point=point)
    response = viewer_client.get(reverse("changes_export_json"), {"party": "ukraine"})
    changes = response.json()["changes"]
    assert changes and {change["party"] for change in changes} == {"ukraine"}
    assert {"id", "changed_at", "action", "model", "object_id", "summary"} <= set(changes[0])


def test_it_answers_a_bad_filter_with_400(viewer_client):
    assert (
        viewer_client.get(reverse("changes_export_csv"), {"since": "yesterday"}).status_code == 400
    )
    assert viewer_client.get(reverse("changes_export_json"), {"model": "nope"}).status_code == 400


def test_it_sends_anonymous_readers_to_sign_in(client):
    for name in ("changes_export_csv", "changes_export_json"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_refuses_a_user_who_may_not_read_the_change_log(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="nobody-pw-1"))
    assert client.get(reverse("changes_export_json")).status_code == 403


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("csv", "text/csv"), ("json", "application/json")]
)
def test_it_takes_the_format_from_the_query(viewer_client, point, russia, fmt, content_type):
    coded(russia, "supports", point=point)
    response = viewer_client.get(reverse("changes_export"), {"format": fmt, "model": "position"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert f'filename="changes.{fmt}"' in response["Content-Disposition"]


def test_the_format_in_the_query_wins_over_the_address(viewer_client, point, russia):
    coded(russia, "supports", point=point)
    response = viewer_client.get(reverse("changes_export_csv"), {"format": "json"})
    assert response.json()["changes"]


@pytest.mark.parametrize("fmt", ["xml", "CSV", "<b>json</b>", "x" * 5000])
def test_a_bad_format_is_a_400_that_says_so(viewer_client, fmt):
    response = viewer_client.get(reverse("changes_export"), {"format": fmt})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("Bad filter: format: ")


def test_a_bad_filter_names_what_is_wrong(viewer_client):
    response = viewer_client.get(
        reverse("changes_export"), {"since": "2025-12-02", "until": "2025-12-01"}
    )
    assert response.status_code == 400
    assert "“From” is after “until”." in response.content.decode()


def test_the_changes_page_offers_its_filtered_changes_as_csv_and_json(viewer_client, russia):
    body = viewer_client.get(reverse("recent_changes"), {"party": "russia"}).content.decode()
    export = reverse("changes_export")
    assert f'href="{export}?party=russia&amp;format=csv"' in body
    assert f'href="{export}?party=russia&amp;format=json"' in body
