"""Everything that writes rounds, their groups and mentors, meetings and attendance.

The package: `lifecycle` (a round from creation to completion), `groups`, `mentors`,
`meetings` (meetings, attendance, the schedule) and `notices` (the e-mails before a meeting)."""

from rounds.services.groups import (
    GROUP_SIZES,
    group_create,
    group_delete,
    group_place,
    group_proposal_accept,
    group_remove_member,
    group_set_members,
    group_size_warning,
    group_update,
)
from rounds.services.lifecycle import (
    ROUND_FIELDS,
    round_activate,
    round_complete,
    round_create,
    round_reopen,
    round_update,
)
from rounds.services.meetings import (
    MEETING_FIELDS,
    attendance_record,
    attendance_set,
    meeting_create,
    meeting_delete,
    meeting_moved_notices_send,
    meeting_update,
    schedule_generate,
)
from rounds.services.mentors import (
    mentor_add,
    mentor_assign,
    mentor_lock,
    mentor_proposal_accept,
    mentor_remove,
    mentor_set,
)
from rounds.services.notices import notice_email_send, notices_send

__all__ = [
    "GROUP_SIZES",
    "MEETING_FIELDS",
    "ROUND_FIELDS",
    "attendance_record",
    "attendance_set",
    "group_create",
    "group_delete",
    "group_place",
    "group_proposal_accept",
    "group_remove_member",
    "group_set_members",
    "group_size_warning",
    "group_update",
    "meeting_create",
    "meeting_delete",
    "meeting_moved_notices_send",
    "meeting_update",
    "mentor_add",
    "mentor_assign",
    "mentor_lock",
    "mentor_proposal_accept",
    "mentor_remove",
    "mentor_set",
    "notice_email_send",
    "notices_send",
    "round_activate",
    "round_complete",
    "round_create",
    "round_reopen",
    "round_update",
    "schedule_generate",
]
