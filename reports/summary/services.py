"""Writing the one-page summary's own text: its next steps."""

from __future__ import annotations

from django.db import transaction

from modellkoncept.actions import field_changes, log_action
from participants.models import Participation
from reports import actions
from reports.models import OrganisationSummary


@transaction.atomic
def summary_next_steps_save(
    *, participation: Participation, next_steps: str, by=None
) -> OrganisationSummary:
    """Save the next steps an organisation's one-page summary shows (at most
    NEXT_STEPS_MAX_LENGTH characters in NEXT_STEPS_MAX_LINES lines: `full_clean` refuses
    more). Logged with the text before and after; saving the same text again logs nothing."""
    summary, _created = OrganisationSummary.objects.select_for_update().get_or_create(
        participation=participation
    )
    text = "\n".join(line.rstrip() for line in next_steps.strip().splitlines())
    changes = field_changes(summary, {"next_steps": text})
    summary.next_steps = text
    summary.updated_by = by if by is not None else summary.updated_by
    summary.full_clean()
    summary.save()
    if changes:
        log_action(
            summary,
            actions.NEXT_STEPS_SAVED,
            user=by,
            round_id=participation.round_id,
            data={"organisation": participation.organisation_id, "changes": changes},
        )
    return summary
