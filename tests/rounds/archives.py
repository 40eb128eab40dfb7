"""What the round archive's tests share: the commands, the upload page, and round A enriched
with everything an archive carries."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from checklist import services as checklist_services
from checklist.models import SelfAssessment
from participants import services as participant_services
from participants.models import ImprovementWork, Organisation, Participation
from rounds import archive
from rounds import services as round_services
from rounds.models import Meeting, Round

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


def _export_url(slug="omgang-a"):
    return reverse("rounds:round_export", kwargs={"round_slug": slug})


IMPORT_URL = reverse("rounds:round_import")


def _upload(document, name="omgang-c.json"):
    return SimpleUploadedFile(
        name, json.dumps(document, ensure_ascii=False).encode(), content_type="application/json"
    )
