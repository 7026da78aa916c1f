"""The edit form every tracked model's form is built on: the version it was
loaded at, the edit summary, and the choice per field when an edit was overtaken."""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone

from .. import validators
from ..merge import CONFLICT, MINE, THEIRS, merge


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


class DeleteForm(forms.Form):
    """Confirming a delete: the version the record was shown at, and a summary."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    edit_summary = forms.CharField(label="Edit summary", required=False, max_length=300)
