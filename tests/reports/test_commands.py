"""`build_reports SLUG [--organisation CODE] [--wait]` from the shell, in-process here."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from modellkoncept.celery import app as celery_app
from reports.models import ReportJob


@pytest.fixture
def eager(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield settings.MEDIA_ROOT
    celery_app.conf.task_always_eager = old


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("build_reports", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# Transactional: the jobs are queued when the command's transaction commits, as in production.
@pytest.mark.django_db(transaction=True)
def test_builds_every_report_of_the_round_and_prints_the_files(eager, world):
    out, _err = _run(world.round_a.slug, "--wait")

    lines = out.splitlines()
    assert lines[0] == f"7 report(s) asked for in {world.round_a}."
    paths = [Path(line) for line in lines[1:]]
    assert len(paths) == 7  # four organisations, two groups and the round
    assert len(set(paths)) == 7
    for path in paths:
        assert path.is_relative_to(eager)
        assert path.read_bytes().startswith(b"%PDF-")
    assert ReportJob.objects.filter(status=ReportJob.Status.DONE).count() == 7


@pytest.mark.django_db(transaction=True)
def test_builds_one_organisations_report(eager, world):
    out, _err = _run(world.round_a.slug, "--organisation", "9101", "--wait")

    lines = out.splitlines()
    assert len(lines) == 2
    report = ReportJob.objects.get()
    assert (report.kind, report.participation) == (ReportJob.Kind.ORGANISATION, world.a1)
    assert lines[1] == report.file.path


@pytest.mark.django_db
def test_without_wait_it_only_asks(world):
    out, _err = _run(world.round_a.slug)

    assert out.strip() == f"7 report(s) asked for in {world.round_a}."
    assert ReportJob.objects.filter(status=ReportJob.Status.PENDING).count() == 7


@pytest.mark.django_db
def test_an_unknown_round_or_organisation_is_an_error(world):
    with pytest.raises(CommandError, match="no-such-round"):
        _run("no-such-round")
    with pytest.raises(CommandError, match="9999"):
        _run(world.round_a.slug, "--organisation", "9999")
