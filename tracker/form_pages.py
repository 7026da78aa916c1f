"""The form page every edit view shares: show, validate, save or delete, answer.

Every form works as a plain page without JavaScript (post, then redirect with
a message); htmx requests get the form or the re-rendered fragment instead.
Invalid input answers 422, an edit conflict 409.
"""

from django.contrib import messages
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .access import can
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


def page_of(field):
    """Where to go after saving a record shown on another's page: its ``field``'s page."""

    def page(obj):
        return getattr(obj, field).get_absolute_url()

    return page


def record_pages(model, form_class):
    """The create, edit and delete views of a record with a page of its own.

    Plans, parties and sources: each found by what its URL names (``slug`` or
    ``pk``), each back on its own page after an edit, on the overview after
    a delete; each view holds the model's add, change or delete permission.
    """
    kind = model._meta.model_name

    @GET_POST
    @can(f"tracker.add_{kind}")
    def create(request):
        return save_page(request, form_class(bound(request)), OBJECT_FORM, object_context(kind))

    @GET_POST
    @can(f"tracker.change_{kind}")
    def edit(request, **key):
        obj = get_object_or_404(model, **key)
        form = form_class(bound(request), instance=obj)
        return save_page(
            request, form, OBJECT_FORM, object_context(kind, obj, obj.get_absolute_url())
        )

    @GET_POST
    @can(f"tracker.delete_{kind}")
    def delete(request, **key):
        obj = get_object_or_404(model, **key)
        return delete_page(request, obj, reverse("overview"), obj.get_absolute_url())

    return create, edit, delete


def get_point(slug, number):
    """The point a URL names by its plan's slug and its number, or 404."""
    return get_object_or_404(
        Point.objects.select_related("plan", "component"), plan__slug=slug, number=number
    )
