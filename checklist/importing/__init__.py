"""Bringing in older self-assessments from a file: SKR's earlier rounds kept the checklist in
Excel.

A file (CSV or .xlsx) has one row per organisation, meeting and item, with the columns
`organisation` (its code), `meeting` (the meeting's key in the round), `item` (its number),
`score` and, optionally, `comment`; the descriptive columns of the score export may be there
too and are not read, so an exported file imports again. Reading the file (`parse_rows`) is
kept apart from checking it against the round (`assessments_import_plan`) and from writing
(`assessments_import`), so that the upload page can show what would happen before anything is
saved.

One file imports as one transaction: every row is checked first, every problem is reported at
once with the line it is on, and if there is any problem nothing is written. Imported
assessments are submitted, so each organisation and meeting in the file needs a score for every
item of the round's checklist.

The package: `parsing` (a CSV or Excel file read into rows), `plan` (the rows checked
against the round into a plan), `service` (the plan written), `session` (the rows kept between the
preview and the import) and `forms` (the upload form)."""

from checklist.importing.forms import AssessmentImportForm
from checklist.importing.parsing import (
    COLUMN_LABELS,
    COLUMNS,
    DESCRIPTIVE_COLUMNS,
    FORMULA_STARTS,
    MAX_COLUMNS,
    MAX_COMMENT_LENGTH,
    MAX_FILE_BYTES,
    MAX_LINES,
    MAX_ROWS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Row,
    _text,
    column_key,
    parse_rows,
)
from checklist.importing.plan import ImportPlan, PlannedAssessment, assessments_import_plan
from checklist.importing.service import ImportResult, assessments_import
from checklist.importing.session import (
    SESSION_MAX_BYTES,
    pending_forget,
    pending_keep,
    pending_rows,
)

__all__ = [
    "COLUMNS",
    "COLUMN_LABELS",
    "DESCRIPTIVE_COLUMNS",
    "FORMULA_STARTS",
    "MAX_COLUMNS",
    "MAX_COMMENT_LENGTH",
    "MAX_FILE_BYTES",
    "MAX_LINES",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "SESSION_MAX_BYTES",
    "AssessmentImportForm",
    "ImportPlan",
    "ImportResult",
    "PlannedAssessment",
    "Row",
    "_text",
    "assessments_import",
    "assessments_import_plan",
    "column_key",
    "parse_rows",
    "pending_forget",
    "pending_keep",
    "pending_rows",
]
