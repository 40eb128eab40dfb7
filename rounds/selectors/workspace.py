"""The mentor's workspace: the groups a person mentors and how their members are doing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from checklist.models import ChecklistItem, ChecklistVersion, SelfAssessment
from checklist.statistics import Movement, assessment_points
from modellkoncept.policy import standing
from participants.models import Participation
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting, Round
from rounds.selectors.lists import _page


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
        # The organisation-wide level's totals: never added to the committee level's.
        for participation_id, meeting_id, total, scored in SelfAssessment.objects.filter(
            participation__in=members,
            status=SelfAssessment.Status.SUBMITTED,
            level=ChecklistVersion.Level.ORGANISATION,
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
