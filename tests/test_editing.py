"""Editing from the browser: every edit path, its bad input and its conflicts."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import STATED_ON
from tests.evidence import coded, said
from tracker.models import (
    Component,
    Party,
    Plan,
    Point,
    Position,
    Source,
    Statement,
    Translation,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def field_url(point, field):
    return reverse("point_field_edit", args=[point.plan.slug, point.number, field])


def someone_else_saves(obj, **changes):
    """Another analyst saves ``obj`` through the same checked path."""
    other = User.objects.get_or_create(username="olga")[0]
    fresh = type(obj).objects.get(pk=obj.pk)
    for name, value in changes.items():
        setattr(fresh, name, value)
    fresh.save_checked(fresh.version, summary="their edit", user=other)
    return fresh


def position_data(statement=None, **extra):
    """A coding on its own, of ``statement``."""
    data = {
        "statement": statement.pk if statement else "",
        "stance": "opposes",
        "conditions": "",
        "summary": "Rejects the limit on the armed forces.",
        "certainty": "high",
        "edit_summary": "per the Kyiv briefing",
    }
    data.update(extra)
    return data


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def coding_row(n, subject, stance="supports", **extra):
    row = {
        "subject": subject,
        "provision_choice": "",
        "stance": stance,
        "conditions": "",
        "summary": f"Reading {n}.",
        "certainty": "high",
    }
    row.update(extra)
    return {f"codings-{n}-{key}": value for key, value in row.items()}


def statement_data(party, source, *codings, translations=(), **extra):
    """A new statement's POST: its fields, its coding rows and its translation rows."""
    data = {
        "party": party.pk,
        "speaker": "",
        "attribution": f"A senior {party.short_name} official",
        "capacity": "",
        "said_on": STATED_ON.isoformat(),
        "precision": "day",
        "said_until": "",
        "reported_on": "",
        "event": "",
        "venue": "",
        "language": "ru",
        "text": "Это может стать основой",
        "summary": "Could be a basis.",
        "sources": [source.pk],
        "certainty": "high",
        "edit_summary": "per the Bishkek remarks",
        **management("codings", len(codings)),
        **management("translations", len(translations)),
    }
    for row in (*codings, *translations):
        data.update(row)
    data.update(extra)
    return data


def translation_row(n, language="en", text="This could be a basis", rendered_by="Reuters"):
    row = {"language": language, "text": text, "rendered_by": rendered_by, "source": ""}
    return {f"translations-{n}-{key}": value for key, value in row.items()}


# Points edited in place ------------------------------------------------------------


def test_it_saves_a_point_title_in_place_and_re_renders_the_field(analyst_client, point):
    response = analyst_client.post(
        field_url(point, "title"),
        {"title": "Territory and borders", "version": point.version, "edit_summary": "per Geneva"},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="point-title"' in body and "Territory and borders" in body
    assert "Saved" in body and "flash" in body
    point.refresh_from_db()
    assert point.title == "Territory and borders"
    assert point.version == 2
    record = point.history.latest()
    assert record.history_change_reason == "per Geneva"
    assert record.history_user.username == "anna"


def test_it_serves_the_edit_fragment_to_htmx_and_a_page_without_javascript(analyst_client, point):
    fragment = analyst_client.get(field_url(point, "status"), **HTMX)
    page = analyst_client.get(field_url(point, "status"))
    assert fragment.status_code == page.status_code == 200
    assert b"<html" not in fragment.content and b'name="version"' in fragment.content
    assert b"<html" in page.content and b'name="version"' in page.content
    assert "HX-Request" in fragment["Vary"]


def test_it_saves_a_field_without_javascript_and_redirects_with_a_message(analyst_client, point):
    response = analyst_client.post(
        field_url(point, "status"), {"status": "disputed", "version": point.version}, follow=True
    )
    assert response.redirect_chain[-1][0] == point.get_absolute_url()
    assert "Saved the status" in response.content.decode()
    point.refresh_from_db()
    assert point.status == "disputed"


def test_cancelling_an_edit_in_place_shows_the_field_again(client, point):
    url = reverse("point_field_show", args=[point.plan.slug, point.number, "title"])
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    assert b"Territory" in response.content


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("title", "", "This field is required."),
        ("title", "x" * 201, "at most 200 characters"),
        ("text", "", "This field is required."),
        ("text", "x" * 10_001, "at most 10000 characters"),
        ("status", "signed", "Select a valid choice."),
        ("status", "weather", "Select a valid choice."),
        ("component", "999999", "Select a valid choice."),
    ],
)
def test_it_refuses_an_invalid_field_with_422_and_changes_nothing(
    analyst_client, point, field, value, error
):
    before = Point.objects.values().get(pk=point.pk)
    response = analyst_client.post(
        field_url(point, field), {field: value, "version": point.version}, **HTMX
    )
    assert response.status_code == 422
    assert error in response.content.decode()
    assert Point.objects.values().get(pk=point.pk) == before


def test_it_refuses_a_component_of_another_plan(analyst_client, point):
    other = Plan.objects.create(slug="e3", title="E3", short_title="E3")
    foreign = Component.objects.create(plan=other, number=1, title="Elsewhere")
    response = analyst_client.post(
        field_url(point, "component"), {"component": foreign.pk, "version": point.version}
    )
    assert response.status_code == 422
    point.refresh_from_db()
    assert point.component != foreign


def test_it_refuses_a_field_that_is_not_edited_in_place(analyst_client, point):
    assert analyst_client.get(field_url(point, "plan")).status_code == 404


def test_it_refuses_a_form_without_its_version(analyst_client, point):
    response = analyst_client.post(field_url(point, "title"), {"title": "New"})
    assert response.status_code == 422
    assert Point.objects.get(pk=point.pk).title == "Territory"


def test_a_conflicting_edit_is_refused_with_what_the_other_person_changed(analyst_client, point):
    loaded = point.version
    someone_else_saves(point, title="Territory: Donbas only")
    response = analyst_client.post(
        field_url(point, "title"), {"title": "Territory, as I see it", "version": loaded}, **HTMX
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this" in body
    assert "olga" in body and "their edit" in body
    assert "<ins>" in body and "Donbas only" in body
    # The analyst's own value is kept, with the current version, to re-apply.
    assert 'value="Territory, as I see it"' in body
    assert f'name="version" value="{loaded + 1}"' in body
    assert Point.objects.get(pk=point.pk).title == "Territory: Donbas only"


def test_an_edit_overtaken_by_a_change_to_another_field_is_merged(analyst_client, point):
    loaded = point.version
    someone_else_saves(point, status="disputed")
    url = field_url(point, "title")
    response = analyst_client.post(url, {"title": "Mine", "version": loaded})
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.title, point.status, point.version) == ("Mine", "disputed", loaded + 2)


def test_conflict_details_escape_user_text(analyst_client, point):
    loaded = point.version
    someone_else_saves(point, title="<script>alert(1)</script>")
    response = analyst_client.post(field_url(point, "title"), {"title": "x", "version": loaded})
    assert response.status_code == 409
    assert "<script>alert(1)</script>" not in response.content.decode()


# Whole points ------------------------------------------------------------------------


def point_data(point, **changes):
    data = {
        "number": point.number,
        "title": point.title,
        "text": point.text,
        "topics": [topic.pk for topic in point.topics.all()],
        "status": point.status,
        "component": point.component_id or "",
        "certainty": point.certainty,
        "notes": point.notes,
        "version": point.version,
    }
    data.update(changes)
    return data


def test_it_edits_a_whole_point_without_javascript(analyst_client, point):
    url = reverse("point_edit", args=[point.plan.slug, point.number])
    response = analyst_client.post(url, point_data(point, number=22, notes="Bracketed"))
    point.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == point.get_absolute_url()
    assert (point.number, point.notes) == (22, "Bracketed")


def test_it_refuses_a_point_number_already_used_in_the_plan(analyst_client, plan, point):
    Point.objects.create(plan=plan, number=7, title="Other", text="t")
    url = reverse("point_edit", args=[plan.slug, point.number])
    response = analyst_client.post(url, point_data(point, number=7))
    assert response.status_code == 422
    assert "already used in this plan" in response.content.decode()
    assert Point.objects.get(pk=point.pk).number == 21


def test_it_creates_a_point_and_refuses_a_duplicate_number(analyst_client, plan, point):
    url = reverse("point_create", args=[plan.slug])
    data = {"number": 22, "title": "Amnesty", "text": "All sides.", "status": "open"}
    data.update(status="open", certainty="high", edit_summary="new in the draft")
    assert analyst_client.post(url, data).status_code == 302
    created = Point.objects.get(plan=plan, number=22)
    assert created.history.latest().history_change_reason == "new in the draft"
    assert analyst_client.post(url, data).status_code == 422
    assert plan.points.count() == 2


def test_deleting_a_point_needs_a_post_and_is_recorded(analyst_client, point):
    url = reverse("point_delete", args=[point.plan.slug, point.number])
    assert analyst_client.get(url).status_code == 200
    assert Point.objects.filter(pk=point.pk).exists()
    response = analyst_client.post(url, {"version": point.version, "edit_summary": "dropped"})
    assert response.status_code == 302
    assert not Point.objects.filter(pk=point.pk).exists()
    record = Point.history.filter(id=point.pk).latest()
    assert (record.history_type, record.history_change_reason) == ("-", "dropped")


def test_deleting_a_record_changed_meanwhile_is_refused(analyst_client, point):
    loaded = point.version
    someone_else_saves(point, title="Changed")
    url = reverse("point_delete", args=[point.plan.slug, point.number])
    response = analyst_client.post(url, {"version": loaded})
    assert response.status_code == 409
    assert Point.objects.filter(pk=point.pk).exists()


# Positions ---------------------------------------------------------------------------


def test_it_codes_an_existing_statement_from_the_point_page(analyst_client, point, ukraine):
    statement = said(ukraine)
    url = reverse("position_create_for_point", args=[point.plan.slug, point.number])
    response = analyst_client.post(url, position_data(statement))
    assert response.status_code == 302
    position = Position.objects.get(party=ukraine)
    assert (position.point, position.statement) == (point, statement)
    assert position.coded_by.username == "anna"
    record = position.history.latest()
    assert record.history_change_reason == "per the Kyiv briefing"
    assert record.history_user.username == "anna"


def test_the_point_page_form_offers_statements_and_a_new_one(analyst_client, point, ukraine):
    statement = said(ukraine, statement_summary="Zelensky on the limit")
    url = reverse("position_create_for_point", args=[point.plan.slug, point.number])
    body = analyst_client.get(url, **HTMX).content.decode()
    assert "Zelensky on the limit" in body
    assert f"{reverse('statement_create')}?point={point.pk}" in body
    response = analyst_client.post(url, position_data(statement), **HTMX)
    assert response.status_code == 200 and "Position added." in response.content.decode()


def test_it_codes_a_statement_of_the_party_from_the_party_page(
    analyst_client, point, ukraine, russia
):
    statement = said(ukraine)
    other = said(russia)
    url = reverse("position_create_for_party", args=[ukraine.slug])
    response = analyst_client.post(url, position_data(statement, subject=f"point:{point.pk}"))
    assert response.status_code == 302
    assert Position.objects.get(party=ukraine).point == point
    # Only the party's own statements are offered.
    refused = analyst_client.post(url, position_data(other, subject=f"point:{point.pk}"))
    assert refused.status_code == 422
    assert not Position.objects.filter(party=russia).exists()


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"statement": ""}, "This field is required."),
        ({"stance": "enthusiastic"}, "Select a valid choice."),
        ({"stance": ""}, "This field is required."),
        ({"summary": ""}, "This field is required."),
        ({"summary": "x" * 10_001}, "at most 10000 characters"),
        ({"stance": "conditional"}, "Write out the conditions"),
        ({"statement": "999999"}, "Select a valid choice."),
        ({"provision_choice": "999999"}, "Select a valid choice."),
    ],
)
def test_it_refuses_an_invalid_position_with_422_and_saves_nothing(
    analyst_client, point, ukraine, changes, error
):
    statement = said(ukraine)
    url = reverse("position_create_for_point", args=[point.plan.slug, point.number])
    data = position_data(statement)
    data.update(changes)
    for headers in ({}, HTMX):
        response = analyst_client.post(url, data, **headers)
        assert response.status_code == 422
        assert error in response.content.decode()
    assert not Position.objects.exists()


def test_it_edits_a_position_and_refuses_a_stale_copy(analyst_client, position, point):
    url = reverse("position_edit", args=[position.uid])
    data = position_data(
        version=position.version,
        stance="conditional",
        conditions="A ceasefire first",
        subject=f"point:{point.pk}",
    )
    data.pop("statement")
    assert analyst_client.post(url, data).status_code == 302
    position.refresh_from_db()
    assert (position.stance, position.conditions) == ("conditional", "A ceasefire first")
    stale = {**data, "version": position.version - 1, "summary": "Mine"}
    response = analyst_client.post(url, stale)
    assert response.status_code == 409
    assert Position.objects.get(pk=position.pk).summary == "Rejects the limit on the armed forces."


def test_it_deletes_a_position_and_returns_to_the_page_it_came_from(analyst_client, position):
    url = reverse("position_delete", args=[position.uid])
    back = position.point.get_absolute_url()
    response = analyst_client.post(f"{url}?next={back}", {"version": position.version})
    assert response.status_code == 302 and response["Location"] == back
    assert not Position.objects.exists()


def test_it_ignores_a_next_url_on_another_site(analyst_client, position):
    url = reverse("position_delete", args=[position.uid])
    response = analyst_client.post(
        url, {"version": position.version, "next": "https://evil.example/"}
    )
    assert response["Location"] == position.point.get_absolute_url()


# Statements with their codings ---------------------------------------------------------


def test_it_creates_a_statement_with_two_codings_and_a_translation_in_one_post(
    analyst_client, plan, point, russia, source
):
    data = statement_data(
        russia,
        source,
        coding_row(0, f"point:{point.pk}", "basis"),
        coding_row(1, f"plan:{plan.pk}", "reserves"),
        translations=[translation_row(0)],
    )
    response = analyst_client.post(reverse("statement_create"), data)
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert response["Location"] == statement.get_absolute_url()
    assert (statement.language, list(statement.sources.all())) == ("ru", [source])
    codings = list(statement.positions.order_by("pk"))
    assert [(c.stance, c.subject) for c in codings] == [("basis", point), ("reserves", plan)]
    assert {c.party for c in codings} == {russia}
    assert {c.coded_by.username for c in codings} == {"anna"}
    assert statement.translations.get().text == "This could be a basis"
    for record in (*statement.history.all(), *(c.history.get() for c in codings)):
        assert record.history_user.username == "anna"
        assert record.history_change_reason == "per the Bishkek remarks"


def test_a_conditional_coding_without_conditions_is_refused_with_its_error(
    analyst_client, point, russia, source
):
    data = statement_data(russia, source, coding_row(0, f"point:{point.pk}", "conditional"))
    response = analyst_client.post(reverse("statement_create"), data, **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Write out the conditions the statement sets." in body
    assert body.lstrip().startswith('<form id="statement-form"')  # the form only, for htmx
    assert not Statement.objects.exists() and not Position.objects.exists()
    assert analyst_client.post(reverse("statement_create"), data).status_code == 422


def test_a_statement_is_refused_whole_when_a_field_is_wrong(analyst_client, point, russia, source):
    data = statement_data(
        russia, source, coding_row(0, f"point:{point.pk}"), said_on=TOMORROW, attribution=""
    )
    response = analyst_client.post(reverse("statement_create"), data)
    assert response.status_code == 422
    assert "future" in response.content.decode()
    assert not Statement.objects.exists() and not Position.objects.exists()


def test_adding_a_coding_row_posts_the_form_back_with_one_more_row(
    analyst_client, point, russia, source
):
    data = statement_data(russia, source, coding_row(0, f"point:{point.pk}"), add_codings="1")
    page = analyst_client.post(reverse("statement_create"), data)
    assert page.status_code == 200 and len(page.context["codings"].forms) == 2
    assert "<html" in page.content.decode()  # without JavaScript: the page again
    fragment = analyst_client.post(reverse("statement_create"), data, **HTMX)
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    assert 'name="codings-1-stance"' in body and 'value="Reading 0."' not in body
    assert "Reading 0." in body  # what was typed is kept
    assert not Statement.objects.exists()


def test_a_new_statement_from_a_matrix_cell_starts_with_its_party_and_point(
    analyst_client, point, russia
):
    url = f"{reverse('statement_create')}?party=russia&point={point.pk}"
    response = analyst_client.get(url)
    assert response.context["form"].initial["party"] == russia
    assert response.context["codings"].forms[0].initial["subject"] == f"point:{point.pk}"
    assert analyst_client.get(f"{reverse('statement_create')}?party=../x").status_code == 400


def test_it_edits_a_statement_its_coding_and_deletes_another(
    analyst_client, plan, point, position, source
):
    statement = position.statement
    other = coded(statement=statement, stance="unclear", plan=plan)
    data = statement_data(
        statement.party,
        source,
        coding_row(0, f"point:{point.pk}", "red_line", id=position.pk, version=position.version),
        coding_row(
            1, f"plan:{plan.pk}", "unclear", id=other.pk, version=other.version, DELETE="on"
        ),
        speaker=statement.speaker_id,
        attribution="",
        version=statement.version,
        **management("codings", 2, initial=2),
    )
    response = analyst_client.post(reverse("statement_edit", args=[statement.uid]), data)
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.stance == "red_line"
    assert not Position.objects.filter(pk=other.pk).exists()
    assert Statement.objects.get().text == "Это может стать основой"
    # The same edit again from a page opened before it: nothing differs, so it merges.
    stale = {**data, "version": statement.version, "codings-0-version": position.version - 1}
    stale.pop("codings-1-DELETE")
    stale.update(management("codings", 1, initial=1))
    response = analyst_client.post(reverse("statement_edit", args=[statement.uid]), stale)
    assert response.status_code == 302
    assert Position.objects.get(pk=position.pk).stance == "red_line"


# A statement's rows changed or deleted by someone else while its form was open --------


def edit_data(position, *translations, **coding):
    """The statement form of ``position``'s statement as opened now, its coding changed by
    ``coding`` and with ``translations`` (existing ones as they are, at their versions)."""
    statement = position.statement
    row = {
        "subject": f"point:{position.point_id}",
        "stance": position.stance,
        "summary": position.summary,
        "id": position.pk,
        "version": position.version,
        **coding,
    }
    data = statement_data(
        statement.party,
        statement.sources.get(),
        coding_row(0, **row),
        translations=[
            {
                **translation_row(n, t.language, t.text, t.rendered_by),
                f"translations-{n}-id": t.pk,
                f"translations-{n}-version": t.version,
            }
            for n, t in enumerate(translations)
        ],
        speaker=statement.speaker_id,
        attribution="",
        version=statement.version,
        **management("codings", 1, initial=1),
        **management("translations", len(translations), initial=len(translations)),
    )
    return data


def post_edit(client, position, data, **headers):
    return client.post(reverse("statement_edit", args=[position.statement.uid]), data, **headers)


def test_a_coding_changed_meanwhile_in_another_field_is_merged_without_asking(
    analyst_client, position
):
    data = edit_data(position, stance="red_line")
    someone_else_saves(position, summary="Insists on the withdrawal.")
    response = post_edit(analyst_client, position, data)
    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.stance, position.summary) == ("red_line", "Insists on the withdrawal.")
    record = position.history.first()
    assert (record.history_user.username, record.history_change_reason) == (
        "anna",
        "per the Bishkek remarks",
    )


def test_a_coding_moved_to_another_subject_meanwhile_keeps_its_new_subject(
    analyst_client, position, plan
):
    data = edit_data(position, stance="red_line")
    someone_else_saves(position, point=None, plan=plan)
    assert post_edit(analyst_client, position, data).status_code == 302
    position.refresh_from_db()
    assert (position.stance, position.subject) == ("red_line", plan)


def test_a_coding_both_changed_is_shown_in_its_row_with_both_values_and_nothing_saved(
    analyst_client, position
):
    data = edit_data(position, stance="red_line", summary="Mine: a red line.")
    someone_else_saves(position, stance="rejects", conditions="")
    before = Statement.objects.get().version
    response = post_edit(analyst_client, position, data, **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved a coding or translation" in body
    row = response.context["codings"].forms[0]
    assert [f.name for f in row.merge.conflicts] == ["stance"]
    (stance,) = row.merge.conflicts
    assert (stance.theirs_text, stance.mine_text) == ("Rejects the whole document", "Red line")
    assert 'name="codings-0-keep_stance"' in body
    assert "Mine: a red line." in body  # what only I changed is still in the form
    position.refresh_from_db()
    assert (position.stance, position.summary) == ("rejects", "Wants Ukraine to withdraw.")
    assert Statement.objects.get().version == before  # the statement waits for its rows
    # Saved again with a choice: mine where both changed, the rest merged.
    again = response.context["codings"].data.copy()
    again["codings-0-keep_stance"] = "mine"
    assert post_edit(analyst_client, position, again).status_code == 302
    position.refresh_from_db()
    assert (position.stance, position.summary) == ("red_line", "Mine: a red line.")


def test_keeping_their_value_of_a_coding_field_both_changed(analyst_client, position):
    data = edit_data(position, stance="red_line")
    someone_else_saves(position, stance="rejects")
    response = post_edit(analyst_client, position, data)
    assert response.status_code == 409
    again = response.context["codings"].data.copy()
    again["codings-0-keep_stance"] = "theirs"
    assert post_edit(analyst_client, position, again).status_code == 302
    assert Position.objects.get(pk=position.pk).stance == "rejects"
    unchosen = post_edit(analyst_client, position, response.context["codings"].data)
    assert unchosen.status_code == 422
    assert "Choose which stance to keep." in unchosen.content.decode()


def test_a_translation_both_changed_is_a_conflict_and_one_field_each_merges(
    analyst_client, position
):
    translation = Translation.objects.create(
        statement=position.statement, language="en", text="We agree.", rendered_by="Reuters"
    )
    data = edit_data(position, translation)
    data["translations-0-text"] = "We could agree."
    someone_else_saves(translation, rendered_by="AP")
    assert post_edit(analyst_client, position, data).status_code == 302
    translation.refresh_from_db()
    assert (translation.text, translation.rendered_by) == ("We could agree.", "AP")
    data = edit_data(position, translation)
    data["translations-0-text"] = "Mine."
    someone_else_saves(translation, text="Theirs.")
    response = post_edit(analyst_client, position, data)
    assert response.status_code == 409
    row = response.context["translations"].forms[0]
    (text,) = row.merge.conflicts
    assert (text.theirs_text, text.mine_text) == ("Theirs.", "Mine.")
    assert Translation.objects.get().text == "Theirs."


def test_a_coding_deleted_meanwhile_is_said_and_offered_again_as_a_new_row(
    analyst_client, position
):
    data = edit_data(position, stance="red_line", summary="Mine.")
    Position.objects.get(pk=position.pk).delete()
    response = post_edit(analyst_client, position, data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else deleted this coding after you opened the page." in body
    assert "Leave it deleted" in body
    codings = response.context["codings"]
    (row,) = codings.forms
    assert row.gone and row.instance.pk is None and "Mine." in body
    assert not Position.objects.exists()
    # Saved as offered: the coding is added again with what was in the form.
    assert post_edit(analyst_client, position, codings.data).status_code == 302
    added = Position.objects.get()
    assert (added.stance, added.summary, added.subject) == ("red_line", "Mine.", position.point)


def test_a_coding_deleted_meanwhile_can_be_left_deleted(analyst_client, position):
    data = edit_data(position, stance="red_line")
    Position.objects.get(pk=position.pk).delete()
    response = post_edit(analyst_client, position, data)
    again = response.context["codings"].data.copy()
    again["codings-0-DELETE"] = "on"
    assert post_edit(analyst_client, position, again).status_code == 302
    assert not Position.objects.exists()
    # Deleted by both: nothing to ask.
    other = coded(statement=Statement.objects.get(), stance="rejects", point=position.point)
    both = edit_data(other, DELETE="on")
    other.delete()
    assert post_edit(analyst_client, other, both).status_code == 302


def test_deleting_a_coding_changed_meanwhile_shows_their_change_first(analyst_client, position):
    data = edit_data(position, DELETE="on")
    someone_else_saves(position, summary="Their new reading.")
    response = post_edit(analyst_client, position, data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "You asked to delete it" in body and "Their new reading." in body
    assert Position.objects.filter(pk=position.pk).exists()
    assert post_edit(analyst_client, position, response.context["codings"].data).status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()


def test_the_statement_form_is_for_editors_only(client, viewer, position):
    url = reverse("statement_edit", args=[position.statement.uid])
    assert client.get(url).status_code == 302
    client.force_login(viewer)
    assert client.get(url).status_code == 403


# Parties, actors, sources, events, plans, components ----------------------------------


def test_it_creates_and_edits_a_party(analyst_client):
    coalition = Party.objects.create(slug="coalition", name="Coalition", short_name="CoW")
    data = {"name": "European Union", "short_name": "EU", "slug": "eu", "kind": "bloc"}
    data.update(colour="#003399", order=50, description="", role="bloc", member_of=[coalition.pk])
    assert analyst_client.post(reverse("party_create"), data).status_code == 302
    party = Party.objects.get(slug="eu")
    assert (party.role, list(party.member_of.all())) == ("bloc", [coalition])
    data.update(name="The European Union", version=party.version)
    assert analyst_client.post(reverse("party_edit", args=["eu"]), data).status_code == 302
    party.refresh_from_db()
    assert party.name == "The European Union"


@pytest.mark.parametrize(
    "changes", [{"colour": "red"}, {"slug": "russia"}, {"name": ""}, {"kind": "empire"}]
)
def test_it_refuses_an_invalid_party(analyst_client, russia, changes):
    data = {"name": "X", "short_name": "X", "slug": "x", "kind": "state", "colour": "#000000"}
    data.update(order=1, role="other", **changes)
    assert analyst_client.post(reverse("party_create"), data).status_code == 422
    assert Party.objects.count() == 1


def test_it_records_a_source_with_its_grade_and_what_it_cites(analyst_client, source):
    data = {"title": "FT report", "slug": "ft", "kind": "news", "language": "en"}
    data.update(primacy="secondary", reliability="fair", reliability_note="Named sources")
    data["cites"] = [source.pk]
    assert analyst_client.post(reverse("source_create"), data).status_code == 302
    ft = Source.objects.get(slug="ft")
    assert (ft.reliability, list(ft.cites.all())) == ("fair", [source])


def test_a_party_still_referred_to_cannot_be_deleted(analyst_client, russia, position):
    response = analyst_client.post(reverse("party_delete", args=["russia"]), {"version": 1})
    assert response.status_code == 409
    assert "cannot be deleted" in response.content.decode()
    assert Party.objects.filter(slug="russia").exists()


def test_it_adds_an_actor_to_a_party(analyst_client, russia):
    data = {"name": "Sergei Lavrov", "slug": "lavrov", "party": russia.pk, "role": "FM"}
    response = analyst_client.post(reverse("actor_create", args=["russia"]), data)
    assert response.status_code == 302 and response["Location"] == russia.get_absolute_url()
    assert russia.actors.get().name == "Sergei Lavrov"


def test_it_refuses_a_source_published_in_the_future(analyst_client):
    data = {"title": "Tomorrow's paper", "slug": "tomorrow", "kind": "news", "language": "en"}
    data.update(primacy="secondary", reliability="unknown", published_on=TOMORROW)
    response = analyst_client.post(reverse("source_create"), data)
    assert response.status_code == 422
    assert "in the future" in response.content.decode()
    assert not Source.objects.exists()


def test_it_records_an_event_with_its_parties(analyst_client, russia, ukraine, source):
    data = {"title": "Abu Dhabi talks", "slug": "abu-dhabi", "kind": "talks"}
    data.update(occurred_on="2025-11-25", source=source.pk, certainty="medium", precision="day")
    data["parties"] = [russia.pk, ukraine.pk]
    response = analyst_client.post(reverse("event_create"), data)
    assert response.status_code == 302
    assert set(russia.events.get().parties.all()) == {russia, ukraine}


def test_it_edits_a_plan_and_refuses_a_future_presentation_date(analyst_client, plan):
    url = reverse("plan_edit", args=[plan.slug])
    data = {"title": plan.title, "short_title": "US 28", "slug": plan.slug, "status": "leaked"}
    data.update(certainty="high", version=plan.version, presented_on=TOMORROW)
    assert analyst_client.post(url, data).status_code == 422
    data["presented_on"] = "2025-11-20"
    assert analyst_client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.presented_on) == ("leaked", datetime.date(2025, 11, 20))


def test_it_adds_a_component_and_refuses_a_duplicate_number(analyst_client, plan, component):
    url = reverse("component_create", args=[plan.slug])
    data = {"number": 2, "title": "Security guarantees", "certainty": "low"}
    assert analyst_client.post(url, data).status_code == 302
    assert analyst_client.post(url, data).status_code == 422
    assert plan.components.count() == 2


def test_a_new_plan_version_copies_components_and_points_with_lineage(analyst_client, plan, point):
    Point.objects.create(plan=plan, number=1, title="Sovereignty", text="Confirmed.")
    url = reverse("plan_new_version", args=[plan.slug])
    data = {"title": "Geneva framework", "short_title": "Geneva", "slug": "geneva"}
    response = analyst_client.post(url, {**data, "edit_summary": "after Geneva"})
    new = Plan.objects.get(slug="geneva")
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert new.derived_from == plan
    copied = new.points.get(number=21)
    assert copied.earlier_links.get().earlier == point
    assert copied.component.plan == new and copied.component.title == point.component.title
    assert new.points.count() == 2
    assert copied.history.latest().history_change_reason == "after Geneva"
    assert analyst_client.post(url, data).status_code == 422
    assert Plan.objects.count() == 2


# CSRF, GET and the admin ---------------------------------------------------------------


def test_a_write_without_a_csrf_token_is_refused(analyst, point):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(field_url(point, "title"), {"title": "x", "version": point.version})
    assert response.status_code == 403
    assert Point.objects.get(pk=point.pk).title == "Territory"


def test_a_write_with_the_csrf_token_goes_through(analyst, point):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    client.get(field_url(point, "title"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        field_url(point, "title"),
        {"title": "With token", "version": point.version},
        HTTP_X_CSRFTOKEN=token,
        **HTMX,
    )
    assert response.status_code == 200


def test_the_admin_refuses_a_save_from_a_stale_page(admin_client_, russia):
    url = reverse("admin:tracker_party_change", args=[russia.pk])
    page = admin_client_.get(url)
    assert b'name="loaded_version"' in page.content
    someone_else_saves(russia, name="Russian Federation")
    data = {"name": "Russia (edited)", "short_name": "RU", "slug": "russia", "kind": "state"}
    data["role"] = "belligerent"
    data.update(colour="#b91c1c", order=100, description="", loaded_version=1)
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert Party.objects.get(pk=russia.pk).name == "Russian Federation"
    data["loaded_version"] = 2
    assert admin_client_.post(url, data).status_code == 302
    assert Party.objects.get(pk=russia.pk).name == "Russia (edited)"


def test_an_admin_save_overtaken_after_its_check_changes_nothing(
    admin_client_, russia, monkeypatch
):
    """Another process saves between the form's check and the admin's write."""
    from tracker.admin import TrackedAdminForm

    checked = TrackedAdminForm.clean

    def clean_then_someone_saves(form):
        cleaned = checked(form)
        someone_else_saves(Party.objects.get(pk=russia.pk), name="Russian Federation")
        return cleaned

    monkeypatch.setattr(TrackedAdminForm, "clean", clean_then_someone_saves)
    url = reverse("admin:tracker_party_change", args=[russia.pk])
    data = {"name": "Russia (edited)", "short_name": "RU", "slug": "russia", "kind": "state"}
    data["role"] = "belligerent"
    data.update(colour="#b91c1c", order=100, description="", loaded_version=1)
    response = admin_client_.post(url, data, follow=True)
    assert "Someone else saved this record while you were saving it" in (response.content.decode())
    # The other save ran on this test's connection, inside the admin's
    # transaction, so the rollback takes it too: what matters is that the
    # admin's own change was refused rather than written over it.
    russia.refresh_from_db()
    assert russia.name != "Russia (edited)"
    assert not russia.history.filter(name="Russia (edited)").exists()
