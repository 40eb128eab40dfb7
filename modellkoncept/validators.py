"""Checks of values that every way in (forms, the round archive, the score import) shares, so
that nothing a page or the database cannot hold gets stored."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The programme's rounds and meetings fall well within these years. A date far outside them is
# a slip of the keyboard, and one in the year 1 cannot even be stored as a time in UTC (a page
# showing it in local time then fails).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def is_programme_year(value) -> bool:
    """Whether a date or a time lies in the years the programme can be held in."""
    return FIRST_YEAR <= value.year <= LAST_YEAR


def validate_programme_year(value) -> None:
    """Refuse a date or a time outside the years the programme can be held in."""
    if not is_programme_year(value):
        raise ValidationError(
            _("Give a date in the years %(first)s to %(last)s."),
            code="year_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored, or None: PostgreSQL refuses a NUL character, and a lone
    surrogate (half of a UTF-16 pair, as JSON's "\\ud800") is no character at all and cannot be
    written as UTF-8."""
    if "\x00" in value:
        return str(_("The text holds a NUL character (\\u0000), which cannot be stored."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return str(
            _(
                "The text holds half of a UTF-16 surrogate pair (such as \\ud800), which is no "
                "character."
            )
        )
    return None
