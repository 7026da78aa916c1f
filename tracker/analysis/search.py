"""Searching every kind of record: PostgreSQL full-text search, a plain fallback elsewhere."""

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
)

WORD = re.compile(r"\w+")


def search_words(text):
    return WORD.findall(text or "")[:10]


@dataclass
class SearchKind:
    label: str
    model: type
    fields: list
    # filter name -> lookup; a kind without a filter that is set is left out
    filters: dict
    related: tuple = ()


SEARCH_KINDS = {
    "points": SearchKind(
        "Points",
        Point,
        ["title", "text"],
        {"topic": "topic", "plan": "plan"},
        ("plan", "component"),
    ),
    "positions": SearchKind(
        "Positions",
        Position,
        ["summary", "quote"],
        {
            "party": "party",
            "stance": "stance",
            "topic": "point__topic",
            "plan": None,  # on a point, component or the plan itself; see plan_filter
            "start": "stated_on__gte",
            "end": "stated_on__lte",
        },
        ("party", "speaker", "source", "point__plan", "component__plan", "plan"),
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


def matching(kind, words):
    """The kind's records containing every word.

    PostgreSQL: full-text search with the "simple" configuration and prefix
    terms (``word:*``), ranked. "simple" neither stems nor drops stop words,
    so it matches what the SQLite fallback (every word ``icontains`` in one
    of the fields) matches, except for words found only inside another word.
    """
    queryset = kind.model.objects.select_related(*kind.related)
    if uses_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*kind.fields, config="simple")
        query = SearchQuery(
            " & ".join(f"{word}:*" for word in words), config="simple", search_type="raw"
        )
        return (
            queryset.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-rank", "pk")
        )
    condition = Q()
    for word in words:
        any_field = Q()
        for name in kind.fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return queryset.filter(condition).order_by("pk")


def plan_filter(plan):
    return Q(point__plan=plan) | Q(component__plan=plan) | Q(plan=plan)


def search(data, kinds=None, cap=SEARCH_CAP, offset=0):
    """Results grouped by kind: {kind: (label, records, more)}, one query a kind.

    ``more`` says whether records beyond ``cap`` exist (one extra row is read
    instead of counting). Filters apply to the kinds that carry them; a kind
    without a filter that is set is left out.
    """
    words = search_words(data.get("q"))
    if not words:
        return {}
    results = {}
    for name, kind in SEARCH_KINDS.items():
        if kinds and name not in kinds:
            continue
        set_filters = [
            key for key in ("party", "stance", "topic", "plan", "start", "end") if data.get(key)
        ]
        if any(key not in kind.filters for key in set_filters):
            continue
        queryset = matching(kind, words)
        for key in set_filters:
            lookup = kind.filters[key]
            queryset = (
                queryset.filter(plan_filter(data[key]))
                if lookup is None
                else queryset.filter(**{lookup: data[key]})
            )
        if "party" in set_filters and name == "events":
            queryset = queryset.distinct()
        records = list(queryset[offset : offset + cap + 1])
        results[name] = (kind.label, records[:cap], len(records) > cap)
    return results
