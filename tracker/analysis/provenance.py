"""Quotes checked against their source's stored text."""

import re
from dataclasses import dataclass

from ..models import (
    Position,
    Source,
)

QUOTE_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
    }
)
SPACES = re.compile(r"\s+")
ELLIPSIS = re.compile(r"\s*(?:\.\s*){3}\s*|\s*\[\s*\.\.\.\s*\]\s*")


def normalise(text):
    """Text as compared for verbatim quotes: curly and straight quotes, all
    dashes, and runs of whitespace count as the same."""
    return SPACES.sub(" ", (text or "").translate(QUOTE_MARKS)).strip()


class Verdict:
    VERIFIED = "verified"
    NOT_FOUND = "not_found"
    UNVERIFIABLE = "unverifiable"
    NO_QUOTE = "no_quote"

    LABELS = {
        VERIFIED: "verified",
        NOT_FOUND: "not found verbatim",
        UNVERIFIABLE: "unverifiable",
        NO_QUOTE: "no quote",
    }


def quote_found(quote, full_text):
    """Whether ``quote`` appears verbatim in ``full_text`` after normalising.

    An ellipsis in the quote ("if he ... rained") marks an omission: the
    pieces must then appear in order.
    """
    return found_in_normalised(quote, normalise(full_text))


def found_in_normalised(quote, text):
    pieces = [p for p in ELLIPSIS.split(normalise(quote).strip("\"' ")) if p.strip()]
    if not pieces:
        return False
    at = 0
    for piece in pieces:
        found = text.find(piece.strip(), at)
        if found < 0:
            return False
        at = found + len(piece.strip())
    return True


def verdict(quote, full_text):
    return normalised_verdict(quote, normalise(full_text))


def normalised_verdict(quote, text):
    if not quote.strip():
        return Verdict.NO_QUOTE
    if not text:
        return Verdict.UNVERIFIABLE
    return Verdict.VERIFIED if found_in_normalised(quote, text) else Verdict.NOT_FOUND


PROVENANCE_LISTS = ["not_found", "unverifiable", "no_quote", "undated_source", "verified"]
PROVENANCE_SHOWN = 100


@dataclass
class ProvenanceReport:
    """Per list, the positions shown (one page of it) and how many there are."""

    not_found: list
    unverifiable: list
    no_quote: list
    undated_source: list
    verified: list
    counts: dict
    offset: int = 0
    limit: int = PROVENANCE_SHOWN

    @property
    def lacking(self):
        """Quotes without a verified source (those shown)."""
        return self.not_found + self.unverifiable


def provenance_report(only=None, offset=0, limit=PROVENANCE_SHOWN):
    """Every position's quote checked against its source's stored full text.

    Three queries at any size: the quotes alone (no model instances), the
    full texts of the cited sources (each normalised once), then the
    positions shown, with their subjects: ``limit`` from ``offset`` of each
    list, or of the list named ``only``.
    """
    rows = Position.objects.order_by("-stated_on", "pk").values_list(
        "pk", "quote", "source_id", "source__published_on"
    )
    texts = {
        pk: normalise(text)
        for pk, text in Source.objects.filter(positions__isnull=False)
        .exclude(full_text="")
        .distinct()
        .values_list("pk", "full_text")
    }
    lists = {name: [] for name in PROVENANCE_LISTS}
    verdicts = {}
    for pk, quote, source_id, published_on in rows:
        verdicts[pk] = normalised_verdict(quote, texts.get(source_id, ""))
        lists[verdicts[pk]].append(pk)
        if published_on is None:
            lists["undated_source"].append(pk)
    shown = {
        name: pks[offset : offset + limit] if only in (None, name) else []
        for name, pks in lists.items()
    }
    wanted = {pk for pks in shown.values() for pk in pks}
    positions = (
        Position.objects.with_subject().defer("source__full_text").in_bulk(wanted) if wanted else {}
    )
    for pk, position in positions.items():
        position.verdict = verdicts[pk]
    return ProvenanceReport(
        **{name: [positions[pk] for pk in pks] for name, pks in shown.items()},
        counts={name: len(pks) for name, pks in lists.items()},
        offset=offset,
        limit=limit,
    )
