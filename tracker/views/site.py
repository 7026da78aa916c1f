"""Site-wide answers: the favicon and the user's own settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_http_methods, require_safe

from ..models import Profile
from ..timezones import ProfileForm, remember_time_zone
from .desk import DigestForm


@require_safe
def favicon(request):
    """Browsers that ask for /favicon.ico get the SVG icon base.html links to."""
    response = redirect(static("tracker/favicon.svg"))
    response["Cache-Control"] = "max-age=86400"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def user_settings(request):
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            remember_time_zone(request, form.instance.time_zone)
            messages.success(request, f"Saved: times are shown in {form.instance.time_zone}.")
            return redirect("user_settings")
        return render(request, "tracker/user_settings.html", _settings(form, profile), status=422)
    return render(request, "tracker/user_settings.html", _settings(form, profile))


def _settings(form, profile):
    """The page's context: the time-zone form, the private feeds and the digest choice."""
    return {"form": form, "profile": profile, "digest_form": DigestForm(instance=profile)}
