"""The report task: a job id in, one service call.

Acknowledged late (with the settings' prefetch of one and a broker visibility timeout a minute
longer than the hard time limit): a worker killed mid-task leaves the message unacknowledged,
and another worker renders the job (the sweep `requeue_stalled_reports` queues it again sooner,
once the job's heartbeat has stopped); `report_job_render` is idempotent, so that never makes
a second file. Transient errors (database or storage not answering) are retried with
exponential backoff; when the retries are spent, or the hard time limit kills the task,
`on_failure` fails the job with the reason, so the page can say why and offer to run it again.
"""

from celery import Task, shared_task
from celery.signals import worker_init
from django.conf import settings

from reports import rendering, services

# Longer than a national round report takes (about ten seconds), shorter than the settings'
# default, so a report that hangs frees its worker soon.
TIME_LIMIT = min(settings.CELERY_TASK_TIME_LIMIT, 240)
SOFT_TIME_LIMIT = TIME_LIMIT - 30


@worker_init.connect
def _preload_weasyprint(**kwargs):
    """Import WeasyPrint once in the worker's main process, before it forks its pool: every
    pool process (replaced after CELERY_WORKER_MAX_TASKS_PER_CHILD tasks, since WeasyPrint does
    not hand memory back) then starts with it loaded instead of importing it again. Web
    processes never start a worker, so they never import it."""
    rendering.preload()


class ReportTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """The task failed for good: its retries are spent, or the hard time limit killed it
        (then this runs in the worker's main process)."""
        job_id = args[0] if args else kwargs.get("job_id")
        if job_id is not None:
            services.report_job_fail(job_id=job_id, error=exc)


@shared_task(
    base=ReportTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(*services.TRANSIENT_ERRORS, OSError),  # OSError: the storage
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=4,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def render_report(job_id: int) -> int | None:
    """Render the job's PDF and store it; the job's id once done or failed, None if there was
    nothing to do (done already, or another delivery is finishing it)."""
    job = services.report_job_render(job_id=job_id)
    return job.pk if job is not None else None


@shared_task(acks_late=True, ignore_result=True)
def requeue_stalled_reports() -> list[int]:
    """Every minute (beat): queue again the report jobs whose worker died."""
    return services.report_jobs_requeue_stalled()
