"""Query-parameter forms: every page reads its ``?…`` through one of these.

The fields below refuse what no page can use before any of it reaches a query:
text with a NUL character or an unpaired surrogate (tracker/validators.py), values
longer than any real one, whole numbers beyond what the database stores, and dates
or moments whose conversion to the database's time zone would overflow. A page
answers a form error with a 400 page, or for a lenient parameter (a page number,
a number of days) falls back to the default; never a 500.
"""

import datetime
import re

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.core.validators import slug_re
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from . import validators
from .analysis.brief import DEFAULT_DAYS
from .analysis.provenance import PROVENANCE_LISTS
from .analysis.search import SEARCH_KINDS
from .analysis.timeline import DEFAULT_ZOOM, KIND_ORDER, ZOOMS, Place
from .history import TRACKED, BadMoment
from .models import Change, Party, Plan, Point, Stance, Topic

MAX_TEXT = 200
# Longer than any slug, date, name or search: refused before it is parsed or echoed.
MAX_RAW = 1_000
MAX_PAGE = 99_999
# Record ids (BigAutoField): beyond this no row can match, and SQLite cannot even compare.
MAX_ID = validators.integer_range(Change._meta.pk)[1]


def clean_raw(value):
    """What every parameter obeys before it is parsed: valid text of a sane length."""
    values = value if isinstance(value, list | tuple) else [value]
    for item in values:
        if isinstance(item, str):
            validators.valid_text(item)
            if len(item) > MAX_RAW:
                raise ValidationError(
                    f"This value is too long ({len(item):,} characters).", code="too_long"
                )


class RawChecked:
    """Mixin: the raw value is checked before the field parses it or looks it up."""

    def clean(self, value):
        clean_raw(value)
        return super().clean(value)


class Text(RawChecked, forms.CharField):
    def __init__(self, *, max_length=MAX_TEXT, **kwargs):
        super().__init__(max_length=max_length, **kwargs)


class Slug(RawChecked, forms.SlugField):
    def __init__(self, *, max_length=80, **kwargs):
        super().__init__(max_length=max_length, **kwargs)


class Choice(RawChecked, forms.ChoiceField):
    pass


class Number(RawChecked, forms.IntegerField):
    """A whole number from 1, bounded so that the database can compare with it."""

    def __init__(self, *, min_value=1, max_value=MAX_ID, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)


class Flag(RawChecked, forms.BooleanField):
    pass


def is_slug(value):
    return isinstance(value, str) and len(value) <= 80 and slug_re.fullmatch(value) is not None


class BySlug(RawChecked, forms.ModelChoiceField):
    """A record named by its slug; what cannot be a slug is not looked up."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", **kwargs)

    def to_python(self, value):
        if value not in self.empty_values and not is_slug(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BySlugs(forms.ModelMultipleChoiceField):
    """Records named by their slugs; what cannot be a slug is not looked up."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", **kwargs)

    def clean(self, value):
        clean_raw(value)
        for item in value if isinstance(value, list | tuple) else ():
            if not is_slug(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)[:80]},
                )
        return super().clean(value)


def at_start_of(day):
    """The aware moment ``day`` starts in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def in_database_range(moment):
    """``moment`` converted as the database will (to UTC), or ValidationError."""
    try:
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError) as error:
        raise ValidationError("This date is out of range.", code="out_of_range") from error


class Day(RawChecked, forms.DateField):
    """A day whose start and end are moments the database can hold ("until" reads to its end)."""

    widget = forms.DateInput(attrs={"type": "date"})

    def clean(self, value):
        day = super().clean(value)
        if day is not None:
            try:
                following = day + datetime.timedelta(days=1)
            except OverflowError as error:
                raise ValidationError("This date is out of range.", code="out_of_range") from error
            in_database_range(at_start_of(day))
            in_database_range(at_start_of(following))
        return day


class Moment(RawChecked, forms.Field):
    """``2025-11-25`` (the end of that day) or ``2025-11-25T14:00`` (that minute), not later
    than tomorrow and convertible to the database's time zone."""

    default_error_messages = {
        "required": "Give a date or time: use 2025-11-25 or 2025-11-25T14:00.",
    }

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        shown = value if len(value) <= 40 else value[:40] + "…"
        try:
            moment = parse_datetime(value) if "T" in value or " " in value else None
            day = None if moment else parse_date(value)
        except ValueError:
            moment = day = None
        if moment is None and day is None:
            raise ValidationError(
                f"“{shown}” is not a date or time: use 2025-11-25 or 2025-11-25T14:00.",
                code="invalid",
            )
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time.max)
        try:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment.astimezone(datetime.UTC)  # as the database will store it
        except (OverflowError, ValueError) as error:
            raise ValidationError(f"{shown} is out of range.", code="out_of_range") from error
        if moment > timezone.now() + datetime.timedelta(days=1):
            raise ValidationError(f"{shown} is in the future.", code="future")
        return moment


def in_order(data, first, last, message):
    """``data``, unless its ``first`` date is after its ``last``: then ``message`` as the error."""
    if data.get(first) and data.get(last) and data[first] > data[last]:
        raise forms.ValidationError(message)
    return data


class QueryForm(forms.Form):
    """A form over a query string; ``first_error`` is what a 400 page says."""

    def first_error(self):
        for errors in self.errors.values():
            return errors[0]
        return ""

    def value(self, name):
        """The cleaned value, or the field's initial value when it did not clean."""
        self.is_valid()
        value = self.cleaned_data.get(name) if name not in self.errors else None
        return self.fields[name].initial if value in (None, "") else value


# Pages and as-of views


class PageForm(QueryForm):
    """``?page=`` of a paginated list: one that does not parse shows the first page."""

    page = Number(required=False, max_value=MAX_PAGE, initial=1)


class AsOfForm(QueryForm):
    as_of = Moment()

    def moment(self):
        """The moment asked for, or BadMoment saying what is wrong with it."""
        if not self.is_valid():
            raise BadMoment(self.first_error())
        return self.cleaned_data["as_of"]


class PlanQueryForm(QueryForm):
    plan = Slug(required=False)


def requested_plan(query, default):
    """The plan ``?plan=`` names, ``default()`` when none is named; 404 when there is none."""
    form = PlanQueryForm(query)
    if not form.is_valid():
        raise Http404("No such plan.")
    slug = form.cleaned_data["plan"]
    plan = Plan.objects.filter(slug=slug).first() if slug else default()
    if plan is None:
        raise Http404("No such plan." if slug else "No plan recorded yet.")
    return plan


class MatrixFilterForm(QueryForm):
    plan = Choice(required=False)
    topic = BySlug(Topic.objects.all(), required=False, empty_label="All topics")
    component = Number(required=False, widget=forms.Select)
    status = Choice(required=False)
    on = Day(required=False, label="As the negotiation stood on")

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = Plan.objects.values_list("slug", "short_title")
        self.fields["status"].choices = [("", "All statuses"), *Point.Status.choices]
        components = list(plan.components.values_list("number", "title")) if plan else []
        self.fields["component"].widget.choices = [
            ("", "All components"),
            *((number, f"{number}. {title}") for number, title in components),
        ]


# History


class VersionsForm(QueryForm):
    """The two versions a history page compares (``?a=…&b=…``, history ids)."""

    a = Number(required=False)
    b = Number(required=False)


class ChangeFilterForm(QueryForm):
    user = Text(required=False, max_length=150)
    model = Choice(required=False, choices=[("", "any")] + [(name, name) for name in TRACKED])
    party = Slug(required=False)
    since = Day(required=False)
    until = Day(required=False)
    before = Number(required=False, widget=forms.HiddenInput)
    after = Number(required=False, widget=forms.HiddenInput)

    def clean(self):
        return in_order(super().clean(), "since", "until", "“From” is after “until”.")

    def filters(self):
        keys = ("user", "model", "party", "since", "until")
        return {key: self.cleaned_data[key] for key in keys}


EXPORT_FORMATS = [("csv", "CSV"), ("json", "JSON")]


class ChangeExportForm(ChangeFilterForm):
    """The audit export: the change log's filters and ``?format=csv|json``."""

    format = Choice(required=False, choices=EXPORT_FORMATS)

    def __init__(self, data, *, default_format="csv"):
        super().__init__(data)
        self.default_format = default_format

    def chosen_format(self):
        return self.cleaned_data["format"] or self.default_format


# Analysis


class CompareForm(QueryForm):
    a = Choice(label="Plan")
    b = Choice(label="compared with")
    c = Choice(label="and", required=False)
    party = BySlug(Party.objects.all(), required=False, label="Stances of", empty_label="no party")
    changed = Flag(label="Changed rows only", required=False)
    conflicts = Flag(label="Conflicts only", required=False)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = {plan.slug: plan for plan in plans}
        choices = [(plan.slug, plan.short_title) for plan in plans]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
        self.fields["c"].choices = [("", "—")] + choices

    def clean(self):
        data = super().clean()
        slugs = [data.get(key) for key in "abc" if data.get(key)]
        if len(slugs) != len(set(slugs)):
            raise forms.ValidationError("Choose different plans to compare.")
        data["selected"] = [self.plans[slug] for slug in slugs]
        return data


class DateRangeForm(QueryForm):
    """Filters shared by the timeline and search."""

    party = BySlug(Party.objects.all(), required=False, empty_label="All parties")
    topic = BySlug(Topic.objects.all(), required=False, empty_label="All topics")
    start = Day(label="From", required=False)
    end = Day(label="To", required=False)

    def clean(self):
        return in_order(super().clean(), "start", "end", "The start date is after the end date.")


class TimelinePlace(RawChecked, forms.Field):
    """Where a timeline page starts: a day (``2025-11-23``), or a day and one of its
    entries (``2025-11-23.statement.412``), as the page's own links write it."""

    default_error_messages = {
        "invalid": "Give a day (2025-11-23), or follow the timeline's own links.",
    }
    kinds = "|".join(KIND_ORDER)
    pattern = re.compile(
        rf"(?P<day>\d{{4}}-\d{{2}}-\d{{2}})(?:\.(?P<kind>{kinds})\.(?P<pk>[1-9]\d{{0,17}}))?"
    )

    def __init__(self, *, before, **kwargs):
        self.before = before
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = self.pattern.fullmatch(str(value))
        if not found:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        day = Day().clean(found["day"])
        if not found["kind"]:
            return Place.edge(day, self.before)
        return Place(day, found["kind"], int(found["pk"]))


class TimelineForm(DateRangeForm):
    """The timeline's filters, zoom, and the page: ``?before=PLACE`` the entries after
    that place in the newest-first order, ``?after=PLACE`` those before it (the
    "Earlier" and "Later" links); a place is a day or an entry of a day."""

    zoom = Choice(
        choices=[(key, label) for key, (label, _) in ZOOMS.items()],
        required=False,
        widget=forms.HiddenInput,
    )
    before = TimelinePlace(before=True)
    after = TimelinePlace(before=False)

    def clean(self):
        data = super().clean()
        if data.get("before") and data.get("after"):
            raise forms.ValidationError("Page either before a day or after one, not both.")
        return data

    def window_filters(self):
        """What ``timeline.window`` reads: the filters, the page and the zoom."""
        keys = ("party", "topic", "start", "end", "before", "after")
        return {**{key: self.cleaned_data[key] for key in keys}, "zoom": self.zoom_days()}

    def is_paged(self):
        """Whether this is a page other than the latest."""
        return bool(self.cleaned_data["before"] or self.cleaned_data["after"])

    def zoom_days(self):
        """Days to zoom to, or None for all: explicit dates take precedence."""
        data = self.cleaned_data
        if data.get("start") or data.get("end"):
            return None
        return ZOOMS[data.get("zoom") or DEFAULT_ZOOM][1]


class SearchForm(DateRangeForm):
    q = Text(label="Search", required=False)
    stance = Choice(choices=[("", "Any stance")] + Stance.choices, required=False)
    plan = BySlug(Plan.objects.all(), required=False, empty_label="All plans")
    kind = Choice(choices=[("", "All kinds")], required=False)
    page = Number(max_value=10_000, required=False)

    field_order = ["q", "party", "stance", "topic", "plan", "start", "end", "kind", "page"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "All kinds")] + [
            (kind, spec.label) for kind, spec in SEARCH_KINDS.items()
        ]
        self.fields["kind"].widget = forms.HiddenInput()
        self.fields["page"].widget = forms.HiddenInput()


class ProvenanceForm(QueryForm):
    """``?list=<name>&page=N``: an unknown list shows every list, a bad page the first."""

    list = Choice(required=False, choices=[(name, name) for name in PROVENANCE_LISTS])
    page = Number(required=False, max_value=MAX_PAGE, initial=1)


class NegotiationDayForm(QueryForm):
    """``?on=2025-11-25``: the negotiation as it stood that day (statements said
    and status steps dated by then), apart from ``?as_of=``, the record's time."""

    on = Day(label="As it stood on", required=False)

    def day_error(self):
        """What is wrong with ``?on=`` (the page answers 400), or ""."""
        return " ".join(self.errors.get("on", []))


def negotiation_day(query):
    """The day ``?on=`` names, None when none is named; a 400 for a bad one."""
    form = NegotiationDayForm(query)
    if not form.is_valid():
        raise BadRequest("Bad day: " + form.day_error())
    return form.cleaned_data["on"]


class BriefForm(NegotiationDayForm):
    days = Number(required=False, max_value=3650, initial=DEFAULT_DAYS)

    def keep_days(self):
        """The number of days, carried along when another day is chosen."""
        return [("days", self.value("days"))] if "days" not in self.errors else []

    def days_and_notice(self):
        """The number of days, and a notice when the one asked for was not understood."""
        default = self.fields["days"].initial
        if "days" not in self.errors:
            return self.value("days"), ""
        asked = str(self.data.get("days", ""))[:20]
        return default, (
            f"“{asked}” is not a number of days from 1 to 3650; showing the last {default} days."
        )


# Export


class ExportForm(QueryForm):
    plan = BySlugs(
        Plan.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: everything. A plan brings what it needs.",
    )


class MatrixExportForm(QueryForm):
    plan = BySlug(Plan.objects.all())


class TableRowsForm(forms.Form):
    """Which rows of a stance table to show: ``?rows=START-STOP`` (htmx) or ``?page=N``."""

    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    rows = forms.RegexField(regex=r"^\d{1,6}-\d{1,6}$", required=False)

    def clean_rows(self):
        rows = self.cleaned_data["rows"]
        if not rows:
            return None
        start, stop = (int(part) for part in rows.split("-"))
        if not start < stop <= start + 600:
            raise forms.ValidationError("rows must be START-STOP, at most 600 rows.")
        return start, stop


class StatementStartForm(QueryForm):
    """``?party=<slug>&point=<pk>``: a new statement started from a party or a matrix cell."""

    party = BySlug(Party.objects.all(), required=False)
    point = Number(required=False)

    def initial_values(self):
        """The statement form's initial values, and its first coding row's."""
        party, point = self.cleaned_data["party"], self.cleaned_data["point"]
        initial = {"party": party} if party else None
        coding = [{"subject": f"point:{point}"}] if point else None
        return initial, coding
