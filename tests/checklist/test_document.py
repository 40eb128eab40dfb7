"""Checklist files (docs/checklist-format.md): import, export, the round trip, and every problem
with its JSON path."""

import copy
import io
import json
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from checklist import document as checklist_document
from checklist.models import ChecklistItem, ChecklistPart, ChecklistVersion

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _text(sv, en=""):
    return {"sv": sv, "en": en}


def four_step_document(slug="prov-1-4") -> dict:
    """A made-up 1–4 checklist with three parts; its texts are invented for the test."""
    return {
        "format": "modellkoncept-checklist/1",
        "slug": slug,
        "name": _text("Provchecklista (1–4)", "Test checklist (1–4)"),
        "level": "committee",
        "scale": [
            {"value": value, "label": _text(f"Steg {value}", f"Step {value}" if value < 4 else "")}
            for value in range(1, 5)
        ],
        "parts": [
            {"key": "styrning", "title": _text("Del A", "Part A")},
            {"key": "statistik", "title": _text("Del B", "")},
            {"key": "tom", "title": _text("Del C utan moment", "Part C")},
        ],
        "items": [
            {"number": 1, "part": "styrning", "text": _text("Moment ett", "Item one")},
            {
                "number": 2,
                "part": "styrning",
                "text": _text("Moment två", "Item two"),
                "guidance": _text("Vägledning två", "Guidance two"),
            },
            {"number": 3, "part": "statistik", "text": _text("Moment tre", "")},
            {"number": 4, "part": None, "text": _text("Moment fyra", "Item four")},
        ],
    }


def problems_of(document) -> list[str]:
    return checklist_document.validate_document(document)


def test_import_then_export_gives_the_same_json_key_order_included(tmp_path):
    source = tmp_path / "in.json"
    text = checklist_document.document_to_json(four_step_document())
    source.write_text(text, encoding="utf-8")
    call_command("import_checklist", str(source), stdout=io.StringIO())
    out = tmp_path / "out.json"
    call_command("export_checklist", "prov-1-4", output=str(out))
    assert out.read_text(encoding="utf-8") == text
    stdout = io.StringIO()
    call_command("export_checklist", "prov-1-4", stdout=stdout)
    assert stdout.getvalue() == text


def test_an_import_keeps_parts_with_their_keys_in_order():
    version = checklist_document.import_document(four_step_document())
    assert (version.level, version.scale_min, version.scale_max) == ("committee", 1, 4)
    assert list(version.parts.values_list("position", "key", "title_sv")) == [
        (1, "styrning", "Del A"),
        (2, "statistik", "Del B"),
        (3, "tom", "Del C utan moment"),
    ]
    items = version.items.select_related("part").order_by("number")
    assert [(i.number, i.part.key if i.part else None) for i in items] == [
        (1, "styrning"),
        (2, "styrning"),
        (3, "statistik"),
        (4, None),
    ]
    assert items[1].guidance_sv == "Vägledning två"
    assert not version.guidance_is_site_help


def test_the_shipped_example_is_the_classic_checklist_without_the_sites_help():
    shipped = (ROOT / "docs" / "checklist-skr-10-1-3.json").read_text(encoding="utf-8")
    classic = ChecklistVersion.objects.get(slug="skr-10-1-3")
    assert classic.guidance_is_site_help
    exported = checklist_document.export_document(classic)
    assert checklist_document.document_to_json(exported) == shipped
    assert all("guidance" not in item for item in exported["items"])
    assert exported["items"][0]["text"]["sv"] == (
        "Den politiska församlingen har tagit beslut om jämställdhetsintegrering"
    )
    # Loaded under a new name it follows the format and round-trips too.
    exported["slug"] = "klassisk-kopia"
    copy_ = checklist_document.import_document(exported)
    assert checklist_document.export_document(copy_) == exported


def test_the_example_follows_the_schema_and_every_object_refuses_unknown_keys():
    schema = checklist_document.schema()
    shipped = json.loads((ROOT / "docs" / "checklist-skr-10-1-3.json").read_text("utf-8"))
    shipped["slug"] = "nytt-namn"
    assert problems_of(shipped) == []

    def objects(node):
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)

    found = list(objects(schema))
    assert len(found) == 7
    assert all(node.get("additionalProperties") is False for node in found)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["items"][1].update(comment="x"),
            "$.items[1].comment: The format has no key “comment” here.",
        ),
        (
            lambda d: d["items"][1]["guidance"].update(fr="x"),
            "$.items[1].guidance.fr: The format has no key “fr” here.",
        ),
        (lambda d: d.update(extra=1), "$.extra: The format has no key “extra” here."),
        (
            lambda d: d.update(format="modellkoncept-round/1"),
            "$.format: “modellkoncept-round/1” is not “modellkoncept-checklist/1”.",
        ),
        (
            lambda d: d.update(level="region"),
            "$.level: “region” is not one of organisation, committee.",
        ),
        (lambda d: d["name"].pop("en"), "$.name.en: This key is required."),
        (
            lambda d: d["items"][0]["text"].update(sv=""),
            "$.items[0].text.sv: This must not be empty.",
        ),
        (
            lambda d: d.update(slug="med mellanslag"),
            "$.slug: “med mellanslag” may hold only letters a–z, digits, hyphens and underscores.",
        ),
        (
            lambda d: d["scale"][2].update(value=4),
            "$.scale[2].value: The scale's values must run one by one upwards: 3 here, not 4.",
        ),
        (
            lambda d: d["items"][2].update(number=5),
            "$.items[2].number: Items are numbered 1, 2, 3 … in order: 3 here, not 5.",
        ),
        (
            lambda d: d["items"][3].update(part="analys"),
            "$.items[3].part: “analys” is not the key of one of $.parts.",
        ),
        (
            lambda d: d["parts"][2].update(key="styrning"),
            "$.parts[2].key: The part “styrning” is already at $.parts[0].",
        ),
        (
            lambda d: d["items"][0]["text"].update(en="Item one "),
            "$.items[0].text.en: The text starts or ends with white space; "
            "the site would not keep it.",
        ),
        (
            lambda d: d["items"][0]["text"].update(sv="Moment\x00ett"),
            "$.items[0].text.sv: The text holds a NUL character.",
        ),
        (
            lambda d: d["items"][0].update(part=3),
            "$.items[0].part: “3” is neither the key of a part nor null.",
        ),
        (lambda d: d.update(items=[]), "$.items: The list must hold at least 1 entry."),
    ],
)
def test_a_bad_file_names_the_problem_with_its_path_and_saves_nothing(change, expected):
    document = four_step_document()
    change(document)
    assert expected in problems_of(document)
    before = ChecklistVersion.objects.count()
    with pytest.raises(checklist_document.ChecklistFileError) as raised:
        checklist_document.import_document(document)
    assert expected in raised.value.problems
    assert ChecklistVersion.objects.count() == before


def test_every_problem_is_reported_at_once():
    document = four_step_document()
    document["items"][0]["part"] = "x"
    document["items"][3]["part"] = "y"
    document["scale"][3]["value"] = 9
    assert problems_of(document) == [
        "$.scale[3].value: The scale's values must run one by one upwards: 4 here, not 9.",
        "$.items[0].part: “x” is not the key of one of $.parts.",
        "$.items[3].part: “y” is not the key of one of $.parts.",
    ]


def test_a_short_name_in_use_is_refused_and_the_version_stays_as_it_was(tmp_path):
    checklist_document.import_document(four_step_document())
    changed = four_step_document()
    changed["items"][0]["text"]["sv"] = "Ändrad text"
    path = tmp_path / "changed.json"
    path.write_text(checklist_document.document_to_json(changed), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_checklist", str(path))
    assert "$.slug: A checklist version with the short name “prov-1-4” exists already." in str(
        raised.value
    )
    assert ChecklistItem.objects.get(version__slug="prov-1-4", number=1).text_sv == "Moment ett"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{", "$: The file is not valid JSON"),
        (b'{"slug": "a", "slug": "b"}', "$: The key “slug” appears twice in one object"),
        (b"\xff\xfe", "$: The file is not UTF-8 text"),
        (b'{"format": NaN}', "$: NaN is not a number JSON allows."),
    ],
)
def test_a_file_that_is_no_json_document_is_refused(data, expected):
    with pytest.raises(checklist_document.ChecklistFileError) as raised:
        checklist_document.parse_document(data)
    assert raised.value.problems[0].startswith(expected)


def test_deep_nesting_that_parses_is_refused_as_too_deep():
    document = four_step_document()
    document["items"][0]["text"]["en"] = [[[[[[[[[[["x"]]]]]]]]]]]
    assert problems_of(document) == [
        "$: Lists and objects are nested more than 10 levels deep; a checklist never is."
    ]


def test_the_export_command_refuses_an_unknown_version():
    with pytest.raises(CommandError, match="No checklist version with the short name “nej”"):
        call_command("export_checklist", "nej")


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_existing_part_titles_into_keyed_parts():
    executor = MigrationExecutor(connection)
    executor.migrate([("checklist", "0003_classic_checklist")])
    old_apps = executor.loader.project_state([("checklist", "0003_classic_checklist")]).apps
    Version = old_apps.get_model("checklist", "ChecklistVersion")
    Item = old_apps.get_model("checklist", "ChecklistItem")
    version = Version.objects.create(slug="med-delar", name_sv="Med delar")
    for number, part_sv, part_en in [
        (1, "Styrning och ledning", "Governance"),
        (2, "Styrning och ledning", "Governance"),
        (3, "", ""),
        (4, "Statistik", ""),
    ]:
        Item.objects.create(
            version=version, number=number, text_sv=f"M{number}", part_sv=part_sv, part_en=part_en
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    parts = list(ChecklistPart.objects.filter(version__slug="med-delar"))
    assert [(p.position, p.key, p.title_sv, p.title_en) for p in parts] == [
        (1, "styrning-och-ledning", "Styrning och ledning", "Governance"),
        (2, "statistik", "Statistik", ""),
    ]
    items = ChecklistItem.objects.filter(version__slug="med-delar").order_by("number")
    assert [i.part.key if i.part else None for i in items] == [
        "styrning-och-ledning",
        "styrning-och-ledning",
        None,
        "statistik",
    ]
    classic = ChecklistVersion.objects.get(slug="skr-10-1-3")
    assert classic.guidance_is_site_help
    assert classic.items.count() == 10
    assert not classic.parts.exists()
    import_module("checklist.migrations.0004_checklist_parts")  # still importable by conftest
    assert apps.get_model("checklist", "ChecklistPart") is ChecklistPart


def test_the_preview_lists_items_under_their_parts_without_saving():
    preview = checklist_document.preview(copy.deepcopy(four_step_document()))
    assert preview.is_valid
    assert [
        (s["title"]["sv"] if s["title"] else None, [i["number"] for i in s["items"]])
        for s in preview.sections
    ] == [("Del A", [1, 2]), ("Del B", [3]), (None, [4])]
    assert not ChecklistVersion.objects.filter(slug="prov-1-4").exists()
