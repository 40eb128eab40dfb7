"""Who may mentor a group: the programme's rules, which the services apply when a mentor is set
and the matching pages show.

An organisation may mentor in a round when it completed an earlier round as a participant
without withdrawing, said then that it is willing, and is not a participant of this round;
municipal groups get municipal mentors, regional groups regional ones, mixed groups either."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from participants.models import Organisation, Participation
from rounds.models import Round


@dataclass(frozen=True)
class MentorCandidateInfo:
    organisation: Organisation
    capacity: int
    completed_on: dt.date


def _completed_participations():
    return Participation.objects.filter(
        role=Participation.Role.PARTICIPANT, completed_on__isnull=False, withdrawn_on__isnull=True
    )


def _latest_completion_by_organisation(queryset) -> dict[int, tuple[dt.date, bool]]:
    """organisation id → (latest completion date, willing to mentor as stated then)."""
    latest: dict[int, tuple[dt.date, bool]] = {}
    for org_id, completed_on, willing in queryset.order_by("completed_on", "pk").values_list(
        "organisation_id", "completed_on", "willing_to_mentor"
    ):
        latest[org_id] = (completed_on, willing)
    return latest


def group_kind(members: list[Organisation]) -> str:
    """A group's kind, from its members: municipal, regional or mixed."""
    kinds = {"regional" if m.kind == Organisation.Kind.REGION else "municipal" for m in members}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def mentor_kind_allowed(kind_of_group: str, mentor: Organisation) -> bool:
    """Municipal groups get municipal mentors (a federation of municipalities counts as one),
    regional groups regional mentors, mixed groups either."""
    if kind_of_group == "mixed":
        return True
    mentor_kind = "regional" if mentor.kind == Organisation.Kind.REGION else "municipal"
    return mentor_kind == kind_of_group


def mentor_candidates(*, round: Round) -> list[MentorCandidateInfo]:
    """Organisations that may mentor in the round: they completed an earlier round as
    participants without withdrawing, said then that they are willing, and are not
    participants of this round. The kind rule is per group (`mentor_kind_allowed`)."""
    latest = _latest_completion_by_organisation(
        _completed_participations()
        .filter(round__starts_on__lt=round.starts_on)
        .exclude(round=round)
    )
    participants = set(
        round.participations.filter(role=Participation.Role.PARTICIPANT).values_list(
            "organisation_id", flat=True
        )
    )
    capacities = dict(
        round.participations.filter(role=Participation.Role.MENTOR).values_list(
            "organisation_id", "mentor_capacity"
        )
    )
    eligible = {
        org_id: completed_on
        for org_id, (completed_on, willing) in latest.items()
        if willing and org_id not in participants
    }
    organisations = Organisation.objects.filter(pk__in=eligible).order_by("name")
    return [
        MentorCandidateInfo(
            organisation=org, capacity=capacities.get(org.pk, 1), completed_on=eligible[org.pk]
        )
        for org in organisations
    ]


def mentor_ineligibility(*, round: Round, organisation: Organisation, group=None) -> str | None:
    """Why the organisation cannot mentor (the group) in the round, or None if it can."""
    if round.participations.filter(
        organisation=organisation, role=Participation.Role.PARTICIPANT
    ).exists():
        return _("%(organisation)s is a participant of this round.") % {
            "organisation": organisation
        }
    history = _completed_participations().filter(
        organisation=organisation, round__starts_on__lt=round.starts_on
    )
    latest = _latest_completion_by_organisation(history).get(organisation.pk)
    if latest is None:
        if Participation.objects.filter(
            organisation=organisation, withdrawn_on__isnull=False
        ).exists():
            return _("%(organisation)s withdrew from its round and has not completed one.") % {
                "organisation": organisation
            }
        return _("%(organisation)s has not completed an earlier round.") % {
            "organisation": organisation
        }
    if not latest[1]:
        return _("%(organisation)s is not willing to mentor.") % {"organisation": organisation}
    if group is not None:
        members = [
            m.organisation
            for m in group.members.filter(withdrawn_on__isnull=True).select_related("organisation")
        ]
        kind = group_kind(members)
        if not mentor_kind_allowed(kind, organisation):
            # Only municipal and regional groups refuse a mentor; mixed ones take either.
            return _("%(organisation)s cannot mentor a %(kind)s group.") % {
                "organisation": organisation,
                "kind": _("municipal") if kind == "municipal" else _("regional"),
            }
    return None
