"""The one-page summary for the political committee: its figures, its limits (one A4 page
whatever the history, counted from the real PDF), its next steps (saved, logged, refused when
too long) and its pages through the policy."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from checklist.models import ChecklistItem
from modellkoncept.actions import show
from modellkoncept.celery import app as celery_app
from modellkoncept.models import LogEntry
from participants import services as participant_services
from participants.models import ImprovementWork, Organisation, Participation
from reports import services
from reports.models import (
    NEXT_STEPS_MAX_LENGTH,
    NEXT_STEPS_MAX_LINES,
    OrganisationSummary,
    ReportJob,
)
from reports.summary import selectors as summary_selectors
from reports.summary.selectors import organisation_summary
from reports.summary.services import summary_next_steps_save
from rounds import services as round_services
from rounds.models import BenchmarkingGroup, Meeting
from tests.reports.factories import pdf_pages, pdf_text, record

pytestmark = pytest.mark.django_db

HOSTILE = '<img src="file:///etc/passwd"><script>alert("x")</script> & “citat”'


def _assessment_meetings(round_, group, count: int, *, first_day: dt.datetime) -> list[Meeting]:
    return [
        round_services.meeting_create(
            round=round_,
            group=group,
            kind=Meeting.Kind.LEARNING_MEETING,
            number=10 + n,
            title=f"Skattning {n + 1} {group.name}",
            starts_at=first_day + dt.timedelta(days=14 * n),
            ends_at=first_day + dt.timedelta(days=14 * n, hours=5),
            assessment_due=True,
        )
        for n in range(count)
    ]


def _pdf(participation, language="sv") -> bytes:
    job = ReportJob(
        kind=ReportJob.Kind.SUMMARY,
        round=participation.round,
        participation=participation,
        language=language,
    )
    return services.report_pdf(job)


# The figures.


@pytest.fixture
def assessed(world):
    """A1 and A2 of GA1 and A3 of GA2 have assessed at GA1's meeting and two more each."""
    start = world.meeting_ga1.starts_at
    ga1_more = _assessment_meetings(
        world.round_a, world.ga1, 2, first_day=start + dt.timedelta(days=10)
    )
    ga2_more = _assessment_meetings(
        world.round_a, world.ga2, 2, first_day=start + dt.timedelta(days=11)
    )
    # A1 (Aby): 12 → 14 → 17; items 1, 2, 3, 5 and 9 move.
    record(world.a1, world.meeting_ga1, "2211111111", by=world.strategist_a1)
    record(world.a1, ga1_more[0], "2221211111")
    record(world.a1, ga1_more[1], "3321211121")
    # A2 (Bby): its GA1 assessment (all 2s, 20) is in the world; then 21 and 22.
    record(world.a2, ga1_more[0], "3222222222")
    record(world.a2, ga1_more[1], "3322222222")
    # A3 (Cby), in GA2: its first (all 2s) is in the world; then 25 and 13.
    record(world.a3, ga2_more[0], "3333322222")
    record(world.a3, ga2_more[1], "1111111222")
    return world


def test_shows_the_totals_with_the_groups_and_the_rounds_means_at_each_point(assessed):
    summary = organisation_summary(participation=assessed.a1)

    assert summary.points == [1, 2, 3]
    # GA1: (12 + 20) / 2 = 16,0; (14 + 21) / 2 = 17,5; (17 + 22) / 2 = 19,5. The round: A1,
    # A2 and A3 (A4 has not assessed): 52 / 3, 60 / 3, 52 / 3.
    assert [(r.point, r.total, r.group_mean, r.round_mean) for r in summary.totals] == [
        (1, "12", "16,0", "17,3"),
        (2, "14", "17,5", "20,0"),
        (3, "17", "19,5", "17,3"),
    ]
    assert (summary.first_total, summary.latest_total, summary.movement_delta) == (12, 17, "+5")
    assert (summary.group_mean_total, summary.round_mean_total) == ("19,5", "17,3")
    assert summary.max_total == 30


def test_lists_the_items_that_moved_with_the_means_at_the_latest_point(assessed):
    summary = organisation_summary(participation=assessed.a1)

    moved = [(m.number, m.first, m.latest, m.delta_display) for m in summary.moved]
    assert moved == [
        (1, 2, 3, "+1"),
        (2, 2, 3, "+1"),
        (3, 1, 2, "+1"),
        (5, 1, 2, "+1"),
        (9, 1, 2, "+1"),
    ]
    assert summary.unchanged == 5
    item_1 = summary.moved[0]
    # Item 1 at point 3: GA1 (3 + 3) / 2; the round (3 + 3 + 1) / 3.
    assert (item_1.group_mean, item_1.round_mean) == ("3,0", "2,3")


def test_a_fall_shows_with_its_sign(assessed):
    summary = organisation_summary(participation=assessed.a3)

    assert summary.movement_delta == "-7"
    assert {m.delta_display for m in summary.moved} == {"-1"}


def test_the_pdf_is_one_page_with_the_figures_and_the_next_steps(assessed):
    summary_next_steps_save(
        participation=assessed.a1,
        next_steps="Budgetanvisningen kräver könsuppdelad statistik.\n" + HOSTILE,
        by=assessed.strategist_a1,
    )
    work = ImprovementWork(
        participation=assessed.a1,
        title="Jämställd biståndshandläggning",
        chain_step=ImprovementWork.ChainStep.WAY_OF_WORKING,
    )
    work.full_clean()
    work.save()

    pdf = _pdf(assessed.a1)

    pages = pdf_pages(pdf)
    assert len(pages) == 1
    text = pdf_text(pdf)
    assert "Aby" in text
    assert "Sammanfattning för den politiska ledningen" in text
    assert "från 12 till 17 (+5) av 30 möjliga" in text
    assert "1 12 16,0 17,3 2 14 17,5 20,0 3 17 19,5 17,3" in text
    assert "Jämställd biståndshandläggning" in text
    assert "Budgetanvisningen kräver könsuppdelad statistik." in text
    assert '<script>alert("x")</script> & “citat”' in text  # shown as typed, not run


def test_the_pdf_in_english(assessed):
    text = pdf_text(_pdf(assessed.a1, language="en"))

    assert "Summary for the political leadership" in text
    assert "from 12 to 17 (+5) of 30 possible" in text
    assert "1 12 16.0 17.3 2 14 17.5 20.0 3 17 19.5 17.3" in text


def test_an_organisation_without_assessments_gets_a_page_that_says_so(world):
    pdf = _pdf(world.a4)

    assert len(pdf_pages(pdf)) == 1
    text = pdf_text(pdf)
    assert "har inte skickat in någon självskattning" in text
    assert "Inget förbättringsarbete" in text


# One page, whatever the history.


def _worst_case(world) -> Participation:
    """Everything at its longest: the longest names, three earlier rounds with the longest
    names, fourteen assessments, every item moved with the longest text shown, forty
    improvement works with the longest titles, and next steps at their limit in the widest
    letters, one short line after another then one long."""
    long_name = ("Västra Götalandsregionens förbundsnämnd " * 6)[:200]
    Organisation.objects.filter(pk=world.a1.organisation_id).update(name=long_name)
    BenchmarkingGroup.objects.filter(pk=world.ga1.pk).update(name=("Grupp Väst " * 12)[:120])
    ChecklistItem.objects.filter(version_id=world.round_a.checklist_version_id).update(
        text_sv="Verksamheternas resultat för kvinnor och män, flickor och pojkar " * 4,
        text_en="The results of the services for women and men, girls and boys " * 4,
    )
    first_day = timezone.now() - dt.timedelta(days=3 * 365)
    for n in range(3):
        earlier = round_services.round_create(
            name=f"{n + 1}. " + "Modellkommuner och modellregioner i hela landet " * 4,
            slug=f"tidigare-{n}",
            starts_on=dt.date(2020 + n, 1, 1) - dt.timedelta(days=365 * 3),
            ends_on=dt.date(2020 + n, 12, 31) - dt.timedelta(days=365 * 3),
        )
        own = participant_services.participation_add(
            round=earlier, organisation=world.a1.organisation
        )
        meeting = round_services.meeting_create(
            round=earlier,
            kind=Meeting.Kind.LEARNING_MEETING,
            title="Lärandeträff",
            starts_at=first_day + dt.timedelta(days=n),
            ends_at=first_day + dt.timedelta(days=n, hours=5),
            assessment_due=True,
        )
        record(own, meeting, "1111111111")
    meetings = _assessment_meetings(
        world.round_a, world.ga1, 13, first_day=world.meeting_ga1.starts_at + dt.timedelta(days=1)
    )
    record(world.a1, world.meeting_ga1, "1111111111")
    record(world.a2, world.meeting_ga1, "3333333333")
    for n, meeting in enumerate(meetings):
        record(world.a1, meeting, "3333333333" if n % 2 else "2222222222")
        record(world.a2, meeting, "1212121212")
    for n in range(40):
        work = ImprovementWork(
            participation=world.a1,
            title=(f"{n:02d} " + "Jämställd resursfördelning i äldreomsorgen " * 5)[:200],
            chain_step=list(ImprovementWork.ChainStep)[n % 5],
        )
        work.full_clean()
        work.save()
    wide = ["W"] * (NEXT_STEPS_MAX_LINES - 1)
    rest = NEXT_STEPS_MAX_LENGTH - len("\n".join(wide)) - 1
    summary_next_steps_save(
        participation=world.a1, next_steps="\n".join([*wide, "W" * rest]), by=world.strategist_a1
    )
    return Participation.objects.get(pk=world.a1.pk)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_worst_case_is_still_one_page(world, language):
    participation = _worst_case(world)

    pdf = _pdf(participation, language=language)

    assert len(pdf_pages(pdf)) == 1
    text = pdf_text(pdf)
    left_out = 40 - summary_selectors.MAX_WORKS
    more = {
        "sv": f"Och {left_out} förbättringsarbeten till.",
        "en": f"And {left_out} more improvement works.",
    }
    assert more[language] in text
    assert "W" * 40 in text.replace(" ", "")


def test_the_worst_case_is_cut_to_its_limits(world):
    summary = organisation_summary(participation=_worst_case(world))

    assert len(summary.points) == 14
    assert [row.point for row in summary.totals] == list(range(9, 15))
    assert summary.points_left_out == 14 - summary_selectors.MAX_POINTS_IN_TABLE
    assert len(summary.moved) == 10
    assert all(len(m.text) <= summary_selectors.ITEM_TEXT_CHARS for m in summary.moved)
    assert len(summary.works) == summary_selectors.MAX_WORKS
    assert summary.works_left_out == 40 - summary_selectors.MAX_WORKS
    # Furthest along the result chain first.
    assert summary.works[0][1] == "Samhällseffekt"
    assert len(summary.earlier) == summary_selectors.MAX_EARLIER_ROUNDS
    assert summary.earlier_left_out == 3 - summary_selectors.MAX_EARLIER_ROUNDS
    assert len(summary.next_steps) == NEXT_STEPS_MAX_LINES


# The next steps.


def test_saving_the_next_steps_logs_the_text_before_and_after(world):
    summary_next_steps_save(
        participation=world.a1, next_steps="  Första utkastet.  ", by=world.strategist_a1
    )
    summary_next_steps_save(
        participation=world.a1, next_steps="Budgetanvisningen.\r\nUppföljningen.", by=world.leader
    )
    summary_next_steps_save(
        participation=world.a1, next_steps="Budgetanvisningen.\nUppföljningen.", by=world.leader
    )  # the same text: nothing to log

    saved = OrganisationSummary.objects.get(participation=world.a1)
    assert saved.next_steps == "Budgetanvisningen.\nUppföljningen."
    assert saved.updated_by == world.leader
    entries = list(
        LogEntry.objects.filter(action_type="reports.summary.next_steps_saved").order_by("id")
    )
    assert [(e.user, e.round_id) for e in entries] == [
        (world.strategist_a1, world.round_a.pk),
        (world.leader, world.round_a.pk),
    ]
    assert entries[1].data["changes"] == [
        {
            "field": "next_steps",
            "old": "Första utkastet.",
            "new": "Budgetanvisningen.\nUppföljningen.",
        }
    ]
    assert show(entries[:1])[0].text == (
        "Nästa steg i sammanfattningen för Aby skrevs: ”Första utkastet.”"
    )


@pytest.mark.parametrize(
    "text",
    ["W" * (NEXT_STEPS_MAX_LENGTH + 1), "\n".join(["rad"] * (NEXT_STEPS_MAX_LINES + 1))],
    ids=["too long", "too many lines"],
)
def test_next_steps_that_would_not_fit_are_refused_and_nothing_is_saved(world, text):
    summary_next_steps_save(participation=world.a1, next_steps="Kort.", by=world.strategist_a1)

    with pytest.raises(ValidationError):
        summary_next_steps_save(participation=world.a1, next_steps=text, by=world.strategist_a1)

    assert OrganisationSummary.objects.get(participation=world.a1).next_steps == "Kort."
    assert LogEntry.objects.filter(action_type="reports.summary.next_steps_saved").count() == 1


def test_the_page_guards_against_next_steps_that_came_another_way(world):
    OrganisationSummary.objects.create(participation=world.a1, next_steps="")
    OrganisationSummary.objects.filter(participation=world.a1).update(
        next_steps="\n".join(["rad"] * 20)  # 79 characters, in more lines than the form allows
    )

    summary = organisation_summary(participation=world.a1)

    assert len(summary.next_steps) == NEXT_STEPS_MAX_LINES
    assert summary.next_steps[-1].startswith("rad rad")


# The pages.


def _summary_url(world, name="reports:organisation_summary"):
    return reverse(name, args=[world.round_a.slug, "9101"])


def test_the_strategist_writes_the_next_steps_on_the_summary_page(client, assessed):
    client.force_login(assessed.strategist_a1)

    page = client.get(_summary_url(assessed))
    assert page.status_code == 200
    assert "Spara nästa steg" in page.content.decode()

    response = client.post(
        _summary_url(assessed, "reports:summary_next_steps"),
        {"next_steps": "Könsuppdelad statistik i alla nämnders uppföljning."},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == _summary_url(assessed)
    body = response.content.decode()
    assert "Nästa steg är sparade." in body
    assert "Könsuppdelad statistik i alla nämnders uppföljning." in body
    assert OrganisationSummary.objects.get(participation=assessed.a1).updated_by == (
        assessed.strategist_a1
    )


def test_too_long_next_steps_are_shown_again_with_the_error_beside_the_field(client, world):
    client.force_login(world.strategist_a1)
    text = "Å" * (NEXT_STEPS_MAX_LENGTH + 5)

    response = client.post(_summary_url(world, "reports:summary_next_steps"), {"next_steps": text})

    assert response.status_code == 422
    body = response.content.decode()
    assert f"Skriv nästa steg med högst {NEXT_STEPS_MAX_LENGTH} tecken (nu 405)" in body
    assert 'aria-invalid="true"' in body
    assert text in body  # what was typed is kept
    assert not OrganisationSummary.objects.exists()


def test_a_politician_reads_the_summary_but_does_not_write_its_next_steps(client, world):
    summary_next_steps_save(participation=world.a1, next_steps="Planen.", by=world.strategist_a1)
    client.force_login(world.politician_a1)

    page = client.get(_summary_url(world))
    refused = client.post(
        _summary_url(world, "reports:summary_next_steps"), {"next_steps": "Annat."}
    )

    body = page.content.decode()
    assert "Planen." in body
    assert "Spara nästa steg" not in body
    assert "Ta fram sammanfattningen (pdf)" in body  # every function may have it produced
    assert refused.status_code == 403
    assert OrganisationSummary.objects.get(participation=world.a1).next_steps == "Planen."


@pytest.mark.parametrize("who", ["mentor_m1", "strategist_a2", "strategist_b1"])
def test_the_summary_is_not_for_the_mentor_or_other_organisations(client, world, who):
    client.force_login(getattr(world, who))

    for name in ("reports:organisation_summary", "reports:summary_print"):
        assert client.get(_summary_url(world, name)).status_code == 404


def test_asking_for_the_pdf_makes_a_summary_job(
    client, world, eager_tasks, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.manager_a1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_summary_url(world), follow=True)

    job = ReportJob.objects.get()
    assert (job.kind, job.participation, job.requested_by) == (
        ReportJob.Kind.SUMMARY,
        world.a1,
        world.manager_a1,
    )
    assert "Sammanfattningen tas fram som pdf." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert len(pdf_pages(pdf)) == 1
    assert download["Content-Disposition"].startswith(
        'attachment; filename="sammanfattning-pa-en-sida-aby-'
    )


def test_the_print_view_shows_the_summary(client, assessed, django_assert_max_num_queries):
    summary_next_steps_save(
        participation=assessed.a1, next_steps=HOSTILE, by=assessed.strategist_a1
    )
    client.force_login(assessed.politician_a1)

    with django_assert_max_num_queries(30):
        response = client.get(_summary_url(assessed, "reports:summary_print"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Sammanfattning för den politiska ledningen" in body
    assert '<h1 id="summary-title">Aby</h1>' in body
    assert 'role="img"' in body  # the chart, with its title and description
    assert "Summan för Aby vid varje skattning (skattning 1: 12, skattning 2: 14" in body
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def test_the_summary_page_reads_few_queries(client, assessed, django_assert_max_num_queries):
    summary_next_steps_save(participation=assessed.a1, next_steps="Planen.", by=assessed.leader)
    client.force_login(assessed.strategist_a1)

    with django_assert_max_num_queries(30):
        response = client.get(_summary_url(assessed))

    assert response.status_code == 200
    assert "Planen." in response.content.decode()


def test_the_summary_pages_read_a_fixed_number_of_queries(client, world):
    client.force_login(world.strategist_a1)
    url = _summary_url(world, "reports:summary_print")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _worst_case(world)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) <= len(few) + 2  # earlier rounds: one more round's rows, not one per row


# The command.


@pytest.mark.django_db(transaction=True)
def test_build_reports_makes_the_summary_and_prints_its_path(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    out = io.StringIO()
    try:
        call_command(
            "build_reports",
            world.round_a.slug,
            "--organisation",
            "9101",
            "--kind",
            "summary",
            "--wait",
            stdout=out,
        )
    finally:
        celery_app.conf.task_always_eager = old

    lines = out.getvalue().splitlines()
    job = ReportJob.objects.get()
    assert job.kind == ReportJob.Kind.SUMMARY
    assert lines == [f"1 report(s) asked for in {world.round_a}.", job.file.path]
    assert len(pdf_pages(Path(lines[1]).read_bytes())) == 1
