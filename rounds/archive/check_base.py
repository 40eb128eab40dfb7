"""What every part of the archive's checker shares: the problems found so far and the reading
of dates, times and coordinates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from modellkoncept.validators import FIRST_YEAR, LAST_YEAR, is_programme_year
from rounds.archive.plan import _as_dict, _Plan
from rounds.archive.schema import _shown


def _out_of_years(value: str) -> str:
    return _("“%(value)s” is outside the years %(first)s to %(last)s.") % {
        "value": _shown(value),
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


def _coordinate(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value)).quantize(Decimal("0.00001"))


class _CheckerBase:
    """The document, the plan being filled in and the problems found, with their paths."""

    def __init__(self, document: Any):
        self.document = _as_dict(document)
        self.plan = _Plan()
        self.problems: list[tuple[str, str]] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def date(self, value: Any, path: str) -> dt.date | None:
        if not isinstance(value, str):
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.problem(path, _("“%(value)s” is not a date.") % {"value": _shown(value)})
            return None
        if not is_programme_year(day):
            self.problem(path, _out_of_years(value))
            return None
        return day

    def moment(self, value: Any, path: str) -> dt.datetime | None:
        if not isinstance(value, str):
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or timezone.is_naive(moment):
            self.problem(
                path,
                _("“%(value)s” is not a date and time with its offset from UTC.")
                % {"value": _shown(value)},
            )
            return None
        if not is_programme_year(moment):
            self.problem(path, _out_of_years(value))
            return None
        return moment
