"""The list pages' GET forms: what may be sorted and filtered, and the rows that match.

Each list's query string goes through one of these forms, so a bad ``?sort=``,
``?page=`` or date makes the form invalid (the page answers 400 with the error
shown) instead of raising from ``int()`` or a date overflow.
"""

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from .filters import PageForm, in_order
from .models import Actor, Event, Party, Plan, PlanAuthor, Position, Source, Statement

PER_PAGE = 25
STATEMENTS_PER_PAGE = 50  # on the page of a party, source, event or actor


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def count_of(model, field):
    """How many ``model`` rows point at the outer row through ``field``, as a subquery."""
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def latest_of(model, field, date_field):
    """The newest ``date_field`` among the ``model`` rows pointing at the outer row."""
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by(F(date_field).desc())
        .values(date_field)[:1]
    )
    return Subquery(rows)


def ordered(expression, descending):
    """Nulls last either way, on SQLite and PostgreSQL alike."""
    expression = F(expression) if isinstance(expression, str) else expression
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


class ListForm(forms.Form):
    """Sort, text search and page; subclasses add their filters and name their columns.

    ``SORTS`` maps a sort key (as in ``?sort=title``, ``?sort=-title`` for the
    reverse) to its label and the fields it orders by. ``MATCHED`` maps a filter
    to the field a row must equal when it is given; ``DATED`` names the date
    that the ``start`` and ``end`` filters bound.
    """

    SORTS = {}
    DEFAULT_SORT = ""
    SEARCHED = ()
    MATCHED = {}
    DATED = ""

    q = forms.CharField(label="Containing", required=False, max_length=200)
    sort = forms.ChoiceField(label="Sort by", required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        choices = []
        for key, (label, _) in self.SORTS.items():
            choices += [(key, f"{label} ↑"), (f"-{key}", f"{label} ↓")]
        self.fields["sort"].choices = [("", "Default")] + choices
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()

    def clean(self):
        return in_order(super().clean(), "start", "end", "“From” is after “to”.")

    @property
    def sort_key(self):
        return (self.is_valid() and self.cleaned_data["sort"]) or self.DEFAULT_SORT

    def filter_fields(self):
        """The visible filters, in the order they are shown (sort last, page never)."""
        return [field for field in self if field.name not in ("page", "sort")] + [self["sort"]]

    def rows(self):
        """The matching rows in the chosen order (call only on a valid form)."""
        data = self.cleaned_data
        rows = self.base()
        for word in data["q"].split():
            rows = rows.filter(
                models.Q.create([(f"{f}__icontains", word) for f in self.SEARCHED], connector="OR")
            )
        for name, field in self.MATCHED.items():
            if data[name]:
                rows = rows.filter(**{field: data[name]})
        if data.get("start"):
            rows = rows.filter(**{f"{self.DATED}__gte": data["start"]})
        if data.get("end"):
            rows = rows.filter(**{f"{self.DATED}__lte": data["end"]})
        rows = self.filtered(rows, data)
        key = self.sort_key
        _, fields = self.SORTS[key.lstrip("-")]
        return rows.order_by(*(ordered(f, key.startswith("-")) for f in fields), "pk")

    def base(self):
        raise NotImplementedError

    def filtered(self, rows, data):
        return rows

    def query(self, **changes):
        """This page's query string with ``changes`` (None removes a parameter).

        The form is bound to ``request.GET`` (a QueryDict), even when empty.
        """
        params = self.data.copy()
        for key, value in changes.items():
            params.pop(key, None)
            if value is not None:
                params[key] = value
        for key in [k for k, v in params.lists() if v == [""]]:
            del params[key]
        return params.urlencode()

    @property
    def query_without_page(self):
        return self.query(page=None)

    def columns(self):
        """The sortable columns' headers: label, link (sorting by it, or reversing) and state."""
        current = self.sort_key
        headers = {}
        for key, (label, _) in self.SORTS.items():
            state = None
            if current == key:
                state, target = "ascending", f"-{key}"
            elif current == f"-{key}":
                state, target = "descending", key
            else:
                target = key
            headers[key] = {"label": label, "url": "?" + self.query(sort=target, page=None)}
            headers[key]["state"] = state
        return headers


def party_choice(label="Party", empty="Any party"):
    return forms.ModelChoiceField(
        Party.objects.all(), to_field_name="slug", required=False, label=label, empty_label=empty
    )


def kind_choice(kinds, empty="Any kind"):
    return forms.ChoiceField(choices=[("", empty), *kinds.choices], required=False, label="Kind")


class PlanListForm(ListForm):
    SORTS = {
        "date": ("Date", ["presented_on", "title"]),
        "title": ("Plan", ["title"]),
        "status": ("Status", ["status", "presented_on"]),
        "points": ("Points", ["point_count", "presented_on"]),
    }
    DEFAULT_SORT = "-date"
    SEARCHED = ("title", "short_title", "description")
    MATCHED = {"status": "status"}
    DATED = "presented_on"

    status = forms.ChoiceField(choices=[("", "Any status"), *Plan.Status.choices], required=False)
    party = party_choice("Proposed or drafted by")
    start = forms.DateField(label="From", required=False)
    end = forms.DateField(label="To", required=False)

    def base(self):
        authors = PlanAuthor.objects.select_related("party", "actor")
        return Plan.objects.annotate(point_count=Count("points")).prefetch_related(
            Prefetch("authors", queryset=authors)
        )

    def filtered(self, rows, data):
        if data["party"]:
            authored = PlanAuthor.objects.filter(plan=OuterRef("pk"), party=data["party"])
            rows = rows.filter(Exists(authored))
        return rows


KIND_ORDER = models.Case(
    *(models.When(kind=kind, then=n) for n, kind in enumerate(Party.Kind.values)),
    default=len(Party.Kind.values),
)


class PartyListForm(ListForm):
    SORTS = {
        "kind": ("Kind", [KIND_ORDER, "order", "name"]),
        "name": ("Party", ["name"]),
        "actors": ("Actors", ["actor_count", "name"]),
        "statements": ("Statements", ["statement_count", "name"]),
        "latest": ("Latest statement", ["last_stated", "name"]),
    }
    DEFAULT_SORT = "kind"
    SEARCHED = ("name", "short_name", "description")
    MATCHED = {"kind": "kind"}

    kind = kind_choice(Party.Kind)

    def base(self):
        return Party.objects.annotate(
            actor_count=count_of(Actor, "party"),
            statement_count=count_of(Statement, "party"),
            last_stated=latest_of(Statement, "party", "said_on"),
        )

    @property
    def grouped(self):
        """Rows are shown under a heading per kind when sorted by kind."""
        return self.sort_key.lstrip("-") == "kind"


class ActorListForm(ListForm):
    SORTS = {
        "name": ("Name", ["name"]),
        "party": ("Party", ["party__name", "name"]),
        "statements": ("Statements", ["statement_count", "name"]),
        "latest": ("Latest", ["last_stated", "name"]),
    }
    DEFAULT_SORT = "name"
    SEARCHED = ("name", "role")
    MATCHED = {"party": "party"}

    party = party_choice()

    def base(self):
        return Actor.objects.select_related("party").annotate(
            statement_count=count_of(Statement, "speaker"),
            last_stated=latest_of(Statement, "speaker", "said_on"),
        )

    @property
    def new_query(self):
        """A new actor from a list filtered by party starts in that party."""
        party = self.is_valid() and self.cleaned_data["party"]
        return f"party={party.slug}" if party else ""


class SourceListForm(ListForm):
    SORTS = {
        "date": ("Date", ["published_on", "title"]),
        "title": ("Title", ["title"]),
        "publisher": ("Publisher", ["publisher", "title"]),
        "statements": ("Statements citing it", ["statement_count", "title"]),
    }
    DEFAULT_SORT = "-date"
    SEARCHED = ("title", "publisher", "author")
    MATCHED = {"kind": "kind"}
    DATED = "published_on"

    kind = kind_choice(Source.Kind)
    start = forms.DateField(label="From", required=False)
    end = forms.DateField(label="To", required=False)

    def base(self):
        return Source.objects.defer("full_text").annotate(
            statement_count=count_of(Statement.sources.through, "source")
        )


class EventListForm(ListForm):
    SORTS = {
        "date": ("Date", ["occurred_on", "title"]),
        "title": ("Event", ["title"]),
        "kind": ("Kind", ["kind", "occurred_on"]),
    }
    DEFAULT_SORT = "-date"
    SEARCHED = ("title", "location", "description")
    MATCHED = {"kind": "kind", "party": "parties"}
    DATED = "occurred_on"

    kind = kind_choice(Event.Kind)
    party = party_choice()
    start = forms.DateField(label="From", required=False)
    end = forms.DateField(label="To", required=False)

    def base(self):
        return Event.objects.select_related("source").prefetch_related("parties")


def language_choice():
    return forms.CharField(
        label="Said in (ru, uk, en …)",
        required=False,
        max_length=16,
        validators=[Statement._meta.get_field("language").validators[0]],
    )


class StatementListForm(ListForm):
    """Statements, each with its original text and translations side by side."""

    SORTS = {
        "date": ("Date said", ["said_on", "party__name"]),
        "party": ("Party", ["party__name", "said_on"]),
        "speaker": ("Speaker", ["speaker__name", "attribution", "said_on"]),
    }
    DEFAULT_SORT = "-date"
    SEARCHED = ("text", "summary", "attribution", "speaker__name", "venue")
    MATCHED = {"party": "party", "speaker": "speaker", "language": "language"}
    DATED = "said_on"

    party = party_choice()
    plan = forms.ModelChoiceField(
        Plan.objects.all(),
        to_field_name="slug",
        required=False,
        label="About the plan",
        empty_label="Any subject",
    )
    speaker = forms.ModelChoiceField(
        Actor.objects.all(),
        to_field_name="slug",
        required=False,
        label="Speaker",
        empty_label="Anyone",
    )
    start = forms.DateField(label="From", required=False)
    end = forms.DateField(label="To", required=False)
    language = language_choice()

    def base(self):
        return Statement.objects.with_codings()

    def filtered(self, rows, data):
        if data["plan"]:
            on_plan = Position.objects.filter(statement=OuterRef("pk")).on_plan(data["plan"])
            rows = rows.filter(Exists(on_plan))
        return rows


def statements_page(request, statements):
    """One page (``?page=``) of ``statements``, newest first, each with its texts and codings."""
    rows = statements.with_codings().latest_first()
    return Paginator(rows, STATEMENTS_PER_PAGE).get_page(PageForm(request.GET).value("page"))
