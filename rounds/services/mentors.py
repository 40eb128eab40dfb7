"""Mentors of the groups: assign, set, lock, remove, accept a proposal."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError
from participants.models import Organisation, Participation
from participants.services import participation_add
from rounds import actions
from rounds.eligibility import mentor_ineligibility
from rounds.models import BenchmarkingGroup, GroupMentor, Round
from rounds.selectors import mentor_proposal
from rounds.services.lifecycle import _require_open


@transaction.atomic
def mentor_assign(
    *,
    group: BenchmarkingGroup,
    participation: Participation,
    is_primary: bool = True,
    locked: bool = False,
) -> GroupMentor:
    """Attach a mentor organisation to a group, as its primary or a supporting mentor."""
    _require_open(group.round)
    if participation.round_id != group.round_id:
        raise DomainError(
            _("%(organisation)s does not take part in this round.")
            % {"organisation": participation.organisation}
        )
    if participation.role != Participation.Role.MENTOR:
        raise DomainError(
            _("%(organisation)s is a participant of this round and cannot mentor in it.")
            % {"organisation": participation.organisation}
        )
    if is_primary and group.mentorships.filter(is_primary=True).exists():
        raise DomainError(_("%(group)s already has a primary mentor.") % {"group": group})
    if group.mentorships.filter(participation=participation).exists():
        raise DomainError(
            _("%(organisation)s already mentors %(group)s.")
            % {"organisation": participation.organisation, "group": group}
        )
    mentorship = GroupMentor(
        group=group, participation=participation, is_primary=is_primary, locked=locked
    )
    mentorship.full_clean()
    mentorship.save()
    log_action(
        group,
        actions.MENTOR_ASSIGNED,
        data={
            "organisation": participation.organisation_id,
            "primary": is_primary,
            "locked": locked,
            "group_name": group.name,
        },
    )
    return mentorship


# Matching: saving proposals and pairs set by hand.


@transaction.atomic
def mentor_set(
    *,
    group: BenchmarkingGroup,
    organisation: Organisation,
    locked: bool = False,
) -> GroupMentor:
    """Make the organisation the group's primary mentor, enrolling it as a mentor of the round
    if need be. The mentor rules apply; a locked pair is kept when proposals are re-run."""
    _require_open(group.round)
    round_ = group.round
    problem = mentor_ineligibility(round=round_, organisation=organisation, group=group)
    if problem:
        raise DomainError(problem)
    participation = Participation.objects.filter(
        round=round_, organisation=organisation, role=Participation.Role.MENTOR
    ).first()
    if participation is None:
        participation = participation_add(
            round=round_, organisation=organisation, role=Participation.Role.MENTOR
        )
    current = group.mentorships.filter(is_primary=True).select_related("participation").first()
    if current is not None and current.participation_id == participation.pk:
        if current.locked != locked:
            current.locked = locked
            current.save(update_fields=["locked", "updated_at"])
            _log_mentor(group, actions.MENTOR_LOCKED, current, locked=locked)
        return current
    busy = (
        GroupMentor.objects.filter(participation=participation, is_primary=True)
        .exclude(group=group)
        .count()
    )
    if busy >= participation.mentor_capacity:
        raise DomainError(
            _("%(organisation)s already mentors as many groups as it can (%(capacity)s).")
            % {"organisation": organisation, "capacity": participation.mentor_capacity}
        )
    if current is not None:
        _log_mentor(group, actions.MENTOR_REMOVED, current)
        current.delete()
    # A supporting mentor that becomes the primary one is moved, not doubled.
    group.mentorships.filter(participation=participation).delete()
    mentorship = mentor_assign(
        group=group, participation=participation, is_primary=True, locked=locked
    )
    if current is not None:
        _release_mentors([current.participation_id])
    return mentorship


def _release_mentors(participation_ids: Iterable[int]) -> None:
    """A mentor organisation enrolled for a group it no longer mentors leaves the round, so
    that a replaced mentor is replaced, not kept beside the new one. One with people or
    attendance of its own in the round stays: those are the round's history."""
    Participation.objects.filter(
        pk__in=list(participation_ids), role=Participation.Role.MENTOR, mentorships__isnull=True
    ).exclude(function_assignments__isnull=False).exclude(attendances__isnull=False).delete()


def _log_mentor(group: BenchmarkingGroup, action_type: str, mentorship: GroupMentor, **data):
    organisation_id = (
        Participation.objects.filter(pk=mentorship.participation_id)
        .values_list("organisation_id", flat=True)
        .first()
    )
    log_action(
        group,
        action_type,
        data={"organisation": organisation_id, "group_name": group.name, **data},
    )


@transaction.atomic
def mentor_lock(*, group: BenchmarkingGroup, locked: bool) -> GroupMentor:
    """Lock or unlock the group's primary mentor."""
    _require_open(group.round)
    current = group.mentorships.filter(is_primary=True).first()
    if current is None:
        raise DomainError(_("%(group)s has no mentor to lock.") % {"group": group})
    if current.locked != locked:
        current.locked = locked
        current.save(update_fields=["locked", "updated_at"])
        _log_mentor(group, actions.MENTOR_LOCKED, current, locked=locked)
    return current


@transaction.atomic
def mentor_proposal_accept(*, round: Round, group_ids=None) -> list[GroupMentor]:
    """Save the current mentor proposal for all the round's groups, or for some of them.

    The proposal is computed afresh here, inside the transaction, so what is saved is
    consistent with the data as it is now.
    """
    proposal = mentor_proposal(round=round)
    wanted = None if group_ids is None else {int(i) for i in group_ids}
    accepted = [
        row
        for row in proposal.rows
        if row.mentor is not None
        and not row.locked
        and (wanted is None or row.group.pk in wanted)
        and row.mentor != row.current
    ]
    # The pairs being replaced make room first: a mentor may move from one accepted group to
    # another, and its old pair must not count against its capacity.
    replaced = GroupMentor.objects.filter(
        group__in=[row.group for row in accepted], is_primary=True, locked=False
    ).select_related("group")
    replaced_ids = {m.participation_id for m in replaced}
    for mentorship in replaced:
        _log_mentor(mentorship.group, actions.MENTOR_REMOVED, mentorship)
    replaced.delete()
    saved = [mentor_set(group=row.group, organisation=row.mentor) for row in accepted]
    _release_mentors(replaced_ids)
    return saved


@transaction.atomic
def mentor_remove(*, mentorship: GroupMentor) -> None:
    _require_open(mentorship.group.round)
    _log_mentor(mentorship.group, actions.MENTOR_REMOVED, mentorship)
    mentorship.delete()
    _release_mentors([mentorship.participation_id])


@transaction.atomic
def mentor_add(
    *, group: BenchmarkingGroup, organisation: Organisation, is_primary: bool = False
) -> GroupMentor:
    """Attach a mentor chosen by hand (a supporting one, say, or a federation that mentors
    without having taken part), enrolling it as a mentor of the round if need be."""
    _require_open(group.round)
    participation = Participation.objects.filter(
        round_id=group.round_id, organisation=organisation
    ).first()
    if participation is None:
        participation = participation_add(
            round=group.round, organisation=organisation, role=Participation.Role.MENTOR
        )
    return mentor_assign(group=group, participation=participation, is_primary=is_primary)
