"""Conditional GET: read pages carry an ETag, and a repeat view is answered 304 unrendered.

A read page shows the recorded data as the user may see it, so its ETag is made
of what decides its content: the change marker (any recorded write moves it),
the user (their id, the count of changes to users, groups and permissions that
the marker's row keeps, and the session's note of what they follow), their CSRF
cookie (the token in every page's forms), the full path with its query, the
HX-Request header (a fragment or the whole page) and the release (the code and
templates that render it). The ETag is computed before the view runs; when the
browser already holds it the middleware answers 304 and the view never runs.

Only the pages named in ``READ_PAGES`` take part: their content depends on
nothing else. Left out on purpose:

- ``healthz`` says whether the database answers now; ``party_brief`` is "as of
  now" and lists the changes of the last days (both depend on the clock);
- the forms that start a write (edit, create, delete, import), the downloads
  (export), sign-in and the admin: one-time content and cookies;
- ``bench_ceiling``: the benchmark's bare middleware stack.

A response that sets a cookie to a new value (a new CSRF cookie, a new session)
or shows flash messages gets no ETag, and a request with messages waiting is
rendered.
"""

import hashlib
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.http import parse_etags
from django.utils.timezone import get_current_timezone_name

from . import following
from .models import ChangeMarker

# By view name (with its namespace, if any).
READ_PAGES = frozenset(
    {
        "overview",
        "plan_detail",
        "point_detail",
        "party_detail",
        "source_detail",
        "position_detail",
        "compare",
        "plan_components",
        "timeline",
        "search",
        "provenance",
        "matrix",
        "matrix_cell",
        "point_field_show",
        "plan_history",
        "point_history",
        "party_history",
        "source_history",
        "position_history",
        "object_history",
        "recent_changes",
        "changes_feed",
    }
)
# The same for everyone (no session is read for them): the party colours.
SHARED_PAGES = frozenset({"party_colours"})

RELEASE_FILES = (".py", ".html", ".css", ".js")


@cache
def release():
    """A digest of the code, templates and static files: a deployment changes every ETag."""
    digest = hashlib.sha256()
    for folder in ("tracker", "templates", "static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in RELEASE_FILES and path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    lock = settings.BASE_DIR / "requirements.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    return digest.hexdigest()


def marker_row(request):
    """The change marker's row, read once per request (the middleware may have read it)."""
    if not hasattr(request, "change_marker_row"):
        request.change_marker_row = ChangeMarker.read()
    return request.change_marker_row


def marker_for(request):
    """``Change.marker()`` for this request: the key of its cached tables."""
    return str(marker_row(request))


# Drawn fragments are kept this long at most; any recorded write retires them sooner.
FRAGMENT_TIMEOUT = 3600


def fragment_key(name, marker, *key):
    """The cache key of a drawn fragment: its name, the change marker and ``key``."""
    parts = ":".join([name, str(marker), *(str(part) for part in key)])
    return f"{name}:" + hashlib.sha256(parts.encode()).hexdigest()


def kept(request, name, draw, *key):
    """What ``draw()`` returns, kept in the shared "fragments" cache until the next
    recorded write (which moves the change marker, read once per request and shared
    with the ETag) or for another time zone. ``key`` names whatever else the
    drawing depends on: the parameters, the reader's permissions.

    Nothing is marked safe here or by its callers: a drawing holds what
    ``render_to_string`` returned (our templates, which escape every text they
    show), SafeStrings that the cache's pickling keeps as such. Were a cache ever to
    hand back plain strings, the page would escape them again: visibly wrong, never
    unescaped."""
    fragments = caches["fragments"]
    # Times are shown in the reader's time zone (timezones.py): a drawing is theirs.
    cache_key = fragment_key(name, marker_for(request), get_current_timezone_name(), *key)
    drawn = fragments.get(cache_key)
    if drawn is None:
        drawn = draw()
        fragments.set(cache_key, drawn, FRAGMENT_TIMEOUT)
    return drawn


def kept_page(request, template, context_of, around=None):
    """``template`` around its ``title`` and ``body`` partials, drawn with ``context_of()``
    once per state of the record for this path (with its query) and the reader's
    rights (``access.rights``: their links and buttons), and kept. ``around`` is the
    context of the rest of the page, drawn for each request."""
    from .access import rights

    def draw():
        context = context_of()
        return {
            part: render_to_string(f"{template}#{part}", context, request)
            for part in ("title", "body")
        }

    drawn = kept(request, template, draw, request.get_full_path(), rights(request.user))
    return render(request, template, {**(around or {}), "drawn": drawn})


def user_key(request):
    """The user, and the count of changes to users, groups and permissions.

    The count stands for the user's permissions (and name): reading them would
    cost two queries on every revalidation.
    """
    user = request.user
    if not user.is_authenticated:
        return "anonymous"
    # The session's note of what the user follows: a visit to /watching/ renews it and
    # resets the navigation's count, which changes the page.
    return f"{user.pk}:{marker_row(request).access}:{following.stamp(request)}"


def etag_for(request, shared=False):
    parts = [release(), marker_for(request), request.get_full_path()]
    if not shared:
        parts += [
            request.headers.get("HX-Request", ""),
            user_key(request),
            request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        ]
    digest = salted_hmac("tracker.revalidation", "\n".join(parts)).hexdigest()[:32]
    # Weak: the same content, not the same bytes (each response masks the CSRF token anew).
    return f'W/"{digest}"'


def held_by_client(request, etag):
    held = parse_etags(request.headers.get("If-None-Match", ""))
    return etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in held}


def sets_cookies(request, response):
    """A cookie with a new value (a new CSRF secret, a new session).

    Django sends the CSRF cookie again with every page that uses the token, to
    renew its expiry; the same value again changes nothing the page shows.
    """
    return any(request.COOKIES.get(name) != sent.value for name, sent in response.cookies.items())


def has_messages(request):
    return hasattr(request, "_messages") and len(messages.get_messages(request)) > 0


def label(response, etag, shared):
    response["ETag"] = etag
    if shared:
        patch_cache_control(response, no_cache=True)
    else:
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie", "HX-Request"])
    return response


class RevalidationMiddleware:
    """ETags on the read pages and 304 for a revalidation (see the module's docstring).

    Placed before the session and CSRF middleware, so that it sees the cookies
    they set on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        etag = getattr(request, "read_page_etag", None)
        if etag is None or response.status_code != 200 or response.streaming:
            return response
        shared = request.resolver_match.view_name in SHARED_PAGES
        if sets_cookies(request, response) or (not shared and has_messages(request)):
            return response
        return label(response, etag, shared)

    def process_view(self, request, view, args, kwargs):
        if request.method not in ("GET", "HEAD"):
            return None
        name = request.resolver_match.view_name
        shared = name in SHARED_PAGES
        if not shared and (name not in READ_PAGES or has_messages(request)):
            return None
        request.read_page_etag = etag = etag_for(request, shared)
        if held_by_client(request, etag):
            return label(HttpResponseNotModified(), etag, shared)
        return None
