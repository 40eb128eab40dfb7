"""What the reports share: the cover, the formats of a change and a date, the checklist's scale,
which meeting each assessment point was, and the chart of the result chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from checklist.charts import horizontal_bar_chart
from checklist.models import ChecklistVersion, ScaleStep
from checklist.statistics import assessment_points
from participants.models import (
    Participation,
)
from participants.selectors import ChainSpread
from rounds.models import Meeting


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    produced_on: object  # a date
    facts: list[tuple[str, str]] = field(default_factory=list)


def signed(delta: int) -> str:
    """A change with its sign: +3, -2, 0."""
    return f"{delta:+d}" if delta else "0"


def short_date(value) -> str:
    """A date or a time as a date in the active language (2026-02-05 in Swedish)."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def scale_of(version) -> dict:
    """The checklist's scale for a report: its steps, and the same as one phrase for a
    sentence (1 = “…”, 2 = “…”, 3 = “…”)."""
    steps = list(ScaleStep.objects.filter(version=version).order_by("value"))
    return {
        "scale": steps,
        "scale_text": ", ".join(f"{step.value} = “{step.label}”" for step in steps),
    }


def meetings_of_points(
    participation: Participation, level: str = ChecklistVersion.Level.ORGANISATION
) -> dict[int, Meeting]:
    """point → meeting: which meeting each of the organisation's assessment points at `level`
    was (only the round's and its group's meetings are read, not every group's)."""
    meetings = list(
        Meeting.objects.filter(round_id=participation.round_id, assessment_due=True).filter(
            Q(group__isnull=True) | Q(group_id=participation.group_id)
        )
    )
    by_id = {m.pk: m for m in meetings}
    mapping = assessment_points([participation], meetings, level=level)[participation.pk]
    return {point: by_id[mid] for mid, point in mapping.items()}


def chain_chart(spread: ChainSpread, *, key: str) -> str:
    return horizontal_bar_chart(
        title=_("Improvement work on the result chain"),
        description=_("Number of improvement works at each step of the result chain."),
        labels=[capfirst(str(label)) for _value, label, _count in spread.counts],
        values=[count for _value, _label, count in spread.counts],
        scale_max=max([count for _v, _l, count in spread.counts] + [1]),
        label_width=190,
        key=key,
    )
