"""The rounds' pages: rounds, groups, mentors, meetings and attendance, the matching, each
role's start page.

The package: `mixins` (what the views within a round share; `RoundMixin` itself is the core's,
`modellkoncept.mixins`), `home` (each role's start page), `rounds` (the list, a round's page,
creating and changing a round, its steps, export and import, its log), `groups` (groups and
their mentors), `meetings` (meetings, attendance, the calendar) and `matching` (the proposals,
the mentor pool, the mentor's workspace)."""

from rounds.views.groups import (
    GroupCreateView,
    GroupDeleteView,
    GroupDetailView,
    GroupFormMixin,
    GroupUpdateView,
    MentorAddView,
    MentorRemoveView,
    RoundGroupListView,
)
from rounds.views.matching import (
    GroupProposalView,
    MentorPoolView,
    MentorProposalView,
    MentorSetView,
    MentorWorkspaceView,
)
from rounds.views.meetings import (
    AttendanceView,
    MeetingCalendarView,
    MeetingCreateView,
    MeetingDeleteView,
    MeetingDetailView,
    MeetingFormMixin,
    MeetingUpdateView,
    RoundMeetingListView,
    ScheduleGenerateView,
    calendar_feed,
)
from rounds.views.mixins import RoundMixin, RoundPagedListView
from rounds.views.rounds import (
    RoundAuditView,
    RoundCreateView,
    RoundDetailView,
    RoundExportView,
    RoundImportView,
    RoundListView,
    RoundStatusView,
    RoundUpdateView,
)

__all__ = [
    "AttendanceView",
    "GroupCreateView",
    "GroupDeleteView",
    "GroupDetailView",
    "GroupFormMixin",
    "GroupProposalView",
    "GroupUpdateView",
    "MeetingCalendarView",
    "MeetingCreateView",
    "MeetingDeleteView",
    "MeetingDetailView",
    "MeetingFormMixin",
    "MeetingUpdateView",
    "MentorAddView",
    "MentorPoolView",
    "MentorProposalView",
    "MentorRemoveView",
    "MentorSetView",
    "MentorWorkspaceView",
    "RoundAuditView",
    "RoundCreateView",
    "RoundDetailView",
    "RoundExportView",
    "RoundGroupListView",
    "RoundImportView",
    "RoundListView",
    "RoundMeetingListView",
    "RoundMixin",
    "RoundPagedListView",
    "RoundStatusView",
    "RoundUpdateView",
    "ScheduleGenerateView",
    "calendar_feed",
]
