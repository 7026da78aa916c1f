"""Fixture export and import: the tracker's data as JSON fixtures with natural keys.

Export writes every tracked model (never users, sessions or permissions) in
dependency order, each model's objects sorted by natural key, indented by two
spaces, with natural foreign and primary keys (no ``pk``): two exports of the
same data are byte-identical, diff well in git and load with plain ``loaddata``.
``version`` and ``updated_at`` are left out: they are this database's
bookkeeping (edit-conflict counter, last local save), not the record itself.

Import reads a fixture in chunks (so memory stays bounded by the size and
object-count limits), converts a file in the previous format (see legacy.py),
refuses any model outside the tracked ones, resolves
natural keys inside the file or the database, runs ``full_clean()`` on every
object and saves each through ``save()`` so that the change history records the
importing user and the file name. Objects are matched by natural key (a
``pk`` in the file is ignored); an object found in the database is updated
with the fields the file gives (fields the file leaves out keep their value)
and its ``version`` bumped; one that is not is created. The preview is the
same run inside a transaction that is rolled back, so it sees every database
constraint the real apply will.

The package: ``reader`` (a streaming reader of a JSON list, knowing nothing
of the tracker), ``keys`` (the tracked models and their natural keys),
``export``, ``checks`` (each object of a file), ``legacy`` (the previous
format, converted), ``importer`` (preview and apply) and ``upload`` (the web
import's upload and its stash).
"""

from .checks import Entry, Invalid, check_object, read_fixture
from .export import ExportError, csv_safe, export_fixture
from .importer import Preview, PreviewChanged, apply_import, preview_import
from .keys import LABELS, MODELS, key_fields, key_parts, key_text
from .reader import ImportRefused
from .upload import (
    ALLOWED_NAMES,
    SizeLimitUploadHandler,
    apply_upload,
    clean_filename,
    discard_stash,
    preview_upload,
    stash_dir,
    stash_upload,
)

__all__ = [
    "ALLOWED_NAMES",
    "LABELS",
    "MODELS",
    "Entry",
    "ExportError",
    "ImportRefused",
    "Invalid",
    "Preview",
    "PreviewChanged",
    "SizeLimitUploadHandler",
    "apply_import",
    "apply_upload",
    "check_object",
    "clean_filename",
    "csv_safe",
    "discard_stash",
    "export_fixture",
    "key_fields",
    "key_parts",
    "key_text",
    "preview_import",
    "preview_upload",
    "read_fixture",
    "stash_dir",
    "stash_upload",
]
