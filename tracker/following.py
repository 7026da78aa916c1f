"""Whether the signed-in user follows anything, kept in the session, and the
navigation's count of what is new in what they follow.

Like the time zone, the answer is read once per session (at sign-in, or on the
first page of a session that predates this) and kept in the session; following
or unfollowing and each visit to /watching/ renew it. So a page costs no query
for a user who follows nothing and one (the count) for a user who does, and
only when the page shows the count; anonymous pages read nothing for it. A
watch added in another session shows here after the next sign-in, follow or
visit to /watching/.

The stored value is "" for a user who follows nothing, else the moment it was
renewed: it is part of read pages' ETags (``revalidation.user_key``), so that
a page whose count a visit to /watching/ reset is drawn again, not a 304.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .models import Watch
from .models.desk import new_in_watched

SESSION_KEY = "tracker_following"


def remember(request, follows=None):
    """Note in the session whether the user follows something (looked up if not given)."""
    if follows is None:
        follows = Watch.objects.filter(user=request.user).exists()
    request.session[SESSION_KEY] = timezone.now().isoformat() if follows else ""


@receiver(user_logged_in, dispatch_uid="tracker-following-at-sign-in")
def following_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember(request, Watch.objects.filter(user=user).exists())


def follows_something(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if SESSION_KEY not in request.session:
        remember(request)
    return bool(request.session[SESSION_KEY])


def stamp(request):
    """The session's note, for ETags ("" when none is kept)."""
    return request.session.get(SESSION_KEY, "")


def new_count(request):
    """How many changes /watching/ would list as new (0 for a user who follows nothing)."""
    return new_in_watched(request.user).count() if follows_something(request) else 0


def navigation(request):
    """Context processor: ``watching_count`` for the navigation's badge, counted only
    when a template shows it (a view that knows the count passes its own)."""
    return {"watching_count": SimpleLazyObject(lambda: new_count(request))}
