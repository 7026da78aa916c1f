"""The user's own settings kept on their profile: how often digests are emailed."""

from django import forms

from ..models import Profile


class DigestForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["digest"]
