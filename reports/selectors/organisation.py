"""The report of one organisation in its round."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from checklist.models import AssessmentComment, ChecklistVersion, SelfAssessment
from checklist.selectors import organisation_history
from participants.models import (
    FunctionAssignment,
    ImprovementWork,
    Participation,
    ProgressNote,
)
from participants.selectors import people_by_function
from reports.selectors.common import (
    Cover,
    meetings_of_points,
    scale_of,
    signed,
)
from rounds.models import GroupMentor


def committee_level_figures(participation: Participation) -> dict | None:
    """The organisation's self-assessments at committee/department level in its round, with
    that level's checklist, apart from the organisation-wide ones; None when the round has no
    checklist for that level."""
    round_ = participation.round
    version = round_.committee_checklist_version
    if version is None:
        return None
    level = ChecklistVersion.Level.COMMITTEE
    histories = organisation_history(participation=participation, level=level)
    current = next((h for h in histories if h.round.pk == round_.pk), None)
    point_meetings = meetings_of_points(participation, level) if current else {}
    return {
        "version": version,
        **scale_of(version),
        "history": current,
        "rows": current.rows if current else [],
        "point_meetings": [(p, point_meetings.get(p)) for p in (current.points if current else [])],
    }


def _works_by_step(works) -> list[tuple[str, list[ImprovementWork]]]:
    by_step = defaultdict(list)
    for work in works:
        by_step[work.chain_step].append(work)
    return [
        (step.label, by_step[step.value])
        for step in ImprovementWork.ChainStep
        if by_step[step.value]
    ]


def organisation_report(*, participation: Participation) -> dict:
    """The organisation in its round: people by function, group and mentors, its
    self-assessments (scores per item and meeting, totals, movement, the first against the
    latest per item), the comments, and its improvement work by place on the result chain."""
    participation = Participation.objects.select_related(
        "organisation", "round__checklist_version", "round__committee_checklist_version", "group"
    ).get(pk=participation.pk)
    round_ = participation.round
    assignments = (
        FunctionAssignment.objects.filter(participation=participation)
        .select_related("person")
        .order_by("person__full_name", "person__email")
    )
    # Every round the organisation took part in: an organisation report is read only by the
    # organisation's own people and project leaders (reports.rules), who see its whole history.
    histories = organisation_history(participation=participation)
    current = next((h for h in histories if h.round.pk == round_.pk), None)
    earlier = [h for h in histories if h.round.pk != round_.pk]
    point_meetings = meetings_of_points(participation)
    comments = []
    if current is not None:
        texts = {item.number: item.text for item, _scores in current.rows}
        for point in current.points:
            by_item = current.organisation.comments.get(point, {})
            if by_item:
                comments.append(
                    (
                        point,
                        point_meetings.get(point),
                        [(number, texts.get(number, ""), text) for number, text in by_item.items()],
                    )
                )
    remarks = list(
        AssessmentComment.objects.filter(
            assessment__participation=participation,
            assessment__status=SelfAssessment.Status.SUBMITTED,
        )
        .select_related("assessment__meeting", "item", "author")
        .order_by("assessment__meeting__starts_at", "created_at")
    )
    works = list(
        participation.improvement_works.select_related("origin_meeting")
        .prefetch_related(
            Prefetch("notes", queryset=ProgressNote.objects.order_by("-noted_on", "-id"))
        )
        .order_by("title")
    )
    mentors = (
        list(
            GroupMentor.objects.filter(group_id=participation.group_id)
            .select_related("participation__organisation")
            .order_by("-is_primary", "participation__organisation__name")
        )
        if participation.group_id
        else []
    )
    members = (
        list(
            Participation.objects.filter(group_id=participation.group_id)
            .exclude(pk=participation.pk)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        if participation.group_id
        else []
    )
    version = round_.checklist_version
    return {
        "cover": Cover(
            title=_("Organisation report"),
            subtitle=participation.organisation.name,
            produced_on=timezone.localdate(),
            facts=[
                (_("Round"), round_.name),
                (_("Benchmarking group"), participation.group.name if participation.group else "–"),
                (_("Checklist"), version.name),
            ],
        ),
        "participation": participation,
        "organisation": participation.organisation,
        "round": round_,
        "version": version,
        **scale_of(version),
        "max_total": version.scale_max * (len(current.rows) if current else 0),
        "people": people_by_function(assignments),
        "mentors": mentors,
        "members": members,
        "history": current,
        "movement_delta": signed(current.movement.delta) if current and current.movement else "",
        # (item, score at each point, change from the first to the latest)
        "rows": [
            (item, scores, movement[3])
            for (item, scores), movement in zip(
                current.rows,
                current.item_movement or [(None,) * 4] * len(current.rows),
                strict=True,
            )
        ]
        if current
        else [],
        "point_meetings": [(p, point_meetings.get(p)) for p in (current.points if current else [])],
        "earlier": earlier,
        "comments": comments,
        "remarks": remarks,
        "works_by_step": _works_by_step(works),
        "committee": committee_level_figures(participation),
    }
