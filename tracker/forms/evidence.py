"""A statement with its codings and translations, edited as one form; a coding on its own."""

import contextlib

from django import forms

from ..merge import merge
from ..models import (
    Actor,
    Component,
    Event,
    Plan,
    Point,
    Position,
    Provision,
    Source,
    Statement,
    Translation,
)
from .base import TrackedForm, not_in_future


class SubjectChoices:
    """The subjects a coding may be on, read once per request and shared by every row.

    A choice is ``plan:<pk>``, ``component:<pk>`` or ``point:<pk>``, grouped by
    plan; provisions are ``<pk>`` labelled with their point. Three queries
    whatever the number of rows (a ModelChoiceField would query once per row).
    """

    def __init__(self, point=None):
        if point is not None:  # the point is fixed: only its provisions are offered
            plans, components, points = [], [], [point]
            provisions = point.provisions.all()
        else:
            plans = list(Plan.objects.only("pk", "short_title", "title"))
            components = list(Component.objects.only("pk", "plan_id", "number", "title"))
            points = list(Point.objects.only("pk", "plan_id", "number", "title"))
            provisions = Provision.objects.all()
        by_plan = {}
        for component in components:
            by_plan.setdefault(component.plan_id, []).append(
                (f"component:{component.pk}", f"Component {component.number}: {component.title}")
            )
        for point in points:
            by_plan.setdefault(point.plan_id, []).append(
                (f"point:{point.pk}", f"{point.number}. {point.title}")
            )
        self.subjects = [("", "Choose a plan, component or point")] + [
            (
                plan.short_title,
                [(f"plan:{plan.pk}", f"The whole plan: {plan.title}"), *by_plan.get(plan.pk, [])],
            )
            for plan in plans
        ]
        numbers = {point.pk: point.number for point in points}
        self.provisions = [("", "The whole point")] + [
            (str(p.pk), f"{numbers.get(p.point_id, '?')}.{p.number} {p.title}")
            for p in provisions.only("pk", "point_id", "number", "title")
        ]


SUBJECT_KINDS = ("point", "component", "plan")


class CodingForm(TrackedForm):
    """One coding of a statement: a stance on a plan, component, point or provision."""

    ROW = True  # a row of the statement's form, saved with the statement's summary

    subject = forms.ChoiceField(label="On")
    provision_choice = forms.ChoiceField(
        label="Provision",
        required=False,
        help_text="Only when the statement is about one provision of the point.",
    )

    class Meta:
        model = Position
        fields = ["stance", "conditions", "summary", "certainty"]
        widgets = {"conditions": forms.Textarea(attrs={"rows": 2})}
        labels = {"summary": "Reading"}

    def __init__(self, *args, choices=None, point=None, **kwargs):
        self.choices = choices or SubjectChoices()
        self.point = point
        super().__init__(*args, **kwargs)
        if self.ROW:
            self.fields.pop("edit_summary", None)  # one summary for the whole statement
        self.fields["summary"].widget.attrs["rows"] = 2
        self.fields["provision_choice"].choices = self.choices.provisions
        if point is not None:
            self.instance.point = point
            del self.fields["subject"]
        else:
            self.fields["subject"].choices = self.choices.subjects
        position = self.instance
        for kind in SUBJECT_KINDS:
            if getattr(position, f"{kind}_id", None) and "subject" in self.fields:
                self.initial.setdefault("subject", f"{kind}:{getattr(position, f'{kind}_id')}")
        if position.provision_id:
            self.initial.setdefault("provision_choice", str(position.provision_id))

    def extra_kwargs(self):
        return {"choices": self.choices, "point": self.point}

    # The subject and the provision are form fields that set the coding's point,
    # component, plan and provision: merged as the model's fields they set.
    SUBJECT_PARTS = {"subject": SUBJECT_KINDS, "provision_choice": ("provision",)}

    def merged_fields(self):
        names = super().merged_fields()
        if self.instance.pk:
            names += [name for name in self.SUBJECT_PARTS if name in self.fields]
        return names

    def merge_with(self, current):
        position = self.instance  # its subject set from the form by clean()
        mine = {}
        for name in self.merged_fields():
            if name in self.SUBJECT_PARTS:
                parts = self.SUBJECT_PARTS[name]
                mine.update({part: getattr(position, f"{part}_id") for part in parts})
            else:
                mine[name] = self.cleaned_data.get(name)
        merged = merge(current, self.cleaned_data["version"], mine)
        for name, parts in self.SUBJECT_PARTS.items():
            if name in self.fields:
                merged = merged.folded(name, self.fields[name].label, parts)
        return merged

    def keep_theirs(self, name):
        if name not in self.SUBJECT_PARTS:
            return super().keep_theirs(name)
        self._errors.pop(name, None)
        self.cleaned_data[name] = self.value_of(name, self.instance)

    def value_of(self, name, obj):
        if name == "subject":
            for kind in SUBJECT_KINDS:
                if getattr(obj, f"{kind}_id"):
                    return f"{kind}:{getattr(obj, f'{kind}_id')}"
            return ""
        if name == "provision_choice":
            return str(obj.provision_id or "")
        return super().value_of(name, obj)

    def clean(self):
        cleaned = super().clean()
        position = self.instance
        if "subject" in self.fields and cleaned.get("subject"):
            kind, pk = cleaned["subject"].split(":")
            for name in SUBJECT_KINDS:
                setattr(position, f"{name}_id", int(pk) if name == kind else None)
        provision = cleaned.get("provision_choice")
        position.provision_id = int(provision) if provision else None
        if provision:
            point_id = Provision.objects.filter(pk=provision).values_list("point_id", flat=True)
            if position.point_id is None and position.component_id is None and not position.plan_id:
                position.point_id = point_id.first()
            elif point_id.first() != position.point_id:
                self.add_error("provision_choice", "This provision belongs to another point.")
        return cleaned


class StatementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.said_on:%d %b %Y}, {obj.who}: {obj.summary[:80]}"


class PositionForm(CodingForm):
    """A coding on its own: of a statement chosen from the party's (or anyone's)."""

    ROW = False

    statement = StatementChoiceField(
        Statement.objects.select_related("speaker").latest_first(),
        help_text="The statement this reads. Not listed? Record the statement first.",
    )

    class Meta(CodingForm.Meta):
        fields = ["statement", "stance", "conditions", "summary", "certainty"]

    def __init__(self, *args, party=None, point=None, **kwargs):
        self.party = party
        if point is not None and "choices" not in kwargs:
            kwargs["choices"] = SubjectChoices(point)
        super().__init__(*args, point=point, **kwargs)
        if self.instance.pk:
            del self.fields["statement"]
        elif party is not None:
            self.fields["statement"].queryset = self.fields["statement"].queryset.filter(
                party=party
            )
        self.order_fields(["statement", "subject"])

    def extra_kwargs(self):
        return {"party": self.party, "point": self.point, "choices": self.choices}


class StatementForm(TrackedForm):
    """What was said, once: the codings and translations are formsets beside it."""

    class Meta:
        model = Statement
        fields = [
            "party",
            "speaker",
            "attribution",
            "capacity",
            "said_on",
            "precision",
            "said_until",
            "reported_on",
            "event",
            "venue",
            "language",
            "text",
            "summary",
            "sources",
            "certainty",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "sources": forms.SelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = Actor.objects.select_related("party")
        self.fields["event"].queryset = Event.objects.only("pk", "title", "occurred_on")
        self.fields["sources"].queryset = Source.objects.only("pk", "title", "published_on")
        self.fields["summary"].widget.attrs["rows"] = 2

    def clean_said_on(self):
        return not_in_future(self.cleaned_data.get("said_on"))


class TranslationForm(TrackedForm):
    class Meta:
        model = Translation
        fields = ["language", "text", "rendered_by", "source"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("edit_summary", None)
        self.fields["source"].queryset = Source.objects.only("pk", "title", "published_on")


class RowsFormSet(forms.BaseInlineFormSet):
    """An inline formset that can grow by a row without JavaScript: a submit
    button named ``add_<prefix>`` posts the form back with one more blank row."""

    def __init__(self, data=None, *args, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"add_{prefix}" in data:
            data = data.copy()
            key = f"{prefix}-TOTAL_FORMS"
            with contextlib.suppress(ValueError):
                data[key] = str(int(data.get(key, 0)) + 1)
        super().__init__(data, *args, **kwargs)
        self.gone = self.take_out_gone_rows()

    def take_out_gone_rows(self):
        """Rows someone else deleted after the form was opened: the indexes they now have.

        Each is offered again as a new row, after the others, with what the editor
        had in it (nothing is lost); a row the editor deleted too is simply left
        out. Returns the new rows' indexes.
        """
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return set()
        try:
            total = min(int(self.data.get(f"{self.prefix}-TOTAL_FORMS", 0)), self.absolute_max)
            initial = min(int(self.data.get(f"{self.prefix}-INITIAL_FORMS", 0)), total)
        except (TypeError, ValueError):
            return set()  # the management form reports it
        rows = [self.row_data(i) for i in range(total)]
        posted = {}
        for i in range(initial):
            pk = (rows[i].get("id") or [""])[-1]
            if pk.isdigit() and len(pk) < 16:
                posted[i] = int(pk)
        found = set(
            self.model._default_manager.filter(pk__in=posted.values()).values_list("pk", flat=True)
        )
        gone = [i for i, pk in posted.items() if pk not in found]
        if not gone:
            return set()
        kept = [row for i, row in enumerate(rows) if i not in gone]
        again = [row for i, row in enumerate(rows) if i in gone and not row.get("DELETE")]
        data = self.data.copy()
        for key in list(data):
            if key.startswith(f"{self.prefix}-") and key.split("-")[1].isdigit():
                del data[key]
        left = ("id", "version", "conflicts", "DELETE")
        for i, row in enumerate([*kept, *again]):
            for suffix, values in row.items():
                if i < len(kept) or not (suffix in left or suffix.startswith("keep_")):
                    data.setlist(f"{self.prefix}-{i}-{suffix}", values)
        data[f"{self.prefix}-TOTAL_FORMS"] = str(len(kept) + len(again))
        data[f"{self.prefix}-INITIAL_FORMS"] = str(initial - len(gone))
        self.data = data
        return set(range(len(kept), len(kept) + len(again)))

    def row_data(self, i):
        start = f"{self.prefix}-{i}-"
        return {
            key.removeprefix(start): self.data.getlist(key)
            for key in self.data
            if key.startswith(start)
        }

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.gone = i in self.gone
        return form

    def adding_row(self):
        return self.is_bound and f"add_{self.prefix}" in self.data

    def changed_forms(self):
        """The forms to save: new rows left blank are skipped."""
        return [
            form
            for form in self.forms
            if form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]


def statement_rows(model, form):
    """The ``model`` rows edited beside their statement: a blank one to add, each deletable."""
    return forms.inlineformset_factory(
        Statement,
        model,
        form=form,
        formset=RowsFormSet,
        fields=form.Meta.fields,
        extra=1,
        can_delete=True,
    )


CodingFormSet = statement_rows(Position, CodingForm)
TranslationFormSet = statement_rows(Translation, TranslationForm)
