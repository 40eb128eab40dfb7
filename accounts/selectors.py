"""Reads for the accounts' pages."""

from participants.models import FunctionAssignment


def person_functions(*, person):
    """The person's functions in the organisations taking part in rounds, latest round first."""
    return (
        FunctionAssignment.objects.filter(person=person)
        .select_related("participation__round", "participation__organisation")
        .order_by("-participation__round__starts_on", "function")
    )
