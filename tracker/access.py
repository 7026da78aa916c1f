"""Who may open a page: the one access check every view uses.

Permissions are Django's model permissions, given through the roles
(roles.py); a view names the one it needs with ``@can(...)``.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render, resolve_url


def can(perm=None):
    """Only signed-in users holding ``perm`` (any signed-in user without one).

    Anonymous users are sent to sign in (an htmx request is told to go there
    with ``HX-Redirect``); others without the permission get a 403 (for htmx,
    a fragment saying so where the form was).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if request.htmx:
                    next_url = request.htmx.current_url_abs_path or request.get_full_path()
                    login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
                    response = HttpResponse("Sign in to edit.", status=403)
                    response["HX-Redirect"] = login
                    return response
                return redirect_to_login(request.get_full_path())
            if perm is not None and not request.user.has_perm(perm):
                if request.htmx:
                    return render(request, "tracker/_forbidden_field.html", status=403)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def rights(user):
    """All that a page drawn for ``user`` may show differently: whether they are signed
    in, and their permissions. A drawing kept for readers (``revalidation.kept``) is
    keyed on it, so that no reader is shown another's links."""
    if not user.is_authenticated:
        return "anonymous"
    return "signed-in:" + ",".join(sorted(user.get_all_permissions()))
