"""Who gets which report: project leaders every report; an organisation's people their own
organisation report and their group's report; mentors the group reports of their groups. Pages,
starting a job, downloads (the policy asked on every request), the polled progress."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from participants.models import FunctionAssignment
from reports import services
from reports.models import ReportBatch, ReportJob
from tests.reports.factories import job
from tests.startup import loads


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _org_url(world, participation, name="reports:organisation_reports"):
    return reverse(
        name,
        kwargs={"round_slug": world.round_a.slug, "code": participation.organisation.code},
    )


def _group_url(world, group):
    return reverse(
        "reports:group_reports", kwargs={"round_slug": world.round_a.slug, "pk": group.pk}
    )


def _round_url(world):
    return reverse("reports:round_reports", kwargs={"round_slug": world.round_a.slug})


def _done(world, **fields) -> ReportJob:
    report = job(round=world.round_a, **fields)
    return services.report_job_render(job_id=report.pk)


def _download(report):
    return reverse("reports:job_download", kwargs={"pk": report.pk})


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (_round_url(world), _org_url(world, world.a1), _group_url(world, world.ga1)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_project_leader_sees_every_report_page(client, world):
    client.force_login(world.leader)

    for url in (
        _round_url(world),
        _org_url(world, world.a1),
        _org_url(world, world.a3),
        _group_url(world, world.ga2),
    ):
        assert client.get(url).status_code == 200, url


def test_an_organisations_people_get_their_own_and_their_groups_reports_only(client, world):
    client.force_login(world.politician_a1)  # Aby, group GA1 with Bby

    assert client.get(_org_url(world, world.a1)).status_code == 200
    assert client.get(_group_url(world, world.ga1)).status_code == 200
    assert client.get(_org_url(world, world.a2)).status_code == 404  # its group partner
    assert client.get(_org_url(world, world.a3)).status_code == 404
    assert client.get(_group_url(world, world.ga2)).status_code == 404
    assert client.get(_round_url(world)).status_code in (403, 404)


def test_a_mentor_gets_the_group_reports_of_its_groups_only(client, world):
    client.force_login(world.mentor_m1)  # mentors GA1

    assert client.get(_group_url(world, world.ga1)).status_code == 200
    assert client.get(_group_url(world, world.ga2)).status_code == 404
    assert client.get(_org_url(world, world.a1)).status_code == 404
    assert client.get(_org_url(world, world.m1)).status_code == 404  # a mentor has none
    assert client.get(_round_url(world)).status_code in (403, 404)


def test_outsiders_see_nothing(client, world):
    client.force_login(world.strategist_b1)  # round B only

    assert client.get(_org_url(world, world.a1)).status_code == 404
    assert client.get(_group_url(world, world.ga1)).status_code == 404
    assert client.get(_round_url(world)).status_code == 404


def test_asking_for_ones_own_organisation_report_creates_a_job(client, world):
    client.force_login(world.manager_a1)

    response = client.post(_org_url(world, world.a1), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    created = ReportJob.objects.get()
    assert (created.kind, created.participation, created.status) == (
        ReportJob.Kind.ORGANISATION,
        world.a1,
        ReportJob.Status.PENDING,
    )
    assert created.requested_by == world.manager_a1
    assert created.language == "en"  # the language the person uses the site in


def test_starting_a_report_one_may_not_get_is_refused(client, world):
    client.force_login(world.strategist_a2)  # Bby, in GA1 with Aby

    assert client.post(_org_url(world, world.a1)).status_code == 404
    assert client.post(_group_url(world, world.ga2)).status_code == 404
    assert client.post(_round_url(world)).status_code in (403, 404)
    batch = reverse("reports:batch_create", kwargs={"round_slug": world.round_a.slug})
    assert client.post(batch).status_code in (403, 404)
    client.force_login(world.mentor_m1)
    assert client.post(_org_url(world, world.a1)).status_code == 404
    assert not ReportJob.objects.exists()
    assert not ReportBatch.objects.exists()


def test_a_group_report_is_asked_for_at_a_chosen_meeting(client, world):
    client.force_login(world.strategist_a1)

    response = client.post(_group_url(world, world.ga1), {"meeting": world.meeting_ga1.pk})
    refused = client.post(_group_url(world, world.ga1), {"meeting": world.meeting_ga2.pk})

    assert response.status_code == 302
    assert ReportJob.objects.get().meeting == world.meeting_ga1
    assert refused.status_code == 200  # the other group's meeting is not a choice
    assert ReportJob.objects.count() == 1


def test_a_mentor_reads_the_groups_reports_but_asks_for_none(client, world, media):
    """Mentors are readers: the page lists the reports and their files, with no form to ask
    for one and no button to produce one again; posting anyway is refused and makes no job."""
    failed = job(kind=ReportJob.Kind.GROUP, round=world.round_a, group=world.ga1)
    ReportJob.objects.filter(pk=failed.pk).update(status=ReportJob.Status.FAILED, error="x")
    ready = _done(world, kind=ReportJob.Kind.GROUP, group=world.ga1)
    client.force_login(world.mentor_m1)

    page = client.get(_group_url(world, world.ga1))
    text = page.content.decode()
    asked = client.post(_group_url(world, world.ga1), {"meeting": world.meeting_ga1.pk})
    rerun = client.post(reverse("reports:job_rerun", kwargs={"pk": failed.pk}))
    download = client.get(_download(ready))

    assert page.status_code == 200
    assert 'name="meeting"' not in text
    assert reverse("reports:job_rerun", kwargs={"pk": failed.pk}) not in text
    assert _download(ready) in text
    assert (asked.status_code, rerun.status_code) == (403, 403)
    assert [t.name for t in asked.templates][:2] == ["403.html", "base.html"]
    assert download.status_code == 200
    b"".join(download.streaming_content)
    assert ReportJob.objects.count() == 2
    assert ReportJob.objects.get(pk=failed.pk).status == ReportJob.Status.FAILED


def test_the_leader_starts_the_round_report_and_all_reports(client, world):
    client.force_login(world.leader)

    client.post(_round_url(world))
    response = client.post(
        reverse("reports:batch_create", kwargs={"round_slug": world.round_a.slug})
    )

    batch = ReportBatch.objects.get()
    assert response["Location"] == reverse("reports:batch_detail", kwargs={"pk": batch.pk})
    assert batch.jobs.count() == 7
    assert ReportJob.objects.filter(kind="round", batch__isnull=True).count() == 1


def test_downloads_ask_the_policy_on_every_request(client, world, media):
    own = _done(world, kind=ReportJob.Kind.ORGANISATION, participation=world.a1)
    other = _done(world, kind=ReportJob.Kind.ORGANISATION, participation=world.a2)
    round_report = _done(world, kind=ReportJob.Kind.ROUND)
    client.force_login(world.politician_a1)

    response = client.get(_download(own))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(_download(other)).status_code == 404
    assert client.get(_download(round_report)).status_code == 404
    # Once the person no longer holds a function there, the same link gives nothing.
    FunctionAssignment.objects.filter(person=world.politician_a1).delete()
    assert client.get(_download(own)).status_code == 404


def test_group_reports_download_for_members_and_mentors_not_others(client, world, media):
    report = _done(world, kind=ReportJob.Kind.GROUP, group=world.ga1)

    for person, status in (
        (world.strategist_a2, 200),
        (world.mentor_m1, 200),
        (world.mentor_m2, 404),
        (world.strategist_a3, 404),
        (world.leader, 200),
    ):
        client.force_login(person)
        response = client.get(_download(report))
        assert response.status_code == status, person
        if status == 200:  # read to the end, which closes the file
            assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_report_not_ready_has_nothing_to_download(client, world):
    waiting = job(kind=ReportJob.Kind.ROUND, round=world.round_a)
    client.force_login(world.leader)

    assert client.get(_download(waiting)).status_code == 404


def test_the_job_list_polls_while_a_report_is_produced_and_stops_after(client, world, media):
    waiting = job(kind=ReportJob.Kind.ORGANISATION, round=world.round_a, participation=world.a1)
    client.force_login(world.politician_a1)
    url = _org_url(world, world.a1) + "?fragment=jobs"

    polling = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    services.report_job_render(job_id=waiting.pk)
    finished = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert 'hx-trigger="every 2s"' in polling
    assert "<html" not in polling  # a fragment, not the page
    assert 'hx-trigger="every 2s"' not in finished
    assert _download(waiting) in finished


def test_a_failed_report_says_why_and_can_be_run_again(client, world):
    failed = job(kind=ReportJob.Kind.GROUP, round=world.round_a, group=world.ga1)
    ReportJob.objects.filter(pk=failed.pk).update(
        status=ReportJob.Status.FAILED, error="Rapporten kunde inte skapas: KeyError: 'x'"
    )
    client.force_login(world.strategist_a1)

    page = client.get(_group_url(world, world.ga1)).content.decode()
    response = client.post(reverse("reports:job_rerun", kwargs={"pk": failed.pk}))

    assert "Rapporten kunde inte skapas: KeyError: &#x27;x&#x27;" in page
    assert reverse("reports:job_rerun", kwargs={"pk": failed.pk}) in page
    assert response.status_code == 302
    assert ReportJob.objects.get(pk=failed.pk).status == ReportJob.Status.PENDING
    client.force_login(world.strategist_a3)
    assert client.post(reverse("reports:job_rerun", kwargs={"pk": failed.pk})).status_code == 404


def test_the_batch_page_polls_its_progress_until_every_report_is_finished(client, world, media):
    batch = services.report_batch_request(round=world.round_a)
    client.force_login(world.leader)
    progress_url = reverse("reports:batch_progress", kwargs={"pk": batch.pk})

    page = client.get(reverse("reports:batch_detail", kwargs={"pk": batch.pk})).content.decode()
    before = client.get(progress_url).content.decode()
    jobs = list(batch.jobs.all())
    for report in jobs[:-1]:
        services.report_job_render(job_id=report.pk)
    ReportJob.objects.filter(pk=jobs[-1].pk).update(status="failed", error="Det gick fel.")
    after = client.get(progress_url).content.decode()
    reloaded = client.get(reverse("reports:batch_detail", kwargs={"pk": batch.pk})).content.decode()

    assert f'hx-get="{progress_url}?seen=0-0-0-7-0"' in page
    with translation.override("sv"):
        counts = gettext("%(finished)s of %(total)s reports finished (%(percent)s %%)") % {
            "finished": 0,
            "total": 7,
            "percent": 0,
        }
    assert counts in before
    assert 'hx-trigger="every 2s"' in before
    assert "(100 %)" in after
    assert 'hx-trigger="every 2s"' not in after
    assert "Det gick fel." in after  # the failed one says why, with a button to run it again
    assert reverse("reports:job_rerun", kwargs={"pk": jobs[-1].pk}) in after
    assert "(100 %)" in reloaded  # the counts come from the jobs: a reload shows the same


def test_batches_are_for_project_leaders_only(client, world):
    batch = services.report_batch_request(round=world.round_a)

    for person in (world.politician_a1, world.mentor_m1):
        client.force_login(person)
        assert (
            client.get(reverse("reports:batch_detail", kwargs={"pk": batch.pk})).status_code == 404
        )
        assert (
            client.get(reverse("reports:batch_progress", kwargs={"pk": batch.pk})).status_code
            == 404
        )


def test_the_round_page_shows_the_round_reports_figures_and_chart(client, world):
    client.force_login(world.leader)

    page = client.get(_round_url(world)).content.decode()

    assert "<svg" in page
    assert 'role="img"' in page
    assert "2,0" in page  # every submitted score in the world is 2


def test_web_processes_do_not_import_weasyprint():
    """Only the worker renders: the site's URLs, views and services load without WeasyPrint."""
    assert not loads(
        "weasyprint",
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "import reports.views, reports.services, reports.tasks",
    )


def test_a_lost_report_is_offered_again_and_stops_the_polling(client, world):
    lost = job(kind=ReportJob.Kind.GROUP, round=world.round_a, group=world.ga1)
    ReportJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=2))
    client.force_login(world.strategist_a1)

    fragment = client.get(
        _group_url(world, world.ga1) + "?fragment=jobs", HTTP_HX_REQUEST="true"
    ).content.decode()

    assert 'hx-trigger="every 2s"' not in fragment
    assert reverse("reports:job_rerun", kwargs={"pk": lost.pk}) in fragment


def _polled_in_live_region(html: str, region: str, polled: str) -> dict[str, str]:
    """The attributes of the element htmx polls, which must sit right inside the live region,
    so that the region itself stays in the page while its content is swapped."""
    match = re.search(
        rf'<div id="{region}" (?P<live>[^>]*)>\s*<div id="{polled}"(?P<attrs>[^>]*)>', html
    )
    assert match, f"#{polled} is not right inside the live region #{region}"
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group("attrs")))
    attributes["region"] = match.group("live")
    return attributes


def test_the_polled_report_lists_swap_their_content_and_keep_the_live_region(client, world, media):
    job(kind=ReportJob.Kind.ORGANISATION, round=world.round_a, participation=world.a1)
    batch = services.report_batch_request(round=world.round_a)
    client.force_login(world.leader)
    jobs_page = client.get(_org_url(world, world.a1)).content.decode()
    jobs_fragment = client.get(
        _org_url(world, world.a1) + "?fragment=jobs", HTTP_HX_REQUEST="true"
    ).content.decode()
    batch_page = client.get(
        reverse("reports:batch_detail", kwargs={"pk": batch.pk})
    ).content.decode()
    batch_fragment = client.get(
        reverse("reports:batch_progress", kwargs={"pk": batch.pk})
    ).content.decode()

    for html in (jobs_page, jobs_fragment):
        polled = _polled_in_live_region(html, "report-jobs-region", "report-jobs")
        assert polled["region"] == 'aria-live="polite"'
        assert (polled["hx-trigger"], polled["hx-select"], polled["hx-swap"]) == (
            "every 2s",
            "#report-jobs",
            "outerHTML",
        )
    for html in (batch_page, batch_fragment):
        polled = _polled_in_live_region(html, "batch-progress-region", "batch-progress")
        assert polled["region"] == 'role="status"'
        assert (polled["hx-trigger"], polled["hx-select"], polled["hx-swap"]) == (
            "every 2s",
            "#batch-progress",
            "outerHTML",
        )
        assert html.count('role="status"') == 1  # one region, not one inside another


def test_the_polling_hears_nothing_new_until_the_reports_change(client, world, media):
    waiting = job(kind=ReportJob.Kind.ORGANISATION, round=world.round_a, participation=world.a1)
    batch = services.report_batch_request(round=world.round_a)
    client.force_login(world.leader)
    jobs_url = _org_url(world, world.a1) + "?fragment=jobs"
    progress_url = reverse("reports:batch_progress", kwargs={"pk": batch.pk})

    first = client.get(jobs_url, HTTP_HX_REQUEST="true").content.decode()
    seen = re.search(r"fragment=jobs&amp;seen=([0-9a-f]+)\"", first).group(1)
    jobs_unchanged = client.get(f"{jobs_url}&seen={seen}", HTTP_HX_REQUEST="true")
    progress_unchanged = client.get(f"{progress_url}?seen=0-0-0-7-0")
    services.report_job_render(job_id=waiting.pk)
    services.report_job_render(job_id=batch.jobs.order_by("pk").first().pk)
    jobs_changed = client.get(f"{jobs_url}&seen={seen}", HTTP_HX_REQUEST="true")
    progress_changed = client.get(f"{progress_url}?seen=0-0-0-7-0")

    assert (jobs_unchanged.status_code, jobs_unchanged.content) == (204, b"")
    assert (progress_unchanged.status_code, progress_unchanged.content) == (204, b"")
    assert jobs_changed.status_code == 200
    assert _download(waiting) in jobs_changed.content.decode()
    assert progress_changed.status_code == 200
    assert f'hx-get="{progress_url}?seen=1-0-0-6-0"' in progress_changed.content.decode()
