"""`{% organisation_result_reports participation %}`: the result reports section of an
organisation's page, each year of the round so far with the report where the reader may see
it (rounds/selectors/result_reports.py)."""

from django import template

from rounds.selectors.result_reports import organisation_reports

register = template.Library()


@register.inclusion_tag("rounds/_organisation_result_reports.html", takes_context=True)
def organisation_result_reports(context, participation):
    user = context["request"].user
    return {
        "participation": participation,
        "years": organisation_reports(participation=participation, user=user),
    }
