"""The round archive: export, import and the schema, what an import creates, the commands, the
pages and the documentation's example. What an import refuses is in `test_archive_refusals.py`."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator

from accounts.models import User
from checklist.models import SelfAssessment
from participants import services as participant_services
from participants.models import Function, ImprovementWork, Organisation, Participation
from rounds import archive, selectors
from rounds import services as round_services
from rounds.demo import ACTIVE_SLUG, EARLIER_SLUG, SECOND_SLUG
from rounds.models import Meeting, Round
from tests.conftest import seed_demo
from tests.rounds.archives import (
    IMPORT_URL,
    _counts,
    _enrich_round_a,
    _export_json,
    _export_url,
    _import,
    _org,
    _refused,
    _upload,
)

pytestmark = pytest.mark.django_db


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
    seed_demo()
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

    # Each import from the same start: the content types Django keeps in the process (which
    # the first import would otherwise read for the second) read anew.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as smaller:
        archive.import_document(smaller_document, by=world.leader)
    ContentType.objects.clear_cache()
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


# The pages


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
