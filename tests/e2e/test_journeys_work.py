"""Journeys of a strategist's work after the self-assessment, in Debian's Chromium: the one-page
summary, the result report, two strategists saving one self-assessment at once, a submitted
assessment kept read-only, improvement work shared and found in the library, and a round's two
years at both levels. Built as `test_journeys.py` says; every page reached is checked for
accessibility (`Journey.check`)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from checklist import services as checklist_services
from checklist.models import SelfAssessment
from participants import services as participant_services
from participants.forms import SharingForm
from participants.models import FunctionAssignment, Participation
from rounds import services as round_services
from rounds.forms import RoundForm
from rounds.models import (
    Meeting,
    ResultReport,
    Round,
)
from tests.checklist.levels import load_pair
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    ESLOV,
    LUND,
    NEW_PASSWORD,
    PEER_SCORES,
    STRATEGIST,
    STRATEGIST_SCORES,
    both_submitted,
    expect_message,
    is_save,
    programme_set_up,
    sign_in,
)
from tests.e2e.steps import REPORT_TIMEOUT_MS, MissingLink, choose_score, follow, item_group
from tests.reports.factories import pdf_pages

# Transactional, so the live server and a worker see what the test writes; the data the
# migrations made (the default checklist) is put back after each test's flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# Journey 7: the one-page summary for the political leadership


def test_strategist_builds_the_one_page_summary(journey, site, ui):
    programme = programme_set_up(invitations=False)
    both_submitted(programme)
    lund = programme.participations[LUND.name]
    next_steps = "Alla nämnder redovisar könsuppdelad statistik i delårsrapporten 2027."
    problems: list[str] = []

    # Lund's strategist goes from the start page to the organisation and its summary.
    strategist = journey.person("strateg")
    sign_in(journey, strategist, ui, programme.strategist.email, NEW_PASSWORD)
    journey.check(strategist, "participant")
    strategist.get_by_role("link", name=ui.text(lund.organisation.name)).first.click()
    expect(
        strategist.get_by_role("heading", level=1, name=re.compile(lund.organisation.name))
    ).to_be_visible()
    journey.check(strategist, "strategist")
    follow(
        strategist,
        ui.exact("One-page summary"),
        problems,
        where="The organisation's page",
        fallback=reverse(
            "reports:organisation_summary",
            kwargs={"round_slug": programme.round.slug, "code": lund.organisation.code},
        ),
    )
    expect(strategist.get_by_role("heading", level=1)).to_contain_text(ui("One-page summary"))
    expect(strategist.get_by_text(ui("No report has been asked for yet."))).to_be_visible()
    journey.check(strategist)

    # It writes the next steps (more lines than the page has room for are refused first).
    field = strategist.get_by_role("textbox", name=ui.starts("Next steps"))
    field.fill("\n".join(["Rad"] * 6))
    strategist.get_by_role("button", name=ui.exact("Save the next steps")).click()
    expect(
        strategist.get_by_text(
            ui(
                "Write the next steps in at most %(lines)s lines (now %(count)s), so that "
                "the summary stays one page.",
                lines=5,
                count=6,
            )
        )
    ).to_be_visible()
    journey.check(strategist, "error")
    field = strategist.get_by_role("textbox", name=ui.starts("Next steps"))
    field.fill(next_steps)
    strategist.get_by_role("button", name=ui.exact("Save the next steps")).click()
    expect_message(strategist, ui("The next steps are saved."))
    journey.check(strategist, "saved")

    # It has the PDF produced and downloads it: one A4 page with the next steps.
    strategist.get_by_role("button", name=ui.exact("Produce the one-page summary (PDF)")).click()
    expect_message(strategist, ui("The one-page summary is being produced as a PDF."))
    download_link = strategist.get_by_role("link", name=ui.exact("Download PDF"))
    expect(download_link).to_be_visible(timeout=REPORT_TIMEOUT_MS)
    journey.check(strategist, "ready")
    with strategist.expect_download() as downloading:
        download_link.first.click()
    pdf = downloading.value.path().read_bytes()
    pages = pdf_pages(pdf)
    assert len(pages) == 1, f"The summary has {len(pages)} pages"
    assert next_steps in " ".join(pages[0].split())

    # And opens the print view, which prints on one A4 page as well.
    strategist.get_by_role("link", name=ui.exact("Open the print view")).click()
    expect(
        strategist.get_by_role("heading", level=1, name=ui.text(lund.organisation.name))
    ).to_be_visible()
    expect(strategist.get_by_text(next_steps)).to_be_visible()
    expect(strategist.get_by_role("img", name=ui("Total score per assessment"))).to_be_visible()
    journey.check(strategist)
    strategist.emulate_media(media="print")
    printed = strategist.pdf(format="A4", prefer_css_page_size=True)
    strategist.emulate_media(media="screen")
    assert len(pdf_pages(printed)) == 1, "The print view does not print on one page"
    journey.assert_every_page_checked()
    if problems:
        raise MissingLink("; ".join(problems))


# Journey 7: a strategist writes and submits the result report


def test_strategist_writes_and_submits_the_result_report(journey, site, ui):
    programme = programme_set_up(invitations=False)
    participation = programme.participations[LUND.name]

    strategist = journey.person("strateg")
    sign_in(journey, strategist, ui, programme.strategist.email, NEW_PASSWORD)
    journey.check(strategist, "participant")
    strategist.get_by_role("link", name=ui.exact(LUND.name)).first.click()
    journey.check(strategist, "reports")
    strategist.get_by_role("link", name=ui.exact("Result report, year %(year)s", year=1)).click()
    journey.check(strategist)
    strategist.get_by_role("button", name=ui.exact("Start the result report")).click()
    heading = ui.exact("Result report of %(organisation)s", organisation=LUND.name)
    expect(strategist.get_by_role("heading", level=1, name=heading)).to_be_visible()
    journey.check(strategist)

    strategist.get_by_role("textbox", name=ui.exact("Aims")).fill(
        "Jämställd fördelning av hemtjänstens resurser."
    )
    strategist.get_by_role("textbox", name=ui.exact("How the work was organised")).fill(
        "En styrgrupp med kommundirektören; beslut i kommunstyrelsen i juni."
    )
    strategist.get_by_role(
        "combobox", name=ui.exact("Place on the result chain")
    ).first.select_option(value="outcome")
    strategist.get_by_role("textbox", name=ui.exact("Result")).first.fill(
        "Hemtjänsttimmarna fördelas nu lika mellan kvinnor och män."
    )
    strategist.get_by_role("textbox", name=ui.exact("Lessons learnt")).fill(
        "Förankra tidigt hos cheferna."
    )
    strategist.get_by_role("textbox", name=ui.exact("Advice to others")).fill(
        "Börja med könsuppdelad statistik."
    )
    strategist.get_by_role(
        "radio", name=ui.exact("Yes, we are willing to mentor a group in a later round")
    ).check()
    # Saved as it is written: the status line says so, for screen readers too.
    status = strategist.locator("#save-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text(
        re.compile(ui.escape(ui("Draft saved %(time)s", time="").strip()))
    )
    journey.check(strategist, "saved")
    report = ResultReport.objects.get(participation=participation, year=1)
    assert report.advice == "Börja med könsuppdelad statistik."
    assert report.status == ResultReport.Status.DRAFT

    # Submitting asks first.
    strategist.get_by_role("button", name=ui.exact("Submit to SKR")).click()
    expect(
        strategist.get_by_role("heading", level=1, name=ui.exact("Submit the result report"))
    ).to_be_visible()
    journey.check(strategist)
    strategist.get_by_role("button", name=ui.exact("Submit the result report")).click()
    expect_message(
        strategist, ui("The result report is submitted. Thank you for reporting to SKR.")
    )
    expect(strategist.get_by_text("Hemtjänsttimmarna fördelas nu lika")).to_be_visible()
    expect(strategist.get_by_role("button", name=ui.exact("Submit to SKR"))).to_have_count(0)
    journey.check(strategist, "submitted")
    report.refresh_from_db()
    assert report.status == ResultReport.Status.SUBMITTED
    assert report.submitted_by == programme.strategist
    assert report.results == [
        {
            "chain_step": "outcome",
            "text": "Hemtjänsttimmarna fördelas nu lika mellan kvinnor och män.",
            "work": None,
        }
    ]
    participation.refresh_from_db()
    assert participation.willing_to_mentor is True
    journey.assert_every_page_checked()


def _second_strategist(programme):
    """Lund's second strategist (participants advise two people per function)."""
    from tests.e2e.conftest import person_with_password

    second = person_with_password("nils.berg@lund.se", "Nils Berg")
    participant_services.function_assign(
        participation=programme.participations[LUND.name], person=second, function="strateg"
    )
    return second


def test_two_strategists_save_one_self_assessment_at_once(journey, site, ui):
    programme = programme_set_up(invitations=False)
    second = _second_strategist(programme)
    assessment = checklist_services.assessment_start(
        participation=programme.participations[LUND.name], meeting=programme.meeting
    )
    url = reverse("checklist:assessment", args=[assessment.pk])
    sara = journey.person("sara")
    sign_in(journey, sara, ui, STRATEGIST[1], NEW_PASSWORD)
    nils = journey.person("nils")
    sign_in(journey, nils, ui, second.email, NEW_PASSWORD)
    # Both open the same draft; Sara saves first.
    sara.goto(url)
    nils.goto(url)
    journey.check(sara)
    # The scale's steps side by side in one row on a desktop; on a phone, whole words that
    # fit their cards (none broken, none sticking out).
    labels = item_group(sara, 1).locator(".score-choice-label")
    assert len({round(box["y"]) for box in (lab.bounding_box() for lab in labels.all())}) == 1
    sara.set_viewport_size({"width": 360, "height": 800})
    assert labels.evaluate_all("ls => ls.every(l => l.scrollWidth <= l.clientWidth)")
    assert labels.evaluate_all("ls => ls.every(l => getComputedStyle(l).overflowWrap === 'normal')")
    sara.set_viewport_size({"width": 1280, "height": 800})
    choose_score(sara, 1, 3)
    expect(sara.locator("#save-progress")).to_have_text(
        ui("%(scored)s of %(total)s items have a score", scored=1, total=10)
    )
    # The status and the progress stay in sight at the bottom of the long form.
    item_group(sara, 10).scroll_into_view_if_needed()
    expect(sara.locator(".assessment-savebar")).to_be_in_viewport()
    expect(sara.locator("#save-status")).to_contain_text(re.compile(r"\d\d:\d\d"))

    # Nils's page is behind: his save of item 1 is refused, and he sees it at once, beside
    # the form, with what Sara saved and what he chose.
    with nils.expect_response(is_save) as refused:
        item_group(nils, 1).get_by_role("radio", name=re.compile(r"^1\b")).check()
    assert refused.value.status == 409
    conflict = nils.locator("#save-conflict")
    expect(conflict.get_by_role("alert")).to_contain_text(
        ui(
            "Someone else has saved this self-assessment since you opened it. Your answers "
            "are kept on this page but not saved."
        )
    )
    row = conflict.get_by_role("row", name=re.compile(r"^1\b"))
    expect(row.get_by_role("cell")).to_have_text(["3", "1"])
    expect(nils.locator("#save-status")).to_contain_text(
        ui("Not saved: someone else saved first. Choose below whose answers to keep.")
    )
    journey.check(nils, "conflict")
    assert {a.item.number: a.score for a in assessment.answers.select_related("item")}[1] == 3

    # He keeps his own: saved over Sara's (the page reloads with his answers), no conflict.
    conflict.get_by_role("button", name=ui.exact("Save my answers over the saved ones")).click()
    expect_message(nils, ui("The draft is saved."))
    expect(item_group(nils, 1).get_by_role("radio", name=re.compile(r"^1\b"))).to_be_checked()
    expect(nils.locator("#save-conflict").get_by_role("alert")).to_have_count(0)
    assert assessment.answers.get(item__number=1).score == 1

    # Sara's page is behind now: her next save meets the conflict; she takes Nils's version.
    with sara.expect_response(is_save) as refused:
        item_group(sara, 2).get_by_role("radio", name=re.compile(r"^2\b")).check()
    assert refused.value.status == 409
    sara.locator("#save-conflict").get_by_role(
        "link", name=ui.exact("Drop my answers and load the saved ones")
    ).click()
    expect(item_group(sara, 1).get_by_role("radio", name=re.compile(r"^1\b"))).to_be_checked()
    assert assessment.answers.get(item__number=2).score is None


def test_a_submitted_self_assessment_stays_read_only_until_reopened(journey, site, ui):
    programme = programme_set_up(invitations=False)
    both_submitted(programme)
    lund = SelfAssessment.objects.get(
        participation=programme.participations[LUND.name], meeting=programme.meeting
    )
    strategist = journey.person("strateg")
    sign_in(journey, strategist, ui, STRATEGIST[1], NEW_PASSWORD)
    strategist.goto(reverse("checklist:assessment", args=[lund.pk]))

    # Submitted: the answers read-only, no form that saves as you go.
    expect(strategist.locator("#assessment-form")).to_have_count(0)
    expect(strategist.get_by_role("radio")).to_have_count(0)
    answers = strategist.get_by_role("table", name=ui.exact("Scores and comments per item"))
    expect(
        answers.get_by_role("row", name=re.compile(r"^4\.\s")).get_by_role("cell").first
    ).to_have_text(str(STRATEGIST_SCORES[4]))
    journey.check(strategist, "submitted")

    # Reopened, with a reason (none given first: said beside the field).
    strategist.get_by_role("link", name=ui.exact("Reopen for changes")).click()
    expect(
        strategist.get_by_role("heading", level=1, name=ui.exact("Reopen the self-assessment"))
    ).to_be_visible()
    journey.check(strategist)
    strategist.get_by_role("button", name=ui.exact("Reopen for changes")).click()
    expect(strategist.locator("#reason-error")).to_be_visible()
    reason = "Fel poäng på moment 4 – vi har en plan sedan i våras."
    strategist.get_by_label(ui("Why is it reopened?")).fill(reason)
    strategist.get_by_role("button", name=ui.exact("Reopen for changes")).click()
    expect_message(
        strategist,
        ui(
            "The self-assessment is open for changes again. The group sees the version last "
            "submitted until you submit it again."
        ),
    )
    choose_score(strategist, 4, 2)
    journey.check(strategist, "reopened")

    # Until it is submitted again, the group sees what was submitted.
    peer = journey.person("peer")
    sign_in(journey, peer, ui, ESLOV.strategist[1], NEW_PASSWORD)
    peer.goto(reverse("rounds:group_detail", args=[programme.round.slug, programme.group.pk]))
    comparison = peer.get_by_role(
        "table",
        name=ui.exact("Scores at assessment %(point)s, side by side, with the group mean", point=1),
    )
    row_4 = comparison.get_by_role("row", name=re.compile(r"^4\.\s"))
    expect(row_4.get_by_role("cell")).to_have_text(
        [str(PEER_SCORES[4]), str(STRATEGIST_SCORES[4]), "1,0"]
    )
    journey.check(peer, "comparison")

    # Submitted again: the group sees the change, and the page is read-only again.
    strategist.get_by_role("button", name=ui.exact("Submit")).click()
    expect_message(strategist, ui("The self-assessment is submitted. Your group can now see it."))
    expect(strategist.get_by_role("radio")).to_have_count(0)
    peer.reload()
    expect(row_4.get_by_role("cell")).to_have_text([str(PEER_SCORES[4]), "2", "1,5"])
    lund.refresh_from_db()
    assert (lund.status, lund.draft_answers, lund.reopened_reason) == (
        SelfAssessment.Status.SUBMITTED,
        None,
        reason,
    )


# Journey 7: improvement work shared with the group, and a good example for the programme


def test_work_shared_with_the_group_and_approved_for_the_programme_is_found_by_searching(
    journey, site, ui
):
    programme = programme_set_up(invitations=False)
    lund = programme.participations[LUND.name]
    for_group = participant_services.improvement_work_create(
        participation=lund,
        title="Könsuppdelad statistik i årsredovisningen",
        description="Alla nyckeltal redovisas för kvinnor och män.",
        chain_step="product",
    )
    example = participant_services.improvement_work_create(
        participation=lund,
        title="Jämställdhetsanalys av hemtjänsten",
        description="Beviljade timmar jämförs för kvinnor och män med samma behov.",
        chain_step="way_of_working",
    )
    participant_services.progress_note_add(
        work=example, text="Skillnaden i beviljade timmar halverades under året."
    )
    sharing_field = ui.field(SharingForm, "sharing")

    # Lund's strategist shares one work with the group and asks for the other to be shared
    # with the whole programme.
    strategist = journey.person("strateg")
    sign_in(journey, strategist, ui, programme.strategist.email, NEW_PASSWORD)
    journey.check(strategist, "participant")
    strategist.get_by_role("link", name=ui.text(LUND.name)).first.click()
    journey.check(strategist, "works")
    strategist.get_by_role("link", name=ui.text(for_group.title)).click()
    journey.check(strategist)
    strategist.get_by_role("group", name=sharing_field).get_by_role(
        "radio", name=ui.exact("the benchmarking group and its mentors")
    ).check()
    strategist.get_by_role("button", name=ui.exact("Save sharing")).click()
    expect_message(
        strategist,
        ui(
            "The work is shared with %(sharing)s.",
            sharing=ui("the benchmarking group and its mentors"),
        ),
    )
    journey.check(strategist, "shared")
    strategist.get_by_role("navigation", name=ui.exact("Breadcrumbs")).get_by_role(
        "link", name=ui.text(LUND.name)
    ).click()
    strategist.get_by_role("link", name=ui.text(example.title)).click()
    strategist.get_by_role("group", name=sharing_field).get_by_role(
        "radio", name=ui.exact("the whole programme (after approval)")
    ).check()
    strategist.get_by_role("button", name=ui.exact("Save sharing")).click()
    expect_message(
        strategist,
        ui(
            "The work is shared with its group now, and with the whole programme "
            "once a project leader approves it."
        ),
    )
    expect(strategist.get_by_text(ui("awaiting approval"))).to_be_visible()
    journey.check(strategist, "awaiting")

    # Eslöv's strategist, in the same group, finds both on Eslöv's own page.
    peer = journey.person("kollega")
    sign_in(journey, peer, ui, programme.peer.email, NEW_PASSWORD)
    peer.get_by_role("link", name=ui.text(ESLOV.name)).first.click()
    shared = peer.get_by_role("region", name=ui.exact("Improvement work shared in the group"))
    expect(shared.get_by_role("link", name=ui.text(for_group.title))).to_be_visible()
    journey.check(peer, "group-works")
    shared.get_by_role("link", name=ui.text(for_group.title)).click()
    expect(peer.get_by_role("button", name=ui.exact("Save sharing"))).to_have_count(0)
    journey.check(peer, "peer")

    # The project leader approves the example for the programme from the queue.
    leader = journey.person("projektledare")
    sign_in(journey, leader, ui, programme.leader.email, DEMO_PASSWORD)
    leader.get_by_role("navigation", name=ui.exact("Main")).get_by_role(
        "link", name=ui.exact("Good examples")
    ).click()
    expect(
        leader.get_by_text(ui("No improvement work has been approved for the programme yet."))
    ).to_be_visible()
    journey.check(leader, "empty")
    leader.get_by_role("link", name=ui.exact("Work awaiting approval")).click()
    journey.check(leader)
    leader.get_by_role("button", name=ui.starts("Approve for the programme")).click()
    expect_message(
        leader,
        ui(
            "%(title)s is approved: every participant and mentor of the programme "
            "can find it in the library.",
            title=example.title,
        ),
    )
    expect(leader.get_by_text(ui("No improvement work awaits approval."))).to_be_visible()
    journey.check(leader, "approved")

    # A strategist of the earlier round, in no group with Lund, finds it by searching in Swedish.
    earlier = (
        FunctionAssignment.objects.filter(
            function="strateg",
            participation__role=Participation.Role.PARTICIPANT,
            participation__round__status=Round.Status.COMPLETED,
        )
        .exclude(participation__organisation=programme.mentor)
        .select_related("person")
        .first()
        .person
    )
    reader = journey.person("läsare")
    sign_in(journey, reader, ui, earlier.email, DEMO_PASSWORD)
    reader.get_by_role("navigation", name=ui.exact("Main")).get_by_role(
        "link", name=ui.exact("Good examples")
    ).click()
    expect(reader.get_by_role("link", name=ui.text(example.title))).to_be_visible()
    expect(reader.get_by_role("link", name=ui.text(for_group.title))).to_have_count(0)
    journey.check(reader)
    reader.get_by_role("textbox", name=ui.exact("Search")).fill("jämställdhetsanalyser")
    reader.get_by_role("button", name=ui.exact("Search")).click()
    expect(reader.get_by_role("status")).to_contain_text(
        ui.plural(
            "%(counter)s improvement work found.",
            "%(counter)s improvement works found.",
            1,
            counter=1,
        )
    )
    journey.check(reader, "search")
    reader.get_by_role("link", name=ui.text(example.title)).click()
    expect(
        reader.get_by_text("Skillnaden i beviljade timmar halverades under året.")
    ).to_be_visible()
    expect(reader.get_by_role("button", name=ui.exact("Save sharing"))).to_have_count(0)
    journey.check(reader, "library")
    journey.assert_every_page_checked()


# Two levels: year one organisation-wide, year two also at committee/department level.

LEVEL_SCORES = {
    "organisation": {1: 4, 2: 3, 3: 3, 4: 2, 5: 2, 6: 1, 7: 2, 8: 1, 9: 1, 10: 1},
    "committee": {1: 2, 2: 2, 3: 1, 4: 1, 5: 3, 6: 2, 7: 1, 8: 1, 9: 4, 10: 1},
}
COMMITTEE_PEER_SCORES = {1: 4, 2: 2, 3: 3, 4: 1, 5: 1, 6: 2, 7: 1, 8: 1, 9: 2, 10: 1}


def _fill_and_submit(page, ui, scores) -> None:
    for number, score in scores.items():
        choose_score(page, number, score)
    page.get_by_role("button", name=ui.exact("Submit")).click()
    expect_message(page, ui("The self-assessment is submitted. Your group can now see it."))


def test_a_round_runs_year_one_and_year_two_at_both_levels(journey, site, ui):
    """The project leader gives the round a loaded 1–4 pair of checklists (their texts are
    invented for the tests: SKR's are not among the sources); the strategist assesses
    organisation-wide in year one; the project leader moves the round to year two with its
    themes; the strategist then assesses at both levels, and the group page compares each
    level apart, as `round_summary --level` does."""
    programme = programme_set_up(invitations=False)
    organisation_version, committee_version = load_pair()
    round_ = programme.round
    lund, eslov = programme.participations[LUND.name], programme.participations[ESLOV.name]
    with translation.override(ui.language):
        organisation_name, committee_name = organisation_version.name, committee_version.name

    # The project leader chooses the pair on the round's page.
    leader = journey.person("projektledare")
    sign_in(journey, leader, ui, programme.leader.email, DEMO_PASSWORD)
    leader.goto(reverse("rounds:round_detail", kwargs={"slug": round_.slug}))
    chooser = leader.locator("form").filter(
        has=leader.get_by_label(ui.exact("Use another version"))
    )
    chooser.get_by_label(ui.exact("Use another version")).select_option(label=organisation_name)
    chooser.get_by_role("button", name=ui.exact("Choose")).click()
    expect_message(leader, ui("The round's checklist is chosen."))
    committee_label = ui.exact("Checklist for year two's committee/department level")
    chooser = leader.locator("form").filter(has=leader.get_by_label(committee_label))
    chooser.get_by_label(committee_label).select_option(label=committee_name)
    chooser.get_by_role("button", name=ui.exact("Choose")).click()
    expect_message(leader, ui("The round's checklist is chosen."))
    expect(leader.locator("#round-committee-checklist")).to_contain_text(committee_name)
    journey.check(leader, "levels")

    # Year one: the strategist assesses organisation-wide only.
    strategist = journey.person("strateg")
    sign_in(journey, strategist, ui, STRATEGIST[1], NEW_PASSWORD)
    due = strategist.get_by_role("region", name=ui.exact("Due"))
    # Year one: nothing due at committee/department level.
    committee_due = ui(
        "Self-assessment at committee/department level of %(organisation)s before "
        "%(meeting)s (%(date)s)",
        organisation="ORG",
        meeting="",
        date="",
    ).split("ORG")[0]
    expect(due).not_to_contain_text(committee_due)
    due.get_by_role("link", name=re.compile(ui.escape(programme.meeting.title))).click()
    journey.check(strategist)
    strategist.get_by_role("button", name=ui.exact("Start the self-assessment")).click()
    # The 1–4 checklist's parts as headings above their moments.
    expect(
        strategist.get_by_role("heading", level=2, name=ui.text("Styrning och ledning"))
    ).to_be_visible()
    journey.check(strategist)
    _fill_and_submit(strategist, ui, LEVEL_SCORES["organisation"])

    # Year two, with the themes of its learning meetings.
    leader.get_by_role("link", name=ui.exact("Edit the round")).click()
    leader.get_by_label(ui.field(RoundForm, "current_year")).select_option(
        value=str(Round.Year.TWO)
    )
    themes = ["Jämställd biståndsbedömning", "Jämställd planering i nämnderna"]
    leader.get_by_label(ui.field(RoundForm, "year_two_themes")).fill("\n".join(themes))
    journey.check(leader, "year-two")
    leader.get_by_role("button", name=ui.exact("Save")).click()
    # The round's page says the year (its label, capitalised: compared from its second letter).
    expect(leader.locator("#round-year")).to_contain_text(
        ui("year two: committee and department level")[1:]
    )
    round_ = Round.objects.get(pk=round_.pk)
    assert (round_.current_year, round_.year_two_themes) == (Round.Year.TWO, themes)
    start = timezone.now() + dt.timedelta(days=14)
    year_two = round_services.meeting_create(
        round=round_,
        group=programme.group,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=4,
        title=f"Lärandeträff 4: {themes[0]}",
        theme=themes[0],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        assessment_due=True,
    )
    assert year_two.year == Round.Year.TWO

    # The strategist: due at both levels before the year-two meeting.
    strategist.get_by_role("link", name=ui.exact("Start")).click()
    due = strategist.get_by_role("region", name=ui.exact("Due"))
    committee_text = ui(
        "Self-assessment at committee/department level of %(organisation)s before "
        "%(meeting)s (%(date)s)",
        organisation=LUND.name,
        meeting=year_two.title,
        date="DATE",
    )
    committee_link = due.get_by_role(
        "link", name=re.compile(ui.escape(committee_text.split("DATE")[0]))
    )
    expect(committee_link).to_have_count(1)
    journey.check(strategist, "year-two")
    committee_link.click()
    journey.check(strategist, "committee")
    strategist.get_by_role("button", name=ui.exact("Start the self-assessment")).click()
    expect(strategist.locator(".assessment-level")).to_contain_text(committee_name)
    expect(strategist.get_by_role("group", name=re.compile(r"^1\.\s"))).to_contain_text(
        "Provmoment 1 (nämnd)"
    )
    journey.check(strategist, "committee")
    _fill_and_submit(strategist, ui, LEVEL_SCORES["committee"])
    committee = SelfAssessment.objects.get(participation=lund, meeting=year_two, level="committee")
    assert {a.item.version_id for a in committee.answers.select_related("item")} == {
        committee_version.pk
    }

    # Eslöv submits at committee level too; the group page compares each level apart.
    checklist_services.assessment_record(
        participation=eslov,
        meeting=year_two,
        scores=COMMITTEE_PEER_SCORES,
        submitted_at=timezone.now(),
        by=programme.peer,
        level="committee",
    )
    strategist.goto(
        reverse("rounds:group_detail", kwargs={"round_slug": round_.slug, "pk": programme.group.pk})
    )
    levels = strategist.get_by_role("navigation", name=ui.exact("Level of the self-assessments"))
    # The level's label, capitalised on the page: compared from its second letter.
    committee_level = re.compile(ui.escape(ui("committee/board and department")[1:]))
    levels.get_by_role("link", name=committee_level).click()
    comparison = strategist.get_by_role(
        "table",
        name=ui.exact("Scores at assessment %(point)s, side by side, with the group mean", point=1),
    )
    row = comparison.get_by_role("row", name=re.compile(r"^1\.\s"))
    expect(row).to_contain_text("Provmoment 1 (nämnd)")
    expect(row.get_by_role("cell")).to_have_text(["4", "2", "3,0"])
    journey.check(strategist, "committee")
    journey.assert_every_page_checked()

    # round_summary keeps the levels apart too.
    def summary(level):
        out = io.StringIO()
        call_command("round_summary", round_.slug, "--level", level, stdout=out)
        return json.loads(out.getvalue())

    organisation, committee_figures = summary("organisation"), summary("committee")
    assert organisation["checklist"] == organisation_version.slug
    assert organisation["totals"] == {LUND.code: sum(LEVEL_SCORES["organisation"].values())}
    assert committee_figures["checklist"] == committee_version.slug
    assert committee_figures["totals"] == {
        ESLOV.code: sum(COMMITTEE_PEER_SCORES.values()),
        LUND.code: sum(LEVEL_SCORES["committee"].values()),
    }
