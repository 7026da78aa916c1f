"""The import preview reads as an analyst would: changes first, records by name."""

import re

import pytest

from tests.test_import import fixture_file, import_dir, objects, run_import, upload, with_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("controlled_topics")]

__all__ = ["fixture_file", "import_dir"]  # fixtures shared with test_import


@pytest.fixture
def loaded(fixture_file):
    run_import(fixture_file(objects()))


def test_the_one_change_comes_first_and_the_unchanged_are_folded(analyst_client, loaded):
    items = with_fields(4, text="Article 5-like guarantees, for ten years.")
    body = upload(analyst_client, items, "desk.json").content.decode()
    changed = body.index('class="import-updated"')
    folded = body.index('<details class="import-unchanged-list">')
    assert changed < folded
    assert "<summary>7 unchanged objects</summary>" in body
    assert body.count('class="import-unchanged"') == 7
    assert body.index('class="import-unchanged"') > folded


def test_records_are_named_not_labelled_by_model(analyst_client, loaded):
    items = with_fields(4, text="Article 5-like guarantees, for ten years.")
    body = upload(analyst_client, items, "desk.json").content.decode()
    assert "Point 1 of E3: Guarantees" in body
    assert "Component 1 of E3: Security" in body
    assert "Party “E3”" in body
    assert "tracker.point" not in body and "tracker.party" not in body
    assert '<th scope="row">Points</th>' in body  # the counts speak of records too


def test_each_diff_row_has_a_cell_under_each_header(analyst_client, loaded):
    items = with_fields(4, text="Longer text.", title="Guarantees for Ukraine", topics=[["nato"]])
    body = upload(analyst_client, items, "desk.json").content.decode()
    table = re.search(r'<table class="import-diff">.*?</table>', body, re.S).group(0)
    headers = len(re.findall(r"<th scope=\"col\"", table))
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S)
    assert len(rows) == 3
    for row in rows:
        assert 1 + len(re.findall(r"<td", row)) == headers
        assert "colspan" not in row


def test_a_file_that_changes_nothing_says_so(analyst_client, loaded):
    body = upload(analyst_client, objects(), "desk.json").content.decode()
    assert "Nothing would change" in body
    assert "<summary>8 unchanged objects</summary>" in body
