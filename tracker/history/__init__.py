"""The tracker's change history, built on django-simple-history.

simple-history stores each version of each tracked model in its own history
table; this package adds what analysts need on top of it: the cross-model
``Change`` index behind the recent-changes feed, attribution for writes the
library does not see (raw fixture loads, bulk writes, management commands),
field-by-field diffs with names instead of ids, restoring a version, and
reading the tracker as it stood at a given moment.

The package: ``records`` (what a history record holds: the tracked models,
content fields, the many-to-many rows of a version), ``recording`` (the signal
handlers' work: attribution and the ``Change`` index), ``versions`` (versions,
diffs, as of a moment, recent changes) and ``restore``.
"""

from .recording import (
    FIXTURE_SUMMARY,
    as_command_actor,
    change_for,
    fill_attribution,
    history_sizes,
    index_history_record,
    index_history_records,
    party_concerned,
    record_raw_save,
    recorded_as,
    remember_name,
)
from .records import (
    NAME_RELATIONS,
    NOT_CONTENT,
    TRACKED,
    build_instance,
    content_fields,
    instances,
    m2m_fields,
    m2m_history,
    m2m_ids,
    tracked_model,
    version_before,
)
from .restore import (
    RestoreConflict,
    RestoreRefused,
    merged_fields,
    restore,
    restore_summary,
)
from .versions import (
    BadMoment,
    Comparison,
    FieldChange,
    change_page,
    changes_matching,
    compare,
    fields_changed,
    name_fields_changed,
    name_fields_changed_in,
    object_label,
    plan_at,
    records_with_previous,
    versions,
)

__all__ = [
    "BadMoment",
    "Comparison",
    "FIXTURE_SUMMARY",
    "FieldChange",
    "NAME_RELATIONS",
    "NOT_CONTENT",
    "RestoreConflict",
    "RestoreRefused",
    "TRACKED",
    "as_command_actor",
    "build_instance",
    "change_for",
    "change_page",
    "changes_matching",
    "compare",
    "content_fields",
    "fields_changed",
    "fill_attribution",
    "history_sizes",
    "index_history_record",
    "index_history_records",
    "instances",
    "m2m_fields",
    "m2m_history",
    "m2m_ids",
    "merged_fields",
    "name_fields_changed",
    "name_fields_changed_in",
    "object_label",
    "party_concerned",
    "plan_at",
    "record_raw_save",
    "recorded_as",
    "records_with_previous",
    "remember_name",
    "restore",
    "restore_summary",
    "tracked_model",
    "version_before",
    "versions",
]
