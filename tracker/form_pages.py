"""The form page every edit view shares: show, validate, save or delete, answer.

Every form works as a plain page without JavaScript (post, then redirect with
a message); htmx requests get the form or the re-rendered fragment instead.
Invalid input answers 422, an edit conflict 409.
"""

from django.contrib import messages
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .editing import Deletion, delete_checked, save_form, save_merging
from .forms import DeleteForm
from .models import EditConflict, Point

GET_POST = require_http_methods(["GET", "POST"])


def bound(request):
    return request.POST if request.method == "POST" else None


def respond(request, template, context, status=200, partial="form"):
    """The page, or only its ``partial`` for htmx; varies on HX-Request."""
    name = f"{template}#{partial}" if request.htmx and partial else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def next_url(request, default):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return default


def save_page(request, form, template, context, *, success=None, save=save_form):
    """Validate and save ``form``; answer with a redirect, 422, or a 409 conflict.

    An edit overtaken by another save is merged field by field: saved when
    no field was changed by both, else offered again with a choice per field.
    """
    context = {**context, "form": form, "next": next_url(request, "")}
    if request.method != "POST":
        return respond(request, template, context)
    if not form.is_valid():
        return respond(request, template, context, status=422)
    outcome = save_merging(form, request.user, save)
    if not outcome.saved:
        context.update(form=outcome.form, conflict=outcome.merge)
        return respond(request, template, context, status=409)
    obj = outcome.obj
    messages.success(request, outcome.message(f"Saved: {obj}."))
    return redirect(next_url(request, success(obj) if success else obj.get_absolute_url()))


def in_use(error):
    """Up to ten records that still refer to the one being deleted."""
    blocking = getattr(error, "protected_objects", None) or error.restricted_objects
    return sorted({str(obj) for obj in list(blocking)[:50]})[:10]


def delete_page(request, obj, success_url, cancel_url):
    """Confirm, then delete unless changed since the page was loaded or still in use."""
    form = DeleteForm(bound(request), initial={"version": obj.version})
    context = {"object": obj, "form": form, "cancel_url": cancel_url}
    template = "tracker/object_confirm_delete.html"
    try:
        context["effects"] = Deletion.of(obj).effects()
    except (ProtectedError, RestrictedError) as error:
        status = 409 if request.method == "POST" else 200
        return render(request, template, {**context, "in_use": in_use(error)}, status=status)
    if request.method != "POST":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=422)
    summary = form.cleaned_data["edit_summary"]
    try:
        delete_checked(obj, form.cleaned_data["version"], summary=summary, user=request.user)
    except EditConflict as conflict:
        current = conflict.current
        context.update(object=current, form=DeleteForm(initial={"version": current.version}))
        return render(request, template, {**context, "stale": True}, status=409)
    except (ProtectedError, RestrictedError) as error:
        return render(request, template, {**context, "in_use": in_use(error)}, status=409)
    messages.success(request, f"Deleted: {obj}.")
    return redirect(success_url)


OBJECT_FORM = "tracker/object_form.html"


def object_context(kind, obj=None, cancel_url=None, **extra):
    return {"kind": kind, "object": obj, "cancel_url": cancel_url or "/", **extra}


def get_point(slug, number):
    """The point a URL names by its plan's slug and its number, or 404."""
    return get_object_or_404(
        Point.objects.select_related("plan", "component"), plan__slug=slug, number=number
    )
