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
