"""Edit forms for every tracked model.

Each form carries the ``version`` the record was loaded at (checked on save,
so a stale copy cannot overwrite someone else's edit) and an optional edit
summary that goes into the change history.
"""

import contextlib

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from . import validators
from .merge import CONFLICT, MINE, THEIRS, merge
from .models import (
    Actor,
    Component,
    Event,
    Party,
    Plan,
    Point,
    Position,
    Provision,
    Source,
    Statement,
    Translation,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("This date is in the future.")
    return value


class ConflictChoices:
    """For a form offered again after a conflict: a choice per field both sides changed.

    The hidden ``conflicts`` field names those fields; each gets a required
    "keep theirs / use mine" radio, ``keep_<name>``.
    """

    def add_conflict_choices(self, allowed, choices=None):
        source = self.data if self.is_bound else self.initial
        names = str(source.get(self.add_prefix("conflicts"), "") or "").split()
        self.conflicting = [name for name in dict.fromkeys(names) if name in allowed]
        for name in self.conflicting:
            label = allowed[name]
            self.fields[choice_name(name)] = forms.ChoiceField(
                label=f"{label}: which to keep",
                choices=choices or KEEP_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose which {label.lower()} to keep."},
            )

    @property
    def choice_fields(self):
        return [self[choice_name(name)] for name in self.conflicting]

    def chosen_theirs(self):
        data = getattr(self, "cleaned_data", {})
        return [name for name in self.conflicting if data.get(choice_name(name)) == THEIRS]


KEEP_CHOICES = [(THEIRS, "Keep theirs"), (MINE, "Use mine (the value in the form)")]


def choice_name(name):
    return f"keep_{name}"


class TrackedForm(ConflictChoices, forms.ModelForm):
    """A ModelForm with the loaded version and an edit summary.

    A save refused by the version check is merged with the current record
    (``merge_with``): the form is then saved again with the merged values
    (``rebased``) or offered again with a choice per conflicting field
    (``offered_again``).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    conflicts = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)
    edit_summary = forms.CharField(
        label="Edit summary",
        required=False,
        max_length=300,
        help_text="Optional: why, e.g. “per Putin's Bishkek remarks”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            model_field = self.model_field(name)
            if model_field is None:
                continue
            # The model's rules (Tracked.clean_fields), checked as the field is
            # cleaned, before any clean_<field> method queries with the value.
            rules = validators.validators_for(model_field)
            field.validators.extend(rule for rule in rules if rule not in field.validators)
            if isinstance(model_field, models.TextField):
                field.max_length = validators.text_limit(model_field)
                field.widget.attrs["maxlength"] = str(field.max_length)
            if isinstance(model_field, models.IntegerField) and not model_field.is_relation:
                field.widget.attrs["max"] = str(validators.integer_range(model_field)[1])
            if isinstance(model_field, models.DateField):
                field.widget = DateInput()
        self.add_conflict_choices({name: self.fields[name].label for name in self.merged_fields()})

    def model_field(self, name):
        try:
            return self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field
            return None

    def merged_fields(self):
        """The record's fields this form edits: what a merge compares."""
        if not self.instance.pk:
            return []
        return [n for n in self.fields if n != "version" and self.model_field(n) is not None]

    def visible_fields(self):
        # The conflict choices are shown with the conflict, not among the fields.
        choices = {choice_name(name) for name in self.conflicting}
        return [field for field in super().visible_fields() if field.name not in choices]

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise forms.ValidationError("The form is missing the version it was loaded at.")
        return version

    def clean(self):
        cleaned = super().clean()
        for name in self.chosen_theirs():
            if name in self.fields:  # not a field a subclass removed
                self.keep_theirs(name)
        return cleaned

    def keep_theirs(self, name):
        """Take the field's value from the record as it is, not from the form."""
        field = self.fields[name]
        value = model_to_dict(self.instance, fields=[name]).get(name)
        self._errors.pop(name, None)
        try:
            self.cleaned_data[name] = field.clean(field.prepare_value(value))
        except forms.ValidationError as error:
            self.add_error(name, error)

    @property
    def summary(self):
        return self.cleaned_data.get("edit_summary", "") if hasattr(self, "cleaned_data") else ""

    def merge_with(self, current):
        """This (valid) edit merged field by field with ``current``, the record as saved since."""
        mine = {name: self.cleaned_data.get(name) for name in self.merged_fields()}
        return merge(current, self.cleaned_data["version"], mine)

    def rebased(self, merged):
        """The same submission on top of ``merged.current``: theirs where only they changed."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(merged.current.version)
        theirs = merged.names(THEIRS)
        data[self.add_prefix("conflicts")] = " ".join([*self.conflicting, *theirs])
        for name in theirs:
            data[self.add_prefix(choice_name(name))] = THEIRS
        return type(self)(
            data, instance=fresh(merged.current), prefix=self.prefix, **self.extra_kwargs()
        )

    def offered_again(self, merged):
        """An unbound form at the current version: theirs where only they changed, mine
        elsewhere, and a choice to make for each field both changed."""
        choices = {choice_name(name) for name in self.conflicting}
        initial = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in choices and name not in merged.names(THEIRS)
        }
        initial["version"] = merged.current.version
        initial["conflicts"] = " ".join(merged.names(CONFLICT))
        form = type(self)(
            initial=initial,
            instance=fresh(merged.current),
            prefix=self.prefix,
            **self.extra_kwargs(),
        )
        merged.offer_choices(form, choice_name)
        return form

    def offer_in(self, data, merged):
        """Write this form, offered again after ``merged``, into ``data`` (the submission of
        the page it is part of): at the current version, their value where only they
        changed, a choice to make where both did."""
        current = merged.current
        data[self.add_prefix("version")] = str(current.version)
        data[self.add_prefix("conflicts")] = " ".join(merged.names(CONFLICT))
        for name in self.conflicting:
            data.pop(self.add_prefix(choice_name(name)), None)
        for name in merged.names(THEIRS):
            data[self.add_prefix(name)] = self.value_of(name, current)

    def value_of(self, name, obj):
        """The field's value in ``obj`` as the form posts it."""
        value = self.fields[name].prepare_value(model_to_dict(obj, fields=[name]).get(name))
        return "" if value is None else str(value)

    def extra_kwargs(self):
        return {}


def fresh(obj):
    """A new copy of ``obj`` from the database (a form changes the instance it validates)."""
    return type(obj)._default_manager.get(pk=obj.pk)


class PartyForm(TrackedForm):
    class Meta:
        model = Party
        fields = [
            "name",
            "short_name",
            "slug",
            "kind",
            "role",
            "member_of",
            "colour",
            "order",
            "description",
        ]
        widgets = {
            "colour": forms.TextInput(attrs={"type": "color"}),
            "member_of": forms.CheckboxSelectMultiple,
        }


class ActorForm(TrackedForm):
    class Meta:
        model = Actor
        fields = ["name", "slug", "party", "role"]


class SourceForm(TrackedForm):
    url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Source
        fields = [
            "title",
            "slug",
            "kind",
            "primacy",
            "reliability",
            "reliability_note",
            "publisher",
            "author",
            "published_on",
            "language",
            "url",
            "cites",
            "attribution",
            "full_text",
            "notes",
        ]

    def clean_published_on(self):
        return not_in_future(self.cleaned_data.get("published_on"))


class EventForm(TrackedForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "kind",
            "occurred_on",
            "ends_on",
            "precision",
            "date_note",
            "location",
            "description",
            "parties",
            "plans",
            "source",
            "certainty",
        ]
        widgets = {
            "parties": forms.CheckboxSelectMultiple,
            "plans": forms.CheckboxSelectMultiple,
        }


class PlanForm(TrackedForm):
    class Meta:
        model = Plan
        fields = [
            "title",
            "short_title",
            "slug",
            "presented_on",
            "date_note",
            "status",
            "certainty",
            "all_points_known",
            "description",
        ]

    def clean_presented_on(self):
        return not_in_future(self.cleaned_data.get("presented_on"))


class NewPlanVersionForm(forms.Form):
    title = forms.CharField(max_length=200)
    short_title = forms.CharField(max_length=60)
    slug = forms.SlugField(max_length=80)
    edit_summary = forms.CharField(label="Edit summary", required=False, max_length=300)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Plan.objects.filter(slug=slug).exists():
            raise forms.ValidationError("A plan with this slug already exists.")
        return slug

    @property
    def summary(self):
        return self.cleaned_data.get("edit_summary", "")


class PlanItemForm(TrackedForm):
    """Components and points: numbered within their plan."""

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        if "component" in self.fields:
            self.fields["component"].queryset = plan.components.all()

    def extra_kwargs(self):
        return {"plan": self.plan}

    def clean_number(self):
        # The plan is not a form field, so the model's unique constraint
        # would not be checked by the form: check it here.
        number = self.cleaned_data["number"]
        taken = type(self.instance).objects.filter(plan=self.plan, number=number)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"Number {number} is already used in this plan.")
        return number


class ComponentForm(PlanItemForm):
    class Meta:
        model = Component
        fields = ["number", "title", "description", "certainty"]


class PointForm(PlanItemForm):
    class Meta:
        model = Point
        fields = ["number", "title", "text", "topics", "status", "component", "certainty", "notes"]
        widgets = {"topics": forms.CheckboxSelectMultiple}


INLINE_POINT_FIELDS = ["title", "text", "status", "component"]


def point_field_form(field):
    """A form editing one field of a point, for editing it in place."""
    return forms.modelform_factory(Point, form=PointForm, fields=[field])


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


CodingFormSet = forms.inlineformset_factory(
    Statement,
    Position,
    form=CodingForm,
    formset=RowsFormSet,
    fields=CodingForm.Meta.fields,
    extra=1,
    can_delete=True,
)

TranslationFormSet = forms.inlineformset_factory(
    Statement,
    Translation,
    form=TranslationForm,
    formset=RowsFormSet,
    fields=TranslationForm.Meta.fields,
    extra=1,
    can_delete=True,
)
