"""The three journeys, in Debian's Chromium, clicking and typing as the people would, in Swedish.

1. The project leader creates a round, generates its schedule, accepts two applications (sent
   through the public form by two municipalities, signed out), forms a group, accepts the
   mentor proposal and invites Lund's strategist.
2. The strategist follows the invitation link, sets a password, fills in the self-assessment
   (leaving item 10 empty first and seeing the error beside it), submits, and sees the group's
   comparison once the other member has submitted.
3. The mentor signs in, opens the group and downloads its report as a PDF; the project leader
   produces all reports of the round and watches the progress bar reach 100 %.

Journey 1 builds everything in the browser from the reference organisations and an earlier,
completed round (the mentor pool). Journeys 2 and 3 start from the state journey 1 leaves,
built through the services (`conftest.programme_set_up`), so each journey can fail on its own.
Every page reached is checked for accessibility (`Journey.check`; see test_accessibility.py).
The texts clicked are the site's own, Swedish where translated (`conftest.Texts`).
"""

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
from checklist.models import DEFAULT_CHECKLIST_SLUG, ChecklistVersion, SelfAssessment
from participants import services as participant_services
from participants.forms import ApplicationForm, PersonInviteForm, SetPasswordForm, SharingForm
from participants.models import Application, FunctionAssignment, Organisation, Participation
from reports import services as report_services
from reports.models import ReportJob
from rounds import evaluations
from rounds import services as round_services
from rounds.forms import GroupForm, ReopenForm, RoundForm
from rounds.models import (
    BenchmarkingGroup,
    GroupMentor,
    Meeting,
    MeetingEvaluation,
    ResultReport,
    Round,
)
from rounds.schedule import default_schedule
from rounds.selectors import mentor_proposal
from tests.checklist.levels import load_pair
from tests.conftest import wait_for
from tests.e2e.conftest import (
    APPLICANTS,
    DEMO_PASSWORD,
    ESLOV,
    GROUP_NAME,
    GROUP_THEME,
    LUND,
    NEW_PASSWORD,
    PEER_SCORES,
    STRATEGIST,
    STRATEGIST_SCORES,
    both_submitted,
    expect_message,
    is_save,
    mentor_person,
    mentor_pool,
    peer_submits,
    programme_set_up,
    round_names,
    round_period,
    sign_in,
)
from tests.reports.factories import pdf_pages
from tests.rounds import documents

# Transactional, so the live server and a worker see what the test writes; the data the
# migrations made (the default checklist) is put back after each test's flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REPORT_TIMEOUT_MS = 180_000  # a worker renders the PDFs; WeasyPrint takes a few seconds each


class MissingLink(AssertionError):
    """A page a person needs has no link to it from where they are: the journey went on by
    typing the address, and fails at its end with this."""


def follow(page, name, problems: list[str], *, where: str, fallback: str) -> None:
    """Click the link a person would take; if there is none, note it and type the address."""
    link = page.get_by_role("link", name=name)
    if link.count():
        link.first.click()
    else:
        problems.append(f"{where} has no link “{name.pattern}” (to {fallback})")
        page.goto(fallback)


# Journey 1


def test_project_leader_sets_up_a_round(journey, site, ui):
    leader_account = mentor_pool()
    starts, ends = round_period(timezone.localdate())
    name, slug = round_names(starts, ends)
    with translation.override(ui.language):
        checklist_name = ChecklistVersion.objects.get(slug=DEFAULT_CHECKLIST_SLUG).name

    leader = journey.person("projektledare")
    sign_in(journey, leader, ui, leader_account.email, DEMO_PASSWORD)
    expect(leader.get_by_role("heading", level=1, name=ui.exact("Rounds"))).to_be_visible()
    journey.check(leader, "project-leader")

    # A new round, open for expressions of interest.
    leader.get_by_role("link", name=ui.exact("New round")).click()
    journey.check(leader)
    leader.get_by_label(ui.field(RoundForm, "name")).fill(name)
    leader.get_by_label(ui.field(RoundForm, "slug")).fill(slug)
    leader.get_by_label(ui.field(RoundForm, "starts_on")).fill(starts.isoformat())
    leader.get_by_label(ui.field(RoundForm, "ends_on")).fill(ends.isoformat())
    leader.get_by_label(ui.field(RoundForm, "checklist_version")).select_option(
        label=checklist_name
    )
    leader.get_by_label(ui.field(RoundForm, "description")).fill(
        "Tvåårig omgång för kommuner i Skåne: styrning och ledning första året."
    )
    leader.get_by_label(ui.field(RoundForm, "accepts_applications")).check()
    leader.get_by_role("button", name=ui.exact("Save")).click()
    expect(leader.get_by_role("heading", level=1, name=ui.text(name))).to_be_visible()
    expect_message(leader, ui("The round is created."))
    journey.check(leader, "new")

    # Its default schedule: the whole round's meetings, as no group exists yet.
    leader.get_by_role("button", name=ui.exact("Create the default schedule")).click()
    with translation.override(ui.language):  # meeting titles are written in Swedish
        planned = default_schedule(starts, ends)
    expect_message(
        leader,
        ui.plural(
            "%(count)s meeting is scheduled; move and change them as you need.",
            "%(count)s meetings are scheduled; move and change them as you need.",
            len(planned),
        ),
    )
    first_learning = next(m for m in planned if m.assessment_due)
    # In the round's list of meetings: the "next meeting" line above may name the same one.
    round_meetings = leader.get_by_role("region", name=ui.exact("Meetings of the whole round"))
    expect(round_meetings.get_by_role("link", name=ui.text(first_learning.title))).to_be_visible()
    # The whole schedule has a page of its own (the groups' meetings join it later).
    leader.get_by_role("link", name=ui.exact("The whole schedule")).click()
    expect(leader.get_by_role("heading", level=1, name=ui.exact("Schedule"))).to_be_visible()
    expect(leader.get_by_role("link", name=ui.text(first_learning.title))).to_be_visible()
    journey.check(leader)
    leader.get_by_role("link", name=ui.text(name)).click()

    # Two municipalities apply through the public form, signed out.
    for number, applicant in enumerate(APPLICANTS):
        visitor = journey.person(f"sokande-{applicant.code}")
        visitor.goto(reverse("participants:application_rounds"))
        if number == 0:
            journey.check(visitor)
        visitor.get_by_role("link", name=ui.exact("Apply for %(round)s", round=name)).click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(
            ui("Apply for %(round)s", round=name)
        )
        if number == 0:
            journey.check(visitor)
        fill_application(visitor, ui, applicant)
        visitor.get_by_role("button", name=ui.exact("Send the expression of interest")).click()
        expect(
            visitor.get_by_role(
                "heading", level=1, name=ui.exact("Thank you for your expression of interest")
            )
        ).to_be_visible()
        if number == 0:
            journey.check(visitor, "thanks")

    # The project leader accepts both; each is enrolled and the people it named are invited.
    leader.get_by_role("link", name=ui.exact("Expressions of interest")).click()
    expect(leader.get_by_role("row")).to_have_count(1 + len(APPLICANTS))
    journey.check(leader)
    for applicant in APPLICANTS:
        accept = re.compile(rf"^\s*{ui.escape(ui('Accept'))}\s+{ui.escape(applicant.name)}\s*$")
        leader.get_by_role("button", name=accept).click()
        expect_message(
            leader,
            ui(
                "%(organisation)s is enrolled and its people are invited.",
                organisation=applicant.name,
            ),
        )

    # A benchmarking group of the two.
    leader.get_by_role("link", name=ui.text(name)).click()
    leader.get_by_role("link", name=ui.exact("New group")).click()
    journey.check(leader)
    leader.get_by_label(ui.field(GroupForm, "name")).fill(GROUP_NAME)
    leader.get_by_label(ui.field(GroupForm, "theme")).fill(GROUP_THEME)
    for applicant in APPLICANTS:
        leader.get_by_role("checkbox", name=ui.text(applicant.name)).check()
    leader.get_by_role("button", name=ui.exact("Save")).click()
    expect_message(leader, ui("The group is saved."))
    journey.check(leader)

    # The mentor proposal, accepted whole.
    leader.get_by_role("link", name=ui.text(name)).click()
    leader.get_by_role("link", name=ui.exact("Mentors for the groups")).click()
    round_ = Round.objects.get(slug=slug)
    with translation.override(ui.language):
        proposed = next(
            row.mentor for row in mentor_proposal(round=round_).rows if row.group.name == GROUP_NAME
        )
    assert proposed is not None, "The pool of the earlier round should give Grupp Skåne a mentor"
    group_row = leader.get_by_role("row").filter(has_text=GROUP_NAME)
    expect(group_row).to_contain_text(proposed.name)
    journey.check(leader)
    leader.get_by_role("button", name=ui.exact("Accept the whole proposal")).click()
    expect_message(
        leader,
        ui.plural(
            "The mentor of %(count)s group was saved.",
            "The mentors of %(count)s groups were saved.",
            1,
        ),
    )

    # The round page now shows the dashboard of the organisations, and its list of groups
    # the group with its mentor.
    leader.get_by_role("link", name=ui.text(name)).click()
    journey.check(leader, "dashboard")
    leader.get_by_role("link", name=ui.exact("All benchmarking groups")).click()
    expect(
        leader.get_by_role("heading", level=1, name=ui.exact("Benchmarking groups"))
    ).to_be_visible()
    group_row = leader.get_by_role("row").filter(has_text=GROUP_NAME)
    expect(group_row).to_contain_text(proposed.name)
    for applicant in APPLICANTS:
        expect(group_row).to_contain_text(applicant.name)
    journey.check(leader)
    leader.get_by_role("link", name=ui.text(name)).click()

    # Lund named no strategist: the project leader invites one.
    dashboard = leader.get_by_role(
        "region", name=ui.exact("Organisations, self-assessments and attendance")
    )
    dashboard.get_by_role("link", name=ui.text(LUND.name)).click()
    expect(leader.get_by_role("heading", level=1, name=ui.text(LUND.name))).to_be_visible()
    expect(leader.get_by_text(ui("Missing functions:"))).to_be_visible()
    journey.check(leader)
    leader.get_by_role("link", name=ui.exact("Invite a person")).click()
    journey.check(leader)
    full_name, address = STRATEGIST
    leader.get_by_label(ui.field(PersonInviteForm, "full_name")).fill(full_name)
    leader.get_by_label(ui.field(PersonInviteForm, "email")).fill(address)
    with translation.override(ui.language):
        strategist_label = str(dict(PersonInviteForm.base_fields["functions"].choices)["strateg"])
    leader.get_by_role("checkbox", name=ui.text(strategist_label)).check()
    leader.get_by_role("button", name=ui.exact("Send invitation")).click()
    expect_message(leader, ui("An invitation has been sent to %(email)s.", email=address))

    # What was built, as the database has it.
    round_ = Round.objects.get(slug=slug)
    assert round_.accepts_applications
    assert round_.meetings.count() == len(planned)
    assert set(
        Application.objects.filter(round=round_).values_list("organisation__code", "status")
    ) == {(a.code, Application.Status.ACCEPTED) for a in APPLICANTS}
    group = BenchmarkingGroup.objects.get(round=round_, name=GROUP_NAME)
    assert sorted(group.members.values_list("organisation__code", flat=True)) == sorted(
        a.code for a in APPLICANTS
    )
    assert GroupMentor.objects.get(group=group, is_primary=True).participation.organisation == (
        proposed
    )
    assert FunctionAssignment.objects.filter(
        participation__round=round_,
        participation__organisation__code=LUND.code,
        person__email=address,
        function="strateg",
    ).exists()
    # Everyone named or invited has an invitation e-mail with a link to this site.
    invited = [a.politician[1] for a in APPLICANTS] + [ESLOV.strategist[1], address]
    for email_address in invited:
        (_subject, body), *_ = site.inbox(
            email_address, subject=ui("Invitation to %(round)s", round=name)
        )
        assert site.link_in(body)
    journey.assert_every_page_checked()


def fill_application(page, ui, applicant) -> None:
    form = ApplicationForm()
    with translation.override(ui.language):
        decision_kind = str(Organisation.DecisionKind(applicant.decision_kind).label)
    page.get_by_label(ui.field(form, "organisation")).select_option(label=applicant.name)
    page.get_by_label(ui.field(form, "contact_name")).fill(applicant.contact[0])
    page.get_by_label(ui.field(form, "contact_email")).fill(applicant.contact[1])
    page.get_by_label(ui.field(form, "decision_on")).fill(applicant.decided_on.isoformat())
    page.get_by_label(ui.field(form, "decision_kind")).select_option(label=decision_kind)
    page.get_by_label(ui.field(form, "anchoring")).fill(applicant.anchoring)
    for prefix in ("politician", "manager", "strategist"):
        person = getattr(applicant, prefix)
        if person:
            page.get_by_label(ui.field(form, f"{prefix}_name")).fill(person[0])
            page.get_by_label(ui.field(form, f"{prefix}_email")).fill(person[1])
    if applicant.willing_to_mentor:
        page.get_by_label(ui.field(form, "willing_to_mentor")).check()
    if applicant.message:
        page.get_by_label(ui.field(form, "message")).fill(applicant.message)


# Journey 1b: the call, as SKR runs it


def test_the_call_closes_and_the_project_leader_decides_with_reasons(journey, site, ui):
    """A round's call names its last day and its day of decision on the public form; a
    municipality without a political decision and a region apply for the municipal round; the
    project leader accepts the first only with a reason, declines the region with a reason
    its contact person is sent, and after the last day the form says the call is closed."""
    leader_account = mentor_pool()
    today = timezone.localdate()
    starts, ends = round_period(today)
    name, slug = round_names(starts, ends)
    round_services.round_create(
        name=name,
        slug=slug,
        starts_on=starts,
        ends_on=ends,
        accepts_applications=True,
        application_deadline=today + dt.timedelta(days=7),
        decision_by=today + dt.timedelta(days=14),
        contacts=[leader_account],
    )
    undecided = ESLOV
    region = ("13", "Region Halland", "anna.berg@regionhalland.se")

    # Eslöv applies without a political decision; Region Halland applies for the municipal round.
    visitor = journey.person("sokande-eslov")
    visitor.goto(reverse("participants:application_rounds"))
    expect(visitor.get_by_text(ui("Last day to apply")).first).to_be_visible()
    journey.check(visitor, "call")
    visitor.get_by_role("link", name=ui.exact("Apply for %(round)s", round=name)).click()
    journey.check(visitor, "call")
    form = ApplicationForm()
    visitor.get_by_label(ui.field(form, "organisation")).select_option(label=undecided.name)
    visitor.get_by_label(ui.field(form, "contact_name")).fill(undecided.contact[0])
    visitor.get_by_label(ui.field(form, "contact_email")).fill(undecided.contact[1])
    visitor.get_by_label(ui.field(form, "anchoring")).fill(undecided.anchoring)
    visitor.get_by_role("button", name=ui.exact("Send the expression of interest")).click()
    expect(
        visitor.get_by_role(
            "heading", level=1, name=ui.exact("Thank you for your expression of interest")
        )
    ).to_be_visible()
    participant_services.application_submit(
        round=Round.objects.get(slug=slug),
        organisation=Organisation.objects.get(code=region[0]),
        contact_name="Anna Berg",
        contact_email=region[2],
        decision_on=dt.date(2019, 6, 17),
        decision_kind=Organisation.DecisionKind.CEMR,
        anchoring="Regionstyrelsen beslutade i oktober.",
    )

    # The project leader sees the problems; accepting Eslöv takes a reason.
    leader = journey.person("projektledare")
    sign_in(journey, leader, ui, leader_account.email, DEMO_PASSWORD)
    expect(leader.get_by_role("heading", level=1, name=ui.exact("Rounds"))).to_be_visible()
    journey.check(leader, "project-leader")
    leader.goto(reverse("participants:application_list", args=[slug]))
    journey.check(leader, "problems")
    eslov_row = leader.get_by_role("row").filter(has_text=undecided.name)
    eslov_row.get_by_role("link", name=re.compile(ui.escape(ui("Accept with a reason")))).click()
    journey.check(leader)
    leader.get_by_role("button", name=ui.exact("Accept anyway")).click()
    reason_field = leader.get_by_label(re.compile(ui.escape(ui("Why accept it anyway"))))
    expect(reason_field).to_have_attribute("aria-invalid", "true")
    journey.check(leader, "error")
    assert not Participation.objects.filter(round__slug=slug).exists()
    override = "Fullmäktige fattar beslut i december; kommunledningen står bakom ansökan."
    reason_field.fill(override)
    leader.get_by_role("button", name=ui.exact("Accept anyway")).click()
    expect_message(
        leader,
        ui(
            "%(organisation)s is enrolled and its people are invited.",
            organisation=undecided.name,
        ),
    )

    # The region is declined with a reason, which its contact person is sent.
    region_row = leader.get_by_role("row").filter(has_text=region[1])
    region_row.get_by_role("link", name=re.compile(ui.escape(ui("Decline")))).click()
    decline = "Omgången är för kommuner; välkommen till nästa regionomgång."
    leader.get_by_label(re.compile(ui.escape(ui("Reason, sent to the applicant")))).fill(decline)
    leader.get_by_role("button", name=ui.exact("Decline the application")).click()
    expect_message(
        leader,
        ui("The application of %(organisation)s is declined.", organisation=region[1]),
    )
    expect(leader.get_by_role("row").filter(has_text=region[1])).to_contain_text(decline)
    # After the acknowledgement of the application, the decision with its reason.
    assert wait_for(lambda: [b for _s, b in site.inbox(region[2]) if decline in b])

    # The fee agreed with Eslöv, recorded and marked invoiced.
    leader.get_by_role("link", name=ui.exact("The fees of the organisations taking part")).click()
    fee = leader.get_by_label(
        re.compile(ui.escape(ui("Fee of %(organisation)s (SEK)", organisation=undecided.name)))
    )
    fee.fill("38000")
    leader.get_by_role("checkbox", name=re.compile(ui.escape(undecided.name))).check()
    leader.get_by_role("button", name=ui.exact("Save the fees")).click()
    expect_message(leader, ui("The fees are saved."))
    journey.check(leader)

    # After the last day the public form says the call is closed.
    round_services.round_update(
        round=Round.objects.get(slug=slug),
        application_deadline=today - dt.timedelta(days=1),
        decision_by=today + dt.timedelta(days=14),
    )
    visitor.goto(reverse("participants:application_create", args=[slug]))
    expect(
        visitor.get_by_role(
            "heading", level=1, name=ui.exact("The call for %(round)s is closed", round=name)
        )
    ).to_be_visible()
    journey.check(visitor, "closed")

    eslov = Application.objects.get(round__slug=slug, organisation__code=undecided.code)
    assert (eslov.status, eslov.decision_reason) == (Application.Status.ACCEPTED, override)
    declined = Application.objects.get(round__slug=slug, organisation__code=region[0])
    assert (declined.status, declined.decision_reason) == (Application.Status.DECLINED, decline)
    fee_row = Participation.objects.get(round__slug=slug, organisation__code=undecided.code)
    assert (fee_row.fee, fee_row.fee_invoiced) == (38000, True)
    journey.assert_every_page_checked()


# Journey 2


def item_group(page, number: int):
    """An item of the checklist: its fieldset, named by its legend “N. …”."""
    return page.get_by_role("group", name=re.compile(rf"^{number}\.\s"))


def choose_score(page, number: int, score: int) -> None:
    """Click the score's card and wait for the draft to be saved as you go."""
    with page.expect_response(is_save):
        item_group(page, number).get_by_role("radio", name=re.compile(rf"^{score}\b")).check()


def test_strategist_fills_in_the_self_assessment(journey, site, ui):
    programme = programme_set_up(invitations=True)
    name = programme.round.name
    address = STRATEGIST[1]
    meeting = programme.meeting

    # The invitation e-mail, its link, a password.
    (_subject, body), *_ = site.inbox(address, subject=ui("Invitation to %(round)s", round=name))
    link = site.link_in(body)
    strategist = journey.person("strateg")
    strategist.goto(link)
    expect(
        strategist.get_by_role("heading", level=1, name=ui.exact("Welcome to Modellkoncept"))
    ).to_be_visible()
    journey.check(strategist)
    strategist.get_by_label(ui.field(SetPasswordForm, "password1")).fill(NEW_PASSWORD)
    strategist.get_by_label(ui.field(SetPasswordForm, "password2")).fill(NEW_PASSWORD)
    strategist.get_by_role("button", name=ui.exact("Set password and sign in")).click()
    expect_message(strategist, ui("Welcome! Your password is set."))
    expect(
        strategist.get_by_role("heading", level=1, name=ui.exact("Welcome, %(name)s", name="Sara"))
    ).to_be_visible()
    journey.check(strategist, "participant")

    # What is due: the self-assessment before the first learning meeting.
    due = strategist.get_by_role("region", name=ui.exact("Due"))
    due.get_by_role("link", name=re.compile(ui.escape(meeting.title))).click()
    journey.check(strategist)
    strategist.get_by_role("button", name=ui.exact("Start the self-assessment")).click()
    heading = ui.exact("Self-assessment of %(organisation)s", organisation=LUND.name)
    expect(strategist.get_by_role("heading", level=1, name=heading)).to_be_visible()
    journey.check(strategist)

    # Every item but the last, and a comment on item 7; each saved as it is made.
    for number in range(1, 10):
        choose_score(strategist, number, STRATEGIST_SCORES[number])
    comment = "Mallen för beslutsunderlag används ännu inte av alla förvaltningar."
    comment_7 = strategist.get_by_label(ui("Comment on item %(number)s", number=7))
    with strategist.expect_response(is_save):  # saved a moment after typing stops
        comment_7.fill(comment)
    with strategist.expect_response(is_save):  # and again as the field is left
        comment_7.press("Tab")
    strategist.get_by_role("button", name=ui.exact("Submit")).click()

    # Refused: item 10 has no score, and the page says so beside it.
    item_10 = item_group(strategist, 10)
    expect(item_10.get_by_text(ui("Choose a score for this item."))).to_be_visible()
    expect(strategist.get_by_role("alert")).to_contain_text(
        ui("Give a score for every item before submitting; missing: %(items)s.", items="10")
    )
    expect(strategist).to_have_title(re.compile(rf"^{ui.escape(ui('Error:'))}"))
    assert item_10.get_attribute("aria-describedby") == "item-10-error"
    journey.check(strategist, "error")

    # The last item, and submitted.
    choose_score(strategist, 10, STRATEGIST_SCORES[10])
    strategist.get_by_role("button", name=ui.exact("Submit")).click()
    expect_message(strategist, ui("The self-assessment is submitted. Your group can now see it."))
    journey.check(strategist, "submitted")
    assessment = SelfAssessment.objects.get(
        participation=programme.participations[LUND.name], meeting=meeting
    )
    assert assessment.status == SelfAssessment.Status.SUBMITTED
    assert assessment.submitted_by == programme.strategist
    assert {a.item.number: a.score for a in assessment.answers.select_related("item")} == (
        STRATEGIST_SCORES
    )
    assert assessment.answers.get(item__number=7).comment == comment

    # Eslöv submits too; the group page compares the two, with the group mean.
    peer_submits(programme)
    strategist.get_by_role("link", name=ui.exact("Start")).click()
    strategist.get_by_role("link", name=ui.text(GROUP_NAME)).first.click()
    expect(strategist.get_by_role("heading", level=1, name=ui.text(GROUP_NAME))).to_be_visible()
    comparison = strategist.get_by_role(
        "table",
        name=ui.exact("Scores at assessment %(point)s, side by side, with the group mean", point=1),
    )
    # The members in alphabetical order (Eslöv, Lund), then the mean, one decimal, with a comma.
    expect(comparison.get_by_role("columnheader")).to_have_text(
        [ui("Item"), ESLOV.name, LUND.name, ui("Group mean")]
    )
    for number in (1, 5, 10):
        own, peer = STRATEGIST_SCORES[number], PEER_SCORES[number]
        mean = f"{(own + peer) / 2:.1f}".replace(".", ",")
        row = comparison.get_by_role("row", name=re.compile(rf"^{number}\.\s"))
        expect(row.get_by_role("cell")).to_have_text([str(peer), str(own), mean])
    journey.check(strategist, "comparison")
    journey.assert_every_page_checked()


# Journey 3


def test_mentor_and_project_leader_get_the_reports(journey, site, ui):
    programme = programme_set_up(invitations=False)
    both_submitted(programme)
    mentor_account = mentor_person(programme)
    round_ = programme.round
    problems: list[str] = []
    # A member of the group has had its report produced; mentors read, they do not ask.
    asked = report_services.report_job_request(
        kind=ReportJob.Kind.GROUP, round=round_, group=programme.group, language=ui.language
    )
    report_services.report_job_render(job_id=asked.pk)

    # The mentor opens the group it follows and downloads the group report.
    mentor = journey.person("mentor")
    sign_in(journey, mentor, ui, mentor_account.email, DEMO_PASSWORD)
    mentored = mentor.get_by_role("region", name=ui.exact("Groups you mentor"))
    expect(mentored).to_contain_text(GROUP_NAME)
    journey.check(mentor, "mentor")
    mentor.get_by_role("navigation", name=ui.exact("Main")).get_by_role(
        "link", name=ui.exact("Groups you mentor")
    ).click()
    expect(
        mentor.get_by_role("heading", level=1, name=ui.exact("Groups you mentor"))
    ).to_be_visible()
    journey.check(mentor)
    mentor.get_by_role("link", name=ui.text(GROUP_NAME)).first.click()
    expect(mentor.get_by_role("heading", level=1, name=ui.text(GROUP_NAME))).to_be_visible()
    expect(
        mentor.get_by_text(ui("You follow this group as its mentor; the page is read-only."))
    ).to_be_visible()
    journey.check(mentor, "mentor")
    follow(
        mentor,
        re.compile(rf"^\s*({ui.escape(ui('Reports'))}|{ui.escape(ui('Group report'))})"),
        problems,
        where="The group page",
        fallback=reverse(
            "reports:group_reports", kwargs={"round_slug": round_.slug, "pk": programme.group.pk}
        ),
    )
    expect(mentor.get_by_role("heading", level=1)).to_contain_text(ui("Group report"))
    journey.check(mentor)
    expect(mentor.get_by_role("button", name=ui.exact("Produce the group report"))).to_have_count(0)
    download_link = mentor.get_by_role("link", name=ui.exact("Download PDF"))
    expect(download_link).to_be_visible(timeout=REPORT_TIMEOUT_MS)
    with mentor.expect_download() as downloading:
        download_link.first.click()
    download = downloading.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    assert download.path().read_bytes().startswith(b"%PDF"), "The download is not a PDF"

    # The project leader produces all reports of the round and watches them finish.
    leader = journey.person("projektledare")
    sign_in(journey, leader, ui, programme.leader.email, DEMO_PASSWORD)
    leader.get_by_role("link", name=ui.text(round_.name)).click()
    expect(leader.get_by_role("heading", level=1, name=ui.text(round_.name))).to_be_visible()
    journey.check(leader, "assessed")
    follow(
        leader,
        ui.starts("Reports"),
        problems,
        where="The round page",
        fallback=reverse("reports:round_reports", kwargs={"round_slug": round_.slug}),
    )
    journey.check(leader)
    leader.get_by_role("button", name=ui.exact("Produce all reports of the round")).click()
    expect(
        leader.get_by_role("heading", level=1, name=ui.exact("All reports of the round"))
    ).to_be_visible()
    total = (
        1
        + 1
        + Participation.objects.filter(round=round_, role=Participation.Role.PARTICIPANT).count()
    )  # the round, its group, its organisations
    expect(
        leader.get_by_text(
            ui(
                "%(finished)s of %(total)s reports finished (%(percent)s %%)",
                finished=total,
                total=total,
                percent=100,
            )
        )
    ).to_be_visible(timeout=REPORT_TIMEOUT_MS)
    bar = leader.get_by_role("progressbar").first
    assert bar.evaluate("bar => [bar.value, bar.max]") == [total, total]
    expect(leader.get_by_text(ui("Every report is ready."))).to_be_visible()
    # The table below the bar shows each report as it was when the page was loaded.
    leader.get_by_role("link", name=ui.exact("Show the download links")).click()
    expect(leader.get_by_role("link", name=ui.exact("Download PDF"))).to_have_count(total)
    journey.check(leader)
    journey.assert_every_page_checked()
    if problems:
        raise MissingLink("; ".join(problems))


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
