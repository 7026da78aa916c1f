"""Fixtures in the format before statements, converted on the way in.

Recognised by their fields, object by object, and converted the way migration
0010_evidence_data converts a database:

- a position with its own quote, speaker, date and source becomes a coding of
  a statement; positions quoting the same words by the same speaker of the
  same party on the same day from the same source share one statement; a
  position without a speaker is attributed to "Speaker not recorded"; a
  conditional position with no conditions written gets its summary as them;
- a point's single ``topic`` becomes its ``topics`` (the topic is added to
  the file when the database does not have it);
- a point's ``derived_from`` becomes a lineage link (same when title and text
  are unchanged, revised otherwise);
- a plan's ``authored_by`` becomes its proposer.

The records made here get uids derived from what they stand for, so that
importing the same old file twice finds them the second time.
"""

import importlib
import uuid

from ..models import Actor, Point, Topic

NAMESPACE = uuid.UUID("5b0c1c1e-7a51-4d7e-9a53-0e57a7e0f1d2")
UNNAMED = "Speaker not recorded"


def topic_names():
    """{slug: (name, PA-X category)} as migration 0010 created them (its list is the one home)."""
    migration = importlib.import_module("tracker.migrations.0010_evidence_data")
    return {slug: (name, category) for slug, name, category in migration.TOPICS}


def derived_uid(*parts):
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(map(repr, parts))))


def is_key(value):
    return isinstance(value, list) and all(isinstance(part, str | int) for part in value)


class Converter:
    """Converts objects one at a time; the records they imply come out of
    ``pending()`` (right after) and ``finish()`` (those needing the whole file)."""

    def __init__(self):
        self.queue = []
        self.statements = {}  # uid → (index, line, fields, speaker key)
        self.points = {}  # point key → (title, text)
        self.links = []  # (index, line, earlier key, later key, title, text)
        self.actors = {}  # actor slug → role, from the file
        self.topics = set()
        self.converted = 0

    def pending(self):
        queued, self.queue = self.queue, []
        return queued

    def convert(self, index, line, raw):
        """The object in today's format (unchanged when it is already)."""
        if not isinstance(raw, dict) or not isinstance(raw.get("fields"), dict):
            return raw
        model = str(raw.get("model", "")).lower()
        fields = raw["fields"]
        if model == "tracker.actor" and isinstance(fields.get("slug"), str):
            self.actors[fields["slug"]] = fields.get("role") or ""
        if model == "tracker.point":
            return self.point(index, line, raw, fields)
        if model == "tracker.plan" and "authored_by" in fields:
            return self.plan(index, line, raw, fields)
        if model == "tracker.position" and "statement" not in fields:
            return self.position(index, line, raw, fields)  # a coding names its statement
        return raw

    def point(self, index, line, raw, fields):
        # The point's own key, when the file gives one a key can be (the checks refuse
        # the rest later, with the line it is on).
        plan, number = fields.get("plan"), fields.get("number")
        key = (*plan, number) if is_key(plan) and isinstance(number, str | int) else None
        if key:
            self.points[key] = (fields.get("title"), fields.get("text"))
        if "topic" not in fields and "derived_from" not in fields:
            return raw
        self.converted += 1
        fields = dict(fields)
        topic = fields.pop("topic", None)
        if "topic" in raw["fields"] and "topics" not in fields:
            fields["topics"] = [[topic]] if isinstance(topic, str) and topic else []
            if isinstance(topic, str) and topic:
                self.topic(index, line, topic)
        earlier = fields.pop("derived_from", None)
        if is_key(earlier) and key:
            self.links.append((index, line, tuple(earlier), key))
        return {**raw, "fields": fields}

    def topic(self, index, line, slug):
        if slug in self.topics:
            return
        self.topics.add(slug)
        if Topic.objects.filter(slug=slug).exists():
            return
        name, category = topic_names().get(slug, (slug.replace("_", " ").capitalize(), ""))
        fields = {"slug": slug, "name": name, "pax_category": category}
        self.queue.append((index, line, {"model": "tracker.topic", "fields": fields}))

    def plan(self, index, line, raw, fields):
        self.converted += 1
        fields = dict(fields)
        author = fields.pop("authored_by")
        if is_key(author) and isinstance(fields.get("slug"), str):
            made = {
                "uid": derived_uid("author", fields["slug"], *author),
                "plan": [fields["slug"]],
                "party": author,
                "role": "proposer",
                "certainty": fields.get("certainty", "medium"),
                "note": "From the plan's single “authored by” field.",
            }
            self.queue.append((index, line, {"model": "tracker.planauthor", "fields": made}))
        return {**raw, "fields": fields}

    def position(self, index, line, raw, fields):
        """The coding; its statement is made once the whole file is read."""
        self.converted += 1
        fields = dict(fields)
        party = fields.pop("party", None)
        speaker = fields.pop("speaker", None)
        source = fields.pop("source", None)
        quote = fields.pop("quote", "") or ""
        said_on = fields.pop("stated_on", None)
        fields.pop("coded_by", None)
        if isinstance(quote, str) and quote.strip():
            group = ("statement", party, speaker, said_on, quote.strip(), source)
        else:
            group = ("statement", fields.get("uid"))
        uid = derived_uid(*group)
        if uid not in self.statements:
            statement = {
                "uid": uid,
                "party": party,
                "speaker": speaker,
                "attribution": "" if speaker else UNNAMED,
                "said_on": said_on,
                "precision": "day",
                "language": "en",
                "text": quote,
                "summary": fields.get("summary", ""),
                "sources": [source] if source is not None else [],
                "certainty": fields.get("certainty", "high"),
            }
            self.statements[uid] = (index, line, statement, speaker)
        fields["statement"] = [uid]
        if fields.get("stance") == "conditional" and not fields.get("conditions"):
            fields["conditions"] = fields.get("summary", "")
        return {**raw, "fields": fields}

    def finish(self):
        """The statements and lineage links, once every actor and point is known."""
        yield from self.pending()
        speakers = {key[0] for *_, key in self.statements.values() if is_key(key) and len(key) == 1}
        known = Actor.objects.filter(slug__in=speakers - set(self.actors))
        roles = dict(known.values_list("slug", "role"))
        roles.update(self.actors)
        for index, line, fields, speaker in self.statements.values():
            if is_key(speaker) and len(speaker) == 1:
                fields["capacity"] = str(roles.get(speaker[0], ""))[:200]
            yield index, line, {"model": "tracker.statement", "fields": fields}
        for index, line, earlier, later in self.links:
            kind = "same" if self.wording(earlier) == self.points.get(later) else "revised"
            fields = {
                "uid": derived_uid("link", *earlier, *later),
                "earlier": list(earlier),
                "later": list(later),
                "plan": [later[0]],
                "kind": kind,
                "note": "From the point's single “derives from” link.",
            }
            yield index, line, {"model": "tracker.pointlink", "fields": fields}

    def wording(self, key):
        """The title and text of a point, from the file or else the database."""
        if key in self.points:
            return self.points[key]
        try:
            point = Point.objects.get_by_natural_key(*key)
        except (Point.DoesNotExist, TypeError, ValueError):
            return None
        return (point.title, point.text)
