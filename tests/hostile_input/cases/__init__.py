"""The form cases: one for every view that takes a POST (some twice: upload and confirm), each
registered in `FORM_CASES` by `form_case` when its module is imported, here."""

from tests.hostile_input.cases import accounts, checklist, participants, reports, rounds
from tests.hostile_input.harness import FORM_CASES

__all__ = ["FORM_CASES", "accounts", "checklist", "participants", "reports", "rounds"]
