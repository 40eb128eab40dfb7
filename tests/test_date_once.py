"""`|date_once` gives what `|date` gives, whatever it depends on: the value, its time zone, the
format and the language."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone, translation

from modellkoncept.templatetags.date_once import date_once

SOURCE = "{% load date_once %}{{ value|date:format }}|{{ value|date_once:format }}"
WINTER = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)  # already February in Helsinki
SUMMER = dt.datetime(2026, 7, 1, 6, 5, tzinfo=dt.UTC)


def _both(value, format) -> list[str]:
    return (
        engines["django"].from_string(SOURCE).render({"value": value, "format": format}).split("|")
    )


@pytest.mark.parametrize("format", ["SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "c", "j F Y, e"])
@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("zone", ["Europe/Stockholm", "Europe/Helsinki", "UTC"])
def test_a_datetime_is_formatted_as_date_formats_it(format, language, zone):
    with translation.override(language), timezone.override(zone):
        for value, of_value in ((WINTER, format), (SUMMER, format), (WINTER.date(), "j F Y")):
            plain, once = _both(value, of_value)
            assert once == plain


def test_each_zone_and_language_has_its_own_text():
    with timezone.override("Europe/Helsinki"):
        assert _both(WINTER, "SHORT_DATE_FORMAT") == ["2026-02-01", "2026-02-01"]
    with timezone.override("UTC"):
        assert _both(WINTER, "SHORT_DATE_FORMAT") == ["2026-01-31", "2026-01-31"]
    with translation.override("sv"):
        assert _both(SUMMER, "F") == ["juli", "juli"]
    with translation.override("en"):
        assert _both(SUMMER, "F") == ["July", "July"]


def test_nothing_and_times_are_as_date_makes_them():
    assert _both(None, "SHORT_DATE_FORMAT") == ["", ""]
    assert _both("", "SHORT_DATE_FORMAT") == ["", ""]
    plain, once = _both(dt.time(9, 5), "H:i")
    assert once == plain == "09:05"
    assert date_once(timezone.localtime(SUMMER), "Y-m-d") == "2026-07-01"
