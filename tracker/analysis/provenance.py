"""Verbatim texts checked against their sources' stored texts, each in its own language."""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch

from ..models import (
    Position,
    Source,
    Statement,
    Translation,
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


def found_in_normalised(quote, text):
    """Whether ``quote`` appears verbatim in ``text`` (already normalised).

    An ellipsis in the quote ("if he ... rained") marks an omission: the
    pieces must then appear in order.
    """
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


def normalised_verdict(quote, texts):
    """The quote checked against ``texts`` (normalised): verified when it is in one."""
    if not quote.strip():
        return Verdict.NO_QUOTE
    if not texts:
        return Verdict.UNVERIFIABLE
    found = any(found_in_normalised(quote, text) for text in texts)
    return Verdict.VERIFIED if found else Verdict.NOT_FOUND


PROVENANCE_LISTS = ["not_found", "unverifiable", "no_quote", "undated_source", "verified"]
PROVENANCE_SHOWN = 100


@dataclass
class Check:
    """One text checked: a statement's verbatim words, or one translation of them."""

    statement: Statement
    translation: Translation | None
    verdict: str

    @property
    def text(self):
        return self.translation.text if self.translation else self.statement.text

    @property
    def language(self):
        return self.translation.language if self.translation else self.statement.language

    @property
    def sources(self):
        """The sources the text is checked against."""
        if self.translation:
            return [self.translation.source] if self.translation.source_id else []
        return list(self.statement.sources.all())


@dataclass
class ProvenanceReport:
    """Per list, the checks shown (one page of it) and how many there are."""

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
    """Every statement's verbatim text checked against the stored full texts of
    its sources in the statement's own language, and every published
    translation against the text of the source that publishes it.

    A fixed number of queries at any size: the statements' texts, their
    sources (ids, languages, dates), the published translations, the stored
    texts of those sources (each normalised once), all as plain values; then
    the statements shown (``limit`` from ``offset`` of each list, or of the
    list named ``only``) with their evidence, without the full texts.
    """
    statements = Statement.objects.order_by("-said_on", "pk").values_list("pk", "text", "language")
    cited = defaultdict(list)  # statement -> [(source, language)]
    undated = set()
    for statement, source, language, published_on in Statement.sources.through.objects.values_list(
        "statement", "source", "source__language", "source__published_on"
    ):
        cited[statement].append((source, language))
        if published_on is None:
            undated.add(statement)
    translations = Translation.objects.filter(source__isnull=False).values_list(
        "pk", "statement", "text", "source"
    )
    wanted = {source for pairs in cited.values() for source, _ in pairs}
    translations = list(translations)
    wanted |= {source for _, _, _, source in translations}
    texts = {
        pk: normalise(text)
        for pk, text in Source.objects.filter(pk__in=wanted)
        .order_by()
        .exclude(full_text="")
        .values_list("pk", "full_text")
    }
    lists = {name: [] for name in PROVENANCE_LISTS}
    verdicts = {}
    by_statement = defaultdict(list)
    for pk, statement, text, source in translations:
        by_statement[statement].append((pk, text, source))
    for pk, text, language in statements:
        own = [texts[s] for s, lang in cited[pk] if lang == language and s in texts]
        key = ("statement", pk)
        verdicts[key] = normalised_verdict(text, own)
        lists[verdicts[key]].append(key)
        if pk in undated:
            lists["undated_source"].append(key)
        for translation, rendered, source in by_statement.get(pk, ()):
            key = ("translation", translation)
            verdicts[key] = normalised_verdict(rendered, [texts[source]] if source in texts else [])
            lists[verdicts[key]].append((key[0], translation, pk))
    shown = {
        name: keys[offset : offset + limit] if only in (None, name) else []
        for name, keys in lists.items()
    }
    return ProvenanceReport(
        **checks_shown(shown, verdicts),
        counts={name: len(keys) for name, keys in lists.items()},
        offset=offset,
        limit=limit,
    )


def statement_of(key):
    return key[-1] if key[0] == "translation" else key[1]


def checks_shown(shown, verdicts):
    """The shown keys as Checks, from one read of their statements with evidence."""
    wanted = {statement_of(key) for keys in shown.values() for key in keys}
    without_text = Source.objects.defer("full_text")
    statements = (
        Statement.objects.select_related("party", "speaker")
        .prefetch_related(
            Prefetch("sources", queryset=without_text),
            Prefetch(
                "translations",
                queryset=Translation.objects.select_related("source").defer("source__full_text"),
            ),
            Prefetch("positions", queryset=Position.objects.with_subject()),
        )
        .in_bulk(wanted)
        if wanted
        else {}
    )

    def check(key):
        statement = statements[statement_of(key)]
        if key[0] == "statement":
            return Check(statement, None, verdicts[key])
        translation = next(t for t in statement.translations.all() if t.pk == key[1])
        return Check(statement, translation, verdicts[key[:2]])

    return {name: [check(key) for key in keys] for name, keys in shown.items()}
