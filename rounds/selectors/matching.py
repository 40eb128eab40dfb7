"""The proposals: mentors for a round's groups, and groups for its participants."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from modellkoncept.errors import DomainError
from participants.models import Organisation, Participation
from rounds.eligibility import (
    MentorCandidateInfo,
    group_kind,
    mentor_candidates,
    mentor_ineligibility,
    mentor_kind_allowed,
)
from rounds.matching import (
    GroupToMentor,
    MatchingError,
    MentorCandidate,
    Place,
    propose_groups,
    propose_mentors,
)
from rounds.models import BenchmarkingGroup, GroupMentor, Round


def _place(organisation: Organisation) -> Place:
    return Place(organisation.code, float(organisation.latitude), float(organisation.longitude))


def _require_coordinates(organisations) -> None:
    missing = sorted({o.name for o in organisations if o.latitude is None or o.longitude is None})
    if missing:
        raise DomainError(
            _("These organisations have no coordinates, so nothing is proposed: %(names)s.")
            % {"names": ", ".join(missing)}
        )


@dataclass(frozen=True)
class MentorProposalRow:
    group: BenchmarkingGroup
    members: list[Organisation]
    current: Organisation | None  # the group's primary mentor now
    locked: bool
    mentor: Organisation | None  # proposed (or locked)
    distance_km: float | None
    runner_up: Organisation | None
    runner_up_distance_km: float | None


@dataclass(frozen=True)
class MentorProposalPage:
    rows: list[MentorProposalRow]
    unmatched: list[BenchmarkingGroup]
    total_km: float
    candidates: list[MentorCandidateInfo]

    def as_json(self) -> dict:
        """The `match_mentors --dry-run` document."""
        return {
            "assignments": [
                {
                    "group": row.group.name,
                    "mentor": row.mentor.code,
                    "distance_km": round(row.distance_km, 1),
                }
                for row in self.rows
                if row.mentor is not None
            ],
            "unmatched": [group.name for group in self.unmatched],
            "total_km": round(self.total_km, 1),
        }


def mentor_proposal(*, round: Round) -> MentorProposalPage:
    """The mentor for each group of the round that makes the total distance least, keeping
    locked pairs. Raises `DomainError` rather than propose on incomplete data."""
    groups = list(
        round.groups.prefetch_related(
            Prefetch(
                "members",
                # A member that withdrew no longer travels to the group's meetings.
                queryset=Participation.objects.filter(withdrawn_on__isnull=True)
                .select_related("organisation")
                .order_by("organisation__name"),
            ),
            Prefetch(
                "mentorships",
                queryset=GroupMentor.objects.filter(is_primary=True).select_related(
                    "participation__organisation"
                ),
                to_attr="primary_mentorships",
            ),
        )
    )
    groups = [g for g in groups if g.members.all()]
    candidates = mentor_candidates(round=round)
    by_code = {c.organisation.code: c for c in candidates}
    members_of = {g.name: [m.organisation for m in g.members.all()] for g in groups}
    locked: dict[str, str] = {}
    for group in groups:
        for mentorship in group.primary_mentorships:
            if not mentorship.locked:
                continue
            organisation = mentorship.participation.organisation
            problem = mentor_ineligibility(round=round, organisation=organisation, group=group)
            if problem:
                raise DomainError(
                    _("The locked mentor of %(group)s cannot stay: %(reason)s")
                    % {"group": group, "reason": problem}
                )
            locked[group.name] = organisation.code
    _require_coordinates(
        [o for members in members_of.values() for o in members]
        + [c.organisation for c in candidates]
    )
    kinds = {name: group_kind(members) for name, members in members_of.items()}
    try:
        proposal = propose_mentors(
            [GroupToMentor(g.name, tuple(_place(o) for o in members_of[g.name])) for g in groups],
            [MentorCandidate(_place(c.organisation), c.capacity) for c in candidates],
            locked=locked,
            allowed=lambda group, candidate: mentor_kind_allowed(
                kinds[group.name], by_code[candidate.place.code].organisation
            ),
        )
    except MatchingError as error:
        raise DomainError(_("No proposal: %(reason)s") % {"reason": error}) from error
    chosen = {a.group: a for a in proposal.assignments}
    rows = []
    for group in groups:
        assignment = chosen.get(group.name)
        current = group.primary_mentorships[0] if group.primary_mentorships else None
        rows.append(
            MentorProposalRow(
                group=group,
                members=members_of[group.name],
                current=current.participation.organisation if current else None,
                locked=bool(current and current.locked),
                mentor=by_code[assignment.mentor].organisation if assignment else None,
                distance_km=assignment.distance_km if assignment else None,
                runner_up=by_code[assignment.runner_up].organisation
                if assignment and assignment.runner_up
                else None,
                runner_up_distance_km=assignment.runner_up_distance_km if assignment else None,
            )
        )
    return MentorProposalPage(
        rows=rows,
        unmatched=[g for g in groups if g.name not in chosen],
        total_km=proposal.total_km,
        candidates=candidates,
    )


@dataclass(frozen=True)
class GroupProposalPage:
    groups: list[list[Organisation]]
    total_km: float
    exact: bool
    existing: dict[str, BenchmarkingGroup]  # first member code → the group it extends
    # Participants without coordinates, left out of the proposal until they are set.
    left_out: list[Organisation] = ()

    def as_json(self) -> dict:
        """The `propose_groups --dry-run` document."""
        return {
            "groups": [[o.code for o in group] for group in self.groups],
            "total_km": round(self.total_km, 1),
        }


def group_proposal(*, round: Round) -> GroupProposalPage:
    """Groups of two or three by proximity for the round's participants that have not
    withdrawn; organisations already placed in a group stay together in it."""
    participations = list(
        round.participations.filter(
            role=Participation.Role.PARTICIPANT, withdrawn_on__isnull=True
        ).select_related("organisation", "group")
    )

    def located(o: Organisation) -> bool:
        return o.latitude is not None and o.longitude is not None

    left_out = sorted(
        (p.organisation for p in participations if not located(p.organisation)),
        key=lambda o: o.name,
    )
    # A group formed by hand around an organisation without coordinates stays as it is: the
    # proposal cannot measure it, and must not grow it past three.
    unmeasured_groups = {
        p.group_id for p in participations if p.group_id and not located(p.organisation)
    }
    participations = [
        p
        for p in participations
        if located(p.organisation) and (p.group_id is None or p.group_id not in unmeasured_groups)
    ]
    organisations = [p.organisation for p in participations]
    seeds: dict[int, list[str]] = {}
    group_of_seed: dict[int, BenchmarkingGroup] = {}
    for p in participations:
        if p.group_id:
            seeds.setdefault(p.group_id, []).append(p.organisation.code)
            group_of_seed[p.group_id] = p.group
    try:
        proposal = propose_groups([_place(o) for o in organisations], fixed=list(seeds.values()))
    except MatchingError as error:
        raise DomainError(_("No proposal: %(reason)s") % {"reason": error}) from error
    by_code = {o.code: o for o in organisations}
    seed_of_code = {code: gid for gid, codes in seeds.items() for code in codes}
    existing = {}
    for codes in proposal.groups:
        for code in codes:
            if code in seed_of_code:
                existing[codes[0]] = group_of_seed[seed_of_code[code]]
                break
    return GroupProposalPage(
        groups=[[by_code[c] for c in codes] for codes in proposal.groups],
        total_km=proposal.total_km,
        exact=proposal.exact,
        existing=existing,
        left_out=left_out,
    )
