"""The round archive: export, import, the schema, the commands and the pages."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from jsonschema import Draft202012Validator

from accounts.models import User
from checklist import services as checklist_services
from checklist.models import SelfAssessment
from participants import services as participant_services
from participants.models import Function, ImprovementWork, Organisation, Participation
from rounds import archive, selectors
from rounds import services as round_services
from rounds.demo import ACTIVE_SLUG, EARLIER_SLUG, SECOND_SLUG
from rounds.models import Meeting, Round

pytestmark = pytest.mark.django_db


# Helpers


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


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Round, Organisation, User, Meeting, Participation, SelfAssessment)
    }


def _refused(document, tmp_path) -> str:
    """Import through the command, which must refuse and leave everything as it was; the
    command's message is returned."""
    before = _counts()
    with pytest.raises(CommandError) as refusal:
        _import(document, tmp_path)
    assert _counts() == before
    return str(refusal.value)


@pytest.fixture
def document(world):
    """Round A of the world as an archive, under a new short name so it can be imported."""
    doc = archive.export_document(world.round_a)
    doc["round"]["slug"] = "omgang-c"
    doc["round"]["name"] = "Omgång C"
    return doc


def _org(doc, code) -> dict:
    return next(o for o in doc["organisations"] if o["code"] == code)


def _enrich_round_a(world):
    """Everything the archive carries, added to round A through the services: a supporting
    mentor, an organisation outside the reference list, a withdrawal, a meeting with a host,
    place and link, attendance, a comment and improvement work with notes."""
    round_services.mentor_assign(group=world.ga1, participation=world.m2, is_primary=False)
    federation = participant_services.organisation_create(
        code="FNK",
        name="Förbundet Norrbottens Kommuner",
        county_code="25",
        latitude="65.58415",
        longitude="22.15465",
    )
    joined = participant_services.participation_add(
        round=world.round_a, organisation=federation, willing_to_mentor=True, mentor_capacity=2
    )
    round_services.group_place(group=world.ga2, participation=joined)
    participant_services.participation_withdraw(
        participation=world.a4, on=dt.date(2026, 6, 1), reason="Omorganisation."
    )
    start = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0), archive.STOCKHOLM)
    hosted = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        theme="Systematiskt förbättringsarbete",
        place="Kommunhuset i Aby",
        online_url="https://video.example.org/ga1",
        host=world.a1.organisation,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=7),
        assessment_due=True,
        assessment_opens_on=dt.date(2026, 2, 10),
    )
    round_services.attendance_record(
        meeting=world.startup, participation=world.a1, person=world.strategist_a1
    )
    round_services.attendance_record(
        meeting=world.startup,
        participation=world.a1,
        person=world.politician_a1,
        attended=False,
    )
    round_services.attendance_record(meeting=hosted, participation=world.m1, person=world.mentor_m1)
    checklist_services.assessment_record(
        participation=world.a2,
        meeting=hosted,
        scores={n: 3 if n < 4 else 2 for n in range(1, 11)},
        comments={6: "Fler förvaltningar var med i skattningen."},
        submitted_at=start - dt.timedelta(days=5),
        by=world.strategist_a2,
    )
    work = participant_services.improvement_work_create(
        participation=world.a1,
        title="Jämställd biståndsbedömning",
        description="Kartlägga beviljade timmar.",
        phase=ImprovementWork.Phase.DO,
        chain_step=ImprovementWork.ChainStep.WAY_OF_WORKING,
        level=ImprovementWork.Level.COMMITTEE,
        origin_meeting=world.meeting_ga1,
    )
    participant_services.progress_note_add(
        work=work, text="Kartläggningen är klar.", noted_on=dt.date(2026, 4, 2)
    )
    participant_services.progress_note_add(
        work=work, text="Checklistan prövas.", noted_on=dt.date(2026, 5, 20)
    )
    # Shared with the programme, approved, on two moments of the checklist.
    items = world.round_a.checklist_version.items
    participant_services.improvement_work_set_moments(
        work=work, moments=[items.get(number=9), items.get(number=7)]
    )
    participant_services.improvement_work_share(work=work, sharing="programme")
    participant_services.improvement_work_approve(work=work, on=dt.date(2026, 6, 3))
    statistics = participant_services.improvement_work_create(
        participation=world.a3, title="Statistik"
    )
    participant_services.improvement_work_share(work=statistics, sharing="group")


# Round trips


def test_export_import_export_gives_the_same_document(world, tmp_path):
    _enrich_round_a(world)
    first = _export_json("omgang-a")
    document = json.loads(first)
    assert document["organisations"][0]["code"] == "9101"
    assert _org(document, "FNK")["latitude"] == 65.58415
    assert _org(document, "9104")["withdrawal_reason"] == "Omorganisation."
    assert [g["mentors"] for g in document["groups"]] == [["9201", "9202"], ["9202"]]
    hosted = next(m for m in document["meetings"] if m["key"] == "learning-meeting-2-ga1")
    assert hosted["starts_at"] == "2026-03-10T09:00:00+01:00"
    assert hosted["host"] == "9101"
    assert {(a["email"], a["attended"]) for a in hosted["attendance"]} == {
        ("mentor@mentorstad.se", True)
    }
    assert document["improvement_work"][0]["notes"] == [
        {"date": "2026-04-02", "text": "Kartläggningen är klar."},
        {"date": "2026-05-20", "text": "Checklistan prövas."},
    ]
    shared = {
        w["title"]: (w["sharing"], w["approved_on"], w["moments"])
        for w in document["improvement_work"]
    }
    assert shared == {
        "Jämställd biståndsbedömning": ("programme", "2026-06-03", [7, 9]),
        "Statistik": ("group", None, []),
    }
    users = User.objects.count()

    Round.objects.get(slug="omgang-a").delete()
    _import(document, tmp_path)

    assert _export_json("omgang-a") == first
    assert User.objects.count() == users  # everyone was there already, and is reused


@pytest.mark.usefixtures("demo_day")
def test_the_demo_rounds_round_trip_and_follow_the_schema(tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    validator = Draft202012Validator(archive.schema())
    firsts = {}
    for slug in (EARLIER_SLUG, SECOND_SLUG, ACTIVE_SLUG):
        firsts[slug] = _export_json(slug)
        assert list(validator.iter_errors(json.loads(firsts[slug]))) == []
    earlier = json.loads(firsts[EARLIER_SLUG])
    assert earlier["round"]["status"] == "completed"
    assert _org(earlier, "0127")["withdrawn_on"] == "2019-05-13"
    active = json.loads(firsts[ACTIVE_SLUG])
    assert sum(len(m["attendance"]) for m in active["meetings"]) > 50
    assert len(active["improvement_work"]) == 4

    Round.objects.filter(slug__in=firsts).delete()
    for slug in (EARLIER_SLUG, SECOND_SLUG, ACTIVE_SLUG):
        _import(json.loads(firsts[slug]), tmp_path)

    for slug, first in firsts.items():
        assert _export_json(slug) == first


def test_export_is_sorted_and_writes_scores_in_item_order(world):
    document = archive.export_document(world.round_a)

    assert [o["code"] for o in document["organisations"]] == sorted(
        o["code"] for o in document["organisations"]
    )
    assert [p["email"] for p in document["people"]] == sorted(
        p["email"] for p in document["people"]
    )
    submitted = document["assessments"][1]
    assert list(submitted["scores"]) == [str(n) for n in range(1, 11)]
    assert document["assessments"][0] == {
        "organisation": "9101",
        "meeting": "learning-meeting-1-ga1",
        "level": "organisation",
        "status": "draft",
        "submitted_at": None,
        "submitted_by": None,
        "scores": {"1": 3},
        "comments": {},
    }
    assert submitted["submitted_by"] == "strateg@bby.se"


def test_the_export_reads_in_as_many_queries_however_large_the_round(world):
    _enrich_round_a(world)
    with CaptureQueriesContext(connection) as smaller:
        archive.export_document(world.round_a)
    for n in range(3):
        start = timezone.now() + dt.timedelta(days=100 + n)
        meeting = round_services.meeting_create(
            round=world.round_a,
            kind=Meeting.Kind.SEMINAR,
            title=f"Seminarium {n}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
        round_services.attendance_record(
            meeting=meeting, participation=world.a2, person=world.strategist_a2
        )
        work = participant_services.improvement_work_create(
            participation=world.a2, title=f"Arbete {n}", origin_meeting=meeting
        )
        participant_services.progress_note_add(work=work, text="Påbörjat.")

    with CaptureQueriesContext(connection) as larger:
        document = archive.export_document(world.round_a)

    assert len(document["meetings"]) == 7
    # 12, the moments of improvement work, and the result reports.
    assert len(larger.captured_queries) == len(smaller.captured_queries) <= 14


def test_the_import_writes_in_as_many_queries_however_large_the_round(world):
    """The rows are created in bulk after one check of the whole document, so a larger round
    (more meetings, attendances, works and notes) costs no more statements."""
    _enrich_round_a(world)
    smaller_document = archive.export_document(world.round_a)
    for n in range(3):
        start = timezone.now() + dt.timedelta(days=100 + n)
        meeting = round_services.meeting_create(
            round=world.round_a,
            kind=Meeting.Kind.SEMINAR,
            title=f"Seminarium {n}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
        round_services.attendance_record(
            meeting=meeting, participation=world.a2, person=world.strategist_a2
        )
        work = participant_services.improvement_work_create(
            participation=world.a2, title=f"Arbete {n}", origin_meeting=meeting
        )
        participant_services.progress_note_add(work=work, text="Påbörjat.")
    larger_document = archive.export_document(world.round_a)
    for slug, document in (("omgang-c", smaller_document), ("omgang-d", larger_document)):
        document["round"]["slug"] = slug

    with CaptureQueriesContext(connection) as smaller:
        archive.import_document(smaller_document, by=world.leader)
    with CaptureQueriesContext(connection) as larger:
        summary = archive.import_document(larger_document, by=world.leader)

    assert summary.meetings == 7
    assert (
        summary.improvement_works
        == ImprovementWork.objects.filter(participation__round=world.round_a).count()
    )
    assert Meeting.objects.filter(round__slug="omgang-d").count() == 7
    # 65: each check constraint a model's full_clean() validates is a query in a savepoint (the
    # round's call dates and a participation's invoiced fee add two; the works' sharing and
    # approval, and their checklist moments, three).
    assert len(larger.captured_queries) == len(smaller.captured_queries) <= 65


def test_every_enum_of_the_schema_is_the_models_choices():
    defs = archive.schema()["$defs"]
    pairs = {
        "round_kind": Round.Kind.values,
        "round_status": Round.Status.values,
        "round_year": Round.Year.values,
        "organisation_kind": Organisation.Kind.values,
        "role": Participation.Role.values,
        "function": Function.values,
        "meeting_kind": Meeting.Kind.values,
        "assessment_status": SelfAssessment.Status.values,
        "phase": ImprovementWork.Phase.values,
        "chain_step": ImprovementWork.ChainStep.values,
        "level": ImprovementWork.Level.values,
        "sharing": ImprovementWork.Sharing.values,
    }
    for name, values in pairs.items():
        assert set(defs[name]["enum"]) == set(values), name
    every_enum = {name for name, definition in defs.items() if "enum" in definition}
    assert every_enum == set(pairs)


def test_every_object_of_the_schema_refuses_unknown_keys():
    def objects(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    found = list(objects(archive.schema()))
    assert len(found) >= 10
    assert all(o.get("additionalProperties") is False for o in found)


# What an import creates


def test_an_import_creates_the_round_with_everything_in_it(document, tmp_path):
    output = _import(document, tmp_path)

    round_ = Round.objects.get(slug="omgang-c")
    assert "omgang-c" in output
    assert round_.participations.count() == 6
    assert sorted(round_.groups.values_list("name", flat=True)) == ["GA1", "GA2"]
    assert round_.meetings.count() == 3
    assert SelfAssessment.objects.filter(meeting__round=round_, status="submitted").count() == 2
    draft = SelfAssessment.objects.get(meeting__round=round_, status="draft")
    assert {a.item.number: a.score for a in draft.answers.all()}[1] == 3


def test_people_become_accounts_without_a_usable_password(document, tmp_path):
    document["people"].append(
        {
            "email": "Ny.Strateg@Dby.se",
            "name": "Nora Ny",
            "organisation": "9104",
            "functions": ["strateg", "analytiker"],
        }
    )
    existing = User.objects.get(email="strateg@aby.se")
    next(p for p in document["people"] if p["email"] == "strateg@aby.se")["name"] = "Annat Namn"

    _import(document, tmp_path)

    person = User.objects.get(email="ny.strateg@dby.se")
    assert person.full_name == "Nora Ny"
    assert not person.has_usable_password()
    assert sorted(person.function_assignments.values_list("function", flat=True)) == [
        "analytiker",
        "strateg",
    ]
    existing.refresh_from_db()
    assert existing.full_name == "Sara Strateg"  # an account that exists is used as it is
    assert existing.has_usable_password()


def test_an_organisation_outside_the_reference_list_is_created_from_its_name_and_kind(
    document, tmp_path
):
    document["organisations"].append(
        {
            "code": "FNK",
            "name": "Förbundet Norrbottens Kommuner",
            "kind": "other",
            "role": "participant",
            "group": "GA2",
            "latitude": 65.58415,
            "longitude": 22.15465,
        }
    )

    _import(document, tmp_path)

    federation = Organisation.objects.get(code="FNK")
    assert federation.kind == Organisation.Kind.OTHER
    assert federation.name == "Förbundet Norrbottens Kommuner"
    assert str(federation.latitude) == "65.58415"
    assert federation.participations.get().group.name == "GA2"


def test_a_completed_round_puts_its_participants_that_stayed_in_the_mentor_pool(document, tmp_path):
    document["round"]["status"] = "completed"
    _org(document, "9104").update(withdrawn_on="2026-05-04", withdrawal_reason="Ingen strateg.")
    _org(document, "9103")["completed_on"] = "2027-11-30"

    _import(document, tmp_path)

    round_ = Round.objects.get(slug="omgang-c")
    assert round_.status == Round.Status.COMPLETED
    pool = {e.organisation.code: e.completed for e in selectors.mentor_pool()}
    assert pool == {
        "9101": [("Omgång C", dt.date(2027, 12, 31))],
        "9102": [("Omgång C", dt.date(2027, 12, 31))],
        "9103": [("Omgång C", dt.date(2027, 11, 30))],
    }
    withdrawn = round_.participations.get(organisation__code="9104")
    assert (withdrawn.withdrawn_on, withdrawn.completed_on) == (dt.date(2026, 5, 4), None)


def test_a_submitted_assessment_without_a_time_is_dated_at_its_meeting(document, tmp_path):
    del document["assessments"][1]["submitted_at"]

    _import(document, tmp_path)

    assessment = SelfAssessment.objects.get(
        meeting__round__slug="omgang-c", participation__organisation__code="9102"
    )
    assert assessment.submitted_at == assessment.meeting.starts_at
    assert assessment.submitted_by.email == "strateg@bby.se"


def test_the_import_reads_standard_input(document, monkeypatch):
    data = json.dumps(document).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))

    call_command("import_round", "-", stdout=io.StringIO())

    assert Round.objects.filter(slug="omgang-c").exists()


def test_the_history_names_who_imported_outside_a_request(document, world):
    summary = archive.import_document(document, by=world.leader)

    participation = summary.round.participations.get(organisation__code="9101")
    assert participation.history.earliest().history_user == world.leader


def test_the_preview_says_what_would_be_created_and_creates_nothing(document):
    document["organisations"].append(
        {"code": "FNK", "name": "Förbundet", "kind": "other", "role": "mentor"}
    )
    before = _counts()

    preview = archive.preview(document)

    assert _counts() == before
    assert preview.problems == []
    assert (preview.participants, preview.mentors) == (4, 3)
    assert preview.new_organisations == (("FNK", "Förbundet"),)
    assert preview.groups == ("GA1", "GA2")
    assert (preview.people, preview.new_people) == (7, 0)
    assert (preview.meetings, preview.assessments, preview.submitted) == (3, 3, 2)


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


# The pages


def _export_url(slug="omgang-a"):
    return reverse("rounds:round_export", kwargs={"round_slug": slug})


IMPORT_URL = reverse("rounds:round_import")


def _upload(document, name="omgang-c.json"):
    return SimpleUploadedFile(
        name, json.dumps(document, ensure_ascii=False).encode(), content_type="application/json"
    )


def test_a_project_leader_downloads_the_round(client, world):
    client.force_login(world.leader)

    response = client.get(_export_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="omgang-a.json"'
    assert json.loads(response.content) == archive.export_document(world.round_a)


def test_a_project_leader_uploads_checks_and_imports_a_round(client, world, document):
    client.force_login(world.leader)
    before = _counts()

    preview = client.post(IMPORT_URL, {"file": _upload(document)})

    assert preview.status_code == 200
    assert _counts() == before
    html = preview.content.decode()
    assert "Omgång C" in html
    assert preview.context["preview"].organisations == 6
    assert preview.context["preview"].meetings == 3

    response = client.post(IMPORT_URL, {"confirm": "1", "digest": preview.context["digest"]})

    assert response.status_code == 302
    assert response["Location"] == reverse("rounds:round_detail", kwargs={"slug": "omgang-c"})
    assert Round.objects.get(slug="omgang-c").participations.count() == 6
    # The document is spent: confirming again imports nothing more.
    again = client.post(IMPORT_URL, {"confirm": "1", "digest": preview.context["digest"]})
    assert again.status_code == 302
    assert Round.objects.filter(slug="omgang-c").count() == 1


def test_an_invalid_upload_shows_every_problem_and_creates_nothing(client, world, document):
    client.force_login(world.leader)
    document["meetings"][0]["ends_at"] = document["meetings"][0]["starts_at"]
    document["groups"][0]["mentors"] = ["9101"]
    before = _counts()

    response = client.post(IMPORT_URL, {"file": _upload(document)})

    assert response.status_code == 422
    html = response.content.decode()
    assert "$.meetings[0].ends_at" in html
    assert "$.groups[0].mentors[0]" in html
    assert response.context.get("preview") is None
    assert "rounds:archive_upload" not in client.session
    assert _counts() == before


def test_the_import_is_checked_again_on_confirmation(client, world, document):
    client.force_login(world.leader)
    preview = client.post(IMPORT_URL, {"file": _upload(document)})
    round_services.round_create(
        name="Omgång C", slug="omgang-c", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 2, 1)
    )

    response = client.post(IMPORT_URL, {"confirm": "1", "digest": preview.context["digest"]})

    assert response.status_code == 422
    assert "$.round.slug" in response.content.decode()
    assert Round.objects.get(slug="omgang-c").participations.count() == 0


@pytest.mark.parametrize("who", ["strategist_a1", "mentor_m1", "outsider"])
def test_nobody_but_a_project_leader_exports_or_imports(client, world, document, who):
    client.force_login(getattr(world, who))
    before = _counts()

    export = client.get(_export_url())
    page = client.get(IMPORT_URL)
    upload = client.post(IMPORT_URL, {"file": _upload(document)})

    assert export.status_code == (404 if who == "outsider" else 403)
    assert (page.status_code, upload.status_code) == (403, 403)
    assert _counts() == before


# The documentation


def test_the_example_in_the_documentation_imports_and_comes_back_out_the_same(tmp_path):
    text = (settings.BASE_DIR / "docs" / "round-archive.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    participant_services.organisations_load()

    _import(example, tmp_path)

    assert archive.export_document(Round.objects.get(slug="modellkoncept-2021")) == example
    assert {e.organisation.code for e in selectors.mentor_pool()} == {"12", "1280"}
    assert Organisation.objects.get(code="FNK").kind == Organisation.Kind.OTHER


def test_a_withdrawal_without_a_recorded_reason_is_imported(document, tmp_path, client, world):
    _org(document, "9104").update(withdrawn_on="2026-05-04")
    _org(document, "9104").pop("withdrawal_reason", None)

    _import(document, tmp_path)

    withdrawn = Participation.objects.get(round__slug="omgang-c", organisation__code="9104")
    assert (withdrawn.withdrawn_on, withdrawn.withdrawal_reason) == (dt.date(2026, 5, 4), "")
    exported = archive.export_document(withdrawn.round)
    assert "withdrawal_reason" not in _org(exported, "9104")
    client.force_login(world.leader)
    page = client.get(
        reverse(
            "participants:participation_detail",
            kwargs={"round_slug": "omgang-c", "code": "9104"},
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Withdrew from the round" in page.text
    assert "not recorded" in page.text


def test_the_audience_of_a_meeting_is_exported_and_round_trips(document, tmp_path, world):
    strategists = round_services.meeting_create(
        round=world.round_a,
        kind=Meeting.Kind.STRATEGIST_MEETING,
        title="Strategträff 1",
        starts_at=timezone.make_aware(dt.datetime(2026, 2, 3, 9, 30), archive.STOCKHOLM),
        ends_at=timezone.make_aware(dt.datetime(2026, 2, 3, 16, 0), archive.STOCKHOLM),
    )
    exported = archive.export_document(world.round_a)
    meetings = {m["key"]: m for m in exported["meetings"]}
    assert meetings[strategists.key]["audience"] == [
        "strateg",
        "controller",
        "statistiker",
        "kommunikator",
        "analytiker",
        "ekonom",
    ]
    assert meetings[world.startup.key]["audience"][:3] == ["politiker", "chef", "strateg"]
    # An audience of its own, and one left out (the default of the kind), both import.
    meetings[world.startup.key]["audience"] = ["strateg", "chef"]
    del meetings[strategists.key]["audience"]
    exported["round"]["slug"] = "omgang-c"
    exported["round"]["name"] = "Omgång C"

    _import(exported, tmp_path)

    imported = {m.key: m for m in Meeting.objects.filter(round__slug="omgang-c")}
    assert imported[world.startup.key].invited_functions == ["chef", "strateg"]
    assert imported[strategists.key].audience == []
    assert "politiker" not in imported[strategists.key].invited_functions
    again = archive.export_document(Round.objects.get(slug="omgang-c"))
    assert {m["key"]: m["audience"] for m in again["meetings"]}[world.startup.key] == [
        "chef",
        "strateg",
    ]


def test_an_unknown_function_in_an_audience_is_refused(document, tmp_path):
    document["meetings"][0]["audience"] = ["borgmästare"]

    message = _refused(document, tmp_path)

    assert "$.meetings[0].audience[0]" in message


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
