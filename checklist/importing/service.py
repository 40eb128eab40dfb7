"""Writing a checked plan: each assessment through the checklist's services, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checklist import services
from checklist.importing.parsing import Row
from checklist.importing.plan import PlannedAssessment, assessments_import_plan
from modellkoncept.errors import DomainError
from rounds.models import Round


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int


# Writing.


@transaction.atomic
def assessments_import(
    *, round: Round, rows: Iterable[Row], by, submit: bool = True
) -> ImportResult:
    """Import the rows as one transaction: check them all (`assessments_import_plan`), then
    record each organisation's assessment before each meeting, submitted (or, with
    `submit=False`, as a draft; an assessment already submitted stays submitted).

    Older data belongs to meetings that are over, whose assessments are locked to their
    organisations; `assessment_record` writes a record of the past all the same, without
    opening the assessment, so it stays locked. An assessment that exists is updated, and its
    history keeps the values it replaced and says who recorded the new ones. Items and comments
    the file does not give keep the values they had.
    """
    plan = assessments_import_plan(round=round, rows=rows, submit=submit)
    now = timezone.now()
    created = 0
    for planned in plan.assessments:
        try:
            created += _import_one(planned, by=by, now=now, submit=submit)
        except DomainError as error:
            # Only a change made between the check and this moment gets here.
            raise DomainError(
                [
                    _("%(organisation)s (%(code)s), meeting “%(key)s”: %(problem)s")
                    % {
                        "organisation": planned.participation.organisation.name,
                        "code": planned.participation.organisation.code,
                        "key": planned.meeting.key,
                        "problem": message,
                    }
                    for message in error.messages
                ]
            ) from error
    return ImportResult(rows=plan.rows, created=created, updated=len(plan.assessments) - created)


def _import_one(planned: PlannedAssessment, *, by, now, submit: bool) -> bool:
    """Record one assessment; whether it was created."""
    scores, comments = {}, {}
    existing = planned.existing
    if existing is not None:
        for answer in existing.answers.all():
            scores[answer.item.number] = answer.score
            comments[answer.item.number] = answer.comment
    # The file says nothing of when an assessment was made, so it is submitted as it is
    # recorded, and its history is dated so. A draft import into a submitted assessment
    # updates it; it does not withdraw it.
    submitted = submit or (existing is not None and existing.has_submitted_version)
    if (
        existing is not None
        and submitted == existing.has_submitted_version
        and scores | planned.scores == scores
        and comments | planned.comments == comments
    ):
        return False  # the file says what is saved: who submitted it, and when, stay
    _assessment, created = services.assessment_record(
        participation=planned.participation,
        meeting=planned.meeting,
        scores=scores | planned.scores,
        comments=comments | planned.comments,
        submitted_at=now if submitted else None,
        by=by,
    )
    return created
