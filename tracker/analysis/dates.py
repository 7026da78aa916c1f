"""The date-range filter shared by the timeline and search."""

from django import forms

from ..models import (
    Party,
    Topic,
)


class DateRangeForm(forms.Form):
    party = forms.ModelChoiceField(
        Party.objects.all(), to_field_name="slug", required=False, empty_label="All parties"
    )
    topic = forms.ChoiceField(choices=[("", "All topics")] + Topic.choices, required=False)
    start = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data
