"""Statements and their codings for tests: one call makes both.

``coded(party, stance, point=..., stated_on=..., source=..., speaker=...,
quote=...)`` makes a statement (said by ``speaker``, or attributed to an
unnamed official of ``party``) and one coding of it, and returns the coding.
Pass ``statement=`` to add a coding to a statement already made.
"""

import datetime

from tracker.models import Position, Source, Statement, Topic

DAY = datetime.date(2025, 11, 27)


def said(party, *, speaker=None, stated_on=DAY, source=None, quote="", language="en", **extra):
    """A statement of ``party`` with its source (one is made when none is given)."""
    source = source or Source.objects.get_or_create(slug="test-source", defaults={"title": "T"})[0]
    statement = Statement.objects.create(
        party=party,
        speaker=speaker,
        attribution="" if speaker else f"An unnamed {party.short_name} official",
        said_on=stated_on,
        language=language,
        text=quote,
        summary=extra.pop("statement_summary", "What was said."),
        **extra,
    )
    statement.sources.add(source)
    return statement


def coded(
    party=None,
    stance="supports",
    *,
    statement=None,
    summary="Reading.",
    conditions="",
    certainty="high",
    point=None,
    component=None,
    plan=None,
    provision=None,
    **said_with,
):
    """A coding of ``statement`` (made from ``party`` and ``said_with`` when not given)."""
    statement = statement or said(party, **said_with)
    if stance == "conditional" and not conditions:
        conditions = "Conditions as stated."
    return Position.objects.create(
        statement=statement,
        stance=stance,
        summary=summary,
        conditions=conditions,
        certainty=certainty,
        point=point,
        component=component,
        plan=plan,
        provision=provision,
    )


def territory_topic():
    """The controlled list's "Territory" topic (a test database starts without topics)."""
    return Topic.objects.update_or_create(
        slug="territory",
        defaults={"name": "Territory", "pax_category": "Territory and state definition"},
    )[0]
