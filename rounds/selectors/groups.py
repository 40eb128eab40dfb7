"""A benchmarking group's page and the overview of a round's groups."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from checklist.models import ChecklistVersion, SelfAssessment
from checklist.statistics import (
    Comparison,
    OrganisationScores,
    RoundScores,
    assessment_points,
    comparison,
    due_at_level,
    round_scores,
    submitted_scores,
    version_items,
)
from modellkoncept.links import url_maker
from modellkoncept.policy import standing, visible
from modellkoncept.roundvalues import GROUPS, MEETINGS, PARTICIPANTS, PEOPLE, round_value
from participants.models import Function, FunctionAssignment, Participation
from rounds.models import BenchmarkingGroup, Meeting, Round
from rounds.selectors.lists import _MEETING_LIST_FIELDS


def _group_scores(
    *,
    round: Round,
    members: list[Participation],
    meetings: list[Meeting],
    level: str = ChecklistVersion.Level.ORGANISATION,
):
    """The members' submitted assessments at `level` as `checklist.statistics.round_scores`
    reads them, from the members and the schedule a page has read already, and the level's
    version's items as they are kept by its id (`version_items`): one query instead of three
    (tests/rounds/test_dashboard.py holds the two to the same figures)."""
    counted = [m for m in members if m.is_participant and not m.is_withdrawn]
    items = version_items(round.checklist_id_for(level))
    scores_by_org = submitted_scores(
        counted,
        points=assessment_points(counted, meetings, level=level),
        items=items,
        level=level,
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


def _group_lists(group: BenchmarkingGroup) -> tuple[list, list, list]:
    """The group's members with their people by function, its mentors and its meetings (the
    round's and its own): four queries, the same for everyone who sees the group (and for
    either level: the assessments of a level are read apart, by `group_page`)."""
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
    return members, mentors, meetings


def group_page(*, group: BenchmarkingGroup, user, point=None, level=None) -> dict:
    """A group: its members and their people by function, mentors, meetings, the members'
    submitted assessments over time and side by side at one point (the latest unless `point`
    names another), and the assessments the user may open. Each thing is read once.

    The assessments are of one level (`level`: organisation, the default, or committee when
    the round has its checklist), with that level's checklist: the levels are never mixed;
    `levels` lists the round's levels for the page to switch between."""
    own = standing(user)
    round_ = group.round
    levels = []
    if round_.committee_checklist_version_id:
        levels = [(value, label) for value, label in ChecklistVersion.Level.choices]
    if level not in dict(levels):
        level = ChecklistVersion.Level.ORGANISATION
    # The same for everyone who sees the group: kept until a service changes the round.
    members, mentors, meetings = round_value(
        f"group-{group.pk}",
        round_,
        lambda: _group_lists(group),
        reads=(GROUPS, PARTICIPANTS, PEOPLE, MEETINGS),
    )
    for meeting in meetings:  # the page's own round and group: no need to read them again
        meeting.round = round_
        if meeting.group_id is not None:
            meeting.group = group
    # Each function's label looked up once (`get_function_display` hashes every choice).
    labels = dict(Function.choices)
    for member in members:
        for assignment in member.function_assignments.all():
            assignment.function_label = labels.get(assignment.function, assignment.function)
    # The assessments the user may open, tied to the members already read.
    members_by_id = {m.pk: m for m in members}
    assessments = list(
        visible(SelfAssessment, user)
        .filter(participation__group=group, level=level)
        .select_related("meeting")
        .only("id", "participation_id", "status", "meeting__title", "meeting__starts_at")
        .order_by("meeting__starts_at", "participation__organisation__name")
    )
    for assessment in assessments:
        assessment.participation = members_by_id[assessment.participation_id]
    due = [m for m in meetings if due_at_level(m, level)]
    scores = _group_scores(round=round_, members=members, meetings=due, level=level)
    points = scores.points
    # The history: every member at every assessment point, its total where it counts and a
    # link to each assessment the user may open (drafts of their own organisation included).
    point_of = assessment_points(members, due, level=level)
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
        "levels": levels,
        "level": level,
        "level_version": round_.checklist_for(level) if levels else None,
    }


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
