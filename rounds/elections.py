"""Swedish general elections and what they mean for a round's timing.

Sweden elects its parliament, regions and municipalities on the second Sunday of September
every fourth year (2014, 2018, 2022, 2026, 2030 …). SKR's report on the 2018–2020 rounds (004)
learnt that a round starting just after an election risks a new political leadership that does
not carry the work; so creating such a round warns, without refusing.
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

FIRST_ELECTION_ON_THIS_RULE = 2014
# Six months after an election a new leadership has usually settled in.
MONTHS_OF_CHANGE = 6


def general_election(year: int) -> dt.date | None:
    """Election day of the year, or None when there is no general election that year."""
    if year < FIRST_ELECTION_ON_THIS_RULE or (year - FIRST_ELECTION_ON_THIS_RULE) % 4:
        return None
    first = dt.date(year, 9, 1)
    first_sunday = first + dt.timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + dt.timedelta(days=7)


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def election_just_before(starts_on: dt.date) -> dt.date | None:
    """The general election held within six months before `starts_on` (or on that day)."""
    for year in (starts_on.year, starts_on.year - 1):
        election = general_election(year)
        if election and election <= starts_on < _months_later(election, MONTHS_OF_CHANGE):
            return election
    return None


def leadership_warning(starts_on: dt.date) -> str:
    """The warning for a round starting within six months after an election; "" otherwise."""
    election = election_just_before(starts_on)
    if election is None:
        return ""
    return _(
        "The round starts on %(starts)s, less than six months after the general election of "
        "%(election)s. A new political leadership may not carry the work: SKR's report on "
        "the 2018–2020 rounds advises against starting a round right after an election."
    ) % {
        "starts": date_format(starts_on, "SHORT_DATE_FORMAT"),
        "election": date_format(election, "SHORT_DATE_FORMAT"),
    }
