"""Edit forms for every tracked model.

Each form carries the ``version`` the record was loaded at (checked on save,
so a stale copy cannot overwrite someone else's edit) and an optional edit
summary that goes into the change history.
"""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from . import validators
from .models import (
    Actor,
    Component,
    Event,
    Party,
    Plan,
    Point,
    Position,
    Source,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("This date is in the future.")
    return value


class TrackedForm(forms.ModelForm):
    """A ModelForm with the loaded version and an edit summary."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
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

    def model_field(self, name):
        try:
            return self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field
            return None

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise forms.ValidationError("The form is missing the version it was loaded at.")
        return version

    @property
    def summary(self):
        return self.cleaned_data.get("edit_summary", "") if hasattr(self, "cleaned_data") else ""

    def with_version(self, version):
        """The same submission, re-bound to ``version`` (to re-apply after a conflict)."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        return type(self)(data, instance=self.instance, **self.extra_kwargs())

    def extra_kwargs(self):
        return {}


class PartyForm(TrackedForm):
    class Meta:
        model = Party
        fields = ["name", "short_name", "slug", "kind", "colour", "order", "description"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


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
            "publisher",
            "author",
            "published_on",
            "url",
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
            "date_note",
            "location",
            "description",
            "parties",
            "source",
            "certainty",
        ]
        widgets = {"parties": forms.CheckboxSelectMultiple}


class PlanForm(TrackedForm):
    class Meta:
        model = Plan
        fields = [
            "title",
            "short_title",
            "slug",
            "authored_by",
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
        fields = ["number", "title", "text", "topic", "status", "component", "certainty", "notes"]


INLINE_POINT_FIELDS = ["title", "text", "status", "topic", "component"]


def point_field_form(field):
    """A form editing one field of a point, for editing it in place."""
    return forms.modelform_factory(Point, form=PointForm, fields=[field])


class PositionForm(TrackedForm):
    """A position; its source is picked from the list or described anew."""

    source = forms.ModelChoiceField(
        Source.objects.all(), required=False, label="Source", empty_label="— a new source —"
    )
    new_source_title = forms.CharField(label="New source: title", required=False, max_length=300)
    new_source_publisher = forms.CharField(label="Publisher", required=False, max_length=120)
    new_source_published_on = forms.DateField(
        label="Published on", required=False, widget=DateInput
    )
    new_source_url = forms.URLField(
        label="Link", required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = Position
        fields = [
            "party",
            "point",
            "stance",
            "summary",
            "quote",
            "speaker",
            "stated_on",
            "certainty",
            "source",
        ]

    def __init__(self, *args, party=None, point=None, **kwargs):
        self.fixed = {"party": party, "point": point}
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            party, point = self.instance.party, None
            del self.fields["point"]
        for name, value in (("party", party), ("point", point)):
            if value is not None:
                setattr(self.instance, name, value)
                self.fields.pop(name, None)
        if "point" in self.fields:
            self.fields["point"].required = True
            self.fields["point"].queryset = Point.objects.select_related("plan")
        speakers = Actor.objects.select_related("party")
        if party is not None:
            speakers = speakers.filter(party=party)
        self.fields["speaker"].queryset = speakers

    def extra_kwargs(self):
        return self.fixed

    def clean_new_source_published_on(self):
        return not_in_future(self.cleaned_data.get("new_source_published_on"))

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("source") and not cleaned.get("new_source_title")
        if missing and "source" not in self.errors:
            self.add_error(
                "source", "A position needs a source: pick one or give a new source's title."
            )
        return cleaned

    def new_source(self):
        """The source described in the form, unsaved, or None when one was picked."""
        data = self.cleaned_data
        if data.get("source"):
            return None
        return Source(
            title=data["new_source_title"],
            publisher=data.get("new_source_publisher", ""),
            published_on=data.get("new_source_published_on"),
            url=data.get("new_source_url", ""),
        )
