"""The checklist's part of the access policy: self-assessments.

Benchmarking is comparing with one's group: a group's members and mentors see each other's
submitted assessments. Nobody but the organisation itself (and project leaders) sees a draft.
Only the organisation's strategists edit and submit; every function of it reads. A submitted
assessment is read-only until it is reopened (by its strategists until the meeting starts, by a
project leader at any time); while reopened, the group keeps seeing the version last submitted.
"""

import rules
from django.db.models import Q

from checklist.models import ChecklistVersion, SelfAssessment
from modellkoncept.policy import is_project_leader, standing, visibility


@rules.predicate
def belongs_to_assessing_organisation(user, assessment) -> bool:
    return (
        assessment is not None and assessment.participation_id in standing(user).participation_ids
    )


@rules.predicate
def is_strategist_of_assessing_organisation(user, assessment) -> bool:
    return (
        assessment is not None
        and assessment.participation_id in standing(user).strategist_participation_ids
    )


@rules.predicate
def submitted_before_its_meeting_starts(user, assessment) -> bool:
    return (
        assessment is not None
        and assessment.is_submitted
        and assessment.meeting_id is not None
        and not assessment.meeting_has_started
        and assessment.locked_at is None
    )


@rules.predicate
def compares_with_submitted_assessment(user, assessment) -> bool:
    if assessment is None or assessment.status != SelfAssessment.Status.SUBMITTED:
        return False
    group_id = assessment.participation.group_id
    return group_id is not None and group_id in standing(user).visible_group_ids


rules.add_perm(
    "checklist.view_assessment",
    is_project_leader | belongs_to_assessing_organisation | compares_with_submitted_assessment,
)
rules.add_perm(
    "checklist.edit_assessment", is_project_leader | is_strategist_of_assessing_organisation
)
rules.add_perm(
    "checklist.comment_assessment", is_project_leader | belongs_to_assessing_organisation
)
# A strategist may take back a submission until the meeting starts (and the project leader has
# not closed it); a project leader may reopen at any time, a locked assessment too.
rules.add_perm(
    "checklist.reopen_assessment",
    is_project_leader
    | (is_strategist_of_assessing_organisation & submitted_before_its_meeting_starts),
)
rules.add_perm("checklist.close_assessment", is_project_leader)
rules.add_perm("checklist.view_history", is_project_leader)
rules.add_perm("checklist.manage_versions", is_project_leader)


@visibility(SelfAssessment, permission="checklist.view_assessment")
def visible_assessments(user):
    own = standing(user)
    if own.is_project_leader:
        return SelfAssessment.objects.all()
    return SelfAssessment.objects.filter(
        Q(participation_id__in=own.participation_ids)
        | Q(
            status=SelfAssessment.Status.SUBMITTED,
            participation__group_id__in=own.visible_group_ids,
        )
    )


@visibility(ChecklistVersion)
def visible_versions(user):
    # The instrument itself is public knowledge (SKR publishes it); only results are guarded.
    return ChecklistVersion.objects.all()
