"""Small helpers for the meeting lists."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def assessment_due_for(meeting, standing) -> bool:
    """Whether a list of meetings shows “self-assessment due” beside this one to this person:
    only before the meeting is over, and only to project leaders and the organisations that
    make the assessment (a group's members), not to its mentors."""
    if not meeting.assessment_due or meeting.ends_at <= timezone.now():
        return False
    if standing.is_project_leader:
        return True
    if meeting.group_id is not None:
        return meeting.group_id in standing.member_group_ids
    return meeting.round_id in {
        p.round_id for p in standing.participations if p.role == "participant"
    }
