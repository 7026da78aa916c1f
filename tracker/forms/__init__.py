"""Edit forms for every tracked model.

Each form carries the ``version`` the record was loaded at (checked on save,
so a stale copy cannot overwrite someone else's edit) and an optional edit
summary that goes into the change history.

The package: ``base`` (``TrackedForm``, the conflict choices), ``records``
(parties, actors, sources, events), ``plans`` (plans, components, points)
and ``evidence`` (statements with their coding and translation formsets,
a coding on its own).
"""

from .base import ConflictChoices, DateInput, DeleteForm, TrackedForm, choice_name
from .evidence import (
    CodingForm,
    CodingFormSet,
    PositionForm,
    StatementForm,
    SubjectChoices,
    TranslationForm,
    TranslationFormSet,
)
from .plans import (
    INLINE_POINT_FIELDS,
    ComponentForm,
    NewPlanVersionForm,
    PlanForm,
    PointForm,
    point_field_form,
)
from .profile import DigestForm
from .records import ActorForm, EventForm, PartyForm, SourceForm

__all__ = [
    "INLINE_POINT_FIELDS",
    "ActorForm",
    "CodingForm",
    "CodingFormSet",
    "ComponentForm",
    "ConflictChoices",
    "DateInput",
    "DeleteForm",
    "DigestForm",
    "EventForm",
    "NewPlanVersionForm",
    "PartyForm",
    "PlanForm",
    "PointForm",
    "PositionForm",
    "SourceForm",
    "StatementForm",
    "SubjectChoices",
    "TrackedForm",
    "TranslationForm",
    "TranslationFormSet",
    "choice_name",
    "point_field_form",
]
