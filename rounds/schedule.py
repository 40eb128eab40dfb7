"""The default two-year schedule of a round, as SKR runs it since 2020.

Year one works on organisation-wide governance with the three classic learning meetings; year
two brings in committee and department level with two more, whose themes are the round's own
(`Round.year_two_themes`): SKR's documents name only year one's themes, and the site invents
none. A strategist meeting, a full day
at SKR, prepares each learning meeting; conferences open, halve and close the round. The dates
are a proposal spread over the round's period: the project leader moves, adds and removes
meetings after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from rounds.models import Meeting

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Where SKR's own meetings are held.
SKR_PLACE = "SKR, Hornsgatan 20, Stockholm"


@dataclass(frozen=True)
class PlannedMeeting:
    kind: str
    title: str
    day: dt.date
    start: dt.time
    end: dt.time
    number: int | None = None
    theme: str = ""
    year: int = 1
    per_group: bool = False
    assessment_due: bool = False
    online: bool = False
    place: str = ""

    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.start, tzinfo=STOCKHOLM)

    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.end, tzinfo=STOCKHOLM)


def learning_themes() -> list[str]:
    """The classic three themes of year one (SKR's report on the programme, 2018–2020)."""
    return [
        _("Governance and management"),
        _("Systematic improvement work"),
        _("Follow-up and analysis of results"),
    ]


def _weekday(day: dt.date, weekday: int = 2) -> dt.date:
    """The first given weekday (Wednesday by default) on or after `day`, outside the Swedish
    summer holiday (July and the first week of August) and the Christmas weeks."""
    while True:
        day += dt.timedelta(days=(weekday - day.weekday()) % 7)
        if day.month == 7 or (day.month == 8 and day.day < 10):
            day = dt.date(day.year, 8, 10)
        elif (day.month == 12 and day.day > 20) or (day.month == 1 and day.day < 8):
            day = dt.date(day.year + (day.month == 12), 1, 8)
        else:
            return day


def default_schedule(
    starts_on: dt.date, ends_on: dt.date, year_two_themes: list[str] | tuple[str, ...] = ()
) -> list[PlannedMeeting]:
    """The default meetings of a round between its dates, in time order. Year two's learning
    meetings take their themes from `year_two_themes` (the round's), in order; without one a
    meeting has no theme."""
    span = (ends_on - starts_on).days
    # A one-year round (as until 2020) has the three classic learning meetings; a two-year
    # round two more in its second year, and a mid-term conference between.
    one_year = span < 500
    fractions = [0.2, 0.45, 0.7] if one_year else [0.12, 0.24, 0.38, 0.62, 0.80]
    themes = learning_themes() + [theme.strip() for theme in year_two_themes]

    def at(fraction: float) -> dt.date:
        return _weekday(starts_on + dt.timedelta(days=round(span * fraction)))

    meetings = [
        PlannedMeeting(
            Meeting.Kind.WEB_TRAINING,
            _("Preparatory web training"),
            _weekday(starts_on + dt.timedelta(days=7), 1),
            dt.time(9),
            dt.time(11),
            online=True,
        ),
        PlannedMeeting(
            Meeting.Kind.STARTUP_CONFERENCE,
            _("Start-up conference"),
            _weekday(starts_on + dt.timedelta(days=28), 3),
            dt.time(9, 30),
            dt.time(16),
        ),
    ]
    for number, fraction in enumerate(fractions, start=1):
        day = at(fraction)
        theme = themes[number - 1] if number <= len(themes) else ""
        # After the mid-term conference (at half-time) the round is in its second year.
        year = 2 if not one_year and fraction > 0.5 else 1
        meetings.append(
            PlannedMeeting(
                Meeting.Kind.STRATEGIST_MEETING,
                _("Strategist meeting %(number)s") % {"number": number},
                _weekday(day - dt.timedelta(days=21), 1),
                # The key persons meet for a full day at SKR before each benchmarking round
                # (SKR's report on the programme, 2018–2020).
                dt.time(9, 30),
                dt.time(16),
                number=number,
                place=SKR_PLACE,
                year=year,
            )
        )
        title = (
            _("Learning meeting %(number)s: %(theme)s") % {"number": number, "theme": theme}
            if theme
            else _("Learning meeting %(number)s") % {"number": number}
        )
        meetings.append(
            PlannedMeeting(
                Meeting.Kind.LEARNING_MEETING,
                title,
                day,
                dt.time(9),
                dt.time(16),
                number=number,
                theme=theme,
                per_group=True,
                assessment_due=True,
                year=year,
            )
        )
    if not one_year:
        meetings.append(
            PlannedMeeting(
                Meeting.Kind.MIDTERM_CONFERENCE,
                _("Mid-term conference"),
                at(0.5),
                dt.time(9, 30),
                dt.time(16),
            )
        )
    meetings.append(
        PlannedMeeting(
            Meeting.Kind.RESULT_CONFERENCE,
            _("Result conference"),
            _weekday(ends_on - dt.timedelta(days=28), 3),
            dt.time(9, 30),
            dt.time(16),
            year=1 if one_year else 2,
        )
    )
    return sorted(meetings, key=lambda m: (m.day, m.start))
