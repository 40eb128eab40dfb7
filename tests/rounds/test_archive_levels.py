"""The round archive keeps the two levels (issue 16): `round.committee_checklist`, each
meeting's `year`, each assessment's `level`, and year two's themes; exported always, round
trips exactly, and a bad value is refused with its JSON path, saving nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from jsonschema import Draft202012Validator

from checklist.models import ChecklistVersion, SelfAssessment
from rounds import archive
from rounds import services as round_services
from rounds.models import Meeting, Round
from tests.checklist.levels import submit, two_level_round

pytestmark = pytest.mark.django_db

COMMITTEE = ChecklistVersion.Level.COMMITTEE
THEMES = ["Jämställd biståndsbedömning", "Jämställd planering i nämnderna"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def w():
    w = two_level_round()
    w.round = round_services.round_update(round=w.round, year_two_themes=THEMES)
    submit(w.p1, w.year_one, dict.fromkeys(range(1, 11), 1))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 2))
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 4), level=COMMITTEE)
    submit(w.p2, w.year_two, dict.fromkeys(range(1, 11), 3), level=COMMITTEE)
    return w


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
    before = (Round.objects.count(), SelfAssessment.objects.count(), Meeting.objects.count())
    with pytest.raises(CommandError) as refusal:
        _import(document, tmp_path)
    assert (Round.objects.count(), SelfAssessment.objects.count(), Meeting.objects.count()) == (
        before
    )
    return str(refusal.value)


def test_the_levels_are_exported(w):
    document = json.loads(_export_json(w.round.slug))

    assert document["round"]["checklist"] == "prov-2024-organisation"
    assert document["round"]["committee_checklist"] == "prov-2024-namnd"
    assert document["round"]["current_year"] == 2
    assert document["round"]["year_two_themes"] == THEMES
    years = {m["key"]: m["year"] for m in document["meetings"]}
    assert years == {w.year_one.key: 1, w.year_two.key: 2}
    levels = sorted((a["organisation"], a["meeting"], a["level"]) for a in document["assessments"])
    assert levels == [
        ("9801", w.year_one.key, "organisation"),
        ("9801", w.year_two.key, "committee"),
        ("9801", w.year_two.key, "organisation"),
        ("9802", w.year_two.key, "committee"),
    ]
    assert list(Draft202012Validator(archive.schema()).iter_errors(document)) == []


def test_a_round_without_a_committee_checklist_exports_null(world):
    document = archive.export_document(world.round_a)

    assert document["round"]["committee_checklist"] is None
    assert document["round"]["year_two_themes"] == []
    assert {a["level"] for a in document["assessments"]} == {"organisation"}
    assert {m["year"] for m in document["meetings"]} == {1}


def test_a_two_level_round_round_trips_exactly(w, tmp_path):
    first = _export_json(w.round.slug)
    Round.objects.filter(pk=w.round.pk).delete()

    _import(json.loads(first), tmp_path)

    assert _export_json(w.round.slug) == first
    imported = Round.objects.get(slug=w.round.slug)
    assert imported.committee_checklist_version.slug == "prov-2024-namnd"
    committee = SelfAssessment.objects.get(
        participation__round=imported, participation__organisation__code="9802", level=COMMITTEE
    )
    assert {a.item.version.slug for a in committee.answers.select_related("item__version")} == {
        "prov-2024-namnd"
    }


def test_the_optional_keys_default_to_one_level(w, tmp_path):
    document = json.loads(_export_json(w.round.slug))
    document["round"]["slug"] = "utan-nivaer"
    del document["round"]["committee_checklist"]
    del document["round"]["year_two_themes"]
    document["assessments"] = [a for a in document["assessments"] if a["level"] == "organisation"]
    for assessment in document["assessments"]:
        del assessment["level"]
    for meeting in document["meetings"]:
        del meeting["year"]

    _import(document, tmp_path)

    imported = Round.objects.get(slug="utan-nivaer")
    assert imported.committee_checklist_version is None
    assert imported.year_two_themes == []
    assert set(imported.meetings.values_list("year", flat=True)) == {1}
    assert set(
        SelfAssessment.objects.filter(participation__round=imported).values_list("level", flat=True)
    ) == {"organisation"}


def test_an_unknown_committee_checklist_is_refused_with_its_path(w, tmp_path):
    document = json.loads(_export_json(w.round.slug))
    document["round"]["slug"] = "ny"
    document["round"]["committee_checklist"] = "finns-inte"

    message = _refused(document, tmp_path)

    assert "$.round.committee_checklist" in message
    assert "finns-inte" in message


def test_an_organisation_wide_version_is_refused_as_the_committee_checklist(w, tmp_path):
    document = json.loads(_export_json(w.round.slug))
    document["round"]["slug"] = "ny"
    document["round"]["committee_checklist"] = "prov-2024-organisation"

    assert "$.round.committee_checklist" in _refused(document, tmp_path)


def test_a_bad_level_is_refused_with_its_path(w, tmp_path):
    document = json.loads(_export_json(w.round.slug))
    document["round"]["slug"] = "ny"
    document["assessments"][0]["level"] = "department"

    message = _refused(document, tmp_path)

    assert "$.assessments[0].level" in message


def test_a_bad_year_is_refused_with_its_path(w, tmp_path):
    document = json.loads(_export_json(w.round.slug))
    document["round"]["slug"] = "ny"
    document["meetings"][0]["year"] = 3

    assert "$.meetings[0].year" in _refused(document, tmp_path)


def test_a_committee_assessment_needs_the_rounds_committee_checklist(w, tmp_path):
    document = json.loads(_export_json(w.round.slug))
    document["round"]["slug"] = "ny"
    document["round"]["committee_checklist"] = None
    index = next(i for i, a in enumerate(document["assessments"]) if a["level"] == "committee")

    assert f"$.assessments[{index}].level" in _refused(document, tmp_path)


def test_a_committee_assessment_needs_a_meeting_of_year_two(w, tmp_path):
    document = json.loads(_export_json(w.round.slug))
    document["round"]["slug"] = "ny"
    index = next(i for i, a in enumerate(document["assessments"]) if a["level"] == "committee")
    document["assessments"][index]["meeting"] = w.year_one.key

    assert f"$.assessments[{index}].level" in _refused(document, tmp_path)


def test_scores_are_checked_against_the_levels_checklist(tmp_path):
    classic = ChecklistVersion.objects.get(slug="skr-10-1-3")
    w = two_level_round(organisation_version=classic)
    submit(w.p1, w.year_two, dict.fromkeys(range(1, 11), 4), level=COMMITTEE)
    document = json.loads(_export_json(w.round.slug))
    document["round"]["slug"] = "ny"
    # A score of 4 is within the committee checklist's 1–4, not the classic 1–3.
    document["assessments"][0]["level"] = "organisation"

    assert "$.assessments[0].scores.1" in _refused(document, tmp_path)


def test_two_assessments_of_one_organisation_meeting_and_level_are_refused(w, tmp_path):
    document = json.loads(_export_json(w.round.slug))
    document["round"]["slug"] = "ny"
    document["assessments"].append(dict(document["assessments"][1]))

    assert "$.assessments[4]" in _refused(document, tmp_path)
