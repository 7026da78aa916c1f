"""The forms of plans, their components and points (and a point's fields edited in place)."""

from django import forms

from ..models import Component, Plan, Point
from .base import TrackedForm, not_in_future


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
