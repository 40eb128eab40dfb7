"""Everything that writes organisations, their parts in rounds, people and invitations.

The package: `organisations` (SKR's reference list, an organisation's details),
`participations` (taking part in a round, withdrawing, improvement works and their notes),
`people` (functions, invitations, accounts), `applications` (expressions of interest) and
`sharing` (how widely an improvement work is shared, and its approval for the programme)."""

from participants.services.applications import (
    APPLICANT_FUNCTIONS,
    application_accept,
    application_decline,
    application_send_notice,
    application_submit,
)
from participants.services.organisations import (
    ORGANISATION_FIELDS,
    REFERENCE_COLUMNS,
    REFERENCE_FILE,
    LoadResult,
    organisation_create,
    organisation_record_decision,
    organisation_update,
    organisations_load,
)
from participants.services.participations import (
    IMPROVEMENT_WORK_FIELDS,
    improvement_work_create,
    improvement_work_update,
    participation_add,
    participation_fees_set,
    participation_withdraw,
    progress_note_add,
)
from participants.services.people import (
    function_assign,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    person_invite,
    person_update,
)
from participants.services.sharing import (
    improvement_work_approve,
    improvement_work_set_moments,
    improvement_work_share,
    improvement_work_withdraw_approval,
)

__all__ = [
    "APPLICANT_FUNCTIONS",
    "IMPROVEMENT_WORK_FIELDS",
    "ORGANISATION_FIELDS",
    "REFERENCE_COLUMNS",
    "REFERENCE_FILE",
    "LoadResult",
    "application_accept",
    "application_decline",
    "application_send_notice",
    "application_submit",
    "function_assign",
    "improvement_work_approve",
    "improvement_work_create",
    "improvement_work_set_moments",
    "improvement_work_share",
    "improvement_work_update",
    "improvement_work_withdraw_approval",
    "invitation_accept",
    "invitation_create",
    "invitation_for_token",
    "invitation_resend",
    "invitation_revoke",
    "invitation_send",
    "organisation_create",
    "organisation_record_decision",
    "organisation_update",
    "organisations_load",
    "participation_add",
    "participation_fees_set",
    "participation_withdraw",
    "person_invite",
    "person_update",
    "progress_note_add",
]
