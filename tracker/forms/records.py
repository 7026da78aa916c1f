"""The forms of parties, actors, sources and events."""

from django import forms

from ..models import Actor, Event, Party, Source
from .base import TrackedForm, not_in_future


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
