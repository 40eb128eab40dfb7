"""The hostile-input tests' world: `arena` (the world with what some forms need) and `pages`."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import services as account_services
from checklist import document as checklist_document
from participants import services as participant_services
from reports.models import ReportJob
from rounds import archive, evaluations, material
from rounds import services as round_services
from rounds.models import Meeting
from rounds.services import result_reports as rr
from tests.conftest import WORLD_DAY, build_world, module_data
from tests.hostile import fingerprint
from tests.rounds import documents


class Arena(SimpleNamespace):
    def __repr__(self):  # Hypothesis prints the arguments of a failing example
        return "arena"


def _arena() -> Arena:
    """The world, with what some forms need besides: an invitation's link, an application,
    an improvement work, a round with no meetings, a third group, an archive to upload,
    meeting material hosted by A1 and a library document. Built once for a module's tests
    (`module_data`); its files are in the process's media directory, which no test empties (a
    file is deleted only when its deletion commits, and these tests roll back)."""
    world = build_world()
    world.meeting_ga1 = round_services.meeting_update(
        meeting=world.meeting_ga1, host=world.a1.organisation
    )
    world.material = material.meeting_material_add(
        meeting=world.meeting_ga1,
        title="Underlag",
        upload=SimpleUploadedFile("underlag.pdf", documents.pdf()),
    )
    world.library_document = material.programme_document_add(
        title="Mall", upload=SimpleUploadedFile("mall.pdf", documents.pdf())
    )
    held = timezone.now() - dt.timedelta(days=3)
    world.held_ga1 = round_services.meeting_create(
        round=world.round_a,
        group=world.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=held,
        ends_at=held + dt.timedelta(hours=6),
    )
    world.evaluation_statements = evaluations.statements(Meeting.Kind.LEARNING_MEETING)
    world.round_a = round_services.round_update(round=world.round_a, accepts_applications=True)
    invitation = participant_services.person_invite(
        participation=world.a1, email="ny@aby.se", full_name="Ny Person", functions=["chef"]
    )
    world.invited = invitation.person
    world.token = participant_services.invitation_send(invitation=invitation)
    world.application = participant_services.application_submit(
        round=world.round_a,
        organisation=None,
        organisation_name="Förbundet Nord",
        contact_name="Eva Ek",
        contact_email="eva@nord.se",
        politician_email="politiker@nord.se",
    )
    world.work = participant_services.improvement_work_create(
        participation=world.a1, title="Statistik"
    )
    world.programme_work = participant_services.improvement_work_share(
        work=participant_services.improvement_work_create(participation=world.a1, title="Exempel"),
        sharing="programme",
    )
    world.round_c = round_services.round_create(
        name="Omgång C", slug="omgang-c", starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2028, 1, 1)
    )
    world.ga3 = round_services.group_create(round=world.round_a, name="GA3")
    # A1's result report, complete but a draft; A2's submitted.
    texts = {"aims": "Mål", "organisation_of_work": "Styrgrupp", "lessons": "L", "advice": "R"}
    outcome = [{"chain_step": "outcome", "text": "Jämnare hemtjänst", "work": None}]
    for name in ("a1", "a2"):
        report = rr.result_report_start(participation=getattr(world, name), year=1)
        report = rr.result_report_save(
            report=report, texts=texts, results=outcome, willing_to_mentor=True
        )
        setattr(world, f"result_{name}", report)
    world.result_a2 = rr.result_report_submit(report=world.result_a2, by=world.strategist_a2)
    document = archive.export_document(world.round_a)
    document["round"]["slug"] = "omgang-arkiv"
    world.archive_document = document
    checklist_file = checklist_document.export_document(world.round_a.checklist_version)
    checklist_file["slug"] = "lista-med-delar"
    checklist_file["parts"] = [
        {"key": "styrning", "title": {"sv": "Styrning och ledning", "en": "Governance"}},
        {"key": "statistik", "title": {"sv": "Statistik och analyser", "en": ""}},
    ]
    for item in checklist_file["items"]:
        item["part"] = "styrning" if item["number"] <= 5 else "statistik"
    checklist_file["items"][0]["guidance"] = {"sv": "Vägledning", "en": ""}
    world.checklist_file = checklist_file
    world.failed_job = ReportJob.objects.create(
        kind=ReportJob.Kind.ROUND, round=world.round_a, language="sv", status="failed"
    )
    world.pending_job = ReportJob.objects.create(
        kind=ReportJob.Kind.ROUND, round=world.round_b, language="sv"
    )
    # A print of every watched table as built, outside the tests' savepoints: each test's
    # prints digest again only the tables written since (`tests.hostile.table_prints`).
    fingerprint()
    return Arena(**vars(world))


# The package's `world` is the arena's: a module builds one world, whichever of the two its
# tests ask for.
world = module_data("world", _arena, day=WORLD_DAY)


@pytest.fixture
def arena(world, settings):
    """`_arena`'s world, with uploads of at most 30 kB."""
    settings.MATERIAL_MAX_UPLOAD_BYTES = 30_000
    return world


@pytest.fixture
def pages(arena):
    arena.calendar_token = account_services.calendar_token_reset(user=arena.strategist_a1)
    return arena
