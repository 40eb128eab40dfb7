"""The rounds' part of the access policy: rounds, groups, meetings; and how a user's standing
(their functions in organisations and the groups they mentor) is read, which the core's policy
machinery asks for but cannot import."""

import rules
from django.db.models import Q

from modellkoncept.policy import (
    OwnParticipation,
    Standing,
    is_project_leader,
    reads_standing,
    standing,
    takes_part_in_any_round,
    visibility,
)
from participants.models import FunctionAssignment
from rounds.models import (
    BenchmarkingGroup,
    GroupMentor,
    Meeting,
    MeetingMaterial,
    ProgrammeDocument,
    ResultReport,
    Round,
)


@reads_standing
def read_standing(user) -> Standing:
    """The user's functions in the organisations taking part in rounds and the groups their
    organisations mentor, in at most two queries."""
    rows = FunctionAssignment.objects.filter(person=user).values_list(
        "participation_id",
        "participation__round_id",
        "participation__organisation_id",
        "participation__role",
        "participation__group_id",
        "function",
    )
    by_participation: dict[int, list] = {}
    for pid, round_id, org_id, role, group_id, function in rows:
        entry = by_participation.setdefault(pid, [round_id, org_id, role, group_id, set()])
        entry[4].add(function)
    participations = tuple(
        OwnParticipation(pid, r, o, role, g, frozenset(fs))
        for pid, (r, o, role, g, fs) in sorted(by_participation.items())
    )
    mentor_ids = [p.id for p in participations if p.role == "mentor"]
    mentored = (
        list(
            GroupMentor.objects.filter(participation_id__in=mentor_ids).values_list(
                "group_id", "group__round_id"
            )
        )
        if mentor_ids
        else []
    )
    return Standing(
        participations=participations,
        mentored_group_ids=frozenset(g for g, _ in mentored),
        mentored_group_round_ids=frozenset(r for _, r in mentored),
    )


@rules.predicate
def takes_part_in_round(user, round_) -> bool:
    """Participants and mentors of a round see the round itself (its name, dates, meetings)."""
    return round_ is not None and round_.pk in standing(user).round_ids


@rules.predicate
def belongs_to_or_mentors_group(user, group) -> bool:
    return group is not None and group.pk in standing(user).visible_group_ids


@rules.predicate
def may_attend_meeting(user, meeting) -> bool:
    """A round-wide meeting is for everyone in the round; a group meeting for its members
    and mentors."""
    if meeting is None:
        return False
    own = standing(user)
    if meeting.group_id is None:
        return meeting.round_id in own.round_ids
    return meeting.group_id in own.visible_group_ids


rules.add_perm("rounds.view_round", is_project_leader | takes_part_in_round)
rules.add_perm("rounds.manage_rounds", is_project_leader)
rules.add_perm("rounds.change_round", is_project_leader)
rules.add_perm("rounds.view_group", is_project_leader | belongs_to_or_mentors_group)
rules.add_perm("rounds.change_group", is_project_leader)
rules.add_perm("rounds.view_meeting", is_project_leader | may_attend_meeting)
rules.add_perm("rounds.change_meeting", is_project_leader)


@visibility(Round, permission="rounds.view_round")
def visible_rounds(user):
    own = standing(user)
    if own.is_project_leader:
        return Round.objects.all()
    return Round.objects.filter(pk__in=own.round_ids)


@visibility(BenchmarkingGroup, permission="rounds.view_group")
def visible_groups(user):
    own = standing(user)
    if own.is_project_leader:
        return BenchmarkingGroup.objects.all()
    return BenchmarkingGroup.objects.filter(pk__in=own.visible_group_ids)


@visibility(Meeting, permission="rounds.view_meeting")
def visible_meetings(user):
    own = standing(user)
    if own.is_project_leader:
        return Meeting.objects.all()
    return Meeting.objects.filter(
        Q(group__isnull=True, round_id__in=own.round_ids) | Q(group_id__in=own.visible_group_ids)
    )


@rules.predicate
def mentors_any_group(user) -> bool:
    return bool(standing(user).mentored_group_ids)


rules.add_perm("rounds.view_mentor_workspace", is_project_leader | mentors_any_group)
rules.add_perm("rounds.manage_matching", is_project_leader)


# Meeting material and the programme library (rounds/material.py).


@rules.predicate
def hosts_meeting(user, meeting) -> bool:
    """The people of the meeting's host organisation, in the meeting's round."""
    if meeting is None or meeting.host_id is None:
        return False
    return any(
        p.organisation_id == meeting.host_id
        and p.round_id == meeting.round_id
        and p.role == "participant"
        for p in standing(user).participations
    )


@rules.predicate
def may_see_materials_meeting(user, document) -> bool:
    return document is not None and may_attend_meeting(user, document.meeting)


rules.add_perm(
    "rounds.change_meeting_material", is_project_leader | (hosts_meeting & may_attend_meeting)
)
rules.add_perm("rounds.view_meeting_material", is_project_leader | may_see_materials_meeting)
rules.add_perm("rounds.view_programme_library", is_project_leader | takes_part_in_any_round)
rules.add_perm("rounds.change_programme_library", is_project_leader)


@visibility(MeetingMaterial)
def visible_material(user):
    """Whoever may see the meeting may see its material."""
    return MeetingMaterial.objects.filter(meeting__in=visible_meetings(user))


@visibility(ProgrammeDocument)
def visible_programme_documents(user):
    own = standing(user)
    if own.is_project_leader or own.participations:
        return ProgrammeDocument.objects.all()
    return ProgrammeDocument.objects.none()


# The mentor's voice (rounds/mentoring.py).


@rules.predicate
def mentors_group(user, group) -> bool:
    return group is not None and group.pk in standing(user).mentored_group_ids


rules.add_perm("rounds.write_mentor_note", mentors_group)
rules.add_perm("rounds.change_mentor_role", is_project_leader)


# Evaluations of meetings (rounds/evaluations.py): the people invited answer; project leaders
# see the results.

rules.add_perm("rounds.answer_evaluation", may_attend_meeting)
rules.add_perm("rounds.view_evaluation_results", is_project_leader)
rules.add_perm("rounds.change_evaluation_statements", is_project_leader)


# The participants' result reports (rounds/services/result_reports.py): the organisation's
# own people and project leaders; the group's mentors once submitted. A draft never leaves the
# organisation. Its strategists write and submit; everyone of it comments; a project leader
# reopens a submitted one.


@rules.predicate
def belongs_to_reporting_organisation(user, report) -> bool:
    return report is not None and report.participation_id in standing(user).participation_ids


@rules.predicate
def is_strategist_of_reporting_organisation(user, report) -> bool:
    return (
        report is not None
        and report.participation_id in standing(user).strategist_participation_ids
    )


@rules.predicate
def mentors_group_of_submitted_report(user, report) -> bool:
    if report is None or report.status != ResultReport.Status.SUBMITTED:
        return False
    group_id = report.participation.group_id
    return group_id is not None and group_id in standing(user).mentored_group_ids


@rules.predicate
def report_is_submitted(user, report) -> bool:
    return report is not None and report.status == ResultReport.Status.SUBMITTED


rules.add_perm(
    "rounds.view_result_report",
    is_project_leader | belongs_to_reporting_organisation | mentors_group_of_submitted_report,
)
rules.add_perm(
    "rounds.edit_result_report", is_project_leader | is_strategist_of_reporting_organisation
)
rules.add_perm(
    "rounds.comment_result_report", is_project_leader | belongs_to_reporting_organisation
)
rules.add_perm("rounds.reopen_result_report", is_project_leader & report_is_submitted)
rules.add_perm("rounds.view_result_report_overview", is_project_leader)


@visibility(ResultReport)
def visible_result_reports(user):
    own = standing(user)
    if own.is_project_leader:
        return ResultReport.objects.all()
    return ResultReport.objects.filter(
        Q(participation_id__in=own.participation_ids)
        | Q(
            status=ResultReport.Status.SUBMITTED,
            participation__group_id__in=own.mentored_group_ids,
        )
    )
