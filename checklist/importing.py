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
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from checklist import services
from checklist.models import Answer, SelfAssessment
from checklist.workbook import read_xlsx
from modellkoncept.errors import DomainError
from participants.models import Participation
from rounds.models import Meeting, Round

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


# Checking the rows against the round.


@dataclass
class PlannedAssessment:
    """What the import will do for one organisation and meeting."""

    participation: Participation
    meeting: Meeting
    existing: SelfAssessment | None
    scores: dict[int, int] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)

    @property
    def creates(self) -> bool:
        return self.existing is None

    @property
    def is_locked(self) -> bool:
        """The assessment is (or, once created, will be) locked: its meeting is over. The
        import records it all the same, and it stays locked."""
        if self.existing is not None:
            return self.existing.is_locked
        return self.meeting.ends_at <= timezone.now()


@dataclass(frozen=True)
class ImportPlan:
    rows: int
    assessments: list[PlannedAssessment]

    @property
    def created(self) -> int:
        return sum(1 for planned in self.assessments if planned.creates)

    @property
    def updated(self) -> int:
        return len(self.assessments) - self.created


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int


_WHOLE_NUMBER = re.compile(r"\d+(?:[.,]0+)?")


def _whole_number(text: str) -> int | None:
    text = text.strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    return int(re.split(r"[.,]", text)[0])


class _Lookup:
    """The round's participants, meetings and checklist, read once."""

    def __init__(self, round_: Round):
        self.round = round_
        self.version = round_.checklist_version
        self.item_numbers = set(self.version.items.values_list("number", flat=True))
        self.participations = {
            p.organisation.code: p
            for p in Participation.objects.filter(round=round_).select_related(
                "organisation", "group"
            )
        }
        meetings = list(Meeting.objects.filter(round=round_).select_related("group"))
        self.meetings = {m.key: m for m in meetings}
        self.meetings_folded = {m.key.casefold(): m for m in meetings}

    def participation(self, code: str) -> Participation | None:
        found = self.participations.get(code)
        if found is None and code.isdigit() and len(code) < 4:
            # Excel drops leading zeros from codes kept as numbers: 114 is 0114 (Upplands
            # Väsby), 1 is 01 (Stockholm's region). Take the padded code only if it is unique.
            candidates = {
                self.participations.get(code.zfill(4)),
                self.participations.get(code.zfill(2)),
            } - {None}
            if len(candidates) == 1:
                found = candidates.pop()
        return found

    def meeting(self, key: str) -> Meeting | None:
        return self.meetings.get(key) or self.meetings_folded.get(key.casefold())


def assessments_import_plan(
    *, round: Round, rows: Iterable[Row], submit: bool = True
) -> ImportPlan:
    """Check every row against the round and say what importing them would do, writing
    nothing. Raises `DomainError` listing every problem, each naming its line."""
    rows = list(rows)
    if not rows:
        raise DomainError(_("The file has no rows to import."))
    lookup = _Lookup(round)
    version = lookup.version
    problems: list[str] = []
    planned: dict[tuple[int, int], PlannedAssessment] = {}
    # The line each organisation, meeting and item is first on.
    seen: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)

    for row in rows:
        line = row.place
        code, key = row.organisation.strip(), row.meeting.strip()
        row_problems: list[str] = []

        participation = None
        if not code:
            row_problems.append(_("Line %(line)s: no organisation code.") % {"line": line})
        else:
            participation = lookup.participation(code)
            if participation is None:
                row_problems.append(
                    _(
                        "Line %(line)s: no organisation with the code “%(code)s” takes part "
                        "in %(round)s."
                    )
                    % {"line": line, "code": code, "round": round}
                )
            elif not participation.is_participant:
                row_problems.append(
                    _(
                        "Line %(line)s: %(organisation)s (%(code)s) is a mentor in %(round)s; "
                        "only participants assess themselves."
                    )
                    % {
                        "line": line,
                        "organisation": participation.organisation.name,
                        "code": code,
                        "round": round,
                    }
                )
                participation = None

        meeting = None
        if not key:
            row_problems.append(_("Line %(line)s: no meeting key.") % {"line": line})
        else:
            meeting = lookup.meeting(key)
            if meeting is None:
                row_problems.append(
                    _("Line %(line)s: %(round)s has no meeting with the key “%(key)s”.")
                    % {"line": line, "round": round, "key": key}
                )
            elif not meeting.assessment_due:
                row_problems.append(
                    _("Line %(line)s: no self-assessment is due before the meeting “%(key)s”.")
                    % {"line": line, "key": meeting.key}
                )
                meeting = None

        if (
            participation is not None
            and meeting is not None
            and meeting.group_id is not None
            and meeting.group_id != participation.group_id
        ):
            row_problems.append(
                _(
                    "Line %(line)s: the meeting “%(key)s” is for the group %(group)s, and "
                    "%(organisation)s (%(code)s) is not in it."
                )
                % {
                    "line": line,
                    "key": meeting.key,
                    "group": meeting.group.name,
                    "organisation": participation.organisation.name,
                    "code": participation.organisation.code,
                }
            )
            meeting = None

        number = _whole_number(row.item)
        if not row.item.strip():
            row_problems.append(_("Line %(line)s: no item number.") % {"line": line})
            number = None
        elif number not in lookup.item_numbers:
            row_problems.append(
                _("Line %(line)s: there is no item “%(item)s” on the checklist %(version)s.")
                % {"line": line, "item": row.item.strip(), "version": version}
            )
            number = None

        score = _whole_number(row.score)
        if not row.score.strip():
            row_problems.append(_("Line %(line)s: no score.") % {"line": line})
        elif score is None:
            row_problems.append(
                _("Line %(line)s: the score “%(score)s” is not a whole number.")
                % {"line": line, "score": row.score.strip()}
            )
        elif score not in version.scale:
            row_problems.append(
                _(
                    "Line %(line)s: the score %(score)s for item %(item)s is outside the "
                    "scale, %(min)s to %(max)s."
                )
                % {
                    "line": line,
                    "score": score,
                    "item": row.item.strip(),
                    "min": version.scale_min,
                    "max": version.scale_max,
                }
            )
            score = None

        comment = None if row.comment is None else row.comment.strip()
        if comment is not None and len(comment) > MAX_COMMENT_LENGTH:
            row_problems.append(
                _("Line %(line)s: the comment is longer than %(max)s characters.")
                % {"line": line, "max": MAX_COMMENT_LENGTH}
            )

        if participation is None or meeting is None:
            problems.extend(row_problems)
            continue
        pair = (participation.pk, meeting.pk)
        if number is not None:
            first = seen[pair].setdefault(number, line)
            if first != line:
                row_problems.append(
                    _(
                        "Line %(line)s: organisation %(code)s, meeting “%(key)s”, item %(item)s "
                        "is already on line %(first)s."
                    )
                    % {
                        "line": line,
                        "code": participation.organisation.code,
                        "key": meeting.key,
                        "item": number,
                        "first": first,
                    }
                )
        problems.extend(row_problems)
        entry = planned.setdefault(
            pair,
            PlannedAssessment(participation=participation, meeting=meeting, existing=None),
        )
        if number is not None and score is not None:
            entry.scores[number] = score
            if comment is not None:
                entry.comments[number] = comment

    for pair, entry in planned.items():
        missing = sorted(lookup.item_numbers - set(seen[pair]))
        if submit and missing:
            problems.append(
                ngettext(
                    "%(organisation)s (%(code)s), meeting “%(key)s”: item %(items)s is "
                    "missing. An imported self-assessment is submitted, so every item needs a "
                    "score.",
                    "%(organisation)s (%(code)s), meeting “%(key)s”: items %(items)s are "
                    "missing. An imported self-assessment is submitted, so every item needs a "
                    "score.",
                    len(missing),
                )
                % {
                    "organisation": entry.participation.organisation.name,
                    "code": entry.participation.organisation.code,
                    "key": entry.meeting.key,
                    "items": ", ".join(str(n) for n in missing),
                }
            )
    if problems:
        raise DomainError(problems)

    existing = {
        (a.participation_id, a.meeting_id): a
        for a in SelfAssessment.objects.filter(
            participation__round=round, meeting_id__in={m for (_p, m) in planned}
        )
        .select_related("meeting")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("item")))
    }
    assessments = []
    for pair, entry in planned.items():
        entry.existing = existing.get(pair)
        assessments.append(entry)
    assessments.sort(
        key=lambda e: (e.meeting.starts_at, e.meeting.key, e.participation.organisation.name)
    )
    return ImportPlan(rows=len(rows), assessments=assessments)


# Writing.


@transaction.atomic
def assessments_import(
    *, round: Round, rows: Iterable[Row], by, submit: bool = True
) -> ImportResult:
    """Import the rows as one transaction: check them all (`assessments_import_plan`), then
    record each organisation's assessment before each meeting, submitted (or, with
    `submit=False`, as a draft; an assessment already submitted stays submitted).

    Older data belongs to meetings that are over, whose assessments are locked to their
    organisations; `assessment_record` writes a record of the past all the same, without
    opening the assessment, so it stays locked. An assessment that exists is updated, and its
    history keeps the values it replaced and says who recorded the new ones. Items and comments
    the file does not give keep the values they had.
    """
    plan = assessments_import_plan(round=round, rows=rows, submit=submit)
    now = timezone.now()
    created = 0
    for planned in plan.assessments:
        try:
            created += _import_one(planned, by=by, now=now, submit=submit)
        except DomainError as error:
            # Only a change made between the check and this moment gets here.
            raise DomainError(
                [
                    _("%(organisation)s (%(code)s), meeting “%(key)s”: %(problem)s")
                    % {
                        "organisation": planned.participation.organisation.name,
                        "code": planned.participation.organisation.code,
                        "key": planned.meeting.key,
                        "problem": message,
                    }
                    for message in error.messages
                ]
            ) from error
    return ImportResult(rows=plan.rows, created=created, updated=len(plan.assessments) - created)


def _import_one(planned: PlannedAssessment, *, by, now, submit: bool) -> bool:
    """Record one assessment; whether it was created."""
    scores, comments = {}, {}
    existing = planned.existing
    if existing is not None:
        for answer in existing.answers.all():
            scores[answer.item.number] = answer.score
            comments[answer.item.number] = answer.comment
    # The file says nothing of when an assessment was made, so it is submitted as it is
    # recorded, and its history is dated so. A draft import into a submitted assessment
    # updates it; it does not withdraw it.
    submitted = submit or (existing is not None and existing.has_submitted_version)
    if (
        existing is not None
        and submitted == existing.has_submitted_version
        and scores | planned.scores == scores
        and comments | planned.comments == comments
    ):
        return False  # the file says what is saved: who submitted it, and when, stay
    _assessment, created = services.assessment_record(
        participation=planned.participation,
        meeting=planned.meeting,
        scores=scores | planned.scores,
        comments=comments | planned.comments,
        submitted_at=now if submitted else None,
        by=by,
    )
    return created


# The upload page: a file is checked first and imported on confirmation, without being uploaded
# again. In between, its rows wait in the user's session, under the round.

# Far more than a round's file holds (48 organisations, 6 meetings and 10 items make some 3 000
# rows, 200 kB); a larger file is imported with the command.
SESSION_MAX_BYTES = 2_000_000


def _session_key(round_: Round) -> str:
    return f"checklist-import-{round_.pk}"


def pending_keep(session, *, round: Round, rows: Sequence[Row], filename: str) -> str:
    """Keep checked rows in the session until the import is confirmed. Returns their digest,
    which the confirming form carries, so that confirming a page imports the rows that page
    showed, even if another tab has checked another file since."""
    data = [row.as_dict() for row in rows]
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    if len(encoded) > SESSION_MAX_BYTES:
        raise DomainError(
            _(
                "The file is too large to check and import on this page. Split it into "
                "smaller files, or ask the administrator to import it with the command "
                "import_assessments."
            )
        )
    digest = hashlib.sha256(encoded).hexdigest()
    session[_session_key(round)] = {"rows": data, "digest": digest, "filename": filename}
    return digest


def pending_rows(session, *, round: Round, digest: str) -> tuple[list[Row], str] | None:
    """The rows kept for the round and their file's name, if the digest is theirs."""
    pending = session.get(_session_key(round))
    if not pending or not digest or pending.get("digest") != digest:
        return None
    return [Row.from_dict(data) for data in pending["rows"]], pending["filename"]


def pending_forget(session, *, round: Round) -> None:
    session.pop(_session_key(round), None)


class AssessmentImportForm(forms.Form):
    # It lives here rather than in forms.py because it reads the file with `parse_rows` and
    # serves the import alone.
    file = forms.FileField(
        label=gettext_lazy("File with self-assessments"),
        help_text=gettext_lazy(
            "A CSV file (UTF-8, values separated by comma or semicolon) or an Excel workbook "
            "(.xlsx), at most 5 MB. The first line names the columns: organisation (the "
            "organisation's code), meeting (the meeting's key), item (its number), score and, "
            "if you like, comment. One line per organisation, meeting and item."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        upload.seek(0)
        self.rows = parse_rows(upload, upload.name)
        return upload

    def full_clean(self):
        super().full_clean()
        if self.is_bound and "file" in self.errors:
            self.fields["file"].widget.attrs["class"] = "form-control is-invalid"
