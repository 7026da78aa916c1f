"""Provenance: quotes checked against their sources' stored full texts."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import escape

from tests.conftest import STATED_ON, populate
from tracker.analysis.provenance import Verdict, normalise, provenance_report, quote_found, verdict
from tracker.models import Change, Position, Source

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
    assert quote_found(quote, TEXT) is expected


def test_the_verdicts():
    assert verdict("complete nonsense", TEXT) == Verdict.VERIFIED
    assert verdict("complete rubbish", TEXT) == Verdict.NOT_FOUND
    assert verdict("complete nonsense", "") == Verdict.UNVERIFIABLE
    assert verdict("  ", TEXT) == Verdict.NO_QUOTE


@pytest.fixture
def quotes(position, source, russia, point):
    source.full_text = TEXT
    source.save()
    position.quote = "complete nonsense"
    position.save()
    misquoted = Position.objects.create(
        party=russia,
        point=point,
        stance="opposes",
        summary="Misquoted",
        quote="total nonsense",
        stated_on=STATED_ON,
        source=source,
    )
    bare = Source.objects.create(slug="tv", title="TV interview")  # undated, no text
    unverifiable = Position.objects.create(
        party=russia,
        point=point,
        stance="opposes",
        summary="On TV",
        quote="We will see",
        stated_on=STATED_ON,
        source=bare,
    )
    no_quote = Position.objects.create(
        party=russia,
        point=point,
        stance="unclear",
        summary="Paraphrase only",
        stated_on=STATED_ON,
        source=source,
    )
    return position, misquoted, unverifiable, no_quote


def test_the_report_sorts_positions_by_verdict(quotes):
    verified, misquoted, unverifiable, no_quote = quotes
    report = provenance_report()
    assert report.verified == [verified]
    assert report.not_found == [misquoted]
    assert report.unverifiable == [unverifiable]
    assert report.no_quote == [no_quote]
    assert report.undated_source == [unverifiable]
    assert set(report.lacking) == {misquoted, unverifiable}


def test_the_page_lists_quotes_not_found_unverifiable_and_missing(client, quotes):
    verified, misquoted, unverifiable, no_quote = quotes
    response = client.get("/provenance/")
    body = response.content.decode()
    assert response.status_code == 200
    section = body[body.index('id="not-found"') : body.index('id="unverifiable"')]
    assert misquoted.get_absolute_url() in section and verified.get_absolute_url() not in section
    section = body[body.index('id="unverifiable"') : body.index('id="no-quote"')]
    assert unverifiable.get_absolute_url() in section
    section = body[body.index('id="no-quote"') : body.index('id="undated"')]
    assert no_quote.get_absolute_url() in section
    section = body[body.index('id="undated"') : body.index('id="verified"')]
    assert unverifiable.get_absolute_url() in section and "undated" in section
    assert "curly and straight quotation marks" in body
    assert TEXT[:40] not in body, "the source's full text is never shown"


def test_the_page_costs_the_same_queries_at_two_sizes(
    client, quotes, plan, django_assert_num_queries
):
    populate(plan, parties=1, points=2)
    # change marker (ETag), quotes and their sources' ids, full texts of cited
    # sources, the positions shown with their subjects (without full texts)
    with django_assert_num_queries(4):
        assert client.get("/provenance/").status_code == 200
    other = plan.__class__.objects.create(slug="other", title="o", short_title="o")
    populate(other, parties=6, points=40, positions_per_cell=2)
    with django_assert_num_queries(4):
        assert client.get("/provenance/").status_code == 200
    with django_assert_num_queries(4):
        assert client.get("/provenance/?list=no_quote&page=2").status_code == 200


def test_a_long_list_is_shown_a_page_at_a_time(client, quotes, plan):
    populate(plan, parties=3, points=50)  # 150 positions without a quote
    count = Position.objects.filter(quote="").count()
    assert count > 100
    body = client.get("/provenance/").content.decode()
    assert f"All {count}, 100 to a page" in body
    first = client.get("/provenance/?list=no_quote")
    second = client.get("/provenance/?list=no_quote&page=2")
    assert len(first.context["report"].no_quote) == 100
    assert len(second.context["report"].no_quote) == count - 100
    assert not set(first.context["report"].no_quote) & set(second.context["report"].no_quote)
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


def test_on_the_seed_every_quote_is_unverifiable_until_a_text_is_attached(client):
    call_command("loaddata", "seed", verbosity=0)
    report = client.get("/provenance/").context["report"]
    quoted = Position.objects.exclude(quote="")
    assert set(report.unverifiable) == set(quoted) and quoted.exists()
    assert report.verified == [] and report.not_found == []


def test_on_the_seed_with_the_article_attached_it_shows_which_quotes_lack_a_verified_source(
    client, seed_article
):
    call_command("loaddata", "seed", verbosity=0)
    call_command("attach_source_text", REUTERS, str(seed_article), stdout=io.StringIO())
    report = client.get("/provenance/").context["report"]
    quoted = Position.objects.exclude(quote="")
    assert set(report.verified) == set(quoted.filter(source__slug=REUTERS))
    assert len(report.verified) >= 5
    assert report.not_found == []
    assert set(report.lacking) == set(quoted.exclude(source__slug=REUTERS))
    assert "everything is on the table" in {p.quote for p in report.lacking}


def test_on_the_seed_with_a_text_of_our_own_it_tells_found_quotes_from_missing_ones(
    client, tmp_path
):
    # The same check as with the article, on a text these tests write: all but one of the
    # quotes citing the Reuters source, between sentences of layout the check must ignore.
    call_command("loaddata", "seed", verbosity=0)
    quoted = Position.objects.exclude(quote="")
    cited = list(quoted.filter(source__slug=REUTERS).order_by("pk"))
    assert len(cited) >= 2
    missing, found = cited[0], cited[1:]
    body = "\n\n".join(f"He said:\u00a0\u201c{p.quote}\u201d \u2014 and went on." for p in found)
    article = tmp_path / "article.txt"
    article.write_text(f"BISHKEK, Nov 27 (Reuters) \u2013\n{body}\n", encoding="utf-8")
    call_command("attach_source_text", REUTERS, str(article), stdout=io.StringIO())
    report = client.get("/provenance/").context["report"]
    assert set(report.verified) == set(found)
    assert report.not_found == [missing]
    assert set(report.lacking) == set(quoted.exclude(source__slug=REUTERS)) | {missing}
    body = client.get("/provenance/").content.decode()
    assert escape(missing.quote) in body.split('id="not-found"')[1].split("</section>")[0]
