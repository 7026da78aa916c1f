"""Export: the fixture from the command line and the web, and the stance matrix as CSV."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.conftest import STATED_ON, populate
from tests.evidence import coded
from tracker.models import (
    Actor,
    ActorRole,
    Component,
    Delegation,
    Event,
    Party,
    Plan,
    PlanAuthor,
    Point,
    PointLink,
    PointStatus,
    PointText,
    Provision,
    Source,
    Topic,
    Translation,
)
from tracker.transfer import MODELS, apply_import, key_parts, read_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(position, ukraine, point, plan, source):
    """The cast plus an event, a derived plan with a linked point, a second stance,
    and one record of every other tracked kind, many-to-many fields filled."""
    russia, putin = position.party, position.statement.speaker
    event = Event.objects.create(
        slug="bishkek",
        title="CSTO summit",
        kind="summit",
        occurred_on=STATED_ON,
        ends_on=STATED_ON + datetime.timedelta(days=1),
        source=source,
    )
    event.parties.set([ukraine, russia])
    event.plans.set([plan])
    later = Plan.objects.create(
        slug="geneva", title="Geneva framework", short_title="Geneva", derived_from=plan
    )
    geneva_3 = Point.objects.create(plan=later, number=3, title="Territory", text="t")
    PointLink.objects.create(
        earlier=point, later=geneva_3, plan=later, kind="revised", certainty="low"
    )
    coded(ukraine, "opposes", point=point, summary="No withdrawal.", source=source)
    statement = position.statement
    statement.event = event
    statement.save()
    Translation.objects.create(statement=statement, language="ru", text="Да", rendered_by="TASS")
    territory = Topic.objects.update_or_create(slug="territory", defaults={"name": "Territory"})
    point.topics.set([territory[0]])
    provision = Provision.objects.create(point=point, number=1, title="Recognition")
    coded(statement=statement, stance="red_line", point=point, provision=provision)
    PointText.objects.create(
        point=point, language="en", text="Verbatim", standing="leaked", source=source
    )
    status = PointStatus.objects.create(
        point=point, status="agreed", on=STATED_ON, source=source, certainty="high"
    )
    status.agreed_by.set([russia, ukraine])
    PlanAuthor.objects.create(plan=plan, party=russia, actor=putin, role="author")
    ActorRole.objects.create(actor=putin, party=russia, title="President", source=source)
    delegation = Delegation.objects.create(event=event, party=russia)
    delegation.actors.set([putin])
    coalition = Party.objects.create(slug="coalition", name="Coalition", short_name="CW")
    ukraine.member_of.set([coalition])
    cited = Source.objects.create(slug="ft", title="FT report")
    Source.objects.get(pk=source.pk).cites.set([cited])
    return event


def export(*args):
    out = io.StringIO()
    call_command("export_fixture", *args, stdout=out)
    return out.getvalue()


def wipe():
    for model in reversed(MODELS):
        model.objects.all().delete()


def test_it_exports_the_tracker_models_in_dependency_order_without_bookkeeping(record):
    data = json.loads(export())
    labels = [item["model"] for item in data]
    order = [m._meta.label_lower for m in MODELS]
    assert labels == sorted(labels, key=order.index)
    assert set(labels) == set(order)
    for item in data:
        assert "pk" not in item
        assert "version" not in item["fields"]
        assert "updated_at" not in item["fields"]
    [event] = [item for item in data if item["model"] == "tracker.event"]
    assert event["fields"]["parties"] == [["russia"], ["ukraine"]]
    [point] = [i for i in data if i["model"] == "tracker.point" and i["fields"]["number"] == 3]
    assert point["fields"]["plan"] == ["geneva"]
    [link] = [i for i in data if i["model"] == "tracker.pointlink"]
    assert (link["fields"]["earlier"], link["fields"]["later"]) == (["us-draft", 21], ["geneva", 3])
    for item in data:
        assert "coded_by" not in item["fields"]


def test_the_natural_key_parts_agree_with_each_models_natural_key(record):
    for model in MODELS:
        for obj in model.objects.all():
            values = model.objects.filter(pk=obj.pk).values_list(*(p for p, _ in key_parts(model)))
            assert tuple(
                str(v) if k.get_internal_type() == "UUIDField" else v
                for v, (_, k) in zip(values.get(), key_parts(model), strict=True)
            ) == tuple(obj.natural_key())
            assert model.objects.get_by_natural_key(*obj.natural_key()) == obj


def test_the_round_trip_keeps_every_tracked_model_and_its_many_to_many_fields(record, analyst):
    counts = {model: model.objects.count() for model in MODELS}
    assert all(counts.values()), [m for m, n in counts.items() if not n]
    first = export()
    wipe()
    apply_import(read_fixture(io.BytesIO(first.encode())), "round.json", analyst)
    assert {model: model.objects.count() for model in MODELS} == counts
    assert sorted(PointStatus.objects.get().agreed_by.values_list("slug", flat=True)) == [
        "russia",
        "ukraine",
    ]
    assert list(Delegation.objects.get().actors.values_list("slug", flat=True)) == ["putin"]
    assert Event.objects.get().ends_on == STATED_ON + datetime.timedelta(days=1)
    assert (PointLink.objects.get().certainty, PointStatus.objects.get().certainty) == (
        "low",
        "high",
    )
    assert Delegation.objects.get().certainty == "medium"
    assert list(Party.objects.get(slug="ukraine").member_of.values_list("slug", flat=True)) == [
        "coalition"
    ]
    assert list(
        Source.objects.get(slug="reuters-bishkek").cites.values_list("slug", flat=True)
    ) == ["ft"]
    assert list(Event.objects.get().plans.values_list("slug", flat=True)) == ["us-draft"]
    assert list(Point.objects.get(number=21).topics.values_list("slug", flat=True)) == ["territory"]
    assert export() == first


def test_it_sorts_each_model_by_natural_key_so_two_exports_are_identical(record):
    Party.objects.create(slug="aaa", name="Zed", short_name="Z", order=1)
    first = export()
    # Touch everything: versions and timestamps change, the export must not.
    for model in MODELS:
        for obj in model.objects.all():
            obj.save()
    assert export() == first
    slugs = [i["fields"]["slug"] for i in json.loads(first) if i["model"] == "tracker.party"]
    assert slugs == sorted(slugs)
    assert first.startswith('[\n  {\n    "model": "tracker.party",')
    assert first.endswith("}\n]\n")


def test_the_round_trip_export_import_export_is_byte_identical(record, analyst):
    Source.objects.filter(pk=record.source_id).update(full_text="Tekst — ünïcode ‹ok›")
    first = export()
    wipe()
    assert sum(model.objects.count() for model in MODELS) == 0
    apply_import(read_fixture(io.BytesIO(first.encode())), "round.json", analyst)
    assert export() == first


def test_text_with_unicode_line_separators_survives_the_round_trip(record, analyst):
    # U+2028, U+2029 and U+0085 stay as they are in the JSON text, and line-based
    # indenting would have put spaces inside the string after each of them.
    text = "one\u2028two\u2029three\x85four\nfive"
    Point.objects.filter(number=21).update(text=text)
    first = export()
    wipe()
    apply_import(read_fixture(io.BytesIO(first.encode())), "round.json", analyst)
    assert Point.objects.get(number=21).text == text
    assert export() == first


def test_plain_loaddata_loads_an_exported_file(record, tmp_path):
    first = export()
    path = tmp_path / "export.json"
    path.write_text(first, encoding="utf-8")
    wipe()
    call_command("loaddata", str(path), verbosity=0)
    assert export() == first


def test_it_writes_to_a_file_with_the_output_option(record, tmp_path):
    path = tmp_path / "out.json"
    call_command("export_fixture", "-o", str(path))
    assert path.read_text(encoding="utf-8") == export()


def test_an_empty_database_exports_an_empty_list():
    wipe()  # the migrations add the topics
    assert export() == "[]\n"


def test_a_plan_export_brings_what_the_plan_needs_and_nothing_else(record, plan):
    other = Plan.objects.create(slug="unrelated", title="Unrelated", short_title="U")
    Component.objects.create(plan=other, number=1, title="Elsewhere")
    lonely = Source.objects.create(slug="lonely", title="Cited by nobody here")
    Event.objects.create(slug="other-event", title="E", occurred_on=STATED_ON, source=lonely)
    Actor.objects.create(slug="nobody", name="Nobody", party=Party.objects.get(slug="ukraine"))

    data = json.loads(export("--plan", "geneva"))
    keys = {
        (i["model"], json.dumps(i["fields"].get("slug", i["fields"].get("number")))) for i in data
    }
    # Geneva derives from the U.S. draft and its point 3 from point 21: both come along,
    # point 21's component too, but not the draft's positions.
    assert ("tracker.plan", '"geneva"') in keys
    assert ("tracker.plan", '"us-draft"') in keys
    assert ("tracker.plan", '"unrelated"') not in keys
    assert {i["fields"]["number"] for i in data if i["model"] == "tracker.point"} == {3, 21}
    assert not [i for i in data if i["model"] in ("tracker.position", "tracker.statement")]
    assert [i["fields"]["kind"] for i in data if i["model"] == "tracker.pointlink"] == ["revised"]

    data = json.loads(export("--plan", "us-draft"))
    labels = {i["model"] for i in data}
    assert {"tracker.position", "tracker.source", "tracker.actor", "tracker.event"} <= labels
    slugs = {i["fields"].get("slug") for i in data}
    assert "bishkek" in slugs  # its source is cited by a position on the plan
    assert "other-event" not in slugs and "lonely" not in slugs and "nobody" not in slugs
    assert {"russia", "ukraine", "putin"} <= slugs


def test_a_plan_export_imports_into_an_empty_database(record, analyst):
    part = export("--plan", "geneva")
    wipe()
    apply_import(read_fixture(io.BytesIO(part.encode())), "part.json", analyst)
    assert export() == part


def test_an_unknown_plan_is_a_command_error(record):
    with pytest.raises(CommandError, match="No plan with slug nope"):
        export("--plan", "nope")


# The web export ---------------------------------------------------------------


def test_the_export_page_offers_both_downloads_to_anonymous_readers(client, plan):
    response = client.get(reverse("export"))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("export_fixture") in body and reverse("export_matrix") in body
    assert 'value="us-draft"' in body


def test_the_web_download_is_the_command_line_export(client, record, analyst):
    client.force_login(analyst)
    response = client.get(reverse("export_fixture"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tracker.json"'
    assert b"".join(response.streaming_content).decode() == export()


def test_the_web_download_takes_the_plan_option(client, record):
    response = client.get(reverse("export_fixture"), {"plan": ["geneva"]})
    assert response["Content-Disposition"] == 'attachment; filename="tracker-geneva.json"'
    content = b"".join(response.streaming_content).decode()
    expected = json.loads(export("--plan", "geneva"))
    for item in expected:
        item["fields"].pop("full_text", None)  # kept for those who may edit sources
    assert json.loads(content) == expected


def test_the_web_download_leaves_out_full_text_for_readers_who_cannot_edit_sources(client, record):
    Source.objects.update(full_text="Locally kept article text")
    content = b"".join(client.get(reverse("export_fixture")).streaming_content).decode()
    assert "Locally kept article text" not in content
    assert '"publisher": "Reuters"' in content


def test_an_unknown_plan_on_the_web_is_a_400_with_the_form(client, plan):
    response = client.get(reverse("export_fixture"), {"plan": "nope"})
    assert response.status_code == 400
    assert "nope is not one of the available choices" in response.content.decode()


def test_the_download_costs_the_same_queries_at_two_sizes(
    client, record, plan, django_assert_num_queries
):
    def download():
        response = client.get(reverse("export_fixture"))
        return b"".join(response.streaming_content)

    # One query per model (18) plus one per many-to-many field (8: party members,
    # source citations, events' parties and plans, point topics, statuses' parties,
    # statement sources, delegations' actors).
    with django_assert_num_queries(26):
        download()
    populate(plan, parties=3, points=5)
    with django_assert_num_queries(26):
        download()


def test_the_export_page_costs_the_same_queries_at_two_sizes(
    client, plan, django_assert_num_queries
):
    # The plans for the checkboxes, the plans for the select.
    with django_assert_num_queries(2):
        client.get(reverse("export"))
    for n in range(5):
        Plan.objects.create(slug=f"p{n}", title=f"P{n}", short_title=f"P{n}")
    with django_assert_num_queries(2):
        client.get(reverse("export"))


# The stance matrix ------------------------------------------------------------


def test_the_matrix_has_a_row_per_point_and_each_partys_latest_stance(
    client, record, plan, point, russia
):
    coded(
        russia,
        "opposes",
        point=point,
        summary="Earlier",
        stated_on=STATED_ON - datetime.timedelta(days=3),
        source=record.source,
    )
    Point.objects.create(plan=plan, number=22, title='=HYPERLINK("x")', text="t")
    response = client.get(reverse("export_matrix"), {"plan": "us-draft"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="us-draft-stances.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Point", "Title", "Topics", "Status", "Component", "Russia", "Ukraine"]
    assert rows[1] == [
        "21",
        "Territory",
        "Territory",
        "Open",
        "1. Peace framework",
        # The statement's two codings of that day (one on a provision of the
        # point), and the earlier statement counted with it.
        "Supports; Red line (2)",
        "Opposes",
    ]
    # A title a spreadsheet would run as a formula is defused.
    assert rows[2][:2] == ["22", '\'=HYPERLINK("x")']
    assert rows[2][5:] == ["", ""]


def test_the_matrix_of_an_unknown_plan_is_a_400(client, plan):
    assert client.get(reverse("export_matrix"), {"plan": "nope"}).status_code == 400
    assert client.get(reverse("export_matrix")).status_code == 400


def test_the_matrix_costs_the_same_queries_at_two_sizes(
    client, record, plan, django_assert_num_queries
):
    # The plan, its points, the codings, the parties, the points' topics.
    with django_assert_num_queries(5):
        client.get(reverse("export_matrix"), {"plan": "us-draft"})
    populate(plan, parties=3, points=6)
    with django_assert_num_queries(5):
        response = client.get(reverse("export_matrix"), {"plan": "us-draft"})
    assert len(list(csv.reader(io.StringIO(response.content.decode())))) == 1 + 1 + 6
