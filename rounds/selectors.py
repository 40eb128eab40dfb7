"""Reads for the rounds' pages; each runs a fixed number of queries, whatever the size."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from checklist.models import ChecklistItem, ChecklistVersion, SelfAssessment
from checklist.statistics import (
    Comparison,
    Movement,
    OrganisationScores,
    RoundScores,
    assessment_points,
    comparison,
    round_scores,
    submitted_scores,
)
from modellkoncept.actions import show
from modellkoncept.errors import DomainError
from modellkoncept.models import LogEntry
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
    """The round as a participant or mentor sees it: their own groups with members and
    mentors, and the meetings they may attend. A project leader's page is `round_dashboard`."""
    own = standing(user)
    groups = (
        BenchmarkingGroup.objects.filter(round=round, pk__in=own.visible_group_ids)
        .prefetch_related(_members_prefetch(), _mentors_prefetch())
        .order_by("name")
    )
    meetings = (
        visible(Meeting, user)
        .filter(round=round)
        .select_related("round", "group")
        .order_by("starts_at", "pk")
    )
    return {"round": round, "groups": list(groups), "meetings": list(meetings)}


# What `rounds/_meeting_list.html` and the schedules need of a meeting.
_MEETING_LIST_FIELDS = (
    "id",
    "round_id",
    "group_id",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "assessment_due",
    "kind",
    "audience",
)


_PLAIN = re.compile(r"[A-Za-z0-9_-]+")


def url_maker(viewname: str, key: str = "pk", **kwargs) -> Callable[[object], str]:
    """`reverse(viewname, kwargs={**kwargs, key: value})` for many values at the cost of one
    reverse, for pages that link a few hundred objects of one kind, where reversing each would
    cost more than the rest of the page. A value that would need quoting is reversed."""
    marker = "2147483647"  # fits the int, str and slug converters alike
    url = reverse(viewname, kwargs={**kwargs, key: marker})
    head, found, tail = url.partition(marker)
    if not found or marker in tail:  # the marker is part of another argument too

        def make(value) -> str:
            return reverse(viewname, kwargs={**kwargs, key: value})

    else:

        def make(value) -> str:
            text = str(value)
            if _PLAIN.fullmatch(text):
                return f"{head}{text}{tail}"
            return reverse(viewname, kwargs={**kwargs, key: value})

    return make


def _page(queryset, *, per_page: int, number, count: int | None = None):
    """A page of the queryset and the page numbers to offer around it. `count`, where the
    caller knows it already, saves the count query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not asked of the database
    page = paginator.get_page(number)
    return page, paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


GROUP_LIST_PAGE_SIZE = 25


def round_groups(*, round: Round, user, page_number=1):
    """The round's groups the user may see, by name, with their members and mentors, a page
    at a time: (page, page range). Four queries, whatever the size of the round."""
    groups = (
        visible(BenchmarkingGroup, user)
        .filter(round=round)
        .prefetch_related(_members_prefetch(), _mentors_prefetch())
        .order_by("name", "pk")
    )
    return _page(groups, per_page=GROUP_LIST_PAGE_SIZE, number=page_number)


MEETING_LIST_PAGE_SIZE = 50


def round_meetings(*, round: Round, user, page_number=1):
    """The round's schedule as the user may see it (a participant: the round's own meetings
    and their group's), in time order, a page at a time: (page, page range)."""
    meetings = (
        visible(Meeting, user)
        .filter(round=round)
        .select_related("group", "host")
        .order_by("starts_at", "pk")
    )
    return _page(meetings, per_page=MEETING_LIST_PAGE_SIZE, number=page_number)


def _group_scores(*, round: Round, members: list[Participation], meetings: list[Meeting]):
    """The members' submitted assessments as `checklist.statistics.round_scores` reads them,
    from the members and the schedule a page has read already: two queries instead of four
    (tests/rounds/test_dashboard.py holds the two to the same figures)."""
    counted = [m for m in members if m.is_participant and not m.is_withdrawn]
    items = list(ChecklistItem.objects.filter(version_id=round.checklist_version_id))
    scores_by_org = submitted_scores(
        counted, points=assessment_points(counted, meetings), items=items
    )
    return RoundScores(
        items=items, organisations=sorted(scores_by_org.values(), key=lambda o: o.name)
    )


@dataclass(frozen=True)
class HistoryCell:
    total: int | None  # the member's submitted total, where it counts in the group's figures
    assessment: SelfAssessment | None  # the assessment, where the user may open it
    url: str = ""

    @property
    def label(self) -> str:
        if self.total is not None:
            return str(self.total)
        return self.assessment.get_status_display() if self.assessment else "–"


@dataclass(frozen=True)
class HistoryRow:
    participation: Participation
    cells: list[HistoryCell]  # one per column of the group page's history


def group_page(*, group: BenchmarkingGroup, user, point=None) -> dict:
    """A group: its members and their people by function, mentors, meetings, the members'
    submitted assessments over time and side by side at one point (the latest unless `point`
    names another), and the assessments the user may open. Each thing is read once."""
    own = standing(user)
    round_ = group.round
    members = list(
        group.members.select_related("organisation")
        .only(
            "id",
            "round_id",
            "group_id",
            "role",
            "withdrawn_on",
            "organisation__id",
            "organisation__code",
            "organisation__name",
        )
        .prefetch_related(
            Prefetch(
                "function_assignments",
                queryset=FunctionAssignment.objects.select_related("person")
                .only("id", "participation_id", "function", "person__full_name", "person__email")
                .order_by("function", "person__full_name"),
            )
        )
        .order_by("organisation__name")
    )
    mentors = list(
        group.mentorships.select_related("participation__organisation")
        .only(
            "id", "group_id", "is_primary", "participation__id", "participation__organisation__name"
        )
        .order_by("-is_primary", "participation__organisation__name")
    )
    meetings = list(
        Meeting.objects.filter(round_id=group.round_id)
        .filter(Q(group__isnull=True) | Q(group=group))
        .only(*_MEETING_LIST_FIELDS)
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:  # the page's own round and group: no need to read them again
        meeting.round = round_
        if meeting.group_id is not None:
            meeting.group = group
    # The assessments the user may open, tied to the members already read.
    members_by_id = {m.pk: m for m in members}
    assessments = list(
        visible(SelfAssessment, user)
        .filter(participation__group=group)
        .select_related("meeting")
        .only("id", "participation_id", "status", "meeting__title", "meeting__starts_at")
        .order_by("meeting__starts_at", "participation__organisation__name")
    )
    for assessment in assessments:
        assessment.participation = members_by_id[assessment.participation_id]
    due = [m for m in meetings if m.assessment_due]
    scores = _group_scores(round=round_, members=members, meetings=due)
    points = scores.points
    # The history: every member at every assessment point, its total where it counts and a
    # link to each assessment the user may open (drafts of their own organisation included).
    point_of = assessment_points(members, due)
    meeting_of_point = {}  # the members share the group's schedule: any one's points name it
    if members:
        due_by_id = {m.pk: m for m in due}
        meeting_of_point = {at: due_by_id[mid] for mid, at in point_of[members[0].pk].items()}
    assessment_url = url_maker("checklist:assessment")
    opened, elsewhere = {}, []
    for assessment in assessments:
        at = point_of[assessment.participation_id].get(assessment.meeting_id)
        if at is not None:
            opened[assessment.participation_id, at] = assessment
        else:  # a meeting no longer on the group's assessment points: listed apart
            elsewhere.append((assessment, assessment_url(assessment.pk)))
    columns = sorted(set(points) | {at for _pid, at in opened})
    totals = {o.participation_id: o for o in scores.organisations}
    history = []
    for member in members:
        cells = []
        for at in columns:
            assessment = opened.get((member.pk, at))
            counted = totals.get(member.pk)
            cells.append(
                HistoryCell(
                    total=counted.total(at) if counted else None,
                    assessment=assessment,
                    url=assessment_url(assessment.pk) if assessment else "",
                )
            )
        history.append(HistoryRow(participation=member, cells=cells))
    try:
        chosen = int(point)
    except (TypeError, ValueError):
        chosen = None
    if chosen not in points:
        chosen = points[-1] if points else None
    return {
        "group": group,
        "round": round_,
        "members": members,
        "mentors": mentors,
        "meetings": meetings,
        "assessments": assessments,
        "is_mentor": group.pk in own.mentored_group_ids,
        "points": points,
        "columns": [(at, meeting_of_point.get(at)) for at in columns],
        "history": history,
        "other_assessments": elsewhere,
        "comparison": comparison(scores, codes={o.code for o in scores.organisations}, point=chosen)
        if chosen is not None
        else None,
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


@dataclass(frozen=True)
class PoolEntry:
    organisation: Organisation
    completed: list[tuple[str, dt.date]]  # (round name, date), latest last
    willing: bool
    times_mentored: int
    # (round name, group name, primary mentor or supporting), earliest round first
    mentored: list[tuple[str, str, bool]] = field(default_factory=list)


def mentor_pool() -> list[PoolEntry]:
    """Every organisation that completed a round: when, whether it is willing to mentor, and
    which groups of which rounds it has mentored. Three queries."""
    completions = list(
        _completed_participations()
        .select_related("organisation", "round")
        .order_by("organisation__name", "completed_on")
    )
    mentored: dict[int, list[tuple[str, str, bool]]] = {}
    for org_id, round_name, group_name, primary in GroupMentor.objects.order_by(
        "group__round__starts_on", "group__round__name", "group__name"
    ).values_list(
        "participation__organisation_id", "group__round__name", "group__name", "is_primary"
    ):
        mentored.setdefault(org_id, []).append((round_name, group_name, primary))
    by_organisation: dict[int, list[Participation]] = {}
    for p in completions:
        by_organisation.setdefault(p.organisation_id, []).append(p)
    return [
        PoolEntry(
            organisation=done[-1].organisation,
            completed=[(p.round.name, p.completed_on) for p in done],
            # The latest completion says whether the organisation is willing now.
            willing=done[-1].willing_to_mentor,
            times_mentored=len(mentored.get(org_id, [])),
            mentored=mentored.get(org_id, []),
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


@dataclass(frozen=True)
class MemberProgress:
    participation: Participation
    latest_point: int | None  # the member's latest submitted assessment
    latest_total: int | None
    movement: Movement | None  # from its first submitted assessment to the latest
    next_submitted: bool  # the assessment due before the group's next assessment meeting

    @property
    def movement_display(self) -> str:
        """The movement as a signed number: “+3”, “0”, “-2”; “–” without two assessments."""
        return "–" if self.movement is None else f"{self.movement.delta:+d}".replace("+0", "0")


@dataclass(frozen=True)
class WorkspaceGroup:
    group: BenchmarkingGroup
    members: list[MemberProgress]
    next_meeting: Meeting | None
    next_assessment: Meeting | None  # the next meeting a self-assessment is due before


WORKSPACE_PAGE_SIZE = 12


def mentor_workspace(*, user, page_number=1, now=None):
    """The groups the user's organisations mentor (every mentored group of the active rounds,
    for a project leader), a page at a time, each compact: its members with their latest
    submitted assessment and whether the next one is in, and its next meeting. The detail is on
    the group page. (page of WorkspaceGroup, page range); six queries, whatever the number of
    groups, members or assessments."""
    now = now or timezone.now()
    own = standing(user)
    groups = (
        BenchmarkingGroup.objects.select_related("round")
        .only(
            "id",
            "name",
            "round__id",
            "round__name",
            "round__slug",
            "round__starts_on",
            "round__checklist_version_id",
        )
        .annotate(
            item_count=Subquery(
                ChecklistItem.objects.filter(version=OuterRef("round__checklist_version"))
                .order_by()
                .values("version")
                .annotate(n=Count("pk"))
                .values("n")
            )
        )
    )
    count = None
    if own.is_project_leader:
        groups = groups.filter(
            Exists(GroupMentor.objects.filter(group=OuterRef("pk"))),
            round__status=Round.Status.ACTIVE,
        )
    else:
        groups = groups.filter(pk__in=own.mentored_group_ids)
        count = len(own.mentored_group_ids)
    page, page_range = _page(
        groups.order_by("-round__starts_on", "round__name", "name", "pk"),
        per_page=WORKSPACE_PAGE_SIZE,
        number=page_number,
        count=count,
    )
    on_page = list(page.object_list)
    if not on_page:
        return page, page_range
    group_ids = [g.pk for g in on_page]
    members = list(
        Participation.objects.filter(group_id__in=group_ids)
        .select_related("organisation")
        .only("id", "group_id", "role", "withdrawn_on", "organisation__name")
        .order_by("organisation__name")
    )
    meetings = list(
        Meeting.objects.filter(round_id__in={g.round_id for g in on_page})
        .filter(Q(group__isnull=True) | Q(group_id__in=group_ids))
        .only("id", "round_id", "group_id", "title", "starts_at", "ends_at", "assessment_due")
        .order_by("starts_at", "pk")
    )
    # Totals of the submitted assessments; one counts only with every item scored, as in the
    # round's figures (checklist.statistics).
    submitted = {
        (participation_id, meeting_id): (total, scored)
        for participation_id, meeting_id, total, scored in SelfAssessment.objects.filter(
            participation__in=members, status=SelfAssessment.Status.SUBMITTED
        )
        .order_by()
        .values_list("participation_id", "meeting_id")
        .annotate(total=Sum("answers__score"), scored=Count("answers__score"))
    }
    rows = []
    for group in on_page:
        schedule = [
            m for m in meetings if m.round_id == group.round_id and m.group_id in (None, group.pk)
        ]
        own_members = [m for m in members if m.group_id == group.pk]
        points = assessment_points(own_members, schedule)
        next_meeting = next((m for m in schedule if m.ends_at >= now), None)
        next_assessment = next((m for m in schedule if m.assessment_due and m.ends_at >= now), None)
        progress = []
        for member in own_members:
            totals = {}
            if not member.is_withdrawn:  # left out of the group's figures, as everywhere
                for meeting_id, point in points[member.pk].items():
                    total, scored = submitted.get((member.pk, meeting_id), (None, 0))
                    if total is not None and scored == group.item_count:
                        totals[point] = total
            done = sorted(totals)
            progress.append(
                MemberProgress(
                    participation=member,
                    latest_point=done[-1] if done else None,
                    latest_total=totals[done[-1]] if done else None,
                    movement=Movement(first=totals[done[0]], latest=totals[done[-1]])
                    if len(done) > 1
                    else None,
                    next_submitted=next_assessment is not None
                    and (member.pk, next_assessment.pk) in submitted,
                )
            )
        rows.append(
            WorkspaceGroup(
                group=group,
                members=progress,
                next_meeting=next_meeting,
                next_assessment=next_assessment,
            )
        )
    page.object_list = rows
    return page, page_range


# The project leader's round dashboard


DASHBOARD_PAGE_SIZE = 25


@dataclass(frozen=True)
class PointCell:
    meeting: Meeting | None
    # "submitted", "draft", "missing" (none by a meeting held), "due" (none yet, the meeting
    # ahead) or "" (no such meeting)
    status: str
    assessment_id: int | None
    attendance: str  # "all", "partial", "none" or "" (the meeting has not been held)
    url: str = ""  # the assessment's page


@dataclass(frozen=True)
class DashboardRow:
    participation: Participation
    url: str  # the organisation's page in the round
    coverage: list[tuple[str, int]]  # (function label, people) for the three required
    missing: list[str]
    cells: list[PointCell]


@dataclass(frozen=True)
class RoundFigures:
    participants: int  # participant organisations, those that withdrew included
    withdrawn: int
    mentors: int  # mentor organisations
    groups: int
    groups_without_mentor: int  # without a primary mentor
    ungrouped: int  # participants (not withdrawn) in no group
    meetings: int  # the whole schedule, the groups' meetings included
    assessed: bool  # a self-assessment exists: the checklist version is fixed

    @property
    def counted(self) -> int:
        """The participants that have not withdrawn."""
        return self.participants - self.withdrawn


@dataclass(frozen=True)
class RoundDashboard:
    round: Round
    figures: RoundFigures
    next_meeting: Meeting | None
    points: list[int]
    page: object  # a Page of DashboardRow
    page_range: object
    round_meetings: list[Meeting]  # the round's common meetings (of no group), in time order
    attendance: list[tuple[Meeting, int, int]]  # held common meetings: (meeting, complete, of)
    mentor_participations: list[Participation]
    spread: object  # participants.selectors.ChainSpread
    checklist_versions: list[ChecklistVersion]  # to choose from while the checklist is not fixed
    filters: DashboardFilters = None  # as asked for in the page's address
    groups: list[BenchmarkingGroup] = ()  # to filter by


DASHBOARD_STATUSES = ("missing", "draft", "submitted")


@dataclass(frozen=True)
class DashboardFilters:
    group: str = ""  # a group's id, "none" (in no group) or "" (all)
    status: str = ""  # one of DASHBOARD_STATUSES, or "" (all)
    q: str = ""  # part of the organisation's name

    @classmethod
    def from_query(cls, query) -> DashboardFilters:
        group = (query.get("group") or "").strip()
        if group != "none" and not group.isdigit():
            group = ""
        status = (query.get("status") or "").strip()
        return cls(
            group=group,
            status=status if status in DASHBOARD_STATUSES else "",
            q=(query.get("q") or "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.group or self.status or self.q)

    def apply(self, participations, *, round: Round, now):
        if self.group == "none":
            participations = participations.filter(group__isnull=True)
        elif self.group:
            participations = participations.filter(group_id=int(self.group))
        if self.q:
            participations = participations.filter(organisation__name__icontains=self.q)
        if self.status == "missing":
            # A meeting held that needed a self-assessment of it, and none exists.
            held = Meeting.objects.filter(
                round=round, assessment_due=True, starts_at__lte=now
            ).filter(Q(group__isnull=True) | Q(group_id=OuterRef("group_id")))
            unassessed = held.exclude(
                Exists(
                    SelfAssessment.objects.filter(
                        meeting=OuterRef("pk"), participation=OuterRef(OuterRef("pk"))
                    )
                )
            )
            participations = participations.filter(Exists(unassessed))
        elif self.status in ("draft", "submitted"):
            participations = participations.filter(
                Exists(
                    SelfAssessment.objects.filter(participation=OuterRef("pk"), status=self.status)
                )
            )
        return participations


def round_figures(*, round: Round) -> RoundFigures:
    """The round's key figures: four small queries (one query of subqueries costs more to
    build than these together)."""
    by_role = {
        role: (n, withdrawn, ungrouped)
        for role, n, withdrawn, ungrouped in round.participations.order_by()
        .values_list("role")
        .annotate(
            n=Count("pk"),
            withdrawn=Count("pk", filter=Q(withdrawn_on__isnull=False)),
            ungrouped=Count("pk", filter=Q(withdrawn_on__isnull=True, group__isnull=True)),
        )
    }
    groups = round.groups.aggregate(
        n=Count("pk", distinct=True),
        # A group has at most one primary mentor (a constraint): the joined rows count groups.
        with_primary=Count("mentorships", filter=Q(mentorships__is_primary=True)),
    )
    participants, withdrawn, ungrouped = by_role.get(Participation.Role.PARTICIPANT, (0, 0, 0))
    return RoundFigures(
        participants=participants,
        withdrawn=withdrawn,
        mentors=by_role.get(Participation.Role.MENTOR, (0, 0, 0))[0],
        groups=groups["n"],
        groups_without_mentor=groups["n"] - groups["with_primary"],
        ungrouped=ungrouped,
        meetings=round.meetings.count(),
        assessed=SelfAssessment.objects.filter(meeting__round=round).exists(),
    )


def round_dashboard(
    *, round: Round, page_number=1, now=None, filters: DashboardFilters | None = None
) -> RoundDashboard:
    """Everything a project leader follows in a round on one page: its key figures, the next
    meeting, and per organisation and assessment point whether the self-assessment is missing,
    a draft or submitted, whether its three functions attended, and its function coverage; the
    attendance at the round's common meetings, its mentor organisations and the spread of
    improvement work. Groups and the whole schedule have pages of their own (`round_groups`,
    `round_meetings`).

    Organisations come a page at a time, ordered by group, so the page stays readable for a
    national round; the number of queries does not grow with the round."""
    now = now or timezone.now()
    figures = round_figures(round=round)
    next_meeting = (
        round.meetings.filter(ends_at__gte=now)
        .select_related("group")
        .order_by("starts_at", "pk")
        .first()
    )
    round_meetings = list(
        round.meetings.filter(group__isnull=True)
        .only(*_MEETING_LIST_FIELDS)
        .order_by("starts_at", "pk")
    )
    for meeting in round_meetings:
        meeting.round = round
    participations = (
        round.participations.filter(role=Participation.Role.PARTICIPANT)
        .select_related("organisation", "group")
        .only(
            "id",
            "round_id",
            "group_id",
            "withdrawn_on",
            "organisation__code",
            "organisation__name",
            "group__name",
        )
        .order_by(F("group__name").asc(nulls_last=True), "organisation__name", "pk")
    )
    filters = filters or DashboardFilters()
    if filters.active:
        participations = filters.apply(participations, round=round, now=now)
    page, page_range = _page(
        participations,
        per_page=DASHBOARD_PAGE_SIZE,
        number=page_number,
        count=None if filters.active else figures.participants,
    )
    on_page = list(page.object_list)
    # The schedules of the organisations on the page: the round's meetings and their groups'.
    group_ids = {p.group_id for p in on_page if p.group_id is not None}
    meetings = [m for m in round_meetings if m.assessment_due] + list(
        round.meetings.filter(group_id__in=group_ids, assessment_due=True).only(
            "id",
            "round_id",
            "group_id",
            "starts_at",
            "ends_at",
            "assessment_due",
            "kind",
            "audience",
        )
    )
    points_by_participation = assessment_points(on_page, meetings)
    points = sorted(
        {p for by_meeting in points_by_participation.values() for p in by_meeting.values()}
    )
    functions = defaultdict(lambda: defaultdict(set))
    for participation_id, function, person_id in (
        FunctionAssignment.objects.filter(
            participation__in=on_page, function__in=REQUIRED_FUNCTIONS, person__is_active=True
        )
        .order_by()
        .values_list("participation_id", "function", "person_id")
    ):
        functions[participation_id][function].add(person_id)
    statuses = {
        (participation_id, meeting_id): (pk, status)
        for pk, participation_id, meeting_id, status in SelfAssessment.objects.filter(
            participation__in=on_page
        )
        .order_by()
        .values_list("id", "participation_id", "meeting_id", "status")
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
        expected = meeting.expected_required_functions
        covered = [f for f in expected if held[f] & present]
        if len(covered) == len(expected):
            return "all"
        return "partial" if present else "none"

    meetings_by_id = {m.pk: m for m in meetings}
    labels = {f: Function(f).label for f in REQUIRED_FUNCTIONS}
    assessment_url = url_maker("checklist:assessment")
    organisation_url = url_maker("participants:participation_detail", "code", round_slug=round.slug)
    rows = []
    for participation in on_page:
        by_point = {point: mid for mid, point in points_by_participation[participation.pk].items()}
        cells = []
        for point in points:
            meeting = meetings_by_id.get(by_point.get(point))
            if meeting is None:
                cells.append(PointCell(None, "", None, ""))
                continue
            # Missing only once the meeting is held; before it, it is still to be done.
            absent = "missing" if meeting.starts_at <= now else "due"
            assessment_id, status = statuses.get((participation.pk, meeting.pk), (None, absent))
            cells.append(
                PointCell(
                    meeting=meeting,
                    status=status,
                    assessment_id=assessment_id,
                    attendance=attendance(participation.pk, meeting),
                    url=assessment_url(assessment_id) if assessment_id else "",
                )
            )
        held = functions[participation.pk]
        rows.append(
            DashboardRow(
                participation=participation,
                url=organisation_url(participation.organisation.code),
                coverage=[(labels[f], len(held[f])) for f in REQUIRED_FUNCTIONS],
                missing=[labels[f] for f in REQUIRED_FUNCTIONS if not held[f]],
                cells=cells,
            )
        )
    page.object_list = rows
    held = [m for m in round_meetings if m.starts_at <= now]
    complete = _complete_attendance(held)
    return RoundDashboard(
        round=round,
        figures=figures,
        next_meeting=next_meeting,
        points=points,
        page=page,
        page_range=page_range,
        round_meetings=round_meetings,
        attendance=[(m, complete.get(m.pk, 0), figures.counted) for m in held],
        mentor_participations=list(
            round.participations.filter(role=Participation.Role.MENTOR)
            .select_related("organisation")
            .only("id", "round_id", "organisation__code", "organisation__name")
            .order_by("organisation__name")
        ),
        spread=chain_spread(
            ImprovementWork.objects.filter(
                participation__round=round, participation__withdrawn_on__isnull=True
            )
        ),
        # Once an assessment exists the round's checklist is fixed: nothing to choose from.
        checklist_versions=[]
        if figures.assessed
        else list(ChecklistVersion.objects.order_by("slug")),
        filters=filters,
        groups=list(round.groups.only("id", "name", "round_id").order_by("name")),
    )


def _complete_attendance(meetings: list[Meeting]) -> dict[int, int]:
    """meeting id → the number of participant organisations (that have not withdrawn) whose
    functions expected at the meeting (of the three: all of them, or the strategist at a
    strategist meeting) all attended: counted by the database, one query."""
    if not meetings:
        return {}
    expected = {m.pk: set(m.expected_required_functions) for m in meetings}
    rows = (
        Attendance.objects.filter(
            meeting__in=meetings,
            attended=True,
            participation__role=Participation.Role.PARTICIPANT,
            participation__withdrawn_on__isnull=True,
            # The person held the function for the organisation they attended for.
            person__function_assignments__participation=F("participation"),
            person__function_assignments__function__in=REQUIRED_FUNCTIONS,
        )
        .order_by()
        .values_list("meeting_id", "participation_id", "person__function_assignments__function")
        .distinct()
    )
    present = defaultdict(set)
    for meeting_id, participation_id, function in rows:
        present[meeting_id, participation_id].add(function)
    return Counter(
        meeting_id
        for (meeting_id, _participation_id), functions in present.items()
        if expected[meeting_id] and expected[meeting_id] <= functions
    )


def expected_attendees(meeting: Meeting) -> list[tuple[Participation, object]]:
    """The people expected at a meeting: those in the functions it is for (its audience) of
    the round's participating organisations (and mentors) for a round meeting; of a group's
    members and mentors for a group meeting."""
    participations = Participation.objects.filter(
        round_id=meeting.round_id, withdrawn_on__isnull=True
    )
    if meeting.group_id is not None:
        participations = participations.filter(
            Q(group_id=meeting.group_id) | Q(mentorships__group_id=meeting.group_id)
        )
    assignments = (
        FunctionAssignment.objects.filter(
            participation__in=participations,
            person__is_active=True,
            # The meeting's audience: a strategist meeting is for the key persons.
            function__in=meeting.invited_functions,
        )
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


def round_audit(*, round: Round):
    """Everything that happened in the round, newest first, from the action log: a queryset
    for a paginator; `show()` makes a page of it readable (`round_audit_page`)."""
    return (
        LogEntry.objects.filter(round_id=round.pk)
        .select_related("user")
        .order_by("-datetime", "-id")
    )


def round_audit_page(entries) -> list:
    """One page of `round_audit` as people read it, in the active language, with what each
    entry is about."""
    return show(entries, subjects=True)


# What a step of the round will do, for the page that asks before it is taken.


@dataclass(frozen=True)
class RoundStepEffects:
    """What starting or completing a round will do, for the page that asks first."""

    entering_pool: list[Participation]  # completing: they become possible mentors
    leaving_pool: list[Participation]  # reopening: their completion is taken back
    meetings_held: int
    meetings_ahead: int
    submitted_assessments: int


def round_step_effects(*, round: Round, now: dt.datetime | None = None) -> RoundStepEffects:
    now = now or timezone.now()
    participations = round.participations.filter(role=Participation.Role.PARTICIPANT)
    return RoundStepEffects(
        entering_pool=list(
            participations.filter(withdrawn_on__isnull=True, completed_on__isnull=True)
            .select_related("organisation")
            .order_by("organisation__name")
        ),
        leaving_pool=list(
            participations.filter(completed_with_round=True)
            .select_related("organisation")
            .order_by("organisation__name")
        ),
        meetings_held=round.meetings.filter(starts_at__lte=now).count(),
        meetings_ahead=round.meetings.filter(starts_at__gt=now).count(),
        submitted_assessments=SelfAssessment.objects.filter(
            meeting__round=round, status=SelfAssessment.Status.SUBMITTED
        ).count(),
    )
