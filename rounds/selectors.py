"""Reads for the rounds' pages; each runs a fixed number of queries, whatever the size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from checklist.models import ChecklistVersion, SelfAssessment
from checklist.statistics import (
    Comparison,
    OrganisationScores,
    assessment_points,
    comparison,
    round_scores,
)
from modellkoncept.errors import DomainError
from modellkoncept.policy import standing, visible
from participants.models import (
    REQUIRED_FUNCTIONS,
    Function,
    FunctionAssignment,
    ImprovementWork,
    Organisation,
    Participation,
)
from participants.selectors import chain_spread
from rounds.matching import (
    GroupToMentor,
    MatchingError,
    MentorCandidate,
    Place,
    propose_groups,
    propose_mentors,
)
from rounds.models import Attendance, BenchmarkingGroup, GroupMentor, Meeting, Round


def round_list(*, user):
    """The rounds a user may see, newest first, with their sizes."""
    return (
        visible(Round, user)
        .annotate(
            participant_count=Count(
                "participations", filter=Q(participations__role="participant"), distinct=True
            ),
            group_count=Count("groups", distinct=True),
        )
        .order_by("-starts_on", "name")
    )


def _members_prefetch():
    return Prefetch(
        "members",
        queryset=Participation.objects.select_related("organisation").order_by(
            "organisation__name"
        ),
    )


def _mentors_prefetch():
    return Prefetch(
        "mentorships",
        queryset=GroupMentor.objects.select_related("participation__organisation").order_by(
            "-is_primary", "participation__organisation__name"
        ),
    )


def round_page(*, round: Round, user) -> dict:
    """The round as the user may see it: all of it for project leaders; the round's own
    meetings and the user's own groups for everyone else."""
    own = standing(user)
    groups = (
        BenchmarkingGroup.objects.filter(round=round)
        .select_related("round")
        .prefetch_related(_members_prefetch(), _mentors_prefetch())
    )
    meetings = visible(Meeting, user).filter(round=round).select_related("round", "group", "host")
    if not own.is_project_leader:
        groups = groups.filter(pk__in=own.visible_group_ids)
    context = {
        "round": round,
        "groups": list(groups),
        "meetings": list(meetings.order_by("starts_at")),
    }
    if own.is_project_leader:
        context["mentor_participations"] = list(
            round.participations.filter(role=Participation.Role.MENTOR)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        context["checklist_versions"] = list(ChecklistVersion.objects.order_by("slug"))
        context["checklist_fixed"] = SelfAssessment.objects.filter(meeting__round=round).exists()
        context["spread"] = chain_spread(
            ImprovementWork.objects.filter(
                participation__round=round, participation__withdrawn_on__isnull=True
            )
        )
    return context


def group_page(*, group: BenchmarkingGroup, user) -> dict:
    """A group: its members and their people by function, mentors, meetings, and the
    members' submitted assessments (and the user's own organisation's drafts)."""
    own = standing(user)
    members = list(
        group.members.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "function_assignments",
                queryset=FunctionAssignment.objects.select_related("person").order_by(
                    "function", "person__full_name"
                ),
            )
        )
        .order_by("organisation__name")
    )
    assessments = (
        visible(SelfAssessment, user)
        .filter(participation__group=group)
        .select_related("meeting", "participation__organisation")
    )
    meetings = (
        Meeting.objects.filter(round_id=group.round_id)
        .filter(Q(group__isnull=True) | Q(group=group))
        .select_related("round", "group", "host")
        .order_by("starts_at")
    )
    return {
        "group": group,
        "round": group.round,
        "members": members,
        "mentors": list(
            group.mentorships.select_related("participation__organisation").order_by("-is_primary")
        ),
        "meetings": list(meetings),
        "assessments": list(assessments.order_by("meeting__starts_at")),
        "is_mentor": group.pk in own.mentored_group_ids,
    }


# Matching: mentor candidates, proposals and the mentor pool.


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
    organisations = [p.organisation for p in participations]
    _require_coordinates(organisations)
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
    )


@dataclass(frozen=True)
class PoolEntry:
    organisation: Organisation
    completed: list[tuple[str, dt.date]]  # (round name, date), latest last
    willing: bool
    times_mentored: int


def mentor_pool() -> list[PoolEntry]:
    """Every organisation that completed a round: when, whether it is willing to mentor, and
    how often it has mentored a group. Three queries."""
    completions = list(
        _completed_participations()
        .select_related("organisation", "round")
        .order_by("organisation__name", "completed_on")
    )
    mentored = dict(
        GroupMentor.objects.values_list("participation__organisation_id")
        .annotate(n=Count("pk"))
        .values_list("participation__organisation_id", "n")
    )
    by_organisation: dict[int, list[Participation]] = {}
    for p in completions:
        by_organisation.setdefault(p.organisation_id, []).append(p)
    return [
        PoolEntry(
            organisation=done[-1].organisation,
            completed=[(p.round.name, p.completed_on) for p in done],
            # The latest completion says whether the organisation is willing now.
            willing=done[-1].willing_to_mentor,
            times_mentored=mentored.get(org_id, 0),
        )
        for org_id, done in by_organisation.items()
    ]


# The mentor's workspace and the group's comparison.


@dataclass(frozen=True)
class GroupOverview:
    group: BenchmarkingGroup
    members: list[Participation]  # with function_assignments prefetched
    meetings: list[Meeting]
    history: list[tuple[OrganisationScores, list[int | None]]]  # totals per point
    points: list[int]
    comparisons: list[Comparison]  # one per assessment point, the latest first


def group_overviews(*, groups: list[BenchmarkingGroup]) -> list[GroupOverview]:
    """Members and their people, meetings, submitted assessments over time, and the
    comparison at every point, for groups of one or more rounds. The number of queries
    grows with the number of rounds involved, not with groups, members or assessments."""
    if not groups:
        return []
    group_ids = [g.pk for g in groups]
    members = list(
        Participation.objects.filter(group_id__in=group_ids)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "function_assignments",
                queryset=FunctionAssignment.objects.select_related("person").order_by(
                    "function", "person__full_name"
                ),
            )
        )
        .order_by("organisation__name")
    )
    meetings = list(
        Meeting.objects.filter(round_id__in={g.round_id for g in groups})
        .filter(Q(group__isnull=True) | Q(group_id__in=group_ids))
        .select_related("round", "group", "host")
        .order_by("starts_at")
    )
    scores_by_round = {}
    for group in groups:
        if group.round_id not in scores_by_round:
            scores_by_round[group.round_id] = round_scores(
                round=group.round,
                participations=Participation.objects.filter(
                    group_id__in=[g.pk for g in groups if g.round_id == group.round_id]
                ),
            )
    overviews = []
    for group in groups:
        own_members = [m for m in members if m.group_id == group.pk]
        codes = {m.organisation.code for m in own_members}
        scores = scores_by_round[group.round_id]
        orgs = [o for o in scores.organisations if o.code in codes]
        points = sorted({p for o in orgs for p in o.points})
        overviews.append(
            GroupOverview(
                group=group,
                members=own_members,
                meetings=[
                    m
                    for m in meetings
                    if m.round_id == group.round_id and m.group_id in (None, group.pk)
                ],
                history=[(o, [o.total(p) for p in points]) for o in orgs],
                points=points,
                comparisons=[comparison(scores, codes=codes, point=p) for p in reversed(points)],
            )
        )
    return overviews


def mentor_workspace(*, user) -> list[GroupOverview]:
    """The groups the user's organisations mentor (all mentored groups of active rounds for a
    project leader), read-only."""
    own = standing(user)
    groups = BenchmarkingGroup.objects.select_related("round", "round__checklist_version")
    if own.is_project_leader:
        groups = groups.filter(round__status=Round.Status.ACTIVE, mentorships__isnull=False)
    else:
        groups = groups.filter(pk__in=own.mentored_group_ids)
    groups = list(
        groups.distinct()
        .prefetch_related(_mentors_prefetch())
        .order_by("-round__starts_on", "name")
    )
    return group_overviews(groups=groups)


# The project leader's round dashboard


DASHBOARD_PAGE_SIZE = 40


@dataclass(frozen=True)
class PointCell:
    meeting: Meeting | None
    status: str  # "submitted", "draft", "missing" or "" (no such meeting)
    assessment_id: int | None
    attendance: str  # "all", "partial", "none" or "" (the meeting has not been held)


@dataclass(frozen=True)
class DashboardRow:
    participation: Participation
    coverage: list[tuple[str, int]]  # (function label, people) for the three required
    missing: list[str]
    cells: list[PointCell]


@dataclass(frozen=True)
class RoundDashboard:
    round: Round
    groups: list[BenchmarkingGroup]
    next_meeting: Meeting | None
    points: list[int]
    page: object  # a Page of DashboardRow
    round_meetings: list[tuple[Meeting, int, int]]  # (meeting, orgs with all three, orgs)
    counts: dict[str, int]


def round_dashboard(*, round: Round, page_number=1, now=None) -> RoundDashboard:
    """Everything a project leader follows in a round: groups and mentors, the next meeting,
    and per organisation and assessment point whether the self-assessment is missing, a draft
    or submitted, whether its three functions attended, and its function coverage.

    Organisations come a page at a time, ordered by group, so the page stays readable for a
    national round; the number of queries does not grow with the round."""
    now = now or timezone.now()
    groups = list(
        round.groups.prefetch_related(_members_prefetch(), _mentors_prefetch()).order_by("name")
    )
    meetings = list(round.meetings.select_related("group").order_by("starts_at", "pk"))
    next_meeting = next((m for m in meetings if m.ends_at >= now), None)
    participations = (
        round.participations.filter(role=Participation.Role.PARTICIPANT)
        .select_related("organisation", "group")
        .order_by(F("group__name").asc(nulls_last=True), "organisation__name")
    )
    paginator = Paginator(participations, DASHBOARD_PAGE_SIZE)
    page = paginator.get_page(page_number)
    on_page = list(page.object_list)
    points_by_participation = assessment_points(on_page, meetings)
    points = sorted(
        {p for by_meeting in points_by_participation.values() for p in by_meeting.values()}
    )
    functions = defaultdict(lambda: defaultdict(set))
    for participation_id, function, person_id in FunctionAssignment.objects.filter(
        participation__in=on_page, function__in=REQUIRED_FUNCTIONS
    ).values_list("participation_id", "function", "person_id"):
        functions[participation_id][function].add(person_id)
    statuses = {
        (a.participation_id, a.meeting_id): a
        for a in SelfAssessment.objects.filter(participation__in=on_page).only(
            "id", "participation_id", "meeting_id", "status"
        )
    }
    attended = defaultdict(set)  # (participation, meeting) → person ids present
    for participation_id, meeting_id, person_id in Attendance.objects.filter(
        participation__in=on_page, attended=True
    ).values_list("participation_id", "meeting_id", "person_id"):
        attended[participation_id, meeting_id].add(person_id)

    def attendance(participation_id: int, meeting: Meeting) -> str:
        if meeting.starts_at > now:
            return ""
        present = attended[participation_id, meeting.pk]
        held = functions[participation_id]
        covered = [f for f in REQUIRED_FUNCTIONS if held[f] & present]
        if len(covered) == len(REQUIRED_FUNCTIONS):
            return "all"
        return "partial" if present else "none"

    meetings_by_id = {m.pk: m for m in meetings}
    rows = []
    for participation in on_page:
        by_point = {point: mid for mid, point in points_by_participation[participation.pk].items()}
        cells = []
        for point in points:
            meeting = meetings_by_id.get(by_point.get(point))
            if meeting is None:
                cells.append(PointCell(None, "", None, ""))
                continue
            assessment = statuses.get((participation.pk, meeting.pk))
            cells.append(
                PointCell(
                    meeting=meeting,
                    status=assessment.status if assessment else "missing",
                    assessment_id=assessment.pk if assessment else None,
                    attendance=attendance(participation.pk, meeting),
                )
            )
        held = functions[participation.pk]
        rows.append(
            DashboardRow(
                participation=participation,
                coverage=[(Function(f).label, len(held[f])) for f in REQUIRED_FUNCTIONS],
                missing=[Function(f).label for f in REQUIRED_FUNCTIONS if not held[f]],
                cells=cells,
            )
        )
    page.object_list = rows
    round_meetings = []
    past_round_meetings = [m for m in meetings if m.group_id is None and m.starts_at <= now]
    if past_round_meetings:
        complete = _complete_attendance(round, past_round_meetings)
        counted = participations.filter(withdrawn_on__isnull=True).count()
        round_meetings = [(m, complete.get(m.pk, 0), counted) for m in past_round_meetings]
    counts = dict(
        round.participations.values_list("role").annotate(n=Count("pk")).values_list("role", "n")
    )
    return RoundDashboard(
        round=round,
        groups=groups,
        next_meeting=next_meeting,
        points=points,
        page=page,
        round_meetings=round_meetings,
        counts=counts,
    )


def _complete_attendance(round: Round, meetings: list[Meeting]) -> dict[int, int]:
    """meeting id → number of organisations whose three functions all attended."""
    holders = defaultdict(lambda: defaultdict(set))
    for participation_id, function, person_id in FunctionAssignment.objects.filter(
        participation__round=round,
        participation__role=Participation.Role.PARTICIPANT,
        function__in=REQUIRED_FUNCTIONS,
    ).values_list("participation_id", "function", "person_id"):
        holders[participation_id][function].add(person_id)
    present = defaultdict(set)
    for meeting_id, participation_id, person_id in Attendance.objects.filter(
        meeting__in=meetings, attended=True
    ).values_list("meeting_id", "participation_id", "person_id"):
        present[meeting_id, participation_id].add(person_id)
    result = defaultdict(int)
    for (meeting_id, participation_id), people in present.items():
        held = holders[participation_id]
        if all(held[f] & people for f in REQUIRED_FUNCTIONS):
            result[meeting_id] += 1
    return result


def expected_attendees(meeting: Meeting) -> list[tuple[Participation, object]]:
    """The people expected at a meeting: everyone of the round's participating organisations
    (and mentors) for a round meeting; a group's members and mentors for a group meeting."""
    participations = Participation.objects.filter(
        round_id=meeting.round_id, withdrawn_on__isnull=True
    )
    if meeting.group_id is not None:
        participations = participations.filter(
            Q(group_id=meeting.group_id) | Q(mentorships__group_id=meeting.group_id)
        )
    assignments = (
        FunctionAssignment.objects.filter(participation__in=participations, person__is_active=True)
        .select_related("participation__organisation", "person")
        .order_by("participation__organisation__name", "person__full_name")
    )
    seen, result = set(), []
    for assignment in assignments:
        if assignment.person_id not in seen:
            seen.add(assignment.person_id)
            result.append((assignment.participation, assignment.person))
    return result


def attendance_sheet(*, meeting: Meeting) -> list[tuple]:
    """The people expected at a meeting with their functions and whether they attended:
    (participation, person, function labels, present)."""
    expected = expected_attendees(meeting)
    functions = defaultdict(list)
    for participation_id, person_id, function in FunctionAssignment.objects.filter(
        participation__in={p.pk for p, _person in expected}
    ).values_list("participation_id", "person_id", "function"):
        functions[participation_id, person_id].append(Function(function).label)
    present = set(
        Attendance.objects.filter(meeting=meeting, attended=True).values_list(
            "person_id", flat=True
        )
    )
    return [
        (participation, person, functions[participation.pk, person.pk], person.pk in present)
        for participation, person in expected
    ]


# The audit trail


@dataclass(frozen=True)
class AuditEntry:
    when: dt.datetime
    who: object
    action: str  # "+", "~" or "-"
    what: str  # the kind of record
    subject: str
    details: str


AUDIT_LIMIT = 2000


def round_audit(*, round: Round) -> list[AuditEntry]:
    """Who changed what in the round, newest first: organisations' parts, groups and mentors,
    people and functions, and self-assessments (kept by django-simple-history). At most the
    latest AUDIT_LIMIT changes of each kind; a fixed number of queries."""
    group_names = dict(
        BenchmarkingGroup.history.filter(round_id=round.pk)
        .order_by("history_date")
        .values_list("id", "name")
    )
    kinds = [
        (
            _("organisation's part"),
            Participation.history.filter(round_id=round.pk).select_related("organisation"),
            lambda h: str(h.organisation),
            lambda h: ", ".join(
                filter(
                    None,
                    [
                        h.get_role_display(),
                        _("withdrew %(date)s") % {"date": h.withdrawn_on} if h.withdrawn_on else "",
                        _("completed %(date)s") % {"date": h.completed_on}
                        if h.completed_on
                        else "",
                    ],
                )
            ),
        ),
        (
            _("group"),
            BenchmarkingGroup.history.filter(round_id=round.pk),
            lambda h: h.name,
            lambda h: h.theme,
        ),
        (
            _("mentor"),
            # By the groups' own history, so that a removed group's mentors are listed too.
            GroupMentor.history.filter(
                group_id__in=BenchmarkingGroup.history.filter(round_id=round.pk).values("id")
            ).select_related("participation__organisation"),
            lambda h: f"{h.participation.organisation} → {group_names.get(h.group_id, '')}",
            lambda h: _("primary") if h.is_primary else _("supporting"),
        ),
        (
            _("function"),
            FunctionAssignment.history.filter(participation__round_id=round.pk).select_related(
                "person", "participation__organisation"
            ),
            lambda h: f"{h.person} ({h.participation.organisation})",
            lambda h: h.get_function_display(),
        ),
        (
            _("self-assessment"),
            SelfAssessment.history.filter(meeting__round_id=round.pk).select_related(
                "participation__organisation", "meeting"
            ),
            lambda h: f"{h.participation.organisation}, {h.meeting}",
            lambda h: h.get_status_display(),
        ),
    ]
    entries = []
    for label, records, subject, details in kinds:
        for record in records.select_related("history_user").order_by("-history_date")[
            :AUDIT_LIMIT
        ]:
            entries.append(
                AuditEntry(
                    when=record.history_date,
                    who=record.history_user,
                    action=record.history_type,
                    what=label,
                    subject=subject(record),
                    details=details(record),
                )
            )
    return sorted(entries, key=lambda e: e.when, reverse=True)
