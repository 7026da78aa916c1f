"""The recent-changes feed, for analysts who follow the tracker in a reader."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import history
from .models import watched_changes

FEED_SIZE = 50


class TextSummaryAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are text: an edit summary is what someone typed, not
    HTML (Django's Atom feed marks the summary type="html", which readers render)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ChangesFeed(Feed):
    feed_type = TextSummaryAtom1Feed
    title = "Negotiation tracker: recent changes"
    subtitle = "Every change to the tracker, newest first."

    def get_object(self, request, filters=None):
        self.request = request
        return filters or {}

    def link(self, filters):
        return reverse("recent_changes")

    def items(self, filters):
        return history.changes_matching(**filters).order_by("-changed_at", "-pk")[:FEED_SIZE]

    def item_title(self, change):
        who = change.user.get_username() if change.user else "unknown"
        return f"{change.get_action_display()} {change.model} {change.object_repr} ({who})"

    def item_description(self, change):
        return change.summary or "No summary given."

    def item_link(self, change):
        url = reverse("object_history", args=[change.model, change.object_id])
        return f"{url}?b={change.history_id}"

    def item_guid(self, change):
        return f"change-{change.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.changed_at

    def item_updateddate(self, change):
        return change.changed_at

    def item_author_name(self, change):
        return change.user.get_username() if change.user else None


class WatchingFeed(ChangesFeed):
    """A user's watchlist as a feed: changes to what they follow, bookkeeping left out."""

    title = "Negotiation tracker: what you follow"
    subtitle = "Changes to the plans, points, parties and actors you follow, newest first."

    def get_object(self, request, user=None):
        self.request = request
        return user

    def link(self, user):
        return reverse("watching")

    def items(self, user):
        return watched_changes(user).order_by("-changed_at", "-pk")[:FEED_SIZE]
