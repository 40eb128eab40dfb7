"""Report batches and jobs, for the pages: their progress, and the jobs whose worker died."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from modellkoncept.policy import visible
from reports.models import ReportBatch, ReportJob
from rounds.models import Round

# A job whose worker died is "stalled" (named `lost` in the code): still waiting long after it
# was queued (the message was lost with a worker that had reserved it, or with a broker that
# keeps nothing on disk), or "running" while its worker has said nothing for a while (it beats
# every REPORT_HEARTBEAT_SECONDS while rendering). The sweep queues such jobs again
# (`services.report_jobs_requeue_stalled`, every minute), and the pages offer to run one again
# at once; rendering is idempotent, so neither makes a second file.


def _stalled_cutoffs(now=None):
    now = now or timezone.now()
    return (
        now - timedelta(seconds=settings.REPORT_PENDING_STALLED_AFTER),
        now - timedelta(seconds=settings.REPORT_RUNNING_STALLED_AFTER),
    )


def lost_jobs(prefix: str = "", *, now=None) -> Q:
    """Jobs that have stalled (`prefix` reaches the jobs from a batch)."""
    waiting_since, silent_since = _stalled_cutoffs(now)

    def q(**lookups):
        return Q(**{prefix + name: value for name, value in lookups.items()})

    pending = q(status=ReportJob.Status.PENDING) & (
        q(queued_at__lt=waiting_since) | q(queued_at__isnull=True, created_at__lt=waiting_since)
    )
    running = q(status=ReportJob.Status.RUNNING) & (
        q(heartbeat_at__lt=silent_since)
        | q(heartbeat_at__isnull=True, started_at__lt=silent_since)
        | q(heartbeat_at__isnull=True, started_at__isnull=True)
    )
    return pending | running


def is_lost(job: ReportJob, *, now=None) -> bool:
    """Whether the job has stalled (see above): it may be run again at once."""
    waiting_since, silent_since = _stalled_cutoffs(now)
    if job.status == ReportJob.Status.RUNNING:
        last = job.heartbeat_at or job.started_at
        return last is None or last < silent_since
    if job.status == ReportJob.Status.PENDING:
        last = job.queued_at or job.created_at
        return last is not None and last < waiting_since
    return False


@dataclass(frozen=True)
class BatchProgress:
    total: int
    done: int
    failed: int
    running: int
    pending: int
    lost: int = 0  # waiting or running so long that the task is surely lost

    @property
    def finished(self) -> int:
        """Jobs nothing more will happen to unless someone runs them again."""
        return self.done + self.failed + self.lost

    @property
    def percent(self) -> int:
        """Share of the jobs that have finished (floor, so 100 means all)."""
        return 100 * self.finished // self.total if self.total else 100

    @property
    def is_complete(self) -> bool:
        return self.finished == self.total

    @property
    def state(self) -> str:
        """The counts in one word. The polling page sends back the state it shows and hears
        nothing (204) until it changes, so its live region announces changes, not repeats."""
        return f"{self.done}-{self.failed}-{self.running}-{self.pending}-{self.lost}"


def _progress_counts(prefix: str = "") -> dict:
    lost = lost_jobs(prefix)
    status = f"{prefix}status"
    return {
        "total": Count(f"{prefix}pk"),
        "done": Count(f"{prefix}pk", filter=Q(**{status: ReportJob.Status.DONE})),
        "failed": Count(f"{prefix}pk", filter=Q(**{status: ReportJob.Status.FAILED})),
        "running": Count(f"{prefix}pk", filter=Q(**{status: ReportJob.Status.RUNNING}) & ~lost),
        "pending": Count(f"{prefix}pk", filter=Q(**{status: ReportJob.Status.PENDING}) & ~lost),
        "lost": Count(f"{prefix}pk", filter=lost),
    }


def batch_progress(*, batch: ReportBatch) -> BatchProgress:
    """How many of the batch's jobs are done, failed, running, waiting or lost: one query."""
    return BatchProgress(**batch.jobs.order_by().aggregate(**_progress_counts()))


def batch_jobs_to_rerun(*, batch: ReportBatch):
    """The batch's jobs that failed or lost their task: the page offers to run them again."""
    return jobs_with_subjects(
        batch.jobs.filter(Q(status=ReportJob.Status.FAILED) | lost_jobs())
    ).order_by("kind", "pk")


def jobs_with_subjects(queryset):
    return queryset.select_related("participation__organisation", "group", "meeting", "round")


def round_jobs(*, round: Round):
    """The round's own reports (not those of its organisations and groups), newest first."""
    return jobs_with_subjects(
        ReportJob.objects.filter(round=round, kind=ReportJob.Kind.ROUND, batch__isnull=True)
    ).order_by("-created_at")


def round_batches(*, round: Round) -> list[tuple[ReportBatch, BatchProgress]]:
    """The round's batches with their progress, newest first: one query."""
    counts = _progress_counts("jobs__")
    batches = (
        round.report_batches.select_related("requested_by")
        .annotate(**{f"n_{name}": aggregate for name, aggregate in counts.items()})
        .order_by("-created_at")
    )
    return [
        (batch, BatchProgress(**{name: getattr(batch, f"n_{name}") for name in counts}))
        for batch in batches
    ]


def with_lost(jobs) -> list[ReportJob]:
    """The jobs, each marked `lost` when its task is surely lost (the page offers a re-run)."""
    jobs = list(jobs)
    for job in jobs:
        job.lost = is_lost(job)
    return jobs


def jobs_state(jobs) -> str:
    """The state of a list of jobs (marked by `with_lost`) in one word, as `BatchProgress.state`."""
    shown = ",".join(f"{job.pk}:{job.status}:{int(job.lost)}" for job in jobs)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def any_unfinished(jobs) -> bool:
    """Whether any job is still waiting or being produced (and not lost): keep polling."""
    return any(
        job.status in (ReportJob.Status.PENDING, ReportJob.Status.RUNNING) and not is_lost(job)
        for job in jobs
    )


def visible_jobs(*, user, **filters):
    """The report jobs the user may see, with the given filters, newest first."""
    return jobs_with_subjects(visible(ReportJob, user).filter(**filters)).order_by("-created_at")
