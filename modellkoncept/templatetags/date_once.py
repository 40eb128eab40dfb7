"""`{{ meeting.starts_at|date_once:"SHORT_DATETIME_FORMAT" }}`: what Django's `date` filter gives,
formatted once per process for each value, time zone, format and language, the things it
depends on. Django formats a date in some fifteen microseconds (a formatter object per call, its
regular expressions behind lazy objects), and the round dashboard shows some twenty dates of the
same few meetings on every request; a process shows the times of some thousands of meetings at
most, so the memory is bounded and small.
"""

from functools import lru_cache

from django import template
from django.template.defaultfilters import date
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=4096)
def _formatted(value, zone, format, language) -> str:
    # `zone` and `language` are part of the key only: the value carries its zone (two aware
    # datetimes of the same instant are equal), and `date_format` reads the language itself.
    return formats.date_format(value, format)


@register.filter(expects_localtime=True, is_safe=False)
def date_once(value, format=None) -> str:
    """As `{{ value|date:format }}`; in Python, of a value in local time, as the filter gets it."""
    if value in (None, ""):
        return ""
    if not hasattr(value, "year"):  # not a date: what `date` makes of it
        return date(value, format)
    return _formatted(value, getattr(value, "tzinfo", None), format, get_language())
