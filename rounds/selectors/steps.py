"""What a round's next step (activating, completing) will do, shown before it is taken."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from checklist.models import SelfAssessment
from participants.models import Participation
from rounds.models import Round

# What a step of the round will do, for the page that asks before it is taken.


@dataclass(frozen=True)
class RoundStepEffects:
    """What starting or completing a round will do, for the page that asks first."""

    entering_pool: list[Participation]  # completing: they become possible mentors
    leaving_pool: list[Participation]  # reopening: their completion is taken back
    meetings_held: int
    meetings_ahead: int
    submitted_assessments: int


def round_step_effects(*, round: Round, now: dt.datetime | None = None) -> RoundStepEffects:
    now = now or timezone.now()
    participations = round.participations.filter(role=Participation.Role.PARTICIPANT)
    return RoundStepEffects(
        entering_pool=list(
            participations.filter(withdrawn_on__isnull=True, completed_on__isnull=True)
            .select_related("organisation")
            .order_by("organisation__name")
        ),
        leaving_pool=list(
            participations.filter(completed_with_round=True)
            .select_related("organisation")
            .order_by("organisation__name")
        ),
        meetings_held=round.meetings.filter(starts_at__lte=now).count(),
        meetings_ahead=round.meetings.filter(starts_at__gt=now).count(),
        submitted_assessments=SelfAssessment.objects.filter(
            meeting__round=round, status=SelfAssessment.Status.SUBMITTED
        ).count(),
    )
