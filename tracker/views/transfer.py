"""Fixture export (anyone who can read) and import (users with tracker.import_fixture)."""

import csv
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from .. import transfer
from ..access import can
from ..filters import ExportForm, MatrixExportForm
from ..stances import StanceTable

SESSION_KEY = "tracker_import"


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A JSON fixture (.json, or .json.gz).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not transfer.ALLOWED_NAMES.fullmatch(upload.name or ""):
            raise forms.ValidationError("Upload a .json (or .json.gz) fixture.")
        return upload


def export_page(request, export_form=None, matrix_form=None, status=200):
    context = {
        "export_form": export_form or ExportForm(),
        "matrix_form": matrix_form or MatrixExportForm(),
        "full_text": request.user.has_perm("tracker.change_source"),
    }
    return render(request, "tracker/export.html", context, status=status)


@require_safe
def export(request):
    return export_page(request)


@require_safe
def export_fixture(request):
    form = ExportForm(request.GET)
    if not form.is_valid():
        return export_page(request, export_form=form, status=400)
    slugs = sorted(plan.slug for plan in form.cleaned_data["plan"])
    # The locally kept full text of sources goes only to those who may edit them.
    chunks = transfer.export_fixture(slugs, request.user.has_perm("tracker.change_source"))
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type="application/json; charset=utf-8"
    )
    name = "tracker" + "".join(f"-{slug}" for slug in slugs)
    response["Content-Disposition"] = f'attachment; filename="{name[:150]}.json"'
    return response


@require_safe
def export_matrix(request):
    form = MatrixExportForm(request.GET)
    if not form.is_valid():
        return export_page(request, matrix_form=form, status=400)
    plan = form.cleaned_data["plan"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-stances.csv"'
    writer = csv.writer(response)
    for row in StanceTable.live(plan).spreadsheet():
        writer.writerow([transfer.csv_safe(value) for value in row])
    return response


@require_safe
@can("tracker.import_fixture")
def import_form(request):
    context = {"form": ImportForm(), "limit": settings.TRACKER_IMPORT_MAX_BYTES}
    return render(request, "tracker/import_form.html", context)


def refuse(request, form, errors, status):
    context = {"form": form, "errors": errors, "limit": settings.TRACKER_IMPORT_MAX_BYTES}
    return render(request, "tracker/import_form.html", context, status=status)


@csrf_exempt
@require_POST
def import_preview(request):
    # The size limit must be in place before anything reads the body, and the
    # CSRF check does: so it is checked here, after the handlers are set.
    request.upload_handlers = [
        transfer.SizeLimitUploadHandler(request),
        MemoryFileUploadHandler(request),
        TemporaryFileUploadHandler(request),
    ]
    return _import_preview(request)


@csrf_protect
@can("tracker.import_fixture")
def _import_preview(request):
    upload = request.FILES.get("file")
    too_large = getattr(request, "upload_too_large", False)
    if too_large or (upload and upload.size > settings.TRACKER_IMPORT_MAX_BYTES):
        # The upload was stopped, so a bound form would also say the file is missing.
        message = f"The file is over the limit of {settings.TRACKER_IMPORT_MAX_BYTES:,} bytes."
        return refuse(request, ImportForm(), [message], 413)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return refuse(request, form, form.errors.get("file", []), 422)
    token, sha256 = transfer.stash_upload(upload)
    filename = transfer.clean_filename(upload.name)
    try:
        preview = transfer.preview_upload(token, sha256, filename, request.user)
    except transfer.ImportRefused as exc:
        transfer.discard_stash(token)
        return refuse(request, ImportForm(), exc.errors, exc.status)
    stashed = {"token": token, "sha256": sha256, "filename": filename, "digest": preview.digest}
    request.session[SESSION_KEY] = stashed
    return render(request, "tracker/import_preview.html", {"preview": preview, "token": token})


@require_POST
@can("tracker.import_fixture")
def import_apply(request):
    stashed = request.session.get(SESSION_KEY) or {}
    if not secrets.compare_digest(str(stashed.get("token", "")), request.POST.get("token", "-")):
        message = "This import is no longer available: upload the file again."
        return refuse(request, ImportForm(), [message], 400)
    try:
        preview = transfer.apply_upload(stashed, request.user)
    except transfer.PreviewChanged as exc:
        request.session[SESSION_KEY] = {**stashed, "digest": exc.preview.digest}
        messages.warning(request, "The database changed since the preview: check it again.")
        context = {"preview": exc.preview, "token": stashed["token"]}
        return render(request, "tracker/import_preview.html", context, status=409)
    except transfer.ImportRefused as exc:
        transfer.discard_stash(stashed["token"])
        del request.session[SESSION_KEY]
        return refuse(request, ImportForm(), exc.errors, exc.status)
    transfer.discard_stash(stashed["token"])
    del request.session[SESSION_KEY]
    messages.success(request, f"Imported {preview.filename}: {preview.summary()}.")
    return redirect("import_fixture")


@require_POST
@can("tracker.import_fixture")
def import_cancel(request):
    stashed = request.session.pop(SESSION_KEY, None) or {}
    transfer.discard_stash(stashed.get("token"))
    messages.info(request, "Import cancelled: nothing was changed.")
    return redirect("import_fixture")
