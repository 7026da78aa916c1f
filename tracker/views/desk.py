"""What a user follows: follow buttons, /watching/, private feeds, digests' settings,
and the change log's audit export."""

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import following, history
from ..access import can
from ..feeds import ChangesFeed, WatchingFeed
from ..filters import ChangeExportForm
from ..forms import DigestForm
from ..models import Change, Profile, Watch
from ..models.desk import TARGETS, new_in_watched, watching_items


def _watch_target(kind, pk):
    if kind not in TARGETS:
        raise Http404("Nothing of that kind can be followed.")
    return get_object_or_404(Watch.target_model(kind), pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@can()
def watch(request, kind, pk):
    """The follow button of a plan, point, party or actor; POST follow=1 or 0."""
    target = _watch_target(kind, pk)
    if request.method == "POST":
        if request.POST.get("follow") == "1":
            Watch.follow(request.user, kind, target)
            Profile.of(request.user)
        else:
            Watch.unfollow(request.user, kind, target)
        following.remember(request)
        if not request.htmx:
            return redirect(target)
    context = {"kind": kind, "target": target}
    context["following"] = Watch.follows(request.user, kind, target)
    template = "tracker/_watch_button.html" if request.htmx else "tracker/watch.html"
    return render(request, template, context)


@require_safe
@can()
def watching(request):
    """What changed in what the user follows since their last visit (which this one ends)."""
    profile = Profile.objects.filter(user=request.user).first()
    since = profile.last_seen_watching if profile else None
    items = watching_items(list(new_in_watched(request.user)))
    watches = list(Watch.objects.filter(user=request.user).select_related(*TARGETS))
    if request.method == "GET":
        if profile:
            Profile.objects.filter(pk=profile.pk).update(last_seen_watching=timezone.now())
        if items or bool(following.stamp(request)) != bool(watches):
            following.remember(request, follows=bool(watches))  # the badge changes
    context = {"items": items, "since": since, "watches": watches, "watching_count": len(items)}
    return render(request, "tracker/watching.html", context)


def _feed_owner(token):
    """The active owner of a private feed token who may read the change log; else 404."""
    profile = Profile.objects.filter(feed_token=token, user__is_active=True).first()
    if profile is None or not profile.user.has_perm("tracker.view_change"):
        raise Http404("No such feed.")
    return profile.user


@require_safe
def private_changes_feed(request, token):
    _feed_owner(token)
    return ChangesFeed()(request, filters={})


@require_safe
def private_watching_feed(request, token):
    return WatchingFeed()(request, user=_feed_owner(token))


@require_POST
@can()
def feed_token_regenerate(request):
    Profile.of(request.user).regenerate_feed_token()
    messages.success(request, "New feed addresses made: the old ones no longer work.")
    return redirect("user_settings")


@require_POST
@can()
def digest_settings(request):
    profile = Profile.of(request.user)
    form = DigestForm(request.POST, instance=profile)
    if not form.is_valid():
        return HttpResponse("Choose how often to be emailed.\n", status=422)
    if profile.last_digest_change_id == 0:
        # The first digest starts from now, not from the beginning of the record.
        newest = Change.objects.order_by("-pk").values_list("pk", flat=True).first()
        profile.last_digest_change_id = newest or 0
    form.save()
    messages.success(request, f"Email digest: {profile.get_digest_display().lower()}.")
    return redirect("user_settings")


EXPORT_FIELDS = ("id", "changed_at", "action", "model", "object_id", "object_repr")
EXPORT_FIELDS += ("history_id", "user", "party", "summary")


def _export_rows(form):
    changes = history.changes_matching(**form.filters()).order_by("changed_at", "pk")
    for change in changes.iterator(chunk_size=2000):
        yield {
            "id": change.pk,
            "changed_at": change.changed_at.isoformat(),
            "action": change.get_action_display().lower(),
            "model": change.model,
            "object_id": change.object_id,
            "object_repr": change.object_repr,
            "history_id": change.history_id,
            "user": change.user.get_username() if change.user else "",
            "party": change.party.slug if change.party else "",
            "summary": change.summary,
        }


def _bad_filter(form):
    field, errors = next(iter(form.errors.items()))
    where = "" if field == "__all__" else f"{field}: "
    return HttpResponse(f"Bad filter: {where}{errors[0]}\n", status=400, content_type="text/plain")


def _csv(form):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="changes.csv"'
    writer = csv.DictWriter(response, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    writer.writerows(_export_rows(form))
    return response


def _json(form):
    response = JsonResponse({"changes": list(_export_rows(form))})
    response["Content-Disposition"] = 'attachment; filename="changes.json"'
    return response


@require_safe
@can("tracker.view_change")
def changes_export(request, default_format="csv"):
    """The change log as CSV or JSON (``?format=``), filtered like /changes/."""
    form = ChangeExportForm(request.GET, default_format=default_format)
    if not form.is_valid():
        return _bad_filter(form)
    return {"csv": _csv, "json": _json}[form.chosen_format()](form)
