"""What the round archive's import refuses, each problem listed with its JSON path and nothing
saved: unknown keys and values, inconsistent data, nesting, values that broke pages or the
import (issue #13), and the call's dates and fees."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from jsonschema import Draft202012Validator

from participants import services as participant_services
from participants.models import ImprovementWork, Organisation, Participation
from rounds import archive
from rounds import services as round_services
from rounds.models import Round
from tests.rounds.archives import (
    IMPORT_URL,
    _counts,
    _export_json,
    _import,
    _org,
    _refused,
    _upload,
)

pytestmark = pytest.mark.django_db


# Refusals: every problem with its JSON path, nothing saved


def test_an_unknown_top_level_key_is_refused(document, tmp_path):
    document["colour"] = "blue"

    assert "$.colour" in _refused(document, tmp_path)


def test_an_unknown_nested_key_is_refused(document, tmp_path):
    document["meetings"][1]["room"] = "B12"

    assert "$.meetings[1].room" in _refused(document, tmp_path)


def test_another_format_is_refused(document, tmp_path):
    document["format"] = "modellkoncept-round/2"

    assert "$.format" in _refused(document, tmp_path)


def test_a_value_outside_an_enum_is_refused(document, tmp_path):
    document["people"][0]["functions"] = ["ordförande"]

    message = _refused(document, tmp_path)

    assert "$.people[0].functions[0]" in message
    assert "ordförande" in message


def _a_work(document) -> dict:
    work = {"organisation": "9101", "title": "Delat arbete"}
    document.setdefault("improvement_work", []).append(work)
    return work


def test_an_archive_without_sharing_keys_imports_work_for_the_organisation_only(document, tmp_path):
    _a_work(document)

    _import(document, tmp_path)

    work = ImprovementWork.objects.get(participation__round__slug="omgang-c", title="Delat arbete")
    assert (work.sharing, work.approved_on, list(work.moments.all())) == (
        "organisation",
        None,
        [],
    )


@pytest.mark.parametrize(
    ("values", "path", "says"),
    [
        ({"sharing": "world"}, "$.improvement_work[0].sharing", "world"),
        (
            {"sharing": "group", "approved_on": "2026-06-03"},
            "$.improvement_work[0].approved_on",
            "Only work shared with the whole programme",
        ),
        (
            {"sharing": "programme", "approved_on": "2026-13-40"},
            "$.improvement_work[0].approved_on",
            "2026-13-40",
        ),
        (
            {"sharing": "programme", "approved_on": "1999-01-01"},
            "$.improvement_work[0].approved_on",
            "1999-01-01",
        ),
        (
            {"moments": [7, 11]},
            "$.improvement_work[0].moments[1]",
            "Item 11 is not on the checklist",
        ),
        ({"moments": [7, 7]}, "$.improvement_work[0].moments[1]", "Item 7 is listed twice"),
        ({"moments": ["7"]}, "$.improvement_work[0].moments[0]", "7"),
    ],
)
def test_bad_sharing_of_improvement_work_is_refused_with_its_path(
    document, tmp_path, values, path, says
):
    document["improvement_work"] = []
    _a_work(document).update(values)

    with translation.override("en"):
        message = _refused(document, tmp_path)

    assert path in message
    assert says in message
    assert not ImprovementWork.objects.filter(title="Delat arbete").exists()


def test_a_time_without_its_offset_is_refused(document, tmp_path):
    document["meetings"][0]["starts_at"] = "2026-12-14T09:00:00"

    message = _refused(document, tmp_path)

    assert "$.meetings[0].starts_at" in message
    assert message.count("$.meetings[0].starts_at") == 1  # not again by the rules


def test_a_meeting_that_ends_before_it_starts_is_refused(document, tmp_path):
    meeting = document["meetings"][0]
    meeting["ends_at"], meeting["starts_at"] = meeting["starts_at"], meeting["ends_at"]

    assert "$.meetings[0].ends_at" in _refused(document, tmp_path)


def test_a_group_of_one_is_refused(document, tmp_path):
    _org(document, "9102")["group"] = "GA2"

    assert "$.groups[0]:" in _refused(document, tmp_path)


def test_a_mentor_that_is_also_a_participant_is_refused(document, tmp_path):
    document["groups"][0]["mentors"] = ["9103"]

    assert "$.groups[0].mentors[0]" in _refused(document, tmp_path)


def test_the_same_person_twice_with_the_same_function_is_refused(document, tmp_path):
    sara = next(p for p in document["people"] if p["email"] == "strateg@aby.se")
    index = document["people"].index(sara)
    document["people"].append(copy.deepcopy(sara))
    document["people"][0]["functions"] = ["chef", "chef"]

    message = _refused(document, tmp_path)

    assert f"$.people[{len(document['people']) - 1}]:" in message
    assert f"$.people[{index}]" in message  # where the person is listed first
    assert "$.people[0].functions[1]" in message


def test_an_unknown_organisation_without_name_and_kind_is_refused(document, tmp_path):
    document["organisations"].append({"code": "9999", "role": "participant"})
    document["organisations"].append({"code": "9998", "role": "participant", "kind": "kommun"})

    message = _refused(document, tmp_path)

    assert "$.organisations[6].code" in message
    assert "$.organisations[7].code" in message
    assert not Organisation.objects.filter(code__in=["9999", "9998"]).exists()


def test_an_unknown_checklist_is_refused(document, tmp_path):
    document["round"]["checklist"] = "skr-99"

    assert "$.round.checklist" in _refused(document, tmp_path)


def test_a_short_name_already_used_is_refused(document, tmp_path):
    document["round"]["slug"] = "omgang-b"

    assert "$.round.slug" in _refused(document, tmp_path)


def test_a_score_outside_the_scale_is_refused(document, tmp_path):
    document["assessments"][1]["scores"]["3"] = 4
    document["assessments"][1]["scores"]["11"] = 2

    message = _refused(document, tmp_path)

    assert "$.assessments[1].scores.3" in message
    assert "$.assessments[1].scores.11" in message


def test_every_problem_is_listed_at_once(document, tmp_path):
    document["round"]["kind"] = "national"
    document["meetings"][2]["ends_at"] = document["meetings"][2]["starts_at"]
    document["groups"][1]["mentors"].append("9101")
    document["assessments"][0]["meeting"] = "no-such-meeting"
    document["people"][2]["organisation"] = "0000"

    problems = archive.validate_document(document)
    message = _refused(document, tmp_path)

    expected = [
        "$.round.kind",
        "$.meetings[2].ends_at",
        "$.groups[1].mentors[1]",
        "$.assessments[0].meeting",
        "$.people[2].organisation",
    ]
    assert [p.split(":")[0] for p in problems] == [
        "$.round.kind",
        "$.groups[1].mentors[1]",
        "$.people[2].organisation",
        "$.meetings[2].ends_at",
        "$.assessments[0].meeting",
    ]
    assert all(path in message for path in expected)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "round.json"
    path.write_text('{"format": "modellkoncept-round/1",', encoding="utf-8")

    with translation.override("en"), pytest.raises(CommandError, match=r"\$: .*line 1"):
        call_command("import_round", str(path), stdout=io.StringIO())


def _nested(levels: int) -> list:
    """A list in a list … `levels` deep."""
    value: list = []
    for _ in range(levels - 1):
        value = [value]
    return value


TOO_DEEP = "$: Lists and objects are nested more than 20 levels deep; an archive never is."


def test_a_document_nested_deeper_than_any_archive_is_refused_with_one_problem(document):
    document["round"]["description"] = _nested(19)  # in $ and $.round: 21 levels

    with translation.override("en"):
        problems = archive.validate_document(document)

    assert problems == [TOO_DEEP]


def test_a_document_nested_up_to_the_limit_is_checked_as_usual(document):
    document["round"]["description"] = _nested(18)  # 20 levels

    with translation.override("en"):
        problems = archive.validate_document(document)

    assert problems == ["$.round.description: [[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]] should be text."]


@pytest.mark.parametrize(
    "text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000]
)
def test_a_file_nested_deeper_than_python_reads_is_refused_with_one_problem(text):
    with translation.override("en"), pytest.raises(archive.ArchiveError) as refusal:
        archive.parse_document(text.encode())

    assert refusal.value.problems == [TOO_DEEP]


def test_export_of_an_unknown_round_is_refused(db):
    with pytest.raises(CommandError, match="no-such-round"):
        call_command("export_round", "no-such-round", stdout=io.StringIO())


# Values that broke pages or the import (issue #13): each is a problem listed with its path.


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("meetings", 0, "starts_at"), "0001-01-01T00:00:00+14:00"),
        (("meetings", 0, "ends_at"), "9999-12-31T23:59:59-12:00"),
        (("meetings", 0, "starts_at"), "1999-12-31T23:00:00+01:00"),
        (("round", "starts_on"), "0001-01-01"),
        (("round", "ends_on"), "2101-01-01"),
    ],
)
def test_a_date_outside_the_programme_years_is_refused_with_its_path(
    client, world, document, where, value
):
    target = document
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    path = "$." + ".".join(str(p) for p in where).replace(".0.", "[0].")
    client.force_login(world.leader)
    before = _counts()

    response = client.post(IMPORT_URL, {"file": _upload(document)})

    assert response.status_code == 422
    assert f"{path}: ”{value}” ligger utanför åren 2000 till 2100." in response.context["problems"]
    assert _counts() == before
    with translation.override("en"):
        assert f"{path}: “{value}” is outside the years 2000 to 2100." in archive.validate_document(
            document
        )


def _upload_text(text: str, name="omgang-c.json"):
    return SimpleUploadedFile(name, text.encode(), content_type="application/json")


def _raw(document, **replacements) -> str:
    """The document as JSON text, with placeholders replaced by raw JSON text."""
    text = json.dumps(document, ensure_ascii=False)
    for placeholder, raw in replacements.items():
        text = text.replace(json.dumps(placeholder), raw)
    return text


@pytest.mark.parametrize(
    ("setup", "raw", "path"),
    [
        (lambda d: d["round"].update(current_year="@X@"), "1" * 5000, "$.round.current_year"),
        (lambda d: d["round"].update(name="@X@"), r'"Omg\ud800ng C"', "$.round.name"),
        (lambda d: d["round"].update(name="@X@"), r'"Omg\u0000ng C"', "$.round.name"),
        (lambda d: d["groups"][0].update(theme="@X@"), r'"Tema\u0000"', "$.groups[0].theme"),
        (lambda d: d["round"].update(slug="@X@"), r'"omgang-\u0000"', "$.round.slug"),
    ],
    ids=["digits", "surrogate", "nul-name", "nul-theme", "nul-slug"],
)
def test_a_value_that_cannot_be_stored_is_a_listed_problem(
    client, world, document, setup, raw, path
):
    setup(document)
    text = _raw(document, **{"@X@": raw})
    client.force_login(world.leader)
    before = _counts()

    response = client.post(IMPORT_URL, {"file": _upload_text(text)})

    assert response.status_code == 422
    problems = response.context["problems"]
    assert [p for p in problems if p.startswith(f"{path}: ")], problems
    assert _counts() == before
    assert "rounds:archive_upload" not in client.session
    # The command says the same and writes nothing either.
    with pytest.raises(archive.ArchiveError) as refusal:
        archive.import_document(archive.parse_document(text))
    assert any(p.startswith(f"{path}: ") for p in refusal.value.problems)
    assert _counts() == before


@pytest.mark.postgres
def test_on_postgresql_nothing_of_a_hostile_archive_reaches_the_database(client, world, document):
    """PostgreSQL stored the year 1 (as 1 BC), after which the round's pages, every mentor's
    workspace and the calendar feeds answered 500; a NUL character failed at confirmation."""
    client.force_login(world.leader)
    before = _counts()
    year_one = copy.deepcopy(document)
    year_one["meetings"][0]["starts_at"] = "0001-01-01T00:00:00+14:00"
    nul_theme = copy.deepcopy(document)
    nul_theme["groups"][0]["theme"] = "@X@"
    for text in (
        json.dumps(year_one, ensure_ascii=False),
        _raw(nul_theme, **{"@X@": r'"Tema\u0000"'}),
        _raw(nul_theme, **{"@X@": r'"Tema\udfff"'}),
    ):
        response = client.post(IMPORT_URL, {"file": _upload_text(text)})
        assert response.status_code == 422
        assert response.context["problems"]
    assert _counts() == before
    client.force_login(world.mentor_m1)
    assert client.get(reverse("rounds:mentor_workspace")).status_code == 200


# The call's dates and the fees


def test_the_calls_dates_and_the_fees_are_exported_always_and_round_trip(world, tmp_path):
    plain = archive.export_document(world.round_a)
    assert (plain["round"]["application_deadline"], plain["round"]["decision_by"]) == (None, None)
    assert (_org(plain, "9101")["fee"], _org(plain, "9101")["fee_invoiced"]) == (None, False)

    round_services.round_update(
        round=world.round_a,
        application_deadline=dt.date(2025, 10, 30),
        decision_by=dt.date(2025, 11, 20),
    )
    participant_services.participation_fees_set(
        round=world.round_a, fees={world.a1.pk: (45000, True), world.a2.pk: (30000, False)}
    )
    first = _export_json("omgang-a")
    document = json.loads(first)
    assert (document["round"]["application_deadline"], document["round"]["decision_by"]) == (
        "2025-10-30",
        "2025-11-20",
    )
    assert (_org(document, "9101")["fee"], _org(document, "9101")["fee_invoiced"]) == (45000, True)
    assert list(Draft202012Validator(archive.schema()).iter_errors(document)) == []

    Round.objects.get(slug="omgang-a").delete()
    _import(document, tmp_path)

    assert _export_json("omgang-a") == first
    imported = Participation.objects.get(round__slug="omgang-a", organisation__code="9102")
    assert (imported.fee, imported.fee_invoiced) == (30000, False)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            {"round": {"application_deadline": "2025-11-20", "decision_by": "2025-10-30"}},
            "$.round.decision_by",
        ),
        ({"9101": {"fee": None, "fee_invoiced": True}}, "$.organisations[0].fee_invoiced"),
        ({"9101": {"fee": -1}}, "$.organisations[0].fee"),
    ],
)
def test_bad_call_dates_and_fees_are_refused_with_their_path(document, tmp_path, change, path):
    for key, values in change.items():
        (document["round"] if key == "round" else _org(document, key)).update(values)

    with translation.override("en"):
        message = _refused(document, tmp_path)

    assert path in message
