"""The access matrix's world: the conftest's `world` and what the matrix needs besides, built
once for the module in a transaction rolled back at its end."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from participants import services as participant_services
from participants.models import ImprovementWork, Invitation
from reports.models import ReportBatch, ReportJob
from rounds import evaluations, material, mentoring
from rounds import services as round_services
from rounds.models import GroupMentor
from rounds.services import result_reports as rr
from tests import conftest
from tests.access_matrix.targets import (
    CALENDAR_TOKEN,
    EVALUATION,
    FEE_A1,
    HELD_GA1,
    INVITATION_TOKEN,
    MATERIAL,
    NOTE,
    RESULT_A1,
    RESULT_A2,
    ROLES,
    WORK,
    WORK_AWAITING,
    WORK_GROUP,
    WORK_LIBRARY,
)
from tests.accounts.factories import UserFactory
from tests.hostile import table_prints
from tests.participants.factories import OrganisationFactory
from tests.rounds import documents


@pytest.fixture(scope="module")
def w(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        time_machine.travel(conftest.WORLD_DAY, tick=True),
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
        # As the `world` fixture: built and used on the day it was written for.
        time_machine.travel(conftest.WORLD_DAY, tick=True),
    ):
        world = conftest.build_world()
        _extend(world)
        world.sessions = _sessions(world)
        # A print of every table as built, outside the tests' savepoints: each test's prints
        # digest again only the tables written since (`tests.hostile.table_prints`).
        prints()
        yield world
        transaction.set_rollback(True)


def prints() -> dict[str, tuple[int, str]]:
    """Every row of the project's own tables, digested per table."""
    return table_prints(
        model
        for model in apps.get_models()
        if model._meta.app_label in ("accounts", "participants", "rounds", "checklist", "reports")
    )


def _sessions(w) -> dict[str, str]:
    """A session for each role, signed in once for the module (each test's writes, a session's
    change included, are rolled back when it ends): the key of each."""
    return {role: conftest.new_session(getattr(w, role)) for role in ROLES if role != "anonymous"}


def _extend(w):
    """What the matrix needs beyond the conftest's world: a person of A1 to look up, improvement
    work, an invitation with a known link, an open round with an application, finished and
    failed report jobs with files, a batch, and a calendar feed."""
    w.person_a1 = UserFactory(email="analytiker@aby.se", full_name="Anna Analytiker")
    participant_services.function_assign(
        participation=w.a1, person=w.person_a1, function="analytiker"
    )
    w.work_a1 = ImprovementWork(participation=w.a1, title=WORK[0])
    w.work_a1.full_clean()
    w.work_a1.save()
    create = participant_services.improvement_work_create
    w.work_group_a1 = participant_services.improvement_work_share(
        work=create(participation=w.a1, title=WORK_GROUP[0]), sharing="group"
    )
    w.work_awaiting_a1 = participant_services.improvement_work_share(
        work=create(participation=w.a1, title=WORK_AWAITING[0]), sharing="programme"
    )
    w.work_library_a1 = participant_services.improvement_work_approve(
        work=participant_services.improvement_work_share(
            work=create(participation=w.a1, title=WORK_LIBRARY[0]), sharing="programme"
        )
    )

    invited = UserFactory(email="inbjuden@aby.se", full_name="Ida Inbjuden")
    w.invitation = participant_services.invitation_create(participation=w.a1, person=invited)
    Invitation.objects.filter(pk=w.invitation.pk).update(
        token_hash=hashlib.sha256(INVITATION_TOKEN.encode()).hexdigest()
    )

    w.round_c = round_services.round_create(
        name="Omgång C",
        slug="omgang-c",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2028, 12, 31),
    )
    w.round_c = round_services.round_update(round=w.round_c, accepts_applications=True)
    w.application = participant_services.application_submit(
        round=w.round_c,
        organisation=OrganisationFactory(code="9401", name="Gby"),
        organisation_name="",
        contact_name="Kim Kontakt",
        contact_email="kontakt@gby.se",
        contact_phone="010-123 45 67",
        decision_on=dt.date(2024, 5, 14),
        decision_kind="cemr",
        politician_name="Pia Politiker",
        politician_email="politiker@gby.se",
        manager_name="Carl Chef",
        manager_email="chef@gby.se",
        strategist_name="Stella Strateg",
        strategist_email="strateg@gby.se",
        message="",
    )

    participant_services.participation_fees_set(
        round=w.round_a, fees={w.a1.pk: (FEE_A1, True)}, by=w.leader
    )

    w.mentorship_ga1 = GroupMentor.objects.get(group=w.ga1, participation=w.m1)
    w.meeting_ga1 = round_services.meeting_update(meeting=w.meeting_ga1, host=w.a1.organisation)
    w.material_ga1 = material.meeting_material_add(
        meeting=w.meeting_ga1,
        title=MATERIAL[0],
        upload=SimpleUploadedFile("underlag.pdf", documents.pdf()),
    )
    mentoring.mentor_note_write(group=w.ga1, author=w.mentor_m1, text=NOTE[0])
    held = timezone.now() - dt.timedelta(days=3)
    w.held_ga1 = round_services.meeting_create(
        round=w.round_a,
        group=w.ga1,
        kind="learning_meeting",
        number=2,
        title=HELD_GA1[0],
        starts_at=held,
        ends_at=held + dt.timedelta(hours=6),
    )
    asked = evaluations.statements("learning_meeting")
    w.evaluation_answers = {f"statement_{s.pk}": "4" for s in asked}
    evaluations.evaluation_submit(
        meeting=w.held_ga1,
        person=w.strategist_a2,
        scores={s.pk: 3 for s in asked},
        comment=EVALUATION[0],
    )
    w.result_a1 = rr.result_report_start(participation=w.a1, year=1)
    w.result_a1 = rr.result_report_save(report=w.result_a1, texts={"lessons": RESULT_A1[1]})
    w.result_a2 = rr.result_report_start(participation=w.a2, year=1)
    rr.result_report_save(
        report=w.result_a2,
        texts={
            "aims": "Mål",
            "organisation_of_work": "Styrgrupp",
            "lessons": RESULT_A2[1],
            "advice": "Råd",
        },
        results=[{"chain_step": "activity", "text": "Utbildning", "work": None}],
        willing_to_mentor=False,
    )
    w.result_a2 = rr.result_report_submit(report=w.result_a2, by=w.strategist_a2)
    w.library_document = material.programme_document_add(
        title="Metodstöd", upload=SimpleUploadedFile("metod.pdf", documents.pdf())
    )
    User.objects.filter(pk=w.strategist_a1.pk).update(calendar_token=CALENDAR_TOKEN)

    w.batch_a = ReportBatch.objects.create(round=w.round_a, language="sv")
    done = {"status": ReportJob.Status.DONE, "finished_at": timezone.now()}
    failed = {"status": ReportJob.Status.FAILED, "error": "Matrisens fel", "attempts": 3}
    w.job_org_a1 = _job(kind="organisation", round=w.round_a, participation=w.a1, **done)
    w.job_group_ga1 = _job(kind="group", round=w.round_a, group=w.ga1, **done)
    w.job_summary_a1 = _job(kind="summary", round=w.round_a, participation=w.a1, **done)
    w.job_round_a = _job(kind="round", round=w.round_a, batch=w.batch_a, **done)
    w.job_failed_a1 = _job(kind="organisation", round=w.round_a, participation=w.a1, **failed)
    w.job_failed_ga1 = _job(kind="group", round=w.round_a, group=w.ga1, **failed)


def _job(**fields):
    job = ReportJob(language="sv", **fields)
    if job.status == ReportJob.Status.DONE:
        job.file.save("matris.pdf", ContentFile(b"%PDF-1.4\n% matris\n"), save=False)
    job.full_clean()
    job.save()
    return job
