"""Template filters of the learning loop."""

from django import template
from django.utils.safestring import mark_safe

from rounds.material import sanitise_html

register = template.Library()


@register.filter
def agenda_html(value: str) -> str:
    """A stored agenda, sanitised again as it is shown: whatever wrote the row (a service,
    an import, the admin), only the allowed tags reach the page."""
    return mark_safe(sanitise_html(value or ""))  # noqa: S308 - sanitised by nh3 just above
