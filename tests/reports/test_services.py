"""Asking for reports and rendering them: a row first, one file per job however often the task
is delivered, a readable reason when rendering fails, and a re-run that works."""

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
    ReportJob.objects.filter(pk=jobs[3].pk).update(status=ReportJob.Status.RUNNING)

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
    ReportJob.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=3))

    again = services.report_job_request(
        kind=ReportJob.Kind.ROUND, round=world.round_a, language="sv"
    )

    assert again.pk != first.pk
