"""Reading a CSV or Excel file of scores into rows, with the limits that keep a hostile file
harmless."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from checklist.workbook import read_xlsx
from modellkoncept.errors import DomainError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
# Blank rows are skipped, but each one is still read: a small .xlsx can hold a great many.
MAX_LINES = 2 * MAX_ROWS
# Columns to the right of this are not read, so a stray cell far out cannot inflate every row.
MAX_COLUMNS = 30
MAX_COMMENT_LENGTH = 4000  # as on the assessment page
# Text starting with one of these a spreadsheet takes for a formula: an export writes it with an
# apostrophe before it (so Excel shows it as text), and an import takes the apostrophe off.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

REQUIRED_COLUMNS = ("organisation", "meeting", "item", "score")
OPTIONAL_COLUMNS = ("comment",)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# The score export's columns that describe a row for people reading it; they are not read, so
# that an exported file (reports.exports) can be corrected in Excel and imported again.
DESCRIPTIVE_COLUMNS = (
    "organisation_name",
    "withdrawn_on",
    "assessment",
    "meeting_title",
    "meeting_date",
    "item_text",
)
# The columns' names as an export writes them, in the reader's language; an import takes
# these (in any of the site's languages) as well as the keys themselves.
COLUMN_LABELS = {
    "organisation": gettext_lazy("Organisation"),
    "organisation_name": gettext_lazy("Organisation name"),
    "withdrawn_on": gettext_lazy("Withdrew"),
    "assessment": gettext_lazy("Assessment"),
    "meeting": gettext_lazy("Meeting"),
    "meeting_title": gettext_lazy("Meeting title"),
    "meeting_date": gettext_lazy("Meeting date"),
    "item": gettext_lazy("Item"),
    "item_text": gettext_lazy("Item text"),
    "score": gettext_lazy("Score"),
    "comment": gettext_lazy("Comment"),
}


def column_key(name: str) -> str:
    """The column a heading names: its key ("score"), or its label in one of the site's
    languages ("Poäng", "Score"), case and surrounding spaces aside."""
    name = name.strip().lower()
    if name in COLUMN_LABELS:
        return name
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            for key, label in COLUMN_LABELS.items():
                if str(label).lower() == name:
                    return key
    return name


@dataclass(frozen=True)
class Row:
    """One data row of the file, as text, with the line it is on (the CSV file's physical line,
    or the Excel row number), so that every problem can name it.

    `comment` is None when the file has no comment column: then existing comments are kept.
    """

    line: int
    organisation: str
    meeting: str
    item: str
    score: str
    comment: str | None = None
    sheet: str = ""  # the sheet's name, in a workbook with scores on several sheets

    @property
    def place(self) -> str:
        """Where the row is, for a message: its line, and its sheet where there are several."""
        return f"{self.line} ({self.sheet})" if self.sheet else str(self.line)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Row:
        return cls(
            line=int(data["line"]),
            sheet=str(data.get("sheet", "")),
            organisation=str(data["organisation"]),
            meeting=str(data["meeting"]),
            item=str(data["item"]),
            score=str(data["score"]),
            comment=None if data.get("comment") is None else str(data["comment"]),
        )


# Reading the file.


def parse_rows(file, filename: str) -> list[Row]:
    """Read a CSV (UTF-8, with or without BOM, `,` or `;` between values) or .xlsx file into
    rows. The first non-blank line names the columns; blank rows are skipped. A workbook is read
    sheet by sheet, every sheet that names the columns (the score export has one for each
    assessment, and one of means, which is passed over); if none does, the first one's problems
    are reported.

    Raises `DomainError` with every problem found for a file that cannot be read, is too large,
    has unknown or missing columns, or has values outside the named columns.
    """
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".csv":
        return _rows(_csv_records(data))
    if suffix == ".xlsx":
        return _workbook_rows(_xlsx_records(data))
    else:
        raise DomainError(
            _(
                "Choose a CSV file (.csv) or an Excel workbook (.xlsx). Save an older Excel "
                "file (.xls) as .xlsx first."
            )
        )


def _workbook_rows(sheets: list[tuple[str, list[tuple[int, list]]]]) -> list[Row]:
    """The rows of every sheet that names the columns, each row with its sheet's name when
    there is more than one such sheet."""
    with_scores = [(title, records) for title, records in sheets if _names_the_columns(records)]
    if not with_scores:
        return _rows(sheets[0][1])
    several = len(with_scores) > 1
    rows = [
        row
        for title, records in with_scores
        for row in _rows(records, sheet=title if several else "")
    ]
    if len(rows) > MAX_ROWS:
        raise _too_many_rows()
    return rows


def _names_the_columns(records: Sequence[tuple[int, list]]) -> bool:
    for _line, cells in records:
        names = {column_key(_text(value)) for value in cells}
        if any(names - {""}):  # the first line that is not blank
            return set(REQUIRED_COLUMNS) <= names
    return False


def _csv_records(data: bytes) -> list[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            _(
                "The file cannot be read as CSV text in UTF-8. In Excel, save it as "
                "“CSV UTF-8 (comma delimited)”, or upload the workbook (.xlsx) itself."
            )
        ) from None
    if "\x00" in text:
        raise DomainError(_("The file cannot be read as CSV text: it holds binary data."))
    # Swedish Excel separates values with semicolons (the comma is the decimal sign there).
    # The heading names no value with either sign in it, so its first line decides.
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    end_of_previous = 0
    try:
        for cells in reader:
            # A quoted value may run over several lines; the row starts after the last one.
            records.append((end_of_previous + 1, cells))
            end_of_previous = reader.line_num
            if end_of_previous > MAX_LINES:
                raise _too_many_rows()
    except csv.Error:
        raise DomainError(
            _("Line %(line)s cannot be read as CSV.") % {"line": end_of_previous + 1}
        ) from None
    return records


def _xlsx_records(data: bytes) -> list[tuple[str, list[tuple[int, list]]]]:
    """(sheet name, its rows with their numbers), for every sheet of the workbook, read as a
    stream that stops at the first cap (`checklist.workbook`)."""
    return read_xlsx(
        data,
        max_columns=MAX_COLUMNS,
        max_lines=MAX_LINES,
        max_rows=MAX_ROWS,
        too_many_rows=_too_many_rows,
    )


def _too_many_rows() -> DomainError:
    return DomainError(
        _("The file has more than %(max)s rows. Split it into smaller files.")
        % {"max": number_format(MAX_ROWS, force_grouping=True)}
    )


def _text(value) -> str:
    """A cell as text. Excel gives numbers as int or float (2.0 for 2) and dates as datetime.
    The apostrophe an export puts before text that a spreadsheet would take for a formula
    (`FORMULA_STARTS`) is taken off again."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text.strip()


def _rows(records: Sequence[tuple[int, list]], *, sheet: str = "") -> list[Row]:
    data = [(line, [_text(v) for v in cells]) for line, cells in records]
    data = [(line, cells) for line, cells in data if any(cells)]
    if not data:
        raise DomainError(_("The file is empty."))
    header_line, header = data[0]
    columns = _columns(header)
    if len(data) - 1 > MAX_ROWS:
        raise _too_many_rows()
    problems = []
    rows = []
    for line, cells in data[1:]:
        if any(
            value and (index >= len(header) or not header[index])
            for index, value in enumerate(cells)
        ):
            problems.append(
                _("Line %(line)s has a value in a column without a name in line %(header)s.")
                % {"line": line, "header": header_line}
            )
            continue
        values = {
            name: cells[index] if index < len(cells) else "" for name, index in columns.items()
        }
        rows.append(
            Row(
                line=line,
                organisation=values["organisation"],
                meeting=values["meeting"],
                item=values["item"],
                score=values["score"],
                comment=values.get("comment"),
                sheet=sheet,
            )
        )
    if problems:
        raise DomainError(problems)
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    """Where each column is, by name (case does not matter); every problem at once."""
    columns: dict[str, int] = {}
    unknown, repeated = [], []
    for index, name in enumerate(header):
        key = column_key(name)
        if not key:
            continue
        if key in DESCRIPTIVE_COLUMNS:
            continue
        if key not in COLUMNS:
            unknown.append(name)
        elif key in columns:
            repeated.append(name)
        else:
            columns[key] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    problems = []
    if unknown:
        problems.append(
            ngettext("Unknown column: %(columns)s.", "Unknown columns: %(columns)s.", len(unknown))
            % {"columns": ", ".join(f"“{name}”" for name in unknown)}
        )
    if repeated:
        problems.append(
            _("Columns named more than once: %(columns)s.")
            % {"columns": ", ".join(f"“{name}”" for name in repeated)}
        )
    if missing:
        problems.append(
            ngettext("Missing column: %(columns)s.", "Missing columns: %(columns)s.", len(missing))
            % {"columns": ", ".join(f"“{name}”" for name in missing)}
        )
    if problems:
        problems.append(
            _(
                "The first line must name the columns organisation, meeting, item, score and "
                "(if you like) comment."
            )
        )
        raise DomainError(problems)
    return columns
