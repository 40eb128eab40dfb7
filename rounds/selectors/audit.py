"""A round's action log, as its audit page shows it."""

from __future__ import annotations

from django.core.paginator import Paginator

from modellkoncept.actions import show
from modellkoncept.models import LogEntry
from rounds.models import Round

# The audit trail


def round_audit(*, round: Round):
    """Everything that happened in the round, newest first, from the action log: a queryset
    for a paginator; `show()` makes a page of it readable (`round_audit_page`)."""
    return (
        LogEntry.objects.filter(round_id=round.pk)
        .select_related("user")
        .order_by("-datetime", "-id")
    )


def round_audit_page(entries) -> list:
    """One page of `round_audit` as people read it, in the active language, with what each
    entry is about."""
    return show(entries, subjects=True)


AUDIT_PAGE_SIZE = 100


def round_audit_paged(*, round: Round, page_number=1):
    """One page of the round's audit trail: (the paginator's page, its entries as people read
    them)."""
    page = Paginator(round_audit(round=round), AUDIT_PAGE_SIZE).get_page(page_number)
    return page, round_audit_page(page.object_list)
