"""Hostile files and JSON: for the upload forms' cases and for the imports as functions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import time_machine
from hypothesis import strategies as st

from tests.hostile import hostile_text, hostile_value, valid


def csv_bytes(draw) -> bytes:
    header = draw(
        st.one_of(
            st.just(["organisation", "meeting", "item", "score", "comment"]),
            st.lists(st.one_of(valid("organisation", "meeting", "item", "score"), hostile_text())),
        )
    )
    rows = draw(st.lists(st.lists(hostile_value(), max_size=6), max_size=6))
    valid_rows = draw(
        st.lists(
            st.tuples(
                valid("9101", "9102", "9201", "101", "0"),
                valid("learning-meeting-1-ga1", "LEARNING-MEETING-1-GA1", "x"),
                valid(*range(0, 12)),
                valid(1, 2, 3, "2,0", 4),
            ).map(list),
            max_size=12,
        )
    )
    if draw(st.booleans()):  # a whole assessment, so that some files import
        header = ["organisation", "meeting", "item", "score", "comment"]
        whole = [
            ["9101", "learning-meeting-1-ga1", n, draw(valid(1, 2, 3)), ""] for n in range(1, 11)
        ]
        valid_rows = whole + valid_rows[: draw(st.integers(0, 2))]
        rows = rows[: draw(st.integers(0, 1))]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(valid_rows + rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return out.getvalue().encode(encoding, errors="replace")


# The instant every generated workbook is made and saved at. openpyxl writes the time into the
# file's properties, and its zip entries carry the time (the worksheet's that of a temporary
# file), so a workbook saved a second later is other bytes, may compress to another length, and
# Hypothesis, replaying an example, would draw positions in another file.
WORKBOOK_SAVED_AT = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)


def xlsx_bytes(draw) -> bytes:
    """A workbook of hostile cells, the same bytes for the same draws whenever it is made."""
    with time_machine.travel(WORKBOOK_SAVED_AT, tick=False):
        return _xlsx_bytes(draw)


def _entries_dated(data: bytes, when: dt.datetime) -> bytes:
    """The zip `data` with every entry dated `when`."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            info.date_time = when.timetuple()[:6]
            copy.writestr(info, source.read(info))
    return out.getvalue()


def _xlsx_bytes(draw) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["organisation", "meeting", "item", "score", "comment"])
    cell = st.one_of(
        hostile_text(20),
        st.integers(-(10**15), 10**15),
        st.floats(allow_nan=False, allow_infinity=False),
        st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
        st.none(),
        st.booleans(),
        valid("=1+1", "=A1", "9101", "learning-meeting-1-ga1"),
    )
    for row in draw(st.lists(st.lists(cell, max_size=6), max_size=6)):
        # Excel cannot hold control characters; openpyxl refuses them before any file exists.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    try:
        workbook.save(out)
    except Exception:  # openpyxl refuses some characters in cells; the file is then random
        return draw(st.binary(max_size=200))
    data = _entries_dated(out.getvalue(), WORKBOOK_SAVED_AT)
    cut = draw(st.sampled_from([None, None, len(data) // 2, 100]))
    return data if cut is None else data[:cut]


# The round archive upload: hostile JSON


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | hostile_text(20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            hostile_text(12) | valid("format", "round", "slug", "meetings"), children, max_size=4
        )
    ),
    max_leaves=25,
)


def mutate(document, draw, depth: int = 0):
    """The document with one value somewhere in it replaced by hostile JSON."""
    if depth > 6 or not isinstance(document, dict | list) or not document or draw(st.booleans()):
        return draw(json_values)
    if isinstance(document, dict):
        key = draw(st.sampled_from(sorted(document)))
        if draw(st.integers(0, 9)) == 0:
            return {k: v for k, v in document.items() if k != key}
        return {**document, key: mutate(document[key], draw, depth + 1)}
    index = draw(st.integers(0, len(document) - 1))
    return [*document[:index], mutate(document[index], draw, depth + 1), *document[index + 1 :]]
