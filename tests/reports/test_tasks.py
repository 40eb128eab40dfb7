"""The report task: in-process without a broker, its delivery settings, failing a job for good,
and “all reports of a round” through Redis to a real worker."""

from unittest import mock

import pytest
from celery.exceptions import TimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, transaction
from django.urls import reverse

from modellkoncept.celery import app as celery_app
from reports import selectors, services
from reports.models import ReportJob
from reports.tasks import render_report
from tests.conftest import wait_for
from tests.reports.factories import job


@pytest.fixture
def eager():
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_task_is_acknowledged_late_limited_in_time_and_retried_with_backoff():
    assert render_report.acks_late is True
    assert render_report.reject_on_worker_lost is True
    assert OperationalError in render_report.autoretry_for
    assert render_report.retry_backoff
    assert render_report.max_retries >= 3
    assert render_report.soft_time_limit < render_report.time_limit
    # The broker hands an unacknowledged task out again only after the longest task is over.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > render_report.time_limit
    # … and soon after: a task reserved by a killed worker runs again within minutes, not 20.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= 6 * 60
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_WORKER_MAX_TASKS_PER_CHILD
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD


@pytest.mark.django_db
def test_the_task_renders_the_job_in_process(eager, world, media):
    report = job(kind=ReportJob.Kind.GROUP, round=world.round_a, group=world.ga1)

    assert render_report.delay(report.pk).get() == report.pk

    report.refresh_from_db()
    assert report.status == ReportJob.Status.DONE
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert render_report.delay(report.pk).get() is None  # done: not rendered again


@pytest.mark.django_db
def test_a_task_out_of_retries_fails_the_job_with_the_reason(eager, world):
    report = job(kind=ReportJob.Kind.ROUND, round=world.round_a)

    with mock.patch.object(
        services, "report_job_render", side_effect=OperationalError("server closed")
    ):
        result = render_report.apply(
            args=[report.pk], retries=render_report.max_retries, throw=False
        )

    assert result.state == "FAILURE"
    report.refresh_from_db()
    assert report.status == ReportJob.Status.FAILED
    assert "OperationalError: server closed" in report.error


@pytest.mark.django_db
def test_the_hard_time_limit_fails_the_job(world):
    report = job(kind=ReportJob.Kind.ROUND, round=world.round_a)

    render_report.on_failure(TimeLimitExceeded(240), "task-id", (report.pk,), {}, None)

    report.refresh_from_db()
    assert report.status == ReportJob.Status.FAILED
    assert "TimeLimitExceeded" in report.error


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_workers_produce_all_reports_of_a_round_once_each(
    world, media_for_worker, celery_worker, client
):
    with transaction.atomic():
        batch = services.report_batch_request(round=world.round_a, language="sv")
    # Committed: seven tasks are queued, and the worker's two processes share them.

    def all_finished():
        progress = selectors.batch_progress(batch=batch)
        return progress if progress.finished == progress.total else None

    progress = wait_for(all_finished, timeout=90, interval=0.5)
    assert progress, f"not finished in 90 seconds: {selectors.batch_progress(batch=batch)}"
    assert (progress.done, progress.failed, progress.total) == (7, 0, 7)
    for report in batch.jobs.all():
        assert report.status == ReportJob.Status.DONE
        directory = media_for_worker / "reports" / "jobs" / str(report.pk)
        files = list(directory.iterdir())
        assert [f"reports/jobs/{report.pk}/{f.name}" for f in files] == [report.file.name]
        assert files[0].read_bytes().startswith(b"%PDF-")
        assert report.attempts == 1
    client.force_login(world.leader)
    fragment = client.get(reverse("reports:batch_progress", kwargs={"pk": batch.pk})).content
    assert b"(100 %)" in fragment
    assert b"hx-trigger" not in fragment  # finished: the page stops asking


@pytest.fixture
def media_for_worker(settings, tmp_path):
    """One media directory for this process and the worker's (`celery_worker` passes it on)."""
    path = tmp_path / "worker-media"
    path.mkdir()
    settings.MEDIA_ROOT = path
    return path


def test_beat_sweeps_stalled_report_jobs_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stalled-reports"]

    assert entry["task"] == "reports.tasks.requeue_stalled_reports"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == 60.0
    # A live worker beats several times before it could be taken for stalled.
    assert settings.REPORT_RUNNING_STALLED_AFTER >= 4 * settings.REPORT_HEARTBEAT_SECONDS
