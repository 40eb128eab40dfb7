"""Reading an uploaded Excel workbook (.xlsx) as a stream, refusing a hostile one early.

An .xlsx file is a zip of XML parts. A few kilobytes of it can unpack to gigabytes (a row of
five million cells, a shared string of 200 MB, a part that is a zip bomb), and a reader that
builds each row or the shared strings whole before it looks at them spends that memory and
minutes of time first (openpyxl, even read-only, parses a whole row before `max_col` applies,
and loads every shared string when the workbook opens). So this reader:

1. looks at the zip's directory before it unpacks anything: the number of parts, and the size
   each part declares unpacked, each and all together (zipfile never gives more of a part than
   its declared size, so a part that lies about it fails its checksum instead of growing);
2. reads only the parts a workbook's values are in (the workbook, its relationships, the
   styles, the shared strings and the sheets; never an embedded file or a nested archive), each
   through expat, fed in chunks, with no DTD or entity allowed;
3. counts while it streams and stops at the first cap: the sheet's declared dimension, rows per
   workbook, cells per row, cells per workbook, shared strings and the characters of any one
   text. Cells right of `max_columns` are counted but not kept.

So any file up to the upload limit is refused or read in a few seconds and well under 200 MB
(`make bench-uploads` measures the worst files; figures in the README).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from xml.parsers import expat

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from modellkoncept.errors import DomainError

MAX_PARTS = 1_000
# A sheet of 50 000 rows of the score export unpacks to some 10 MB of XML.
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
MAX_SMALL_PART_BYTES = 4 * 1024 * 1024  # the workbook, its relationships, the styles
MAX_SHARED_STRINGS = 200_000
MAX_TEXT_CHARACTERS = 32_767  # the most Excel itself holds in a cell
MAX_CELLS_PER_ROW = 1_000
MAX_CELLS = 1_000_000
EXCEL_COLUMNS = 16_384  # A to XFD
CHUNK = 64 * 1024

_CELL_REFERENCE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


class _Stop(Exception):
    """Raised inside an expat handler to end the parse with a problem."""

    def __init__(self, error: DomainError):
        super().__init__()
        self.error = error


def unreadable() -> DomainError:
    return DomainError(
        _(
            "The file cannot be read as an Excel workbook (.xlsx). Open it in Excel and save "
            "it again."
        )
    )


def _too_large_part(name: str, size: int, limit: int) -> DomainError:
    return DomainError(
        _(
            "The workbook's part %(part)s unpacks to %(size)s MB, more than the %(limit)s MB a "
            "workbook of self-assessments needs; it is refused unread."
        )
        % {
            "part": name,
            "size": number_format(size // (1024 * 1024)),
            "limit": limit // (1024 * 1024),
        }
    )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _local(name: str) -> str:
    """The element's name without its namespace prefix ("x:c" is "c")."""
    return name.rpartition(":")[2]


def _parser() -> expat.XMLParserType:
    # Without namespace processing: the element names are what the reader needs, and expat
    # then passes them as written (a workbook seldom prefixes them), which is faster.
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args):
        raise _Stop(unreadable())

    # A workbook has no DTD; one here can only be an attempt at entity expansion.
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _feed(archive: zipfile.ZipFile, name: str, parser: expat.XMLParserType) -> None:
    try:
        with archive.open(name) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop as stop:
        raise stop.error from None
    except (
        expat.ExpatError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        KeyError,
        RuntimeError,  # an encrypted part
        NotImplementedError,  # a compression zipfile does not know
    ):
        raise unreadable() from None


def _attributes_of(archive, name, wanted: set[str]) -> list[tuple[str, dict]]:
    """(element, attributes) of every element named in `wanted` of a small part."""
    found = []
    parser = _parser()

    def start(tag, attrs):
        local = _local(tag)
        if local in wanted:
            found.append((local, {_local(k): v for k, v in attrs.items()}))

    parser.StartElementHandler = start
    _feed(archive, name, parser)
    return found


def _relationships(archive, names: set[str], part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) of `part`'s relationships."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in names:
        return {}
    result = {}
    for _tag, attrs in _attributes_of(archive, rels, {"Relationship"}):
        target = attrs.get("Target", "")
        if attrs.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        result[attrs.get("Id", "")] = (attrs.get("Type", "").rsplit("/", 1)[-1], resolved)
    return result


def _check_directory(archive: zipfile.ZipFile) -> set[str]:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise DomainError(
            _("The workbook has %(count)s parts; a workbook of self-assessments has a few dozen.")
            % {"count": number_format(len(infos), force_grouping=True)}
        )
    total = 0
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            raise _too_large_part(info.filename, info.file_size, MAX_PART_BYTES)
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise DomainError(
            _(
                "The workbook unpacks to %(size)s MB, more than the %(limit)s MB a workbook of "
                "self-assessments needs; it is refused unread."
            )
            % {
                "size": number_format(total // (1024 * 1024)),
                "limit": MAX_UNPACKED_BYTES // (1024 * 1024),
            }
        )
    return {info.filename for info in infos}


def _small(archive, names, part) -> None:
    if archive.getinfo(part).file_size > MAX_SMALL_PART_BYTES:
        raise _too_large_part(part, archive.getinfo(part).file_size, MAX_SMALL_PART_BYTES)


def _date_styles(archive, names, part) -> set[int]:
    """The indexes of the cell styles that show a number as a date."""
    if not part or part not in names:
        return set()
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    _small(archive, names, part)
    formats, styles, in_cell_xfs = {}, [], []
    parser = _parser()

    def start(tag, attrs):
        local = _local(tag)
        if local == "numFmt":
            formats[int(attrs.get("numFmtId", "0") or 0)] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            in_cell_xfs.append(True)
        elif local == "xf" and in_cell_xfs:
            styles.append(int(attrs.get("numFmtId", "0") or 0))

    def end(tag):
        if _local(tag) == "cellXfs" and in_cell_xfs:
            in_cell_xfs.pop()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        _feed(archive, part, parser)
    except ValueError:
        raise unreadable() from None
    return {
        index
        for index, format_id in enumerate(styles)
        if is_date_format(formats.get(format_id) or BUILTIN_FORMATS.get(format_id, ""))
    }


def _too_long_text() -> _Stop:
    return _Stop(
        DomainError(
            _("The workbook holds a text of more than %(max)s characters, more than Excel allows.")
            % {"max": number_format(MAX_TEXT_CHARACTERS, force_grouping=True)}
        )
    )


def _shared_strings(archive, names, part) -> list[str]:
    if not part or part not in names:
        return []
    strings: list[str] = []
    state = {"depth": 0, "in_t": False, "skip": 0, "length": 0}
    pieces: list[str] = []
    parser = _parser()

    def start(tag, attrs):
        local = _local(tag)
        if local == "si":
            pieces.clear()
            state["length"] = 0
            if len(strings) >= MAX_SHARED_STRINGS:
                raise _Stop(
                    DomainError(
                        _("The workbook holds more than %(max)s different texts.")
                        % {"max": number_format(MAX_SHARED_STRINGS, force_grouping=True)}
                    )
                )
        elif local in ("rPh", "phoneticPr"):  # pronunciation guides are not the text
            state["skip"] += 1
        elif local == "t" and not state["skip"]:
            state["in_t"] = True

    def end(tag):
        local = _local(tag)
        if local == "si":
            strings.append("".join(pieces))
        elif local in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif local == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"]:
            state["length"] += len(data)
            if state["length"] > MAX_TEXT_CHARACTERS:
                raise _too_long_text()
            pieces.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    _feed(archive, part, parser)
    return strings


class _SheetReader:
    """One sheet's rows, (row number, [value of each column up to max_columns])."""

    def __init__(self, *, title, strings, date_styles, max_columns, budget):
        self.title = title
        self.strings = strings
        self.date_styles = date_styles
        self.max_columns = max_columns
        self.budget = budget  # {"lines": rows left, "cells": cells left}
        self.records: list[tuple[int, list]] = []
        self.row: list | None = None
        self.row_number = 0
        self.row_cells = 0
        self.column = 0
        self.cell_type = "n"
        self.cell_style = 0
        self.keep = False
        self.in_value = False
        self.pieces: list[str] = []
        self.length = 0

    def refuse(self, message: str):
        raise _Stop(DomainError(message))

    def start(self, tag, attrs):
        local = tag if len(tag) < 3 else _local(tag)
        if local == "c":
            self.start_cell(attrs)
        elif local in ("v", "t") and self.keep:
            self.in_value = True
        elif local == "row":
            self.start_row(attrs)
        elif local == "dimension":
            self.check_dimension(attrs.get("ref", ""))

    def check_dimension(self, ref: str):
        last = ref.split(":")[-1].upper()
        match = _CELL_REFERENCE.fullmatch(last)
        if not match:
            return
        columns, rows = _column_number(match.group(1)), int(match.group(2))
        if rows > self.budget["max_lines"] or columns > EXCEL_COLUMNS:
            self.refuse(
                _(
                    "The sheet “%(sheet)s” declares %(rows)s rows and %(columns)s columns; a "
                    "file of self-assessments has at most %(max)s rows. Split it into smaller "
                    "files."
                )
                % {
                    "sheet": self.title,
                    "rows": number_format(rows, force_grouping=True),
                    "columns": number_format(columns, force_grouping=True),
                    "max": number_format(self.budget["max_rows"], force_grouping=True),
                }
            )

    def start_row(self, attrs):
        self.budget["lines"] -= 1
        if self.budget["lines"] < 0:
            raise _Stop(self.budget["too_many_rows"]())
        number = attrs.get("r")
        self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
        self.row, self.row_cells, self.column = [], 0, 0

    def start_cell(self, attrs):
        if self.row is None:  # a cell outside a row: no workbook writes one
            raise _Stop(unreadable())
        self.row_cells += 1
        self.budget["cells"] -= 1
        if self.row_cells > MAX_CELLS_PER_ROW:
            self.refuse(
                _(
                    "Row %(row)s of the sheet “%(sheet)s” has more than %(max)s cells; a row of "
                    "self-assessments has a few."
                )
                % {
                    "row": number_format(self.row_number, force_grouping=True),
                    "sheet": self.title,
                    "max": number_format(MAX_CELLS_PER_ROW, force_grouping=True),
                }
            )
        if self.budget["cells"] < 0:
            self.refuse(
                _("The workbook has more than %(max)s cells. Split it into smaller files.")
                % {"max": number_format(MAX_CELLS, force_grouping=True)}
            )
        reference = attrs.get("r", "")
        match = _CELL_REFERENCE.fullmatch(reference.upper()) if reference else None
        self.column = _column_number(match.group(1)) if match else self.column + 1
        self.keep = self.column <= self.max_columns
        if self.keep:
            self.cell_type = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.cell_style = int(style) if style.isdigit() else 0
            self.pieces, self.length = [], 0

    def text(self, data):
        if self.in_value:
            self.length += len(data)
            if self.length > MAX_TEXT_CHARACTERS:
                raise _too_long_text()
            self.pieces.append(data)

    def end(self, tag):
        local = tag if len(tag) < 3 else _local(tag)
        if local in ("v", "t"):
            self.in_value = False
        elif local == "c" and self.keep:
            self.keep = False
            value = self.value("".join(self.pieces))
            while len(self.row) < self.column - 1:
                self.row.append(None)
            self.row.append(value)
        elif local == "row" and self.row is not None:
            self.records.append((self.row_number, self.row))
            self.row = None

    def value(self, raw: str):
        kind = self.cell_type
        if kind in ("inlineStr", "str", "e", "d"):
            return raw if raw else None
        if not raw:
            return None
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                raise _Stop(unreadable()) from None
        if kind == "b":
            return raw.strip() in ("1", "true")
        try:
            number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        except ValueError:
            raise _Stop(unreadable()) from None
        if self.cell_style in self.date_styles:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number)
            except (ValueError, OverflowError):
                return number
        return number


def read_xlsx(data: bytes, *, max_columns: int, max_lines: int, max_rows: int, too_many_rows):
    """(sheet name, its rows with their numbers), for every sheet of the workbook in `data`,
    each row with the values of its first `max_columns` columns. Raises `DomainError`, with
    a problem people can act on, for a file that is no workbook or passes a cap."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        raise unreadable() from None
    with archive:
        names = _check_directory(archive)
        workbook = next(
            (
                target
                for kind, target in _relationships(archive, names, "").values()
                if kind == "officeDocument"
            ),
            "xl/workbook.xml",
        )
        if workbook not in names:
            raise unreadable()
        _small(archive, names, workbook)
        relationships = _relationships(archive, names, workbook)
        by_kind = dict(relationships.values())
        sheets = [
            (attrs.get("name", ""), attrs.get("id", ""))
            for _tag, attrs in _attributes_of(archive, workbook, {"sheet"})
        ]
        if not sheets:
            raise DomainError(_("The workbook has no sheet."))
        date_styles = _date_styles(archive, names, by_kind.get("styles"))
        strings = _shared_strings(archive, names, by_kind.get("sharedStrings"))
        budget = {
            "lines": max_lines,
            "cells": MAX_CELLS,
            "max_lines": max_lines,
            "max_rows": max_rows,
            "too_many_rows": too_many_rows,
        }
        result = []
        for title, relationship in sheets:
            kind, part = relationships.get(relationship, ("", ""))
            if kind != "worksheet" or part not in names:
                continue  # a chart sheet or a dialog sheet holds no cells
            reader = _SheetReader(
                title=title,
                strings=strings,
                date_styles=date_styles,
                max_columns=max_columns,
                budget=budget,
            )
            parser = _parser()
            parser.StartElementHandler = reader.start
            parser.EndElementHandler = reader.end
            parser.CharacterDataHandler = reader.text
            parser.buffer_text = True
            _feed(archive, part, parser)
            result.append((title, reader.records))
        if not result:
            raise DomainError(_("The workbook has no sheet."))
        return result
