"""`{% score_cells scores %}` or `{% score_cells first latest %}`: a row's figures as table
cells, "–" where there is none.

An organisation's history shows a few hundred figures (items × assessments, per round); one
tag per row costs a fraction of a variable, a filter and a loop per figure. Whole numbers and
text only, written as they are (no localisation, as the history writes them)."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def score_cells(*values, css_class="text-end"):
    """`<td class="…">figure</td>` for each value (or each of one list), "–" for None."""
    if len(values) == 1 and isinstance(values[0], list | tuple):
        values = values[0]
    return format_html_join(
        "", '<td class="{}">{}</td>', ((css_class, "–" if v is None else v) for v in values)
    )
