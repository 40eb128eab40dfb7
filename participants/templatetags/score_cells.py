"""`{% score_cells scores %}` or `{% score_cells first latest %}`: a row's figures as table
cells, "–" where there is none; `{% item_rows rows %}`: whole rows of an item and its figures.

An organisation's history shows a few hundred figures (items × assessments, per round); one
tag per row costs a fraction of a variable, a filter and a loop per figure. Whole numbers and
text only, written as they are (no localisation, as the history writes them)."""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()


def _text(value) -> str:
    if value is None:
        return "–"
    if type(value) is int:  # most of them: nothing to escape
        return str(value)
    return conditional_escape(value)


@register.simple_tag
def score_cells(*values, css_class="text-end"):
    """`<td class="…">figure</td>` for each value (or each of one list), "–" for None."""
    if len(values) == 1 and isinstance(values[0], list | tuple):
        values = values[0]
    start = f'<td class="{escape(css_class)}">'
    return mark_safe(  # noqa: S308 - the class and every figure are escaped above
        "".join(f"{start}{_text(value)}</td>" for value in values)
    )


def _item_row(item, cells: str) -> str:
    return (
        f'<tr><th scope="row" class="fw-normal">{item.number}. {conditional_escape(item.text)}</th>'
        f"{cells}</tr>"
    )


@register.simple_tag
def item_rows(rows, movement=False):
    """A table row per item: its number and text as the row's header, then its figures, from
    `(item, [figure, …])` pairs, or with `movement=True` from `(item, first, latest, delta)`,
    the delta signed ("+2")."""
    start = '<td class="text-end">'
    html = []
    for item, *values in rows:
        if movement:
            first, latest, delta = values
            figures = (first, latest)
            cells = "".join(f"{start}{_text(v)}</td>" for v in figures)
            cells += f"{start}{'+' if delta > 0 else ''}{_text(delta)}</td>"
        else:
            cells = "".join(f"{start}{_text(v)}</td>" for v in values[0])
        html.append(_item_row(item, cells))
    return mark_safe("\n".join(html))  # noqa: S308 - every text and figure is escaped
