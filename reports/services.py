"""Everything that writes report jobs and their files.

A report is a row before it is a file: `report_job_request` (or `report_batch_request` for all
reports of a round) saves a pending job and queues its task once the transaction commits; the
task calls `report_job_render`, the one service that renders, which stores the PDF through
Django's storage API and marks the job done. The task runs at least once, not exactly once
(acknowledged late, so a worker killed mid-task hands it to another), so rendering is
idempotent:

- a job already done (or failed, until it is re-run) is not rendered again;
- the PDF is written under a name of its own in the job's directory, `reports/jobs/<id>/`,
  and only then swapped in by one conditional UPDATE (`status` running → done, with `file`):
  of two deliveries that render at once exactly one wins, and the other deletes its file;
- the winner removes what earlier, interrupted deliveries left in the directory, so a job has
  one file, and a half-written file is never referenced.

A template or rendering error fails the job with a readable reason, and the worker goes on; a
transient error (the database or the storage not answering) is raised for the task to retry
with backoff, and fails the job only when the retries are spent.
"""

from __future__ import annotations

import logging
import threading
import uuid

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from modellkoncept.errors import DomainError
from modellkoncept.queue import enqueue_on_commit
from participants.models import Participation
from reports import rendering, selectors
from reports.models import ReportBatch, ReportJob
from reports.selectors import lost_jobs
from rounds.models import BenchmarkingGroup, Meeting, Round

logger = logging.getLogger(__name__)

# A job delivered this many times without finishing (its worker killed each time, say by the
# memory limit) is failed rather than tried for ever.
MAX_DELIVERIES = 5
# Errors worth another try: the database or the storage did not answer.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
JOB_DIRECTORY = "reports/jobs/{id}/"
UNFINISHED = (ReportJob.Status.PENDING, ReportJob.Status.RUNNING)


def _storage():
    return ReportJob._meta.get_field("file").storage


def _language(language: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in codes else settings.LANGUAGE_CODE


def _queue(job_ids: list[int]) -> None:
    """Queue the jobs' tasks once the transaction commits (a worker must find the rows)."""
    for job_id in job_ids:
        enqueue_on_commit("reports.tasks.render_report", job_id)


# Requests.


@transaction.atomic
def report_job_request(
    *,
    kind: str,
    round: Round,
    participation: Participation | None = None,
    group: BenchmarkingGroup | None = None,
    meeting: Meeting | None = None,
    language: str | None = None,
    requested_by=None,
) -> ReportJob:
    """Ask for one report. Returns at once with a pending job; a worker renders it. The same
    report asked for again while it is waiting or being produced is not asked for twice."""
    language = _language(language)
    if kind in (ReportJob.Kind.ORGANISATION, ReportJob.Kind.SUMMARY) and (
        participation is None or participation.role != Participation.Role.PARTICIPANT
    ):
        raise DomainError(_("Only a participant of the round has an organisation report."))
    if (
        kind == ReportJob.Kind.GROUP
        and meeting is not None
        and (not meeting.assessment_due or meeting.group_id not in (None, group.pk))
    ):
        raise DomainError(
            _("%(meeting)s is not a meeting with self-assessments in %(group)s's schedule.")
            % {"meeting": meeting, "group": group}
        )
    existing = (
        ReportJob.objects.select_for_update()
        .filter(
            kind=kind,
            round=round,
            participation=participation,
            group=group,
            meeting=meeting,
            language=language,
            batch__isnull=True,
            status__in=UNFINISHED,
        )
        .exclude(lost_jobs())
        .first()
    )
    if existing is not None:
        return existing
    job = ReportJob(
        kind=kind,
        round=round,
        participation=participation,
        group=group,
        meeting=meeting,
        language=language,
        requested_by=requested_by,
        queued_at=timezone.now(),
    )
    job.full_clean()
    job.save()
    _queue([job.pk])
    return job


@transaction.atomic
def report_batch_request(
    *, round: Round, language: str | None = None, requested_by=None
) -> ReportBatch:
    """“All reports of a round”: a job for every participant that has not withdrawn, every
    group and the round itself, each its own task, so that workers share them out. While a
    batch of the round is still running, asking again returns that batch."""
    language = _language(language)
    Round.objects.select_for_update().filter(pk=round.pk).first()  # one batch request at a time
    unfinished = ReportJob.objects.filter(batch=OuterRef("pk"), status__in=UNFINISHED).exclude(
        lost_jobs()
    )
    running = (
        ReportBatch.objects.filter(round=round)
        .filter(Exists(unfinished))
        .order_by("-created_at")
        .first()
    )
    if running is not None:
        return running
    batch = ReportBatch(round=round, language=language, requested_by=requested_by)
    batch.full_clean()
    batch.save()
    participations = Participation.objects.filter(
        round=round, role=Participation.Role.PARTICIPANT, withdrawn_on__isnull=True
    ).order_by("organisation__name")
    groups = BenchmarkingGroup.objects.filter(round=round).order_by("name")
    common = {
        "round": round,
        "batch": batch,
        "language": language,
        "requested_by": requested_by,
        "queued_at": timezone.now(),
    }
    jobs = [ReportJob(kind=ReportJob.Kind.ROUND, **common)]
    jobs += [ReportJob(kind=ReportJob.Kind.GROUP, group=g, **common) for g in groups]
    jobs += [
        ReportJob(kind=ReportJob.Kind.ORGANISATION, participation=p, **common)
        for p in participations
    ]
    for job in jobs:
        # The subjects were just read from the round; the database checks the constraints.
        job.full_clean(
            exclude=["round", "batch", "participation", "group", "requested_by"],
            validate_constraints=False,
        )
    created = ReportJob.objects.bulk_create(jobs)
    _queue([job.pk for job in created])
    return batch


@transaction.atomic
def report_job_rerun(*, job: ReportJob, requested_by=None) -> ReportJob:
    """Run a failed or stalled job again, alone."""
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ReportJob.Status.FAILED and not selectors.is_lost(job):
        raise DomainError(_("Only a report that failed or stalled can be produced again."))
    job.status = ReportJob.Status.PENDING
    job.error = ""
    job.attempts = 0
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.queued_at = timezone.now()
    if requested_by is not None:
        job.requested_by = requested_by
    job.save(
        update_fields=[
            "status",
            "error",
            "attempts",
            "started_at",
            "finished_at",
            "heartbeat_at",
            "queued_at",
            "requested_by",
        ]
    )
    _queue([job.pk])
    return job


def report_jobs_requeue_stalled(*, now=None) -> list[int]:
    """Queue again every job that has stalled (`selectors.lost_jobs`): one waiting long after
    it was queued, or “running” while its worker has gone silent. Idempotent: a job queued
    again counts as just queued, so a second sweep right after finds nothing; a job that a
    slow worker finishes meanwhile is rendered once all the same (see the module's
    description). Its deliveries keep counting, so a job that kills every worker that takes it
    is failed after MAX_DELIVERIES, not queued for ever. The ids queued again."""
    now = now or timezone.now()
    with transaction.atomic():
        stalled = list(
            ReportJob.objects.select_for_update(skip_locked=True)
            .filter(lost_jobs(now=now))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if stalled:
            ReportJob.objects.filter(pk__in=stalled).update(
                status=ReportJob.Status.PENDING, heartbeat_at=None, queued_at=now
            )
            logger.warning("Report jobs stalled and queued again: %s", stalled)
            _queue(stalled)
    return stalled


@transaction.atomic
def report_jobs_naming_person_renew(*, person) -> list[int]:
    """Make again, without the person, every report that names them (as their person is
    erased): the organisation reports of the organisations they hold or held a function in or
    wrote a remark on (people by function and remarks with their authors are the only names
    a report shows). Each such job's file is removed once the transaction commits, and the job
    waits to be produced again, queued at once; a delivery rendering it right now loses its
    race (it finds the job no longer running) and deletes what it made. Returns the jobs'
    ids."""
    from checklist.models import AssessmentComment
    from participants.models import FunctionAssignment, ProgressNote

    participation_ids = (
        set(
            FunctionAssignment.objects.filter(person=person).values_list(
                "participation_id", flat=True
            )
        )
        | set(
            AssessmentComment.objects.filter(author=person).values_list(
                "assessment__participation_id", flat=True
            )
        )
        | set(
            ProgressNote.objects.filter(author=person).values_list(
                "work__participation_id", flat=True
            )
        )
    )
    jobs = list(
        ReportJob.objects.select_for_update()
        .filter(kind=ReportJob.Kind.ORGANISATION, participation_id__in=participation_ids)
        .exclude(status=ReportJob.Status.FAILED, file="")
    )
    if not jobs:
        return []
    files = [job.file.name for job in jobs if job.file]
    ReportJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
        status=ReportJob.Status.PENDING,
        file="",
        error="",
        attempts=0,
        started_at=None,
        finished_at=None,
        heartbeat_at=None,
        queued_at=timezone.now(),
    )
    storage = _storage()

    def remove_files():
        for name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    _queue([job.pk for job in jobs])
    return [job.pk for job in jobs]


# Rendering: the one service the task calls.


def _claim(job_id: int) -> ReportJob | None:
    """Mark the job running and count the delivery; None if there is nothing to do."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in UNFINISHED:
            return None  # deleted, done, or failed (and not re-run): never render twice
        job.attempts += 1
        if job.attempts > MAX_DELIVERIES:
            with translation.override(job.language):
                reason = _(
                    "The report was started %(count)s times without finishing; the worker "
                    "may run out of memory or time on it."
                ) % {"count": MAX_DELIVERIES}
            _fail(job, reason)
            return None
        job.status = ReportJob.Status.RUNNING
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
        return job


class Heartbeat:
    """While the block runs, mark the running job alive every `every` seconds from a thread
    of its own (rendering is one long call that cannot stop to say so). A worker that is
    killed stops beating, and the sweep takes the job back."""

    def __init__(self, job_id: int, *, every: float | None = None):
        self.job_id = job_id
        self.every = settings.REPORT_HEARTBEAT_SECONDS if every is None else every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    ReportJob.objects.filter(
                        pk=self.job_id, status=ReportJob.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except TRANSIENT_ERRORS:  # the next beat may get through
                    logger.warning("Report job %s: heartbeat not recorded", self.job_id)
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        return False


def _fail(job: ReportJob, reason: str) -> None:
    ReportJob.objects.filter(pk=job.pk).exclude(status=ReportJob.Status.DONE).update(
        status=ReportJob.Status.FAILED,
        error=reason[:2000],
        attempts=job.attempts,
        finished_at=timezone.now(),
    )


def readable_reason(error: BaseException) -> str:
    """What went wrong, for the page: translated, with the error's own words."""
    if isinstance(error, SoftTimeLimitExceeded | TimeLimitExceeded):
        return _("The report took too long and was stopped (%(error)s).") % {
            "error": type(error).__name__
        }
    detail = str(error).strip().splitlines()[0][:500] if str(error).strip() else ""
    return _("The report could not be produced: %(error)s") % {
        "error": f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    }


def report_pdf(job: ReportJob) -> bytes:
    """The job's PDF, rendered in the job's language (the context too: its charts' texts)."""
    with translation.override(job.language):
        template_name, context = selectors.report_context(job)
        context["job"] = job
        html = rendering.render_html(template_name, context, language=job.language)
    return rendering.html_to_pdf(html)


def report_file_name(job: ReportJob) -> str:
    return f"{JOB_DIRECTORY.format(id=job.pk)}{uuid.uuid4().hex}.pdf"


def report_job_render(*, job_id: int) -> ReportJob | None:
    """Render a job's PDF and store it; idempotent (see the module's description).

    Returns the job when this call finished it (done or failed), None when there was nothing
    to do. Raises only transient errors, which the task retries.
    """
    job = _claim(job_id)
    if job is None:
        return None
    try:
        with Heartbeat(job.pk):
            pdf = report_pdf(job)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # a template or rendering error: fail the job, keep the worker
        logger.exception("Report job %s failed", job.pk)
        with translation.override(job.language):
            _fail(job, readable_reason(error))
        job.refresh_from_db()
        return job
    storage = _storage()
    name = storage.save(report_file_name(job), ContentFile(pdf))
    try:
        with transaction.atomic():
            won = ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(
                status=ReportJob.Status.DONE,
                file=name,
                error="",
                finished_at=timezone.now(),
            )
    except BaseException:
        storage.delete(name)
        raise
    if not won:  # another delivery finished first, or the job was failed meanwhile
        storage.delete(name)
        return None
    _remove_leftovers(job, keep=name)
    job.refresh_from_db()
    return job


def _remove_leftovers(job: ReportJob, *, keep: str) -> None:
    """Delete files of earlier deliveries of the job that were interrupted before they could
    be swapped in (a worker killed between writing and marking done)."""
    storage = _storage()
    directory = JOB_DIRECTORY.format(id=job.pk)
    try:
        _dirs, files = storage.listdir(directory)
    except (FileNotFoundError, NotImplementedError):
        return
    for filename in files:
        path = directory + filename
        if path != keep:
            storage.delete(path)


def report_job_fail(*, job_id: int, error: BaseException) -> None:
    """Fail a job that is not done, saying why in its language (the task's retries are spent,
    or the hard time limit stopped it)."""
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is not None:
        with translation.override(job.language):
            _fail(job, readable_reason(error))
