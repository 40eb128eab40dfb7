"""The round archive's `result_reports`: exported always, drafts too; export → import → export
gives the same document; bad values are refused with their JSON path and nothing is created."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from participants import services as participant_services
from rounds import archive
from rounds.models import ResultReport, Round
from rounds.services import result_reports as rr

pytestmark = pytest.mark.django_db


def _export_json(slug: str) -> str:
    out = io.StringIO()
    call_command("export_round", slug, stdout=out)
    return out.getvalue()


def _import(document, tmp_path) -> str:
    path = tmp_path / "round.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("import_round", str(path), stdout=out)
    return out.getvalue()


def _refused(document, tmp_path) -> str:
    rounds, reports = Round.objects.count(), ResultReport.objects.count()
    with pytest.raises(CommandError) as refusal:
        _import(document, tmp_path)
    assert Round.objects.count() == rounds
    assert ResultReport.objects.count() == reports
    return str(refusal.value)


@pytest.fixture
def reported(world):
    """Round A with a submitted report of A1 naming its improvement work, and A2's draft."""
    work = participant_services.improvement_work_create(
        participation=world.a1, title="Jämställd hemtjänst", chain_step="outcome"
    )
    report = rr.result_report_start(participation=world.a1, year=1)
    report = rr.result_report_save(
        report=report,
        texts={
            "aims": "Jämställd hemtjänst.",
            "organisation_of_work": "Styrgrupp; beslut i kommunstyrelsen.",
            "lessons": "Förankra tidigt.",
            "advice": "Börja med statistiken.",
        },
        results=[
            {"chain_step": "outcome", "text": "Timmarna fördelas lika.", "work": work.pk},
            {"chain_step": "activity", "text": "Utbildning för cheferna.", "work": None},
        ],
        willing_to_mentor=False,
    )
    rr.result_report_submit(report=report, by=world.strategist_a1)
    draft = rr.result_report_start(participation=world.a2, year=1)
    rr.result_report_save(report=draft, texts={"aims": "Ett utkast"}, willing_to_mentor=True)
    return world


@pytest.fixture
def document(reported):
    doc = archive.export_document(reported.round_a)
    doc["round"]["slug"] = "omgang-c"
    doc["round"]["name"] = "Omgång C"
    return doc


def test_result_reports_round_trip_exactly(reported, tmp_path):
    first = _export_json("omgang-a")
    document = json.loads(first)
    submitted, draft = (
        next(r for r in document["result_reports"] if r["organisation"] == code)
        for code in ("9101", "9102")
    )
    assert [r["organisation"] for r in document["result_reports"]] == ["9101", "9102"]
    assert submitted["status"] == "submitted"
    assert submitted["submitted_at"].endswith("+01:00")
    assert submitted["results"] == [
        {
            "chain_step": "outcome",
            "text": "Timmarna fördelas lika.",
            "improvement_work": "Jämställd hemtjänst",
        },
        {"chain_step": "activity", "text": "Utbildning för cheferna.", "improvement_work": None},
    ]
    assert submitted["willing_to_mentor"] is False
    assert draft == {
        "organisation": "9102",
        "year": 1,
        "status": "draft",
        "submitted_at": None,
        "aims": "Ett utkast",
        "organisation_of_work": "",
        "results": [],
        "lessons": "",
        "advice": "",
        "willing_to_mentor": True,
    }

    Round.objects.get(slug="omgang-a").delete()
    _import(document, tmp_path)

    assert _export_json("omgang-a") == first
    imported = ResultReport.objects.get(participation__organisation__code="9101")
    assert imported.results[0]["work"] == (
        imported.participation.improvement_works.get(title="Jämställd hemtjänst").pk
    )


def test_a_round_without_result_reports_exports_an_empty_list(world):
    assert archive.export_document(world.round_a)["result_reports"] == []


def test_the_key_may_be_left_out_and_the_preview_counts_the_reports(document):
    assert archive.preview(document).result_reports == 2
    del document["result_reports"]
    assert archive.preview(document).is_valid


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["result_reports"][0].update(year=3), "$.result_reports[0].year"),
        (lambda d: d["result_reports"][0].update(status="sent"), "$.result_reports[0].status"),
        (lambda d: d["result_reports"][0].update(colour="red"), "$.result_reports[0]"),
        (
            lambda d: d["result_reports"][0].update(willing_to_mentor="ja"),
            "$.result_reports[0].willing_to_mentor",
        ),
        (
            lambda d: d["result_reports"][0].update(submitted_at="2026-12-01T10:00:00"),
            "$.result_reports[0].submitted_at",
        ),
        (
            lambda d: d["result_reports"][0].update(submitted_at=None),
            "$.result_reports[0].submitted_at",
        ),
        (
            lambda d: d["result_reports"][1].update(submitted_at="2026-12-01T10:00:00+01:00"),
            "$.result_reports[1].submitted_at",
        ),
        (lambda d: d["result_reports"][0].update(organisation="9999"), "$.result_reports[0]"),
        # A mentor writes no result report.
        (
            lambda d: d["result_reports"][0].update(organisation="9201"),
            "$.result_reports[0].organisation",
        ),
        # Twice the same organisation and year.
        (
            lambda d: d["result_reports"][1].update(organisation="9101"),
            "$.result_reports[1].year",
        ),
        # Year two while the round is in year one.
        (lambda d: d["result_reports"][1].update(year=2), "$.result_reports[1].year"),
        (
            lambda d: d["result_reports"][0]["results"][0].update(chain_step="impact"),
            "$.result_reports[0].results[0].chain_step",
        ),
        (
            lambda d: d["result_reports"][0]["results"][0].update(improvement_work="Okänt"),
            "$.result_reports[0].results[0].improvement_work",
        ),
        (
            lambda d: d["result_reports"][0]["results"][1].update(text="  "),
            "$.result_reports[0].results[1].text",
        ),
        # A submitted report lacking a section.
        (lambda d: d["result_reports"][0].update(lessons=""), "$.result_reports[0]"),
        (lambda d: d["result_reports"][0].update(aims="x" * 20_001), "$.result_reports[0].aims"),
    ],
)
def test_a_bad_value_is_refused_with_its_path(document, tmp_path, change, path):
    bad = copy.deepcopy(document)
    change(bad)

    message = _refused(bad, tmp_path)

    assert f"{path}: " in message or f"{path}." in message, message


def test_a_title_two_improvement_works_share_is_refused(document, tmp_path):
    twin = dict(next(w for w in document["improvement_work"] if w["organisation"] == "9101"))
    document["improvement_work"].append({**twin, "description": "Ett annat"})

    message = _refused(document, tmp_path)

    assert "$.result_reports[0].results[0].improvement_work: " in message


def test_the_import_does_not_submit_again_nor_change_the_willingness(document, tmp_path):
    _import(document, tmp_path)

    report = ResultReport.objects.get(
        participation__round__slug="omgang-c", participation__organisation__code="9101"
    )
    assert report.status == "submitted"
    assert report.submitted_at == dt.datetime.fromisoformat(
        document["result_reports"][0]["submitted_at"]
    )
    assert report.participation.willing_to_mentor is False
