"""The web import's upload, kept between preview and confirmation."""

import contextlib
import hashlib
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .checks import read_fixture
from .importer import apply_import, preview_import
from .keys import max_bytes
from .reader import CHUNK, ImportRefused

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
ALLOWED_NAMES = re.compile(r".+\.json(\.gz)?", re.IGNORECASE)
STASH_LIFETIME = 24 * 3600


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops an upload once it passes the import size limit, before it is stored whole.

    Installed ahead of Django's handlers; the view sees ``request.upload_too_large``.
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > max_bytes():
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def stash_dir():
    path = Path(getattr(settings, "TRACKER_IMPORT_DIR", "") or tempfile.gettempdir())
    path = path / "tracker-imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stash_path(token):
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise ImportRefused("This import is no longer available: upload the file again.", 400)
    return stash_dir() / f"{token}.upload"


def stash_upload(upload):
    """Keep an uploaded file server-side under a random token; (token, sha256)."""
    folder = stash_dir()
    cutoff = time.time() - STASH_LIFETIME
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256()
    with stash_path(token).open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    return token, digest.hexdigest()


def open_stash(token, sha256):
    """The stashed upload as an open binary file, refused if it changed."""
    path = stash_path(token)
    try:
        stream = path.open("rb")
    except FileNotFoundError as exc:
        raise ImportRefused("This import is no longer available: upload the file again.") from exc
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    if not secrets.compare_digest(digest.hexdigest(), str(sha256)):
        stream.close()
        raise ImportRefused("The uploaded file changed since the preview: upload it again.", 409)
    stream.seek(0)
    return stream


def discard_stash(token):
    with contextlib.suppress(ImportRefused):
        stash_path(token).unlink(missing_ok=True)


def clean_filename(name):
    name = Path(str(name)).name
    return re.sub(r"[\x00-\x1f\x7f]", "", name)[:120] or "upload.json"


def preview_upload(token, sha256, filename, user):
    with open_stash(token, sha256) as stream:
        entries = read_fixture(stream)
    return preview_import(entries, filename, user)


def apply_upload(stashed, user):
    """Apply a previewed upload: re-read, re-checked against the database as it is now."""
    with open_stash(stashed.get("token"), stashed.get("sha256")) as stream:
        entries = read_fixture(stream)
    filename = stashed.get("filename") or "upload.json"
    return apply_import(entries, filename, user, expected_digest=stashed.get("digest"))
