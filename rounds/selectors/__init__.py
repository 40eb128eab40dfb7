"""Reads for the rounds' pages; each runs a fixed number of queries, whatever the size.

The package, by page: `lists` (the round list, a round's page, its groups and meetings),
`groups` (a group's page, the groups' overview), `pool` (the mentor pool), `matching` (the
proposals), `workspace` (the mentor's workspace), `dashboard` (the round's dashboard), `meetings`
(attendance), `audit` (the round's log) and `steps` (what a round's next step will do). Who may
mentor is domain code (`rounds.eligibility`), re-exported here."""

from rounds.eligibility import (
    MentorCandidateInfo,
    group_kind,
    mentor_candidates,
    mentor_ineligibility,
    mentor_kind_allowed,
)
from rounds.selectors.audit import AUDIT_PAGE_SIZE, round_audit, round_audit_page, round_audit_paged
from rounds.selectors.dashboard import (
    DASHBOARD_PAGE_SIZE,
    DASHBOARD_STATUSES,
    DashboardFilters,
    DashboardRow,
    PointCell,
    RoundDashboard,
    RoundFigures,
    round_dashboard,
    round_figures,
)
from rounds.selectors.groups import (
    GroupOverview,
    HistoryCell,
    HistoryRow,
    group_overviews,
    group_page,
)
from rounds.selectors.lists import (
    GROUP_LIST_PAGE_SIZE,
    MEETING_LIST_PAGE_SIZE,
    round_groups,
    round_list,
    round_meetings,
    round_page,
)
from rounds.selectors.matching import (
    GroupProposalPage,
    MentorProposalPage,
    MentorProposalRow,
    group_proposal,
    mentor_proposal,
)
from rounds.selectors.meetings import (
    attendance_sheet,
    expected_attendees,
    own_assessing_participations,
)
from rounds.selectors.pool import PoolEntry, mentor_pool
from rounds.selectors.steps import RoundStepEffects, round_step_effects
from rounds.selectors.workspace import (
    WORKSPACE_PAGE_SIZE,
    MemberProgress,
    WorkspaceGroup,
    mentor_workspace,
)

__all__ = [
    "AUDIT_PAGE_SIZE",
    "DASHBOARD_PAGE_SIZE",
    "DASHBOARD_STATUSES",
    "GROUP_LIST_PAGE_SIZE",
    "MEETING_LIST_PAGE_SIZE",
    "WORKSPACE_PAGE_SIZE",
    "DashboardFilters",
    "DashboardRow",
    "GroupOverview",
    "GroupProposalPage",
    "HistoryCell",
    "HistoryRow",
    "MemberProgress",
    "MentorCandidateInfo",
    "MentorProposalPage",
    "MentorProposalRow",
    "PointCell",
    "PoolEntry",
    "RoundDashboard",
    "RoundFigures",
    "RoundStepEffects",
    "WorkspaceGroup",
    "attendance_sheet",
    "expected_attendees",
    "group_kind",
    "group_overviews",
    "group_page",
    "group_proposal",
    "mentor_candidates",
    "mentor_ineligibility",
    "mentor_kind_allowed",
    "mentor_pool",
    "mentor_proposal",
    "mentor_workspace",
    "own_assessing_participations",
    "round_audit",
    "round_audit_page",
    "round_audit_paged",
    "round_dashboard",
    "round_figures",
    "round_groups",
    "round_list",
    "round_meetings",
    "round_page",
    "round_step_effects",
]
