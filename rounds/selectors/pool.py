"""The mentor pool: every organisation that has completed a round, whether it is willing to
mentor and what it has mentored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from participants.models import Organisation, Participation
from rounds.eligibility import _completed_participations
from rounds.models import GroupMentor


@dataclass(frozen=True)
class PoolEntry:
    organisation: Organisation
    completed: list[tuple[str, dt.date]]  # (round name, date), latest last
    willing: bool
    times_mentored: int
    # (round name, group name, primary mentor or supporting), earliest round first
    mentored: list[tuple[str, str, bool]] = field(default_factory=list)


def mentor_pool() -> list[PoolEntry]:
    """Every organisation that completed a round: when, whether it is willing to mentor, and
    which groups of which rounds it has mentored. Three queries."""
    completions = list(
        _completed_participations()
        .select_related("organisation", "round")
        .order_by("organisation__name", "completed_on")
    )
    mentored: dict[int, list[tuple[str, str, bool]]] = {}
    for org_id, round_name, group_name, primary in GroupMentor.objects.order_by(
        "group__round__starts_on", "group__round__name", "group__name"
    ).values_list(
        "participation__organisation_id", "group__round__name", "group__name", "is_primary"
    ):
        mentored.setdefault(org_id, []).append((round_name, group_name, primary))
    by_organisation: dict[int, list[Participation]] = {}
    for p in completions:
        by_organisation.setdefault(p.organisation_id, []).append(p)
    return [
        PoolEntry(
            organisation=done[-1].organisation,
            completed=[(p.round.name, p.completed_on) for p in done],
            # The latest completion says whether the organisation is willing now.
            willing=done[-1].willing_to_mentor,
            times_mentored=len(mentored.get(org_id, [])),
            mentored=mentored.get(org_id, []),
        )
        for org_id, done in by_organisation.items()
    ]
