"""The participants' part of the access policy: organisations, their parts in rounds, people,
and improvement work."""

import rules
from django.db.models import Q

from modellkoncept.policy import (
    is_project_leader,
    standing,
    takes_part_in_any_round,
    visibility,
)
from participants.models import ImprovementWork, Organisation, Participation


@rules.predicate
def belongs_to_participation(user, participation) -> bool:
    return participation is not None and participation.pk in standing(user).participation_ids


@rules.predicate
def mentors_participation(user, participation) -> bool:
    """A mentor sees the members of the groups it mentors, and their people."""
    return (
        participation is not None
        and participation.group_id is not None
        and participation.group_id in standing(user).mentored_group_ids
    )


@rules.predicate
def belongs_to_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in standing(user).organisation_ids


@rules.predicate
def mentors_organisation(user, organisation) -> bool:
    """A mentor sees the organisations of the groups it mentors."""
    mentored = standing(user).mentored_group_ids
    return (
        organisation is not None
        and bool(mentored)
        and organisation.participations.filter(
            group_id__in=mentored, role=Participation.Role.PARTICIPANT
        ).exists()
    )


@rules.predicate
def is_strategist_of_work(user, work) -> bool:
    return work is not None and work.participation_id in standing(user).strategist_participation_ids


@rules.predicate
def belongs_to_work(user, work) -> bool:
    return work is not None and work.participation_id in standing(user).participation_ids


@rules.predicate
def work_shared_with_group(user, work) -> bool:
    """The work is shared with its benchmarking group, and the user's organisation is a member
    of that group or mentors it (groups belong to one round, so this is that round's group)."""
    return (
        work is not None
        and work.sharing in SHARED_WITH_GROUP
        and work.participation.group_id is not None
        and work.participation.group_id in standing(user).visible_group_ids
    )


@rules.predicate
def work_in_library(user, work) -> bool:
    """A project leader approved the work for the whole programme."""
    return (
        work is not None
        and work.sharing == ImprovementWork.Sharing.PROGRAMME
        and work.approved_on is not None
    )


SHARED_WITH_GROUP = (ImprovementWork.Sharing.GROUP, ImprovementWork.Sharing.PROGRAMME)

rules.add_perm(
    "participants.view_organisation",
    is_project_leader | belongs_to_organisation | mentors_organisation,
)
rules.add_perm("participants.manage_organisations", is_project_leader)
rules.add_perm(
    "participants.view_participation",
    is_project_leader | belongs_to_participation | mentors_participation,
)
rules.add_perm("participants.change_participation", is_project_leader)
rules.add_perm("participants.invite_people", is_project_leader)
rules.add_perm(
    "participants.view_improvement_work",
    is_project_leader
    | belongs_to_work
    | work_shared_with_group
    | (work_in_library & takes_part_in_any_round),
)
rules.add_perm("participants.change_improvement_work", is_project_leader | is_strategist_of_work)
# How widely the work is shared is the organisation's choice (its strategists), and SKR's.
rules.add_perm("participants.share_improvement_work", is_project_leader | is_strategist_of_work)
# Only a project leader lets the whole programme see a work, and keeps the queue of those asked.
rules.add_perm("participants.approve_improvement_work", is_project_leader)
# The library of approved work: every participant and mentor of any round, past or present.
rules.add_perm("participants.view_library", is_project_leader | takes_part_in_any_round)


@visibility(Organisation)
def visible_organisations(user):
    own = standing(user)
    if own.is_project_leader:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=own.organisation_ids)
        | Q(participations__group_id__in=own.mentored_group_ids, participations__role="participant")
    ).distinct()


@visibility(Participation, permission="participants.view_participation")
def visible_participations(user):
    own = standing(user)
    if own.is_project_leader:
        return Participation.objects.all()
    return Participation.objects.filter(
        Q(pk__in=own.participation_ids)
        | Q(group_id__in=own.mentored_group_ids, role=Participation.Role.PARTICIPANT)
    )


@visibility(ImprovementWork)
def visible_improvement_works(user):
    own = standing(user)
    if own.is_project_leader:
        return ImprovementWork.objects.all()
    shared = Q(participation_id__in=own.participation_ids) | Q(
        sharing__in=SHARED_WITH_GROUP, participation__group_id__in=own.visible_group_ids
    )
    if own.participations:
        shared |= Q(sharing=ImprovementWork.Sharing.PROGRAMME, approved_on__isnull=False)
    return ImprovementWork.objects.filter(shared)
