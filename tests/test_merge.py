"""Edits overtaken by another save are merged field by field: no one's change is lost.

base = the version the editor opened, theirs = the record as saved since,
mine = the submitted form. A field only one side changed merges without
asking; a field both changed is shown side by side for the editor to settle.
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape

from tracker.models import Event, Party, Point

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def event(source, russia):
    event = Event.objects.create(
        slug="bishkek-remarks",
        title="Putin speaks in Bishkek",
        occurred_on=datetime.date(2025, 11, 27),
        source=source,
    )
    event.parties.set([russia])
    return event


def someone_else_saves(obj, **changes):
    """Another analyst saves ``obj`` through the checked path, as a form would."""
    other, _ = User.objects.get_or_create(username="olga")
    fresh = type(obj).objects.get(pk=obj.pk)
    parties = changes.pop("parties", None)
    for name, value in changes.items():
        setattr(fresh, name, value)
    with transaction.atomic():
        fresh.save_checked(fresh.version, summary="their edit", user=other)
        if parties is not None:
            fresh.parties.set(parties)
    return fresh


def form_data(form):
    """What a browser would post for ``form`` as rendered (unbound: its initial values)."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, bool) or field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
            continue
        data[field.html_name] = "" if value is None else value
    return data


def opened(client, url):
    """Open an edit page: the data its form would post unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.context["form"])


def current(obj):
    return type(obj).objects.get(pk=obj.pk)


# One edit page per kind of record: what they change, what I change, and a
# field we both change (their value, mine).
KINDS = {
    "party": (
        lambda c: reverse("party_edit", args=[c["russia"].slug]),
        {"name": "Russian Federation"},
        {"description": "Permanent member of the Security Council."},
        ("short_name", "RF", "RUS"),
    ),
    "actor": (
        lambda c: reverse("actor_edit", args=[c["putin"].slug]),
        {"role": "Head of state"},
        {"name": "V. V. Putin"},
        ("role", "Head of state", "President of Russia"),
    ),
    "source": (
        lambda c: reverse("source_edit", args=[c["source"].pk]),
        {"publisher": "Reuters Moscow"},
        {"notes": "Checked against the Kremlin transcript."},
        ("title", "Putin: the outline could be a basis", "Putin on the 28 points"),
    ),
    "event": (
        lambda c: reverse("event_edit", args=[c["event"].slug]),
        {"parties": "both"},
        {"location": "Bishkek"},
        ("description", "A press conference.", "Remarks after the CSTO summit."),
    ),
    "plan": (
        lambda c: reverse("plan_edit", args=[c["plan"].slug]),
        {"status": "negotiating"},
        {"description": "The leaked draft."},
        ("title", "U.S. 28-point plan", "The American draft"),
    ),
    "component": (
        lambda c: reverse("component_edit", args=[c["plan"].slug, c["component"].number]),
        {"title": "Peace and security"},
        {"description": "Points 1 to 9."},
        ("title", "Peace and security", "Security framework"),
    ),
    "point": (
        lambda c: reverse("point_edit", args=[c["plan"].slug, c["point"].number]),
        {"text": "Crimea, Luhansk and Donetsk recognised de facto."},
        {"title": "Territory and borders"},
        ("text", "Crimea recognised de facto.", "Crimea and Donbas recognised as Russian."),
    ),
    "position": (
        lambda c: reverse("position_edit", args=[c["position"].uid]),
        {"summary": "Wants Ukraine to leave Donbas first."},
        {"conditions": "Once Ukraine has withdrawn."},
        ("summary", "Wants a withdrawal first.", "Accepts the outline as a basis."),
    ),
}


@pytest.fixture
def cast(russia, ukraine, putin, source, plan, component, point, position, event):
    return {
        "russia": russia,
        "ukraine": ukraine,
        "putin": putin,
        "source": source,
        "plan": plan,
        "component": component,
        "point": point,
        "position": position,
        "event": event,
    }


def record_of(kind, cast):
    return current(cast[{"party": "russia", "actor": "putin"}.get(kind, kind)])


def their_values(changes, cast):
    if changes.get("parties") == "both":
        return {"parties": [cast["russia"], cast["ukraine"]]}
    return changes


def value_of(obj, name):
    if name == "parties":
        return set(obj.parties.values_list("slug", flat=True))
    return getattr(obj, name)


@pytest.mark.parametrize("kind", KINDS)
def test_changes_to_different_fields_both_survive(analyst_client, cast, kind):
    url, theirs, mine, _ = KINDS[kind]
    obj = record_of(kind, cast)
    data = opened(analyst_client, url(cast))
    theirs = their_values(theirs, cast)
    someone_else_saves(obj, **theirs)
    response = analyst_client.post(url(cast), {**data, **mine}, follow=True)
    assert response.status_code == 200
    assert "Merged with what was saved meanwhile" in response.content.decode()
    saved = current(obj)
    for name, value in theirs.items():
        expected = {p.slug for p in value} if name == "parties" else value
        assert value_of(saved, name) == expected, f"their {name} was lost"
    for name, value in mine.items():
        assert value_of(saved, name) == value, f"my {name} was lost"
    assert saved.version == obj.version + 2
    assert saved.history.first().history_user.username == "anna"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("choice", ["theirs", "mine"])
def test_a_field_both_changed_is_shown_side_by_side_and_the_editor_chooses(
    analyst_client, cast, kind, choice
):
    url, _, mine, (name, their_value, my_value) = KINDS[kind]
    obj = record_of(kind, cast)
    data = opened(analyst_client, url(cast))
    someone_else_saves(obj, **{name: their_value})
    response = analyst_client.post(url(cast), {**data, **mine, name: my_value})
    assert response.status_code == 409
    body = response.content.decode()
    assert escape(their_value) in body and escape(my_value) in body
    assert f'name="keep_{name}"' in body
    assert "<del>" in body and "<ins>" in body
    unchanged = current(obj)
    assert (getattr(unchanged, name), unchanged.version) == (their_value, obj.version + 1)
    assert all(value_of(unchanged, n) != v for n, v in mine.items())

    offered = form_data(response.context["form"])
    assert offered["version"] == obj.version + 1
    response = analyst_client.post(url(cast), {**offered, f"keep_{name}": choice})
    assert response.status_code == 302
    saved = current(obj)
    assert getattr(saved, name) == (their_value if choice == "theirs" else my_value)
    for other, value in mine.items():
        if other != name:
            assert value_of(saved, other) == value


def test_an_offered_form_saved_without_a_choice_is_refused_with_the_choice_still_there(
    analyst_client, point
):
    url = reverse("point_edit", args=[point.plan.slug, point.number])
    data = opened(analyst_client, url)
    someone_else_saves(point, title="Theirs")
    response = analyst_client.post(url, {**data, "title": "Mine"})
    offered = form_data(response.context["form"])
    response = analyst_client.post(url, offered)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Choose which title to keep." in body and 'name="keep_title"' in body
    assert current(point).title == "Theirs"


def test_a_save_landing_between_the_conflict_and_the_choice_starts_a_new_merge(
    analyst_client, point
):
    url = reverse("point_edit", args=[point.plan.slug, point.number])
    data = opened(analyst_client, url)
    someone_else_saves(point, title="Olga's title")
    first = analyst_client.post(url, {**data, "title": "Anna's title"})
    offered = form_data(first.context["form"])
    someone_else_saves(point, title="Olga's second title", notes="Bracketed")
    second = analyst_client.post(url, {**offered, "keep_title": "mine"})
    assert second.status_code == 409
    body = second.content.decode()
    # Theirs is now the newest save; the merge starts from the version shown.
    assert "Olga&#x27;s second title" in body
    assert "Bracketed" in body and "only they changed" in body
    again = form_data(second.context["form"])
    assert again["version"] == point.version + 2
    assert analyst_client.post(url, {**again, "keep_title": "mine"}).status_code == 302
    saved = current(point)
    assert (saved.title, saved.notes) == ("Anna's title", "Bracketed")


def test_a_change_to_another_field_landing_before_the_choice_is_merged_too(analyst_client, point):
    url = reverse("point_edit", args=[point.plan.slug, point.number])
    data = opened(analyst_client, url)
    someone_else_saves(point, title="Olga's title")
    first = analyst_client.post(url, {**data, "title": "Anna's title"})
    offered = form_data(first.context["form"])
    someone_else_saves(point, notes="Bracketed")
    response = analyst_client.post(url, {**offered, "keep_title": "theirs"})
    assert response.status_code == 302
    saved = current(point)
    assert (saved.title, saved.notes) == ("Olga's title", "Bracketed")


def test_without_the_opened_version_in_the_history_every_difference_is_a_conflict(
    analyst_client, point
):
    url = reverse("point_edit", args=[point.plan.slug, point.number])
    data = opened(analyst_client, url)
    someone_else_saves(point, text="Their text.")
    Point.history.filter(id=point.pk, version=point.version).delete()
    response = analyst_client.post(url, {**data, "title": "My title"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "is not in the change history" in body
    assert 'name="keep_title"' in body and 'name="keep_text"' in body
    assert current(point).title == "Territory"


def test_line_endings_sent_by_a_browser_are_not_a_change(analyst_client, point):
    point = someone_else_saves(point, text="Crimea recognised.\nDonbas recognised.")
    url = reverse("point_edit", args=[point.plan.slug, point.number])
    data = opened(analyst_client, url)
    someone_else_saves(point, text="Crimea recognised.\nDonbas disputed.")
    data.update(text="Crimea recognised.\r\nDonbas recognised.", title="Borders")
    assert analyst_client.post(url, data).status_code == 302
    saved = current(point)
    assert (saved.title, saved.text) == ("Borders", "Crimea recognised.\nDonbas disputed.")


def test_the_same_change_made_by_both_is_no_conflict(analyst_client, point):
    url = reverse("point_edit", args=[point.plan.slug, point.number])
    data = opened(analyst_client, url)
    someone_else_saves(point, status="disputed")
    response = analyst_client.post(url, {**data, "status": "disputed"})
    assert response.status_code == 302
    assert current(point).status == "disputed"


def test_an_event_s_parties_merge_as_a_set_and_conflict_by_name(
    analyst_client, event, russia, ukraine
):
    usa = Party.objects.create(slug="usa", name="United States", short_name="US")
    url = reverse("event_edit", args=[event.slug])
    data = opened(analyst_client, url)
    someone_else_saves(event, parties=[russia, ukraine])
    response = analyst_client.post(url, {**data, "parties": [russia.pk, usa.pk]})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Russia, Ukraine" in body and "Russia, United States" in body
    offered = form_data(response.context["form"])
    response = analyst_client.post(url, {**offered, "keep_parties": "mine"})
    assert response.status_code == 302
    assert set(current(event).parties.values_list("slug", flat=True)) == {"russia", "usa"}


# Points edited in place (htmx) -----------------------------------------------------------


def field_url(point, field):
    return reverse("point_field_edit", args=[point.plan.slug, point.number, field])


def test_in_place_both_changing_the_title_shows_both_and_keeps_the_choice(analyst_client, point):
    loaded = point.version
    someone_else_saves(point, title="Territory: Donbas only")
    response = analyst_client.post(
        field_url(point, "title"), {"title": "Territory, as I see it", "version": loaded}, **HTMX
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "<html" not in body
    assert "Territory: Donbas only" in body and "Territory, as I see it" in body
    assert 'name="keep_title"' in body and 'hx-post="' in body
    offered = form_data(response.context["form"])
    response = analyst_client.post(
        field_url(point, "title"), {**offered, "keep_title": "theirs"}, **HTMX
    )
    assert response.status_code == 200
    assert "Territory: Donbas only" in response.content.decode()
    saved = current(point)
    assert (saved.title, saved.version) == ("Territory: Donbas only", loaded + 2)


def test_in_place_a_change_to_another_field_is_merged(analyst_client, point):
    loaded = point.version
    someone_else_saves(point, text="Their text.")
    response = analyst_client.post(
        field_url(point, "status"), {"status": "agreed", "version": loaded}, **HTMX
    )
    assert response.status_code == 200
    saved = current(point)
    assert (saved.status, saved.text) == ("agreed", "Their text.")


# The admin ----------------------------------------------------------------------------------


def admin_url(obj):
    return reverse(f"admin:tracker_{obj._meta.model_name}_change", args=[obj.pk])


def admin_opened(client, obj):
    """What the admin's change page would post back: its form and its inlines' management."""
    response = client.get(admin_url(obj))
    assert response.status_code == 200
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update(
            {management.add_prefix(name): value for name, value in management.initial.items()}
        )
    return data


def test_the_admin_merges_changes_to_different_fields(admin_client_, event, russia, ukraine):
    data = admin_opened(admin_client_, event)
    someone_else_saves(event, parties=[russia, ukraine], title="Putin in Bishkek")
    response = admin_client_.post(admin_url(event), {**data, "location": "Bishkek"}, follow=True)
    assert response.status_code == 200
    assert "Merged with what was saved meanwhile" in response.content.decode()
    saved = current(event)
    assert (saved.title, saved.location) == ("Putin in Bishkek", "Bishkek")
    assert set(saved.parties.values_list("slug", flat=True)) == {"russia", "ukraine"}
    assert saved.version == event.version + 2


def test_the_admin_marks_a_field_both_changed_and_moves_the_form_on(admin_client_, point):
    data = admin_opened(admin_client_, point)
    someone_else_saves(point, title="Their title", notes="Their notes")
    response = admin_client_.post(admin_url(point), {**data, "title": "My title"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this record after you opened it" in body
    assert "Changed by both: theirs is “Their title”" in body
    form = response.context["adminform"].form
    assert form["loaded_version"].value() == str(point.version + 1)
    assert form["notes"].value() == "Their notes" and form["title"].value() == "My title"
    assert current(point).title == "Their title"
    response = admin_client_.post(admin_url(point), form_data_bound(form))
    assert response.status_code == 302
    saved = current(point)
    assert (saved.title, saved.notes) == ("My title", "Their notes")


def form_data_bound(form):
    return {key: form.data.getlist(key) for key in form.data}


# Restoring a version -------------------------------------------------------------------------


def restore_url(point_pk):
    return reverse("restore_version", args=["point", point_pk])


def test_a_restore_over_a_newer_save_is_refused_and_shows_the_merge(analyst_client, analyst, point):
    first = point.history.get()
    point = someone_else_saves(point, title="Vandalised")
    page = analyst_client.get(reverse("object_history", args=["point", point.pk]))
    assert f'name="current" value="{point.version}"' in page.content.decode()
    someone_else_saves(point, text="Their later text.")
    before = Point.history.count()
    data = {"version": first.history_id, "current": point.version}
    response = analyst_client.post(restore_url(point.pk), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Nothing was restored yet" in body
    assert "Their change is kept" in body and "<dt>Text</dt>" in body
    assert Point.history.count() == before
    assert current(point).title == "Vandalised"
    offered = form_data(response.context["restore_form"])
    assert offered["keep"] == "text" and offered["current"] == point.version + 1
    response = analyst_client.post(restore_url(point.pk), offered)
    assert response.status_code == 302
    saved = current(point)
    assert (saved.title, saved.text) == ("Territory", "Their later text.")
    assert saved.history.first().history_user == analyst


@pytest.mark.parametrize("choice", ["theirs", "mine"])
def test_a_restore_of_a_field_changed_meanwhile_asks_which_to_keep(analyst_client, point, choice):
    first = point.history.get()
    point = someone_else_saves(point, title="Vandalised")
    someone_else_saves(point, title="Repaired differently")
    data = {"version": first.history_id, "current": point.version}
    response = analyst_client.post(restore_url(point.pk), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Repaired differently" in body and 'name="keep_title"' in body
    offered = form_data(response.context["restore_form"])
    refused = analyst_client.post(restore_url(point.pk), offered)
    assert refused.status_code == 422 and 'name="keep_title"' in refused.content.decode()
    response = analyst_client.post(restore_url(point.pk), {**offered, "keep_title": choice})
    assert response.status_code == 302
    assert current(point).title == ("Repaired differently" if choice == "theirs" else "Territory")


def test_a_restore_of_an_object_deleted_meanwhile_is_refused(analyst_client, point):
    first = point.history.get()
    point = someone_else_saves(point, title="Changed")
    pk, version = point.pk, point.version
    point.delete()
    response = analyst_client.post(
        restore_url(pk), {"version": first.history_id, "current": version}
    )
    assert response.status_code == 409
    assert "deleted this object after you opened this page" in response.content.decode()
    assert not Point.objects.filter(pk=pk).exists()


def test_a_restore_of_a_deleted_object_brought_back_meanwhile_shows_every_difference(
    analyst_client, analyst, point
):
    first = point.history.get()
    point = someone_else_saves(point, title="Changed")
    pk = point.pk
    point.delete()
    deletion = Point.history.filter(id=pk).first()
    restored = {"version": deletion.history_id, "current": 0}
    assert analyst_client.post(restore_url(pk), restored).status_code == 302
    response = analyst_client.post(restore_url(pk), {"version": first.history_id, "current": 0})
    assert response.status_code == 409
    assert 'name="keep_title"' in response.content.decode()
    assert Point.objects.get(pk=pk).title == "Changed"
