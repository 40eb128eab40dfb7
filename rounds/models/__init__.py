"""Rounds (omgångar), their benchmarking groups and mentors, their meetings, and what the
round's people write about them: one module per domain, every public name re-exported here,
so that `from rounds.models import Round` keeps working.

The modules are imported in the order the models were defined in when they were one module,
not alphabetically: the app registry lists models in the order they are created, and what
walks it (a person's export of their changes, accounts.services) keeps that order.
"""

# ruff: noqa: I001

from .rounds import LEVEL_COMMITTEE, LEVEL_ORGANISATION, Round, default_reminder_days
from .groups import BenchmarkingGroup, GroupMentor
from .meetings import (
    KEY_PERSON_FUNCTIONS,
    Attendance,
    Meeting,
    SentNotice,
    default_audience,
    normalise_audience,
)
from .documents import (
    CONTENT_TYPES,
    DocumentKind,
    MeetingMaterial,
    ProgrammeDocument,
    StoredDocument,
    _material_path,
)
from .mentoring import MentorNote, MentorRole
from .evaluation import (
    EVALUATED_KINDS,
    SCORE_MAX,
    SCORE_MIN,
    EvaluationScore,
    EvaluationStatement,
    MeetingEvaluation,
)
from .result_reports import (
    ResultReport,
    ResultReportComment,
    ResultReportDue,
    ResultReportReminder,
)

__all__ = [
    "CONTENT_TYPES",
    "EVALUATED_KINDS",
    "KEY_PERSON_FUNCTIONS",
    "LEVEL_COMMITTEE",
    "LEVEL_ORGANISATION",
    "SCORE_MAX",
    "SCORE_MIN",
    "Attendance",
    "BenchmarkingGroup",
    "DocumentKind",
    "EvaluationScore",
    "EvaluationStatement",
    "GroupMentor",
    "Meeting",
    "MeetingEvaluation",
    "MeetingMaterial",
    "MentorNote",
    "MentorRole",
    "ProgrammeDocument",
    "ResultReport",
    "ResultReportComment",
    "ResultReportDue",
    "ResultReportReminder",
    "Round",
    "SentNotice",
    "StoredDocument",
    # The migrations name these by their path in this package (rounds.models.<name>).
    "_material_path",
    "default_audience",
    "default_reminder_days",
    "normalise_audience",
]
