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
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from checklist.models import DEFAULT_CHECKLIST_SLUG, ChecklistVersion, SelfAssessment
from participants import services as participant_services
from participants.forms import ApplicationForm, PersonInviteForm, SetPasswordForm
from participants.models import Application, FunctionAssignment, Organisation, Participation
from reports import services as report_services
from reports.models import ReportJob
from rounds import services as round_services
from rounds.forms import GroupForm, RoundForm
from rounds.models import (
    BenchmarkingGroup,
    GroupMentor,
    Round,
)
from rounds.schedule import default_schedule
from rounds.selectors import mentor_proposal
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
from tests.e2e.steps import REPORT_TIMEOUT_MS, MissingLink, choose_score, follow, item_group

# Transactional, so the live server and a worker see what the test writes; the data the
# migrations made (the default checklist) is put back after each test's flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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
