"""Journeys around the meetings and the round's people, in Debian's Chromium: the host shares the
agenda and a file, the mentor's note, a meeting's evaluation, and the project leader replacing a
mentor, completing and reopening the round. Built as `test_journeys.py` says; every page
reached is checked for accessibility (`Journey.check`)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from participants.models import Participation
from rounds import evaluations
from rounds import services as round_services
from rounds.forms import ReopenForm
from rounds.models import (
    GroupMentor,
    Meeting,
    MeetingEvaluation,
    Round,
)
from rounds.selectors import mentor_proposal
from tests.e2e.conftest import (
    APPLICANTS,
    DEMO_PASSWORD,
    GROUP_NAME,
    LUND,
    NEW_PASSWORD,
    expect_message,
    mentor_person,
    programme_set_up,
    sign_in,
)
from tests.e2e.steps import MissingLink, follow
from tests.rounds import documents

# Transactional, so the live server and a worker see what the test writes; the data the
# migrations made (the default checklist) is put back after each test's flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# Journey 4: meeting material


def test_host_shares_the_agenda_and_a_file_that_a_peer_downloads(
    journey, site, ui, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    programme = programme_set_up(invitations=False)
    meeting = round_services.meeting_update(
        meeting=programme.meeting, host=programme.participations[LUND.name].organisation
    )
    meeting_url = reverse(
        "rounds:meeting_detail", kwargs={"round_slug": programme.round.slug, "pk": meeting.pk}
    )
    handout = documents.pdf("Underlag till lärandeträffen")
    problems: list[str] = []

    # Lund hosts: its strategist goes from its start page to the meeting, writes the agenda
    # and uploads a file.
    host = journey.person("värd")
    sign_in(journey, host, ui, programme.strategist.email, NEW_PASSWORD)
    journey.check(host, "participant")
    follow(host, ui.text(meeting.title), problems, where="The start page", fallback=meeting_url)
    expect(host.get_by_role("heading", level=1, name=ui.text(meeting.title))).to_be_visible()
    expect(host.get_by_text(ui("No agenda yet."))).to_be_visible()
    journey.check(host, "host")
    host.get_by_role("link", name=ui.exact("Edit the agenda and files")).click()
    journey.check(host)
    host.get_by_role("textbox", name=ui.exact("Agenda")).fill(
        "9.00 Välkomna och presentation\n\n10.00 Benchmarking: styrning och ledning"
    )
    host.get_by_role("button", name=ui.exact("Save the agenda")).click()
    expect_message(host, ui("The agenda is saved."))
    host.get_by_role("textbox", name=ui.exact("Title")).fill("Underlag")
    host.locator("input[type=file][name=file]").set_input_files(
        {"name": "underlag.pdf", "mimeType": "application/pdf", "buffer": handout}
    )
    host.get_by_role("button", name=ui.exact("Upload")).click()
    expect_message(host, ui("The file is added to the meeting's material."))
    expect(host.get_by_role("link", name=ui.exact("Underlag"))).to_be_visible()
    journey.check(host, "saved")

    # Eslöv's strategist, in the same group, reads the agenda and downloads the file.
    peer = journey.person("kollega")
    sign_in(journey, peer, ui, programme.peer.email, NEW_PASSWORD)
    follow(peer, ui.text(meeting.title), problems, where="The start page", fallback=meeting_url)
    expect(peer.get_by_text("10.00 Benchmarking: styrning och ledning")).to_be_visible()
    expect(peer.get_by_role("link", name=ui.exact("Edit the agenda and files"))).to_have_count(0)
    journey.check(peer, "peer")
    with peer.expect_download() as downloading:
        peer.get_by_role("link", name=ui.exact("Underlag")).click()
    download = downloading.value
    assert download.suggested_filename == "underlag.pdf"
    assert download.path().read_bytes() == handout
    journey.assert_every_page_checked()
    if problems:
        raise MissingLink("; ".join(problems))


# Journey 5: the mentor's note


def test_mentor_writes_a_note_that_the_group_reads(journey, site, ui):
    programme = programme_set_up(invitations=False)
    mentor_account = mentor_person(programme)
    advice = "Ta med era beslutsunderlag till nästa träff, så jämför vi konsekvensanalyserna."

    mentor = journey.person("mentor")
    sign_in(journey, mentor, ui, mentor_account.email, DEMO_PASSWORD)
    journey.check(mentor, "mentor")
    mentor.get_by_role("navigation", name=ui.exact("Main")).get_by_role(
        "link", name=ui.exact("Groups you mentor")
    ).click()
    expect(
        mentor.get_by_role("heading", level=2, name=ui.exact("The mentor's role"))
    ).to_be_visible()
    journey.check(mentor)
    mentor.get_by_role("link", name=ui.exact("Notes to %(group)s", group=GROUP_NAME)).click()
    expect(mentor.get_by_text(ui("No notes yet."))).to_be_visible()
    journey.check(mentor)
    mentor.get_by_role("combobox", name=ui.exact("After the meeting")).select_option(
        label=programme.meeting.title
    )
    mentor.get_by_role("textbox", name=ui.starts("Note")).fill(advice)
    mentor.get_by_role("button", name=ui.exact("Send the note")).click()
    expect_message(mentor, ui("Your note is sent to the group."))
    expect(mentor.get_by_text(advice)).to_be_visible()
    journey.check(mentor, "sent")

    # Lund's strategist reads it from the group page.
    strategist = journey.person("strateg")
    sign_in(journey, strategist, ui, programme.strategist.email, NEW_PASSWORD)
    journey.check(strategist, "participant")
    strategist.get_by_role("link", name=ui.text(GROUP_NAME)).first.click()
    journey.check(strategist, "member")
    strategist.get_by_role("link", name=ui.exact("The mentors' notes to the group")).click()
    expect(strategist.get_by_text(advice)).to_be_visible()
    expect(strategist.get_by_role("button", name=ui.exact("Send the note"))).to_have_count(0)
    journey.check(strategist, "member")
    journey.assert_every_page_checked()


# Journey 6: an attendee evaluates a meeting


def test_attendee_answers_the_evaluation_of_a_meeting(journey, site, ui):
    programme = programme_set_up(invitations=False)
    if not evaluations.statements(Meeting.Kind.LEARNING_MEETING):  # the flush took them
        evaluations.evaluation_statements_set(
            meeting_kind=Meeting.Kind.LEARNING_MEETING,
            texts=["Träffen gav mig idéer att ta med hem.", "Det fanns tid för utbyte."],
        )
    asked = evaluations.statements(Meeting.Kind.LEARNING_MEETING)
    held = timezone.now() - dt.timedelta(days=3)
    meeting = round_services.meeting_create(
        round=programme.round,
        group=programme.group,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=9,
        title="Extra lärandeträff i Lund",
        starts_at=held,
        ends_at=held + dt.timedelta(hours=5),
    )

    strategist = journey.person("strateg")
    sign_in(journey, strategist, ui, programme.strategist.email, NEW_PASSWORD)
    offered = strategist.get_by_role("region", name=ui.exact("Evaluate your meetings"))
    expect(offered).to_contain_text(meeting.title)
    journey.check(strategist, "evaluation")
    offered.get_by_role("link", name=re.compile(ui.escape(meeting.title))).click()
    expect(strategist.get_by_role("heading", level=1)).to_contain_text(meeting.title)
    journey.check(strategist)
    for statement, score in zip(asked, (5, 4, 3), strict=False):
        strategist.locator(f"input[name='statement_{statement.pk}'][value='{score}']").check()
    strategist.get_by_role("textbox").fill("Bra att få se hur Eslöv gör sina analyser.")
    strategist.get_by_role("button", name=ui.exact("Send the evaluation")).click()
    expect_message(strategist, ui("Thank you for your evaluation."))
    expect(
        strategist.get_by_text(ui("You have evaluated this meeting. Thank you!"))
    ).to_be_visible()
    journey.check(strategist, "evaluated")
    answer = MeetingEvaluation.objects.get(meeting=meeting)
    assert answer.person == programme.strategist
    assert sorted(answer.scores.values_list("score", flat=True)) == sorted((5, 4, 3)[: len(asked)])
    journey.assert_every_page_checked()


# Journey 4


def test_project_leader_replaces_a_mentor_completes_and_reopens_the_round(journey, site, ui):
    """Replacing the accepted mentor by hand leaves one mentor; completing the round asks
    first and says who enters the mentor pool; reopening it, with a reason, takes them out."""
    programme = programme_set_up(invitations=False)
    round_ = programme.round
    accepted = programme.mentor
    with translation.override(ui.language):
        other = next(
            c.organisation
            for c in mentor_proposal(round=round_).candidates
            if c.organisation != accepted
        )

    leader = journey.person("projektledare")
    sign_in(journey, leader, ui, programme.leader.email, DEMO_PASSWORD)
    journey.check(leader, "project-leader")
    leader.get_by_role("link", name=ui.text(round_.name)).click()

    # Replace the accepted mentor by hand.
    leader.get_by_role("link", name=ui.exact("Mentors for the groups")).click()
    leader.get_by_label(ui("Mentor of %(group)s", group=GROUP_NAME)).select_option(label=other.name)
    leader.get_by_role("button", name=ui.exact("Set and lock")).click()
    expect_message(
        leader,
        ui(
            "%(organisation)s now mentors %(group)s; the pair is locked.",
            organisation=other.name,
            group=GROUP_NAME,
        ),
    )
    journey.check(leader, "replaced")
    mentors = GroupMentor.objects.filter(group=programme.group)
    assert [m.participation.organisation for m in mentors] == [other]
    assert not Participation.objects.filter(round=round_, organisation=accepted).exists()

    # Start the round (it asks first), then complete it: the page says what will follow.
    leader.get_by_role("link", name=ui.text(round_.name)).click()
    leader.get_by_role("link", name=ui.exact("Start the round…")).click()
    leader.get_by_role("button", name=ui.exact("Start the round")).click()
    expect_message(leader, ui("The round is active."))
    journey.check(leader, "active")
    leader.get_by_role("link", name=ui.exact("Complete the round…")).click()
    names = ", ".join(sorted(a.name for a in APPLICANTS))
    expect(
        leader.get_by_text(
            ui.plural(
                "%(count)s organisation has completed the round and enters the pool of "
                "possible mentors: %(names)s.",
                "%(count)s organisations have completed the round and enter the pool of "
                "possible mentors: %(names)s.",
                len(APPLICANTS),
                names=names,
            )
        )
    ).to_be_visible()
    journey.check(leader, "complete")
    assert Round.objects.get(pk=round_.pk).status == Round.Status.ACTIVE  # asked, not done
    leader.get_by_role("button", name=ui.exact("Complete the round")).click()
    expect_message(
        leader,
        ui(
            "The round is completed. Its participants that did not withdraw can now mentor "
            "later rounds."
        ),
    )
    journey.check(leader, "completed")
    completed = set(
        Participation.objects.filter(round=round_, completed_on__isnull=False).values_list(
            "organisation__code", flat=True
        )
    )
    assert completed == {a.code for a in APPLICANTS}

    # Reopen it with a reason: the completions it made are taken back.
    leader.get_by_role("link", name=ui.exact("Reopen the round…")).click()
    leader.get_by_role("button", name=ui.exact("Reopen the round")).click()  # no reason yet
    expect(leader.get_by_text(ui("This field is required."))).to_be_visible()
    journey.check(leader, "reopen")
    leader.get_by_label(ui.field(ReopenForm, "reason")).fill(
        "Avslutad av misstag före resultatkonferensen."
    )
    leader.get_by_role("button", name=ui.exact("Reopen the round")).click()
    expect_message(leader, ui("The round is reopened."))
    round_.refresh_from_db()
    assert round_.status == Round.Status.ACTIVE
    assert round_.reopen_reason == "Avslutad av misstag före resultatkonferensen."
    assert not Participation.objects.filter(round=round_, completed_on__isnull=False).exists()
    journey.assert_every_page_checked()


# Self-assessment integrity: two people at once, and a submission that stays as it was sent
