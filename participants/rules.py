"""The participants' part of the access policy: organisations, their parts in rounds, people,
and improvement work."""

import rules
from django.db.models import Q

from modellkoncept.policy import is_project_leader, standing, visibility
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
rules.add_perm("participants.view_improvement_work", is_project_leader | belongs_to_work)
rules.add_perm("participants.change_improvement_work", is_project_leader | is_strategist_of_work)


@visibility(Organisation)
def visible_organisations(user):
    own = standing(user)
    if own.is_project_leader:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=own.organisation_ids)
        | Q(participations__group_id__in=own.mentored_group_ids, participations__role="participant")
    ).distinct()


@visibility(Participation)
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
    return ImprovementWork.objects.filter(participation_id__in=own.participation_ids)
