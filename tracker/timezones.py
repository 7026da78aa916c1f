"""Times shown in each user's own time zone (UTC unless they chose another).

The zone is read once per session (at sign-in, or on the first request of a
session that predates the setting) and kept in the session. It is looked up
only when a time is converted or named, so a response that shows no time (a
stylesheet, the health check) reads no session for it.
"""

import datetime
import functools
import zoneinfo

from django import forms
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from .models import Profile, time_zone_names

SESSION_KEY = "tracker_time_zone"


def remember_time_zone(request, name):
    request.session[SESSION_KEY] = name
    return name


@receiver(user_logged_in, dispatch_uid="tracker-time-zone-at-sign-in")
def time_zone_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_time_zone(request, Profile.time_zone_of(user))


def zone_name(request):
    name = request.session.get(SESSION_KEY)
    if name is None and request.user.is_authenticated:
        name = remember_time_zone(request, Profile.time_zone_of(request.user))
    return name if name in time_zone_names() else "UTC"


class UserZone(datetime.tzinfo):
    """The request's user's zone, found on first use; otherwise a ZoneInfo.

    Conversions (``fromutc``) give datetimes in the ZoneInfo itself, so what
    templates format carries the real zone and its abbreviation.
    """

    def __init__(self, request):
        self.request = request

    @functools.cached_property
    def zone(self):
        return zoneinfo.ZoneInfo(zone_name(self.request))

    def utcoffset(self, dt):
        return self.zone.utcoffset(dt)

    def dst(self, dt):
        return self.zone.dst(dt)

    def tzname(self, dt):
        return self.zone.tzname(dt)

    def fromutc(self, dt):
        return self.zone.fromutc(dt.replace(tzinfo=self.zone))

    def __str__(self):
        return self.zone.key


class TimeZoneMiddleware:
    """Activate the signed-in user's time zone for the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(UserZone(request))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Every time on the site is shown in this zone and marked with it.",
    )

    class Meta:
        model = Profile
        fields = ["time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name) for name in time_zone_names()]
