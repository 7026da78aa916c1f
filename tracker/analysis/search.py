"""Searching every kind of record: PostgreSQL full-text search, a plain fallback elsewhere.

Statements are found in every language they are recorded in (the verbatim
text, its translations, the analyst's summary); points and codings are also
found through their topics, with a loose match on the topic's name, so that
"territorial" finds the points under "Territory".
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from ..models import (
    Actor,
    Event,
    Point,
    Position,
    Source,
    Statement,
    Topic,
    Translation,
)

WORD = re.compile(r"\w+")
# Endings dropped before a word is compared with a topic's name: enough for
# "territorial" ~ "Territory", "sanctions" ~ "Sanction", "guarantees" ~ "Guarantee".
ENDINGS = (
    "ations",
    "ation",
    "ions",
    "ion",
    "ities",
    "ity",
    "ial",
    "ies",
    "al",
    "es",
    "s",
    "y",
    "e",
)
MIN_STEM = 4


def search_words(text):
    return WORD.findall(text or "")[:10]


def stem(word):
    word = word.casefold()
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def topics_matching(word, topics):
    """The pks of ``topics`` ((pk, slug, name) rows) one of whose words begins
    with the word's stem, or has the same stem."""
    wanted = stem(word)
    found = set()
    for pk, slug, name in topics:
        for part in WORD.findall(f"{slug} {name}".replace("_", " ")):
            part = part.casefold()
            if part.startswith(wanted) or stem(part) == wanted:
                found.add(pk)
                break
    return found


@dataclass
class SearchKind:
    label: str
    model: type
    fields: list
    # filter name -> lookup; a kind without a filter that is set is left out
    filters: dict
    related: tuple = ()
    prefetch: tuple = ()
    # the lookup from this kind to its statement, whose translations are searched too
    statement: str | None = None
    # the lookup from this kind to the point whose topics it is found by
    point: str | None = None


SEARCH_KINDS = {
    "points": SearchKind(
        "Points",
        Point,
        ["title", "text"],
        {"topic": "topics", "plan": "plan"},
        ("plan", "component"),
        ("topics",),
        point="pk",
    ),
    "positions": SearchKind(
        "Positions",
        Position,
        ["summary", "statement__text", "statement__summary"],
        {
            "party": "statement__party",
            "stance": "stance",
            "topic": "point__topics",
            "plan": None,  # on a point, component or the plan itself: PositionQuerySet.on_plan
            "start": "stated_on__gte",
            "end": "stated_on__lte",
        },
        ("party", "statement__speaker", "provision", "point__plan", "component__plan", "plan"),
        ("statement__sources",),
        statement="statement",
        point="point",
    ),
    "statements": SearchKind(
        "Statements",
        Statement,
        ["text", "summary", "attribution"],
        {"party": "party", "start": "said_on__gte", "end": "said_on__lte"},
        ("party", "speaker"),
        ("sources", "translations"),
        statement="pk",
    ),
    "sources": SearchKind(
        "Sources",
        Source,
        ["title", "publisher"],
        {"start": "published_on__gte", "end": "published_on__lte"},
    ),
    "events": SearchKind(
        "Events",
        Event,
        ["title", "description"],
        {"party": "parties", "start": "occurred_on__gte", "end": "occurred_on__lte"},
        ("source",),
    ),
    "actors": SearchKind("Actors", Actor, ["name", "role"], {"party": "party"}, ("party",)),
}

SEARCH_CAP = 10
SEARCH_PAGE = 50


def uses_postgres():
    return connection.vendor == "postgresql"


def word_query(word):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(f"{word}:*", config="simple", search_type="raw")


def text_match(model, fields, word):
    """A condition on ``model``: one of ``fields`` holds a word beginning with ``word``.

    PostgreSQL: full-text search with the "simple" configuration and a
    prefix term (``word:*``); "simple" neither stems nor drops stop words.
    Elsewhere (SQLite) a case-insensitive pattern anchored at the start of a
    word, so that both match the same records: a plain ``icontains`` would
    find "NATO" inside "Senators" (and, being SQLite's LIKE, would ignore case
    in ASCII only: "путин" would miss "Путин").
    """
    if uses_postgres():
        from django.contrib.postgres.search import SearchVector

        matching = model.objects.annotate(document=SearchVector(*fields, config="simple")).filter(
            document=word_query(word)
        )
        return Q(pk__in=matching.values("pk"))
    at_word_start = rf"(?<!\w){re.escape(word)}"
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__iregex": at_word_start})
    return condition


def word_condition(kind, word, topics):
    """The kind's records holding ``word``: in their own fields, in a
    translation of their statement, or in the name of one of their topics."""
    condition = text_match(kind.model, kind.fields, word)
    if kind.statement:
        translated = Translation.objects.filter(text_match(Translation, ["text"], word))
        condition |= Q(**{f"{kind.statement}__in": translated.values("statement")})
    if kind.point:
        found = topics_matching(word, topics)
        if found:
            tagged = Point.topics.through.objects.filter(topic__in=found).values("point")
            condition |= Q(**{f"{kind.point}__in": tagged})
    return condition


def matching(kind, words, topics=()):
    """The kind's records containing every word, ranked on PostgreSQL."""
    queryset = kind.model.objects.select_related(*kind.related).prefetch_related(*kind.prefetch)
    for word in words:
        queryset = queryset.filter(word_condition(kind, word, topics))
    if uses_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = SearchQuery(
            " | ".join(f"{word}:*" for word in words), config="simple", search_type="raw"
        )
        rank = SearchRank(SearchVector(*kind.fields, config="simple"), query)
        return queryset.annotate(rank=rank).order_by("-rank", "pk")
    return queryset.order_by("pk")


FILTERS = ("party", "stance", "topic", "plan", "start", "end")


def search(data, kinds=None, cap=SEARCH_CAP, offset=0):
    """Results grouped by kind: {kind: (label, records, more)}.

    One query for the topics, then one a kind (and one for each of its
    prefetched relations that has rows). ``more`` says whether records beyond
    ``cap`` exist (one extra row is read instead of counting). Filters apply
    to the kinds that carry them; a kind without a filter that is set is left
    out.
    """
    words = search_words(data.get("q"))
    if not words:
        return {}
    topics = list(Topic.objects.values_list("pk", "slug", "name"))
    set_filters = [key for key in FILTERS if data.get(key)]
    results = {}
    for name, kind in SEARCH_KINDS.items():
        if kinds and name not in kinds:
            continue
        if any(key not in kind.filters for key in set_filters):
            continue
        queryset = matching(kind, words, topics)
        for key in set_filters:
            lookup = kind.filters[key]
            queryset = (
                queryset.on_plan(data[key])
                if lookup is None
                else queryset.filter(**{lookup: data[key]})
            )
        if "party" in set_filters and name == "events":
            queryset = queryset.distinct()
        records = list(queryset[offset : offset + cap + 1])
        results[name] = (kind.label, records[:cap], len(records) > cap)
    return results
