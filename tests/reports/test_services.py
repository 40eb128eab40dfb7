"""Asking for reports and rendering them: a row first, one file per job however often the task
is delivered, a readable reason when rendering fails, and a re-run that works."""

import datetime as dt
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.template import TemplateSyntaxError
from django.utils import timezone

from modellkoncept.errors import DomainError
from participants import services as participant_services
from reports import selectors, services
from reports.models import ReportBatch, ReportJob
from tests.reports.factories import job


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _files(media: Path, report: ReportJob) -> list[Path]:
    directory = media / "reports" / "jobs" / str(report.pk)
    return sorted(directory.iterdir()) if directory.exists() else []


def _org_job(world, **fields):
    return job(
        kind=ReportJob.Kind.ORGANISATION, round=world.round_a, participation=world.a2, **fields
    )


def test_a_request_saves_a_waiting_job_and_queues_it_once_committed(
    world, django_capture_on_commit_callbacks
):
    with (
        mock.patch("reports.tasks.render_report.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = services.report_job_request(
            kind=ReportJob.Kind.ORGANISATION,
            round=world.round_a,
            participation=world.a1,
            language="en",
            requested_by=world.politician_a1,
        )
        assert not delay.called  # not before the row is committed

    assert report.status == ReportJob.Status.PENDING
    assert report.language == "en"
    delay.assert_called_once_with(report.pk)


def test_asking_again_while_it_is_produced_gives_the_same_job(world):
    first = services.report_job_request(
        kind=ReportJob.Kind.GROUP, round=world.round_a, group=world.ga1, language="sv"
    )
    again = services.report_job_request(
        kind=ReportJob.Kind.GROUP, round=world.round_a, group=world.ga1, language="sv"
    )
    english = services.report_job_request(
        kind=ReportJob.Kind.GROUP, round=world.round_a, group=world.ga1, language="en"
    )

    assert again.pk == first.pk
    assert english.pk != first.pk
    assert ReportJob.objects.count() == 2


def test_a_mentor_has_no_organisation_report(world):
    with pytest.raises(DomainError):
        services.report_job_request(
            kind=ReportJob.Kind.ORGANISATION, round=world.round_a, participation=world.m1
        )


def test_a_group_report_compares_only_at_a_meeting_of_its_own_schedule(world):
    with pytest.raises(DomainError):
        services.report_job_request(
            kind=ReportJob.Kind.GROUP,
            round=world.round_a,
            group=world.ga1,
            meeting=world.meeting_ga2,
        )


def test_rendering_stores_one_pdf_and_marks_the_job_done(world, media):
    report = _org_job(world)

    finished = services.report_job_render(job_id=report.pk)

    assert finished.status == ReportJob.Status.DONE
    assert finished.attempts == 1
    assert finished.finished_at is not None
    files = _files(media, report)
    assert len(files) == 1
    assert finished.file.name == f"reports/jobs/{report.pk}/{files[0].name}"
    assert files[0].read_bytes().startswith(b"%PDF-")


def test_a_job_already_done_is_not_rendered_again(world, media):
    report = _org_job(world)
    services.report_job_render(job_id=report.pk)
    done = ReportJob.objects.get(pk=report.pk)

    with mock.patch.object(services, "report_pdf") as render:
        assert services.report_job_render(job_id=report.pk) is None

    render.assert_not_called()
    again = ReportJob.objects.get(pk=report.pk)
    assert (again.file.name, again.attempts) == (done.file.name, 1)
    assert len(_files(media, report)) == 1


def test_two_deliveries_at_once_leave_one_file(world, media):
    """The second delivery starts while the first is rendering (its worker seemed lost): both
    render, the one that swaps its file in first wins, the other deletes its own."""
    report = _org_job(world)
    real = services.report_pdf
    inner = []

    def render_while_another_delivery_runs(job_):
        if not inner:
            inner.append(None)
            inner[0] = services.report_job_render(job_id=job_.pk)
        return real(job_)

    with mock.patch.object(services, "report_pdf", side_effect=render_while_another_delivery_runs):
        outer = services.report_job_render(job_id=report.pk)

    assert inner[0].status == ReportJob.Status.DONE
    assert outer is None  # the first delivery lost the race and kept nothing
    report.refresh_from_db()
    assert report.status == ReportJob.Status.DONE
    assert report.attempts == 2
    files = _files(media, report)
    assert [f"reports/jobs/{report.pk}/{f.name}" for f in files] == [report.file.name]


def test_a_file_left_by_an_interrupted_delivery_is_removed(world, media):
    report = _org_job(world)
    leftover = media / "reports" / "jobs" / str(report.pk) / "half-written.pdf"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"%PDF-1.7 cut short")
    ReportJob.objects.filter(pk=report.pk).update(status=ReportJob.Status.RUNNING, attempts=1)

    finished = services.report_job_render(job_id=report.pk)

    assert finished.status == ReportJob.Status.DONE
    assert finished.attempts == 2
    assert not leftover.exists()
    assert len(_files(media, report)) == 1


def test_a_rendering_error_fails_the_job_with_the_reason_and_a_rerun_works(
    world, media, django_capture_on_commit_callbacks
):
    report = _org_job(world)
    broken = TemplateSyntaxError("Invalid block tag on line 7: 'endfor'")

    with mock.patch.object(services.rendering, "render_html", side_effect=broken):
        failed = services.report_job_render(job_id=report.pk)

    assert failed.status == ReportJob.Status.FAILED
    assert "TemplateSyntaxError: Invalid block tag on line 7: 'endfor'" in failed.error
    assert not failed.file
    assert _files(media, report) == []
    # A redelivery of the old message does not touch a failed job.
    assert services.report_job_render(job_id=report.pk) is None

    with (
        mock.patch("reports.tasks.render_report.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        rerun = services.report_job_rerun(job=failed, requested_by=world.leader)
    assert (rerun.status, rerun.error, rerun.attempts) == (ReportJob.Status.PENDING, "", 0)
    delay.assert_called_once_with(report.pk)
    done = services.report_job_render(job_id=report.pk)
    assert done.status == ReportJob.Status.DONE
    assert len(_files(media, report)) == 1


def test_a_missing_template_fails_the_job_too(world, media, monkeypatch):
    monkeypatch.setitem(selectors.TEMPLATES, ReportJob.Kind.ORGANISATION, "reports/pdf/gone.html")
    report = _org_job(world)

    failed = services.report_job_render(job_id=report.pk)

    assert failed.status == ReportJob.Status.FAILED
    assert "TemplateDoesNotExist: reports/pdf/gone.html" in failed.error


def test_only_a_failed_job_is_run_again(world, media):
    report = _org_job(world)
    services.report_job_render(job_id=report.pk)

    with pytest.raises(DomainError):
        services.report_job_rerun(job=ReportJob.objects.get(pk=report.pk))


def test_a_transient_error_is_raised_for_the_task_to_retry(world, media):
    report = _org_job(world)

    with (
        mock.patch.object(services, "report_pdf", side_effect=OperationalError("gone away")),
        pytest.raises(OperationalError),
    ):
        services.report_job_render(job_id=report.pk)

    report.refresh_from_db()
    assert report.status == ReportJob.Status.RUNNING  # the retry will take it up
    assert services.report_job_render(job_id=report.pk).status == ReportJob.Status.DONE


def test_a_job_delivered_too_often_is_failed_instead_of_rendered(world, media):
    report = _org_job(world)
    ReportJob.objects.filter(pk=report.pk).update(
        status=ReportJob.Status.RUNNING, attempts=services.MAX_DELIVERIES
    )

    with mock.patch.object(services, "report_pdf") as render:
        failed = services.report_job_render(job_id=report.pk)

    render.assert_not_called()
    assert failed is None
    report.refresh_from_db()
    assert report.status == ReportJob.Status.FAILED
    assert str(services.MAX_DELIVERIES) in report.error


def test_failing_keeps_a_finished_job_finished(world, media):
    report = _org_job(world)
    services.report_job_render(job_id=report.pk)

    services.report_job_fail(job_id=report.pk, error=RuntimeError("late"))

    assert ReportJob.objects.get(pk=report.pk).status == ReportJob.Status.DONE


def test_all_reports_of_a_round_are_one_job_per_participant_and_group_and_the_round(world):
    batch = services.report_batch_request(round=world.round_a, language="sv")

    kinds = sorted(batch.jobs.values_list("kind", flat=True))
    assert kinds == ["group"] * 2 + ["organisation"] * 4 + ["round"]
    assert set(
        batch.jobs.filter(kind="organisation").values_list("participation_id", flat=True)
    ) == {world.a1.pk, world.a2.pk, world.a3.pk, world.a4.pk}
    progress = selectors.batch_progress(batch=batch)
    assert (progress.total, progress.pending, progress.finished, progress.percent) == (7, 7, 0, 0)
    # Asked for again while it runs: the same batch, not a second one.
    assert services.report_batch_request(round=world.round_a).pk == batch.pk
    assert ReportBatch.objects.count() == 1


def test_a_withdrawn_organisation_gets_no_report_in_the_batch(world):
    participant_services.participation_withdraw(
        participation=world.a4, on=world.round_a.starts_on, reason="Omorganisation"
    )

    batch = services.report_batch_request(round=world.round_a)

    assert not batch.jobs.filter(participation=world.a4).exists()
    assert batch.jobs.count() == 6


def test_batch_progress_counts_each_state(world, media):
    batch = services.report_batch_request(round=world.round_a)
    jobs = list(batch.jobs.order_by("pk"))
    services.report_job_render(job_id=jobs[0].pk)
    services.report_job_render(job_id=jobs[1].pk)
    ReportJob.objects.filter(pk=jobs[2].pk).update(status=ReportJob.Status.FAILED, error="x")
    ReportJob.objects.filter(pk=jobs[3].pk).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )

    progress = selectors.batch_progress(batch=batch)

    assert (progress.done, progress.failed, progress.running, progress.pending) == (2, 1, 1, 3)
    assert (progress.finished, progress.total, progress.percent) == (3, 7, 42)
    assert not progress.is_complete
    for other in jobs[4:]:
        services.report_job_render(job_id=other.pk)
    ReportJob.objects.filter(pk=jobs[3].pk).update(status=ReportJob.Status.DONE, file="x.pdf")
    assert selectors.batch_progress(batch=batch).percent == 100
    assert selectors.batch_progress(batch=batch).is_complete
    # A batch that has finished is no longer the one a new request returns.
    assert services.report_batch_request(round=world.round_a).pk != batch.pk


def test_a_job_whose_task_was_lost_counts_as_finished_and_can_be_run_again(world, media):
    batch = services.report_batch_request(round=world.round_a)
    jobs = list(batch.jobs.order_by("pk"))
    for report in jobs[1:]:
        services.report_job_render(job_id=report.pk)
    # The first one's worker vanished long ago (the queue lost the message, say).
    long_ago = timezone.now() - timedelta(hours=2)
    ReportJob.objects.filter(pk=jobs[0].pk).update(
        status=ReportJob.Status.RUNNING, started_at=long_ago, attempts=1
    )

    progress = selectors.batch_progress(batch=batch)
    assert (progress.lost, progress.running, progress.is_complete) == (1, 0, True)
    assert [j.pk for j in selectors.batch_jobs_to_rerun(batch=batch)] == [jobs[0].pk]
    assert services.report_batch_request(round=world.round_a).pk != batch.pk  # not “running”

    rerun = services.report_job_rerun(job=jobs[0])
    assert rerun.status == ReportJob.Status.PENDING
    assert services.report_job_render(job_id=rerun.pk).status == ReportJob.Status.DONE
    assert selectors.batch_progress(batch=batch).done == 7


def test_a_job_still_running_in_time_is_not_run_again(world):
    report = _org_job(world)
    ReportJob.objects.filter(pk=report.pk).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now()
    )

    with pytest.raises(DomainError):
        services.report_job_rerun(job=report)


def test_asking_again_after_the_task_was_lost_makes_a_new_job(world):
    first = services.report_job_request(
        kind=ReportJob.Kind.ROUND, round=world.round_a, language="sv"
    )
    three_hours_ago = timezone.now() - timedelta(hours=3)
    ReportJob.objects.filter(pk=first.pk).update(
        created_at=three_hours_ago, queued_at=three_hours_ago
    )

    again = services.report_job_request(
        kind=ReportJob.Kind.ROUND, round=world.round_a, language="sv"
    )

    assert again.pk != first.pk


# Stalled jobs: the heartbeat and the sweep (fixed times, real rows)

SWEEP_AT = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def _stalled_world(world, at=SWEEP_AT):
    """One job in each state the sweep tells apart, at times before `at`."""

    def minutes(n):
        return at - timedelta(minutes=n)

    def seconds(n):
        return at - timedelta(seconds=n)

    rows = {
        # waiting: just queued / queued long ago and never taken (the message was lost)
        "fresh_pending": {"status": "pending", "queued_at": minutes(1)},
        "old_pending": {"status": "pending", "queued_at": minutes(6)},
        "old_pending_never_queued": {"status": "pending", "queued_at": None},
        # running: its worker beat a moment ago / went silent (killed mid-render)
        "beating": {"status": "running", "started_at": minutes(4), "heartbeat_at": seconds(10)},
        "silent": {"status": "running", "started_at": minutes(4), "heartbeat_at": seconds(91)},
        "silent_since_start": {"status": "running", "started_at": minutes(2)},
        # finished: never touched
        "failed": {"status": "failed", "queued_at": minutes(60), "error": "x"},
    }
    participations = [world.a1, world.a2, world.a3, world.a4]
    groups = [world.ga1, world.ga2]
    jobs = {}
    for n, (name, fields) in enumerate(rows.items()):
        if n < len(participations):
            subject = {"kind": "organisation", "participation": participations[n]}
        elif n < len(participations) + len(groups):
            subject = {"kind": "group", "group": groups[n - len(participations)]}
        else:
            subject = {"kind": "round"}
        jobs[name] = ReportJob.objects.create(
            round=world.round_a,
            language="sv",
            attempts=1 if "running" in fields.values() else 0,
            **subject,
            **fields,
        )
    ReportJob.objects.update(created_at=minutes(30))
    return jobs


def test_the_sweep_queues_again_exactly_the_stalled_jobs(world, django_capture_on_commit_callbacks):
    jobs = _stalled_world(world)
    stalled = {"old_pending", "old_pending_never_queued", "silent", "silent_since_start"}

    with django_capture_on_commit_callbacks() as queued:
        requeued = services.report_jobs_requeue_stalled(now=SWEEP_AT)

    assert sorted(requeued) == sorted(jobs[name].pk for name in stalled)
    assert len(queued) == 4  # one task each, sent once the sweep commits
    for name, original in jobs.items():
        row = ReportJob.objects.get(pk=original.pk)
        if name in stalled:
            assert (row.status, row.queued_at, row.heartbeat_at) == ("pending", SWEEP_AT, None)
        else:
            assert (row.status, row.queued_at) == (original.status, original.queued_at), name
    # Deliveries keep counting: a job that kills every worker is failed, not queued for ever.
    assert ReportJob.objects.get(pk=jobs["silent"].pk).attempts == 1


def test_the_sweep_is_idempotent(world, django_capture_on_commit_callbacks):
    _stalled_world(world)
    services.report_jobs_requeue_stalled(now=SWEEP_AT)

    with django_capture_on_commit_callbacks() as queued:
        again = services.report_jobs_requeue_stalled(now=SWEEP_AT + timedelta(minutes=1))

    assert again == []
    assert queued == []
    # Five minutes on, with no worker taking or beating any: every unfinished job has
    # stalled, and each is queued once more, no sooner.
    later = services.report_jobs_requeue_stalled(now=SWEEP_AT + timedelta(minutes=5, seconds=1))
    unfinished = ReportJob.objects.exclude(status="failed").values_list("pk", flat=True)
    assert sorted(later) == sorted(unfinished)
    assert len(later) == 6


def test_a_job_queued_again_by_the_sweep_is_rendered_once(world, media):
    jobs = _stalled_world(world)
    services.report_jobs_requeue_stalled(now=SWEEP_AT)
    silent = jobs["silent"].pk

    # The sweep's delivery and the broker's own redelivery of the killed worker's task.
    first = services.report_job_render(job_id=silent)
    second = services.report_job_render(job_id=silent)

    assert first.status == ReportJob.Status.DONE
    assert second is None
    assert first.attempts == 2
    _dirs, files = first.file.storage.listdir(services.JOB_DIRECTORY.format(id=silent))
    assert len(files) == 1


def test_the_sweep_task_runs_the_sweep(world, django_capture_on_commit_callbacks):
    from reports.tasks import requeue_stalled_reports

    silent = ReportJob.objects.create(
        round=world.round_a,
        kind="round",
        language="sv",
        status="running",
        started_at=timezone.now() - timedelta(minutes=10),
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )

    with django_capture_on_commit_callbacks():
        assert requeue_stalled_reports.apply().get() == [silent.pk]

    silent.refresh_from_db()
    assert silent.status == ReportJob.Status.PENDING


def test_a_stalled_job_is_shown_as_such_and_can_be_run_again_at_once(world):
    jobs = _stalled_world(world, at=timezone.now())

    marked = {j.pk: j.lost for j in selectors.with_lost(ReportJob.objects.all())}
    assert {name for name, j in jobs.items() if marked[j.pk]} == {
        "old_pending",
        "old_pending_never_queued",
        "silent",
        "silent_since_start",
    }
    rerun = services.report_job_rerun(job=jobs["silent"])
    with pytest.raises(DomainError):
        services.report_job_rerun(job=jobs["beating"])

    assert (rerun.status, rerun.attempts, rerun.heartbeat_at) == ("pending", 0, None)


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_while_its_worker_renders():
    from rounds import services as round_services

    round_ = round_services.round_create(
        name="Omgång H", slug="omgang-h", starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2028, 1, 1)
    )
    long_ago = timezone.now() - timedelta(hours=1)
    running = ReportJob.objects.create(
        round=round_,
        kind="round",
        language="sv",
        status="running",
        started_at=long_ago,
        heartbeat_at=long_ago,
    )

    with services.Heartbeat(running.pk, every=0.02) as heartbeat:
        deadline = time.monotonic() + 5
        while ReportJob.objects.get(pk=running.pk).heartbeat_at == long_ago:
            assert time.monotonic() < deadline, "no heartbeat within five seconds"
            time.sleep(0.02)

    assert not heartbeat._thread.is_alive()  # stops with the rendering
    running.refresh_from_db()
    assert running.heartbeat_at > long_ago
    assert not selectors.is_lost(running)
