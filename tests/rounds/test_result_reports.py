"""The participants' result reports: writing (saved as you go, conflicts refused), submitting
(asked first), comments, reopening, who sees what, the project leaders' overview with the due
dates, and the reminders on the round's notice schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from modellkoncept.actions import LogEntry
from modellkoncept.errors import DomainError
from participants.models import ImprovementWork
from rounds import actions
from rounds import services as round_services
from rounds.models import ResultReport, ResultReportReminder
from rounds.selectors import result_reports as selectors
from rounds.services import result_reports as rr

pytestmark = pytest.mark.django_db

TEXTS = {
    "aims": "Jämställd resursfördelning i hemtjänsten.",
    "organisation_of_work": "En styrgrupp med kommundirektören; beslut i kommunstyrelsen.",
    "lessons": "Förankra tidigt hos cheferna.",
    "advice": "Börja med könsuppdelad statistik.",
}


def _work(participation, title="Jämställd biståndshandläggning", step="way_of_working"):
    work = ImprovementWork(participation=participation, title=title, chain_step=step)
    work.full_clean()
    work.save()
    return work


def _complete(report, by, work=None):
    report.refresh_from_db()
    return rr.result_report_save(
        report=report,
        texts=TEXTS,
        results=[
            {"chain_step": "way_of_working", "text": "Ny rutin för bedömning.", "work": work},
            {"chain_step": "activity", "text": "Utbildning för alla chefer.", "work": None},
        ],
        willing_to_mentor=True,
        by=by,
        revision=report.revision,
    )


# Services


def test_a_strategist_writes_and_submits_and_the_organisation_becomes_willing(world):
    work = _work(world.a1)
    report = rr.result_report_start(participation=world.a1, year=1, by=world.strategist_a1)
    assert report.status == "draft"
    assert report.revision == 0
    report = _complete(report, world.strategist_a1, work=work.pk)
    assert report.revision == 1
    assert report.results[0] == {
        "chain_step": "way_of_working",
        "text": "Ny rutin för bedömning.",
        "work": work.pk,
    }
    report = rr.result_report_submit(report=report, by=world.strategist_a1)
    assert report.status == "submitted"
    assert report.submitted_by == world.strategist_a1
    world.a1.refresh_from_db()
    assert world.a1.willing_to_mentor is True
    types = list(
        LogEntry.objects.filter(object_id=report.pk, action_type__startswith="rounds.result")
        .order_by("id")
        .values_list("action_type", flat=True)
    )
    assert types == [
        actions.RESULT_REPORT_STARTED,
        actions.RESULT_REPORT_CHANGED,
        actions.RESULT_REPORT_SUBMITTED,
    ]
    page = selectors.report_page(report=report)
    # In the order of the result chain: the activity first.
    assert [row.chain_step for row in page.rows] == ["activity", "way_of_working"]
    assert page.rows[1].work == work


def test_submitting_needs_every_section(world):
    report = rr.result_report_start(participation=world.a1, year=1)
    rr.result_report_save(report=report, texts={"aims": "Mål"}, by=world.strategist_a1)
    with pytest.raises(DomainError) as refused, translation.override("en"):
        rr.result_report_submit(report=report, by=world.strategist_a1)
    with translation.override("en"):
        message = " ".join(refused.value.messages)
    assert "How the work was organised" in message
    assert "Willing to mentor" in message
    report.refresh_from_db()
    assert report.status == "draft"


def test_a_save_on_old_data_is_refused_and_the_same_text_is_no_conflict(world):
    report = rr.result_report_start(participation=world.a1, year=1)
    rr.result_report_save(
        report=report, texts={"aims": "Först"}, by=world.strategist_a1, revision=0
    )
    with pytest.raises(rr.StaleResultReport):
        rr.result_report_save(
            report=report, texts={"aims": "Sedan"}, by=world.manager_a1, revision=0
        )
    # The page is behind but holds what is saved: nothing lost, nothing to save.
    same = rr.result_report_save(
        report=report, texts={"aims": "Först"}, by=world.strategist_a1, revision=0
    )
    assert same.aims == "Först"
    assert same.revision == 1


def test_a_submitted_report_is_read_only_until_a_project_leader_reopens_it(world):
    report = _complete(rr.result_report_start(participation=world.a1, year=1), world.strategist_a1)
    report = rr.result_report_submit(report=report, by=world.strategist_a1)
    with pytest.raises(rr.ResultReportSubmitted):
        rr.result_report_save(report=report, texts={"aims": "Ändrat"}, by=world.strategist_a1)
    with pytest.raises(DomainError):
        rr.result_report_reopen(report=report, by=world.leader, reason="  ")
    report = rr.result_report_reopen(report=report, by=world.leader, reason="Fel årtal")
    assert report.status == "draft"
    assert report.submitted_at is None
    assert report.reopened_reason == "Fel årtal"
    report = rr.result_report_save(
        report=report, texts={"aims": "Ändrat"}, by=world.strategist_a1, revision=report.revision
    )
    assert report.aims == "Ändrat"


def test_results_must_be_placed_and_name_the_organisations_own_work(world):
    other = _work(world.a2, title="Bbys arbete")
    report = rr.result_report_start(participation=world.a1, year=1)
    with pytest.raises(DomainError) as refused:
        rr.result_report_save(
            report=report,
            texts={},
            results=[
                {"chain_step": "", "text": "Utan plats", "work": None},
                {"chain_step": "outcome", "text": "Fel arbete", "work": other.pk},
                {"chain_step": "nonsense", "text": "Okänd", "work": None},
            ],
        )
    assert len(refused.value.messages) == 3
    report.refresh_from_db()
    assert report.results == []
    assert report.revision == 0


def test_year_two_comes_when_the_round_is_in_its_second_year(world):
    with pytest.raises(DomainError):
        rr.result_report_start(participation=world.a1, year=2)
    with pytest.raises(DomainError):
        rr.result_report_start(participation=world.m1, year=1)  # a mentor writes none
    round_services.round_update(round=world.round_a, current_year=2)
    world.a1.refresh_from_db()
    assert rr.result_report_start(participation=world.a1, year=2).year == 2


def test_the_overview_and_the_chapter_read_only_submitted_reports(
    world, django_assert_max_num_queries
):
    draft = rr.result_report_start(participation=world.a2, year=1)
    rr.result_report_save(report=draft, texts={"lessons": "Hemlig lärdom"})
    report = _complete(rr.result_report_start(participation=world.a1, year=1), world.strategist_a1)
    rr.result_report_submit(report=report, by=world.strategist_a1)
    rr.result_report_due_set(round=world.round_a, year=1, due_on=dt.date(2026, 12, 15))
    with django_assert_max_num_queries(4):
        overview = selectors.round_overview(round=world.round_a)
    assert overview.submitted == {1: 1}
    assert overview.expected == 4
    statuses = {
        row.participation.organisation.name: (row.reports[1].status if row.reports[1] else None)
        for row in overview.rows
    }
    assert statuses == {"Aby": "submitted", "Bby": "draft", "Cby": None, "Dby": None}
    with django_assert_max_num_queries(5):
        (chapter,) = selectors.round_chapters(round=world.round_a)
    assert [o.participation.organisation.name for o in chapter.reported] == ["Aby"]
    assert [o.participation.organisation.name for o in chapter.not_reported] == [
        "Bby",
        "Cby",
        "Dby",
    ]
    assert [o.participation.organisation.name for o in chapter.willing] == ["Aby"]
    assert chapter.due.due_on == dt.date(2026, 12, 15)
    texts = [row.text for _label, rows in chapter.by_step for _p, row in rows]
    assert "Hemlig lärdom" not in texts
    assert "Utbildning för alla chefer." in texts


# Reminders


def test_reminders_follow_the_rounds_reminder_days_and_go_once(world):
    round_services.round_activate(round=world.round_a)
    rr.result_report_due_set(round=world.round_a, year=1, due_on=dt.date(2026, 12, 15))
    report = _complete(rr.result_report_start(participation=world.a2, year=1), world.strategist_a2)
    rr.result_report_submit(report=report, by=world.strategist_a2)
    # Reminder days are 7 and 2: nothing eight days before.
    assert rr.result_report_reminders_send(today=dt.date(2026, 12, 7)) == 0
    assert rr.result_report_reminders_send(today=dt.date(2026, 12, 8)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["strateg@aby.se", "strateg@cby.se"]
    assert "year 1" in mail.outbox[0].subject or "år 1" in mail.outbox[0].subject
    assert "/result-report/1/" in mail.outbox[0].body
    # Run again: nothing twice.
    assert rr.result_report_reminders_send(today=dt.date(2026, 12, 8)) == 0
    assert rr.result_report_reminders_send(today=dt.date(2026, 12, 13)) == 2
    assert ResultReportReminder.objects.count() == 4
    # Moving the date starts the reminders again.
    rr.result_report_due_set(round=world.round_a, year=1, due_on=dt.date(2026, 12, 20))
    assert rr.result_report_reminders_send(today=dt.date(2026, 12, 14)) == 2


def test_the_daily_notices_send_the_result_report_reminders(world):
    round_services.round_activate(round=world.round_a)
    rr.result_report_due_set(round=world.round_a, year=1, due_on=dt.date(2026, 12, 15))
    counts = round_services.notices_send(today=dt.date(2026, 12, 13))
    assert counts["result_report_reminders"] == 3


# Pages


def _login(client, user):
    client.force_login(user)
    return client


def test_the_strategist_starts_autosaves_and_submits_after_confirming(client, world):
    _login(client, world.strategist_a1)
    start = reverse(
        "rounds:result_report_start",
        kwargs={"round_slug": world.round_a.slug, "code": "9101", "year": 1},
    )
    response = client.get(start)
    assert response.status_code == 200
    assert "Start the result report" in response.text or "Börja" in response.text
    response = client.post(start)
    report = ResultReport.objects.get(participation=world.a1, year=1)
    assert response.url == reverse("rounds:result_report", kwargs={"pk": report.pk})
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'role="status"' in page.text
    data = {
        "revision": "0",
        **TEXTS,
        "result_0_step": "outcome",
        "result_0_text": "Jämnare fördelning av hemtjänsttimmar.",
        "result_0_work": "",
        "willing_to_mentor": "no",
    }
    save = reverse("rounds:result_report_save", kwargs={"pk": report.pk})
    answer = client.post(save, data, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert 'value="1"' in answer.text
    assert 'hx-swap-oob="true"' in answer.text
    # A second tab with the old revision and other text: refused, 409, nothing saved.
    stale = client.post(save, {**data, "aims": "Annat"}, headers={"HX-Request": "true"})
    assert stale.status_code == 409
    report.refresh_from_db()
    assert report.aims == TEXTS["aims"]
    assert report.willing_to_mentor is False
    # Submit: saved, then asked first.
    answer = client.post(save, {**data, "revision": "1", "then": "submit"})
    submit = reverse("rounds:result_report_submit", kwargs={"pk": report.pk})
    assert answer.status_code == 302
    assert answer.url == submit
    confirm = client.get(submit)
    assert confirm.status_code == 200
    report.refresh_from_db()
    assert report.status == "draft"
    done = client.post(submit, {"revision": str(report.revision)})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"


def test_bad_input_is_shown_beside_the_field_and_saves_nothing(client, world):
    report = rr.result_report_start(participation=world.a1, year=1)
    _login(client, world.strategist_a1)
    save = reverse("rounds:result_report_save", kwargs={"pk": report.pk})
    response = client.post(
        save, {"revision": "0", "result_0_text": "Utan plats", "result_0_step": ""}
    )
    assert response.status_code == 422
    assert 'id="id_result_0_step-error"' in response.text
    report.refresh_from_db()
    assert report.revision == 0


def test_a_mentor_sees_the_groups_submitted_report_and_never_a_draft(client, world):
    report = rr.result_report_start(participation=world.a1, year=1)
    rr.result_report_save(report=report, texts={"lessons": "Utkastets lärdom"})
    url = reverse("rounds:result_report", kwargs={"pk": report.pk})
    start = reverse(
        "rounds:result_report_start",
        kwargs={"round_slug": world.round_a.slug, "code": "9101", "year": 1},
    )
    _login(client, world.mentor_m1)
    assert client.get(url).status_code == 404
    # The way in does not tell that a draft exists.
    response = client.get(start)
    assert response.status_code == 200
    assert "Utkastets lärdom" not in response.text
    _login(client, world.strategist_a2)
    assert client.get(url).status_code == 404
    report = _complete(report, world.strategist_a1)
    rr.result_report_submit(report=report, by=world.strategist_a1)
    _login(client, world.mentor_m1)
    response = client.get(url)
    assert response.status_code == 200
    assert TEXTS["lessons"] in response.text
    _login(client, world.mentor_m2)
    assert client.get(url).status_code == 404
    _login(client, world.strategist_a2)  # a group peer: not its reader
    assert client.get(url).status_code == 404


def test_the_politician_comments_and_the_project_leader_sets_due_dates(client, world):
    report = rr.result_report_start(participation=world.a1, year=1)
    _login(client, world.politician_a1)
    page = client.get(reverse("rounds:result_report", kwargs={"pk": report.pk}))
    assert 'id="result-report-form"' not in page.text  # reads, does not write
    response = client.post(
        reverse("rounds:result_report_comment", kwargs={"pk": report.pk}),
        {"text": "Bra början!"},
    )
    assert response.status_code == 302
    assert report.comments.get().text == "Bra början!"
    _login(client, world.leader)
    overview = reverse("rounds:result_reports", kwargs={"round_slug": world.round_a.slug})
    assert client.get(overview).status_code == 200
    response = client.post(overview, {"due_1": "2026-12-15", "due_2": ""})
    assert response.status_code == 302
    assert world.round_a.result_report_dues.get().due_on == dt.date(2026, 12, 15)
    bad = client.post(overview, {"due_1": "15 december"})
    assert bad.status_code == 422
    assert world.round_a.result_report_dues.get().due_on == dt.date(2026, 12, 15)


def test_the_organisation_page_links_the_result_report(client, world):
    _login(client, world.strategist_a1)
    response = client.get(
        reverse(
            "participants:participation_detail",
            kwargs={"round_slug": world.round_a.slug, "code": "9101"},
        )
    )
    assert (
        reverse(
            "rounds:result_report_start",
            kwargs={"round_slug": world.round_a.slug, "code": "9101", "year": 1},
        )
        in response.text
    )
