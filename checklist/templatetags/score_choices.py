"""`{% score_choices field %}`: the radio buttons of one item of the self-assessment's form,
one per step of the scale, each with its label (`checklist.views.FieldRow`).

The form shows a few steps for each of a checklist's items; written out by the template, each
step costs a loop, a dozen variables and a condition, more than the rest of the page together.
The markup is the one site.css describes (`.score-choices`), every value escaped."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def score_choices(field) -> str:
    """`<div class="score-choice">` with its radio button and label, for each step."""
    name = escape(field.score_name)
    number = field.number
    html = []
    for value, label, chosen in field.choices:
        value = escape(value)
        html.append(
            '<div class="score-choice">'
            f'<input class="score-choice-input" type="radio" name="{name}"'
            f' id="item-{number}-{value}" value="{value}"{" checked" if chosen else ""}>'
            f'<label class="score-choice-label" for="item-{number}-{value}">'
            f'<span class="score-choice-value">{value}</span> '
            f'<span class="score-choice-text">{escape(label)}</span>'
            "</label></div>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value is escaped above
