"""Editing the evidence: a statement with its codings and translations in one
form (the statement merged when overtaken, a row refused), and a coding on its own
(added from a point or a party)."""

from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ..access import can
from ..editing import RowConflicts, save_coding, save_merging, save_statement
from ..filters import StatementStartForm
from ..form_pages import GET_POST, bound, delete_page, get_point, next_url, respond, save_page
from ..forms import (
    CodingFormSet,
    PositionForm,
    StatementForm,
    SubjectChoices,
    TranslationFormSet,
    choice_name,
)
from ..models import Party, Position, Statement

# Statements and their codings -------------------------------------------------

STATEMENT_FORM = "tracker/statement_form.html"


def statement_forms(request, statement, initial=None, coding_initial=None, data=None):
    """The statement's form and its two formsets (codings, translations), bound on POST."""
    data = bound(request) if data is None else data
    choices = SubjectChoices()
    form = StatementForm(data, instance=statement, initial=initial)
    codings = CodingFormSet(
        data,
        instance=statement,
        prefix="codings",
        form_kwargs={"choices": choices},
        initial=coding_initial,
        queryset=statement.positions.order_by("pk") if statement.pk else Position.objects.none(),
    )
    translations = TranslationFormSet(data, instance=statement, prefix="translations")
    return form, codings, translations


def rows_offered_again(request, statement, conflict):
    """The statement's forms again after ``RowConflicts``: each row both sides changed at
    its current version with its merge, the rest as submitted."""
    data = request.POST.copy()
    for row, merged in conflict.merges.items():
        row.offer_in(data, merged)
    fresh = Statement.objects.get(pk=statement.pk)
    form, codings, translations = statement_forms(request, fresh, data=data)
    merges = {row.prefix: merged for row, merged in conflict.merges.items()}
    for row in (*codings.forms, *translations.forms):
        if row.prefix in merges:
            row.merge = merges[row.prefix].offer_choices(row, choice_name)
    return form, codings, translations


def statement_page(request, statement, context, *, initial=None, coding_initial=None):
    """Show, validate and save a statement with its codings and translations in one form.

    "Add a coding" / "Add a translation" post the form back with one more row
    (htmx swaps the form in place; without JavaScript the page comes back).
    The statement and each row are merged with what others saved meanwhile;
    what both sides changed, and rows deleted meanwhile, are offered again (409).
    """
    form, codings, translations = statement_forms(request, statement, initial, coding_initial)
    context = {**context, "form": form, "codings": codings, "translations": translations}
    context["next"] = next_url(request, "")
    if request.method != "POST" or codings.adding_row() or translations.adding_row():
        return respond(request, STATEMENT_FORM, context)
    if codings.gone or translations.gone:
        return respond(request, STATEMENT_FORM, {**context, "rows_gone": True}, status=409)
    if not all([form.is_valid(), codings.is_valid(), translations.is_valid()]):
        return respond(request, STATEMENT_FORM, context, status=422)
    save = partial(save_statement, codings=codings, translations=translations)
    try:
        outcome = save_merging(form, request.user, save)
    except RowConflicts as conflict:
        form, codings, translations = rows_offered_again(request, statement, conflict)
        context.update(form=form, codings=codings, translations=translations, rows_changed=True)
        return respond(request, STATEMENT_FORM, context, status=409)
    if not outcome.saved:
        context.update(form=outcome.form, conflict=outcome.merge)
        return respond(request, STATEMENT_FORM, context, status=409)
    messages.success(request, outcome.message(f"Saved: {outcome.obj}."))
    return redirect(next_url(request, outcome.obj.get_absolute_url()))


@GET_POST
@can("tracker.add_statement")
def statement_create(request):
    """A new statement; ``?party=`` and ``?point=`` (from a matrix cell) fill in the form."""
    start = StatementStartForm(request.GET)
    if not start.is_valid():
        return render(request, "tracker/statement_form.html", {"start": start}, status=400)
    initial, coding_initial = start.initial_values()
    context = {"cancel_url": next_url(request, reverse("statement_list")), "start": start}
    return statement_page(
        request, Statement(), context, initial=initial, coding_initial=coding_initial
    )


def get_statement(uid):
    return get_object_or_404(Statement.objects.select_related("party", "speaker"), uid=uid)


@GET_POST
@can("tracker.change_statement")
def statement_edit(request, uid):
    statement = get_statement(uid)
    context = {"statement": statement, "cancel_url": statement.get_absolute_url(), "editing": True}
    return statement_page(request, statement, context)


@GET_POST
@can("tracker.delete_statement")
def statement_delete(request, uid):
    statement = get_statement(uid)
    back = statement.get_absolute_url()
    return delete_page(request, statement, reverse("statement_list"), back)


# Positions: a coding of a statement on its own -------------------------------

POSITION_FORM = "tracker/position_form.html"


def new_position_page(request, form, context):
    """The form for a new position; posted, saved: a redirect, or for htmx the new
    position in place of the form."""
    if request.method != "POST":
        return respond(request, POSITION_FORM, {**context, "form": form})
    context = {**context, "form": form, "next": next_url(request, "")}
    if not form.is_valid():
        return respond(request, POSITION_FORM, context, status=422)
    position = save_coding(form, request.user)
    if request.htmx:
        return respond(request, POSITION_FORM, {**context, "position": position}, partial="added")
    messages.success(request, f"Added: {position}.")
    return redirect(next_url(request, position.subject.get_absolute_url()))


@GET_POST
@can("tracker.add_position")
def position_create_for_point(request, slug, number):
    point = get_point(slug, number)
    form = PositionForm(bound(request), point=point)
    context = {"point": point, "cancel_url": point.get_absolute_url()}
    return new_position_page(request, form, context)


@GET_POST
@can("tracker.add_position")
def position_create_for_party(request, slug):
    party = get_object_or_404(Party, slug=slug)
    form = PositionForm(bound(request), party=party)
    context = {"party": party, "cancel_url": party.get_absolute_url(), "show_subject": True}
    return new_position_page(request, form, context)


@GET_POST
@can("tracker.change_position")
def position_edit(request, uid):
    position = get_object_or_404(Position.objects.with_subject(), uid=uid)
    form = PositionForm(bound(request), instance=position)
    back = position.subject.get_absolute_url()
    context = {"position": position, "cancel_url": next_url(request, back), "editing": True}
    success = lambda p: back  # noqa: E731
    return save_page(request, form, POSITION_FORM, context, success=success, save=save_coding)


@GET_POST
@can("tracker.delete_position")
def position_delete(request, uid):
    position = get_object_or_404(Position.objects.with_subject(), uid=uid)
    back = next_url(request, position.subject.get_absolute_url())
    return delete_page(request, position, back, back)
