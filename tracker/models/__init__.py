"""The tracker's domain, one module per concern (see docs/architecture.md)."""

from .access import ApiToken
from .base import (
    Certainty,
    EditConflict,
    Precision,
    Tracked,
    TrackedHistoryManager,
    colour_validator,
    newest_per_object,
    not_reserved_slug,
    tracked_models,
)
from .changes import (
    Change,
    ChangeMarker,
    Profile,
    new_epoch,
    time_zone_names,
    valid_time_zone,
)
from .desk import Watch, watched_changes
from .events import Delegation, Event
from .evidence import Position, Stance, Statement, Translation
from .parties import Actor, ActorRole, Party
from .plans import (
    Component,
    Plan,
    PlanAuthor,
    Point,
    PointLink,
    PointStatus,
    PointText,
    Provision,
    Topic,
)
from .sources import Source

__all__ = [
    "Actor",
    "ApiToken",
    "ActorRole",
    "Certainty",
    "Change",
    "ChangeMarker",
    "Component",
    "Delegation",
    "EditConflict",
    "Event",
    "Party",
    "Plan",
    "PlanAuthor",
    "Point",
    "PointLink",
    "PointStatus",
    "PointText",
    "Position",
    "Precision",
    "Profile",
    "Provision",
    "Source",
    "Stance",
    "Statement",
    "Topic",
    "Tracked",
    "TrackedHistoryManager",
    "Translation",
    "Watch",
    "colour_validator",
    "new_epoch",
    "newest_per_object",
    "not_reserved_slug",
    "time_zone_names",
    "valid_time_zone",
    "watched_changes",
    "tracked_models",
]
