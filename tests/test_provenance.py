"""Provenance: quotes checked against their sources' stored full texts."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import escape

from tests.conftest import populate
from tests.evidence import coded, said
from tests.seeding import load_seed
from tracker.analysis.provenance import (
    Verdict,
    found_in_normalised,
    normalise,
    normalised_verdict,
    provenance_report,
)
from tracker.models import Change, Source, Statement, Translation

pytestmark = pytest.mark.django_db

REUTERS = "reuters-bishkek-2025-11-27"
TEXT = (
    'Putin said: "Ukrainian troops must withdraw from the territories they hold, and then\n'
    "the fighting will cease.\u201d He called it \u2018complete nonsense\u2019 \u2014 twice."
)


def test_normalising_evens_out_whitespace_quote_marks_and_dashes():
    assert normalise("\u201ca\u00a0 b\u201d \u2013 \u2018c\u2019\n\u2014d") == "\"a b\" - 'c' -d"


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        (
            "Ukrainian troops must withdraw from the territories they hold, and then the fighting",
            True,
        ),
        ("\u201ccomplete nonsense\u201d", True),
        ("'complete nonsense' - twice", True),
        ("Ukrainian troops must withdraw \u2026 the fighting will cease", True),
        ("Ukrainian troops must withdraw ... the fighting will cease", True),
        ("the fighting will cease ... Ukrainian troops", False),  # pieces out of order
        ("Ukrainian troops must leave", False),
        ("ukrainian troops must withdraw", False),  # case counts
    ],
)
def test_a_quote_is_found_only_verbatim(quote, expected):
    assert found_in_normalised(quote, normalise(TEXT)) is expected


def test_the_verdicts():
    text = normalise(TEXT)
    assert normalised_verdict("complete nonsense", [text]) == Verdict.VERIFIED
    assert normalised_verdict("complete nonsense", ["other", text]) == Verdict.VERIFIED
    assert normalised_verdict("complete rubbish", [text]) == Verdict.NOT_FOUND
    assert normalised_verdict("complete nonsense", []) == Verdict.UNVERIFIABLE
    assert normalised_verdict("  ", [text]) == Verdict.NO_QUOTE


def statements(checks):
    return [check.statement for check in checks]


@pytest.fixture
def quotes(position, source, russia, point):
    source.full_text = TEXT
    source.save()
    verified = position.statement
    verified.text = "complete nonsense"
    verified.save()
    misquoted = said(russia, quote="total nonsense", source=source)
    bare = Source.objects.create(slug="tv", title="TV interview")  # undated, no text
    unverifiable = said(russia, quote="We will see", source=bare)
    no_quote = said(russia, source=source)
    for statement in (misquoted, unverifiable, no_quote):
        coded(statement=statement, point=point)
    return verified, misquoted, unverifiable, no_quote


def test_the_report_sorts_statements_by_verdict(quotes):
    verified, misquoted, unverifiable, no_quote = quotes
    report = provenance_report()
    assert statements(report.verified) == [verified]
    assert statements(report.not_found) == [misquoted]
    assert statements(report.unverifiable) == [unverifiable]
    assert statements(report.no_quote) == [no_quote]
    assert statements(report.undated_source) == [unverifiable]
    assert set(statements(report.lacking)) == {misquoted, unverifiable}


def test_a_quote_is_checked_against_its_sources_in_its_own_language(russia, point):
    english = Source.objects.create(
        slug="reuters-en", title="Reuters", language="en", full_text="He said: We will see."
    )
    russian = Source.objects.create(
        slug="kremlin-ru",
        title="Kremlin transcript",
        language="ru",
        full_text="Он сказал: посмотрим.",
    )
    found = said(russia, quote="посмотрим", language="ru", source=russian)
    found.sources.add(english)
    missing = said(russia, quote="увидим", language="ru", source=russian)
    # Only an English text is kept: a Russian quote cannot be checked against it.
    unchecked = said(russia, quote="We will see", language="ru", source=english)
    report = provenance_report()
    assert statements(report.verified) == [found]
    assert statements(report.not_found) == [missing]
    assert statements(report.unverifiable) == [unchecked]


def test_a_translation_is_checked_against_its_own_source(russia, point):
    russian = Source.objects.create(
        slug="kremlin-ru", title="Kremlin transcript", language="ru", full_text="посмотрим"
    )
    reuters = Source.objects.create(
        slug="reuters-en", title="Reuters", language="en", full_text="Putin said: we will see."
    )
    statement = said(russia, quote="посмотрим", language="ru", source=russian)
    right = Translation.objects.create(
        statement=statement,
        language="en",
        text="we will see",
        rendered_by="Reuters",
        source=reuters,
    )
    wrong = Translation.objects.create(
        statement=statement,
        language="de",
        text="wir werden sehen",
        rendered_by="dpa",
        source=reuters,
    )
    Translation.objects.create(  # the analyst's own: nothing to check it against
        statement=statement, language="fr", text="on verra", rendered_by="the analyst"
    )
    report = provenance_report()
    assert [(c.statement, c.translation) for c in report.verified] == [
        (statement, None),
        (statement, right),
    ]
    assert [c.translation for c in report.not_found] == [wrong]
    assert report.counts["unverifiable"] == 0


def test_the_page_shows_the_original_and_the_translation_with_their_languages(
    client, russia, point
):
    russian = Source.objects.create(slug="kremlin-ru", title="Kremlin", language="ru")
    statement = said(russia, quote="посмотрим", language="ru", source=russian)
    Translation.objects.create(
        statement=statement,
        language="en",
        text="we will see",
        rendered_by="Reuters",
        source=russian,
    )
    coding = coded(statement=statement, point=point)
    body = client.get("/provenance/").content.decode()
    assert '<blockquote lang="ru">“посмотрим”</blockquote>' in body
    assert '<blockquote lang="en">“we will see”</blockquote>' in body
    assert 'Translation into <span class="lang">en</span> by Reuters' in body
    assert coding.get_absolute_url() in body


def test_the_page_lists_quotes_not_found_unverifiable_and_missing(client, quotes):
    verified, misquoted, unverifiable, no_quote = quotes
    response = client.get("/provenance/")
    body = response.content.decode()
    assert response.status_code == 200

    def codings(statement):
        return statement.positions.get().get_absolute_url()

    section = body[body.index('id="not-found"') : body.index('id="unverifiable"')]
    assert codings(misquoted) in section and codings(verified) not in section
    section = body[body.index('id="unverifiable"') : body.index('id="no-quote"')]
    assert codings(unverifiable) in section
    section = body[body.index('id="no-quote"') : body.index('id="undated"')]
    assert codings(no_quote) in section
    section = body[body.index('id="undated"') : body.index('id="verified"')]
    assert codings(unverifiable) in section and "undated" in section
    assert "curly and straight quotation marks" in body
    assert TEXT[:40] not in body, "the source's full text is never shown"


def test_the_page_costs_the_same_queries_at_two_sizes(
    client, quotes, plan, django_assert_num_queries
):
    populate(plan, parties=1, points=2)
    # change marker (ETag), statements' texts, their sources' ids, languages and dates,
    # published translations, the stored texts of those sources; the statements shown
    # with party and speaker, their sources (without full texts), translations, codings
    with django_assert_num_queries(9):
        assert client.get("/provenance/").status_code == 200
    other = plan.__class__.objects.create(slug="other", title="o", short_title="o")
    populate(other, parties=6, points=40, positions_per_cell=2)
    with django_assert_num_queries(9):
        assert client.get("/provenance/").status_code == 200
    with django_assert_num_queries(9):
        assert client.get("/provenance/?list=no_quote").status_code == 200
    # a page past the end of a list shows no statement: nothing more is read
    with django_assert_num_queries(5):
        assert client.get("/provenance/?list=verified&page=2").status_code == 200


def test_a_long_list_is_shown_a_page_at_a_time(client, quotes, plan):
    populate(plan, parties=3, points=50, positions_per_cell=40)  # 120 statements, no text
    count = Statement.objects.filter(text="").count()
    assert count > 100
    body = client.get("/provenance/").content.decode()
    assert f"All {count}, 100 to a page" in body
    first = client.get("/provenance/?list=no_quote")
    second = client.get("/provenance/?list=no_quote&page=2")
    assert len(first.context["report"].no_quote) == 100
    assert len(second.context["report"].no_quote) == count - 100
    assert not set(statements(first.context["report"].no_quote)) & set(
        statements(second.context["report"].no_quote)
    )
    assert f"101–{count} of {count}" in second.content.decode()
    assert 'id="verified"' not in second.content.decode()
    for bad in (
        "?list=nope",
        "?list=no_quote&page=-1",
        "?page=x",
        "?list=no_quote&page=999",
        "?list=no_quote&page=%C2%B2",
    ):
        assert client.get("/provenance/" + bad).status_code == 200


def test_attach_source_text_stores_the_file_and_records_the_change(source, tmp_path):
    text_file = tmp_path / "article.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    call_command("attach_source_text", source.slug, str(text_file), stdout=io.StringIO())
    source.refresh_from_db()
    assert source.full_text == TEXT
    assert source.version == 2
    change = Change.objects.filter(model="source", object_id=source.pk).first()
    assert "article.txt" in change.summary


@pytest.mark.parametrize("problem", ["unknown slug", "missing file", "empty file", "binary"])
def test_attach_source_text_refuses_bad_input(source, tmp_path, problem):
    path = tmp_path / "f.txt"
    path.write_bytes({"empty file": b"  \n", "binary": b"\xff\xfe\x00bad"}.get(problem, b"text"))
    slug = "nope" if problem == "unknown slug" else source.slug
    if problem == "missing file":
        path = tmp_path / "missing.txt"
    with pytest.raises(CommandError):
        call_command("attach_source_text", slug, str(path))
    source.refresh_from_db()
    assert source.full_text == ""


# The seed: which quotes lack a verified source.


def quoted():
    return Statement.objects.exclude(text="")


def test_on_the_seed_every_quote_is_unverifiable_until_a_text_is_attached(client):
    load_seed()
    report = client.get("/provenance/").context["report"]
    texts = {c.statement for c in report.unverifiable if c.translation is None}
    assert texts == set(quoted()) and quoted().exists()
    assert report.verified == [] and report.not_found == []


def test_on_the_seed_with_the_article_attached_it_shows_which_quotes_lack_a_verified_source(
    client, seed_article
):
    # The article is English: what it can verify is Reuters' English renderings of Putin's
    # Russian (translations published by it). The Russian originals that cite it are checked
    # only against Russian texts, none of which is attached, so they still lack a verified
    # source rather than being "verified" by an English article.
    load_seed()
    call_command("attach_source_text", REUTERS, str(seed_article), stdout=io.StringIO())
    report = client.get("/provenance/").context["report"]
    rendered = set(Translation.objects.filter(source__slug=REUTERS, language="en"))
    assert len(rendered) >= 5
    assert {c.translation for c in report.verified} == rendered
    assert report.not_found == []
    originals = set(quoted().filter(sources__slug=REUTERS))
    assert originals and all(s.language == "ru" for s in originals)
    lacking = {c.statement for c in report.lacking if c.translation is None}
    assert originals <= lacking
    assert not {c.statement for c in report.verified if c.translation is None}


def test_on_the_seed_with_a_text_of_our_own_it_tells_found_quotes_from_missing_ones(
    client, tmp_path
):
    # The same check as with the article, on a text these tests write: all but one of
    # Reuters' English renderings, between sentences of layout the check ignores.
    load_seed()
    rendered = list(Translation.objects.filter(source__slug=REUTERS, language="en").order_by("pk"))
    assert len(rendered) >= 2
    missing, found = rendered[0], rendered[1:]
    body = "\n\n".join(f"He said:\u00a0\u201c{t.text}\u201d \u2014 and went on." for t in found)
    article = tmp_path / "article.txt"
    article.write_text(f"BISHKEK, Nov 27 (Reuters) \u2013\n{body}\n", encoding="utf-8")
    call_command("attach_source_text", REUTERS, str(article), stdout=io.StringIO())
    report = client.get("/provenance/").context["report"]
    assert {c.translation for c in report.verified} == set(found)
    assert [c.translation for c in report.not_found] == [missing]
    body = client.get("/provenance/").content.decode()
    assert escape(missing.text) in body.split('id="not-found"')[1].split("</section>")[0]
