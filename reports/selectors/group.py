"""The report of one benchmarking group."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from checklist.charts import Series, line_chart
from checklist.statistics import assessment_points
from reports.selectors.common import (
    Cover,
    scale_of,
    short_date,
)
from rounds.models import BenchmarkingGroup, Meeting
from rounds.selectors import group_overviews


def group_totals_chart(overview, *, scale_min: int, scale_max: int, items: int) -> str:
    """The members' totals over the assessments of the round, a line each (the group page
    can show the same chart)."""
    return line_chart(
        title=_("Total score per assessment"),
        description=_("Total score of each member of %(group)s at each assessment.")
        % {"group": overview.group.name},
        x_labels=[_("Assessment %(point)s") % {"point": p} for p in overview.points],
        series=[Series(org.name, totals) for org, totals in overview.history],
        y_min=scale_min * items,
        y_max=scale_max * items,
        key=f"group-totals-{overview.group.pk}",
    )


def group_report(*, group: BenchmarkingGroup, meeting: Meeting | None = None) -> dict:
    """The group's members side by side per item at a chosen meeting (the latest assessed when
    none is chosen) and over time, the group mean, and its mentors."""
    group = BenchmarkingGroup.objects.select_related("round__checklist_version").get(pk=group.pk)
    round_ = group.round
    version = round_.checklist_version
    overview = group_overviews(groups=[group])[0]
    mentors = list(
        group.mentorships.select_related("participation__organisation").order_by(
            "-is_primary", "participation__organisation__name"
        )
    )
    assessment_meetings = [m for m in overview.meetings if m.assessment_due]
    counted = [m for m in overview.members if not m.is_withdrawn]
    withdrawn = [m for m in overview.members if m.is_withdrawn]
    point_of_meeting = {}
    if counted:
        point_of_meeting = assessment_points(counted[:1], assessment_meetings)[counted[0].pk]
    meeting_of_point = {point: mid for mid, point in point_of_meeting.items()}
    meetings_by_id = {m.pk: m for m in assessment_meetings}
    if meeting is not None:
        chosen_point = point_of_meeting.get(meeting.pk)
    else:
        chosen_point = overview.points[-1] if overview.points else None
        meeting = meetings_by_id.get(meeting_of_point.get(chosen_point))
    chosen = next((c for c in overview.comparisons if c.point == chosen_point), None)
    in_order = sorted(overview.comparisons, key=lambda c: c.point)
    # The group mean of each item at each assessment: the items over time in one table.
    mean_rows = (
        [
            (row.number, row.text, [c.rows[index].mean.display for c in in_order])
            for index, row in enumerate(in_order[0].rows)
        ]
        if in_order
        else []
    )
    items = len(chosen.rows) if chosen else version.items.count()
    return {
        "cover": Cover(
            title=_("Group report"),
            subtitle=group.name,
            produced_on=timezone.localdate(),
            facts=[
                (_("Round"), round_.name),
                (
                    _("Members"),
                    ", ".join(m.organisation.name for m in overview.members) or "–",
                ),
                (
                    _("Mentor"),
                    ", ".join(m.participation.organisation.name for m in mentors) or _("none"),
                ),
                (
                    _("Compared at"),
                    f"{meeting.title} ({short_date(meeting.starts_at)})" if meeting else "–",
                ),
            ],
        ),
        "group": group,
        "round": round_,
        "version": version,
        **scale_of(version),
        "max_total": version.scale_max * items,
        "overview": overview,
        "members": overview.members,
        "withdrawn": withdrawn,
        "mentors": mentors,
        "meeting": meeting,
        "comparison": chosen,
        "mean_rows": mean_rows,
        "mean_totals": [c.mean_total_display for c in in_order],
        "point_meetings": [
            (p, meetings_by_id.get(meeting_of_point.get(p))) for p in overview.points
        ],
        "totals_chart": group_totals_chart(
            overview, scale_min=version.scale_min, scale_max=version.scale_max, items=items
        )
        if overview.points
        else None,
    }


def group_meetings(group: BenchmarkingGroup):
    """The meetings a group report can compare at: the group's own schedule's assessments."""
    return (
        Meeting.objects.filter(round_id=group.round_id, assessment_due=True)
        .filter(Q(group__isnull=True) | Q(group=group))
        .order_by("starts_at", "pk")
    )
