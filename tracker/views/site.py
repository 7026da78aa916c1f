"""Site-wide answers: the favicon and the user's own settings."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..forms import DigestForm
from ..models import ApiToken, Profile
from ..timezones import ProfileForm, remember_time_zone


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
        return settings_page(request, form=form, status=422)
    return settings_page(request, form=form)


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What the token is for.")


def settings_page(request, *, form=None, token_form=None, new_key=None, status=200):
    """The settings page: the time zone, API tokens, private feeds and the digest choice."""
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    context = {
        "form": form or ProfileForm(instance=profile),
        "profile": profile,
        "digest_form": DigestForm(instance=profile),
        "token_form": token_form or ApiTokenForm(),
        "tokens": request.user.api_tokens.all(),
        "new_key": new_key,
    }
    return render(request, "tracker/user_settings.html", context, status=status)


@require_POST
@login_required
def api_token_create(request):
    """A new API token: its key is on this answer only, then kept as a hash."""
    token_form = ApiTokenForm(request.POST)
    if not token_form.is_valid():
        return settings_page(request, token_form=token_form, status=422)
    _, key = ApiToken.issue(request.user, token_form.cleaned_data["name"])
    return settings_page(request, new_key=key)


@require_POST
@login_required
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, f"Revoked the token {token}.")
    return redirect("user_settings")
