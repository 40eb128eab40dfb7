"""Steps the journeys share: following a link as a person would, and choosing a score on the
self-assessment page."""

from __future__ import annotations

import re

from tests.e2e.conftest import is_save

REPORT_TIMEOUT_MS = 180_000  # a worker renders the PDFs; WeasyPrint takes a few seconds each


class MissingLink(AssertionError):
    """A page a person needs has no link to it from where they are: the journey went on by
    typing the address, and fails at its end with this."""


def follow(page, name, problems: list[str], *, where: str, fallback: str) -> None:
    """Click the link a person would take; if there is none, note it and type the address."""
    link = page.get_by_role("link", name=name)
    if link.count():
        link.first.click()
    else:
        problems.append(f"{where} has no link “{name.pattern}” (to {fallback})")
        page.goto(fallback)


def item_group(page, number: int):
    """An item of the checklist: its fieldset, named by its legend “N. …”."""
    return page.get_by_role("group", name=re.compile(rf"^{number}\.\s"))


def choose_score(page, number: int, score: int) -> None:
    """Click the score's card and wait for the draft to be saved as you go."""
    with page.expect_response(is_save):
        item_group(page, number).get_by_role("radio", name=re.compile(rf"^{score}\b")).check()
