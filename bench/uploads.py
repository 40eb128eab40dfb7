"""`make bench-uploads`: the worst workbooks an upload can be, and what reading each costs.

Each hostile file is at most the upload limit (5 MB) and is built here, in a temporary
directory, as an attacker would build it: a row of five million cells, a shared string of
200 MB, a sheet declaring a million rows, a zip bomb (a part that unpacks to a gigabyte), a
nested zip bomb (archives inside an archive), an entity expansion, and, for comparison, the
largest file the import accepts. Each is read by the score import (`checklist.importing.
parse_rows`, which every upload of a workbook goes through) in a fresh process, which reports
the seconds, the peak memory Python allocated while reading (tracemalloc) and the process's
peak resident memory (getrusage; it includes Django and the interpreter, some 60 MB). The
seconds are given as the clock and as the CPU time the process used (on a shared machine the
clock also counts the time others had the processor).

    python -m bench.uploads            # every file; a Markdown table
    python -m bench.uploads --json     # the same as JSON

The tests (tests/checklist/test_import_page.py) build the same files with the functions here and
check that each is refused with its problem and nothing saved; they time nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>organisation</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>meeting</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>item</t></is></c>'
    b'<c r="D1" t="inlineStr"><is><t>score</t></is></c></row>'
)
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    b'"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
    b'"xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    b'sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)
CHUNK = 1024 * 1024


def _write_part(archive: zipfile.ZipFile, name: str, chunks) -> None:
    """Write a part from an iterable of byte strings, compressed as it goes (a gigabyte
    never sits in memory)."""
    with archive.open(name, "w", force_zip64=True) as part:
        for chunk in chunks:
            part.write(chunk)


def _repeat(unit: bytes, count: int):
    """`unit` `count` times, in chunks of about a megabyte."""
    per_chunk = max(1, CHUNK // len(unit))
    block = unit * per_chunk
    while count >= per_chunk:
        yield block
        count -= per_chunk
    if count:
        yield unit * count


def workbook(path: Path, *, sheet=None, shared_strings=None, extra=()) -> Path:
    """A minimal .xlsx: `sheet` and `shared_strings` are iterables of bytes (the sheet's XML
    whole; the shared strings' part whole), `extra` (name, bytes) parts besides."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        sheet = sheet if sheet is not None else [SHEET_START, b"<sheetData>", HEADER_ROW]
        _write_part(archive, "xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            _write_part(archive, "xl/sharedStrings.xml", shared_strings)
        for name, data in extra:
            archive.writestr(name, data)
    return path


def _closing():
    yield b"</sheetData></worksheet>"


def one_long_row(path: Path, cells: int = 5_000_000) -> Path:
    """A sheet whose second row has `cells` cells."""
    return workbook(
        path,
        sheet=[
            SHEET_START,
            b"<sheetData>",
            HEADER_ROW,
            b'<row r="2">',
            *_repeat(b"<c><v>1</v></c>", cells),
            b"</row>",
            *_closing(),
        ],
    )


def long_shared_string(path: Path, characters: int = 200 * 1024 * 1024) -> Path:
    """One shared string of `characters` characters, used by a cell."""
    return workbook(
        path,
        sheet=[
            SHEET_START,
            b"<sheetData>",
            HEADER_ROW,
            b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
            *_closing(),
        ],
        shared_strings=[
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>',
            *_repeat(b"A", characters),
            b"</t></si></sst>",
        ],
    )


def huge_dimension(path: Path) -> Path:
    """A sheet declaring every row and column Excel has (and the header row alone)."""
    return workbook(
        path,
        sheet=[
            SHEET_START,
            b'<dimension ref="A1:XFD1048576"/><sheetData>',
            HEADER_ROW,
            *_closing(),
        ],
    )


def zip_bomb(path: Path, size: int = 1024 * 1024 * 1024) -> Path:
    """A sheet part that unpacks to `size` bytes (a gigabyte of blank rows' padding)."""
    return workbook(
        path,
        sheet=[
            SHEET_START,
            b"<sheetData>",
            HEADER_ROW,
            *_repeat(b" " * 1024, size // 1024),
            *_closing(),
        ],
    )


def nested_zip_bomb(path: Path, depth: int = 3, width: int = 10) -> Path:
    """Archives inside an archive inside the workbook (as 42.zip): each level holds `width`
    copies of the one below; the innermost is 1 MB of zeros, so 1 GB when all is unpacked."""
    inner = _zip_bytes([("0.bin", b"\0" * (1024 * 1024))])
    for level in range(depth):
        inner = _zip_bytes([(f"{level}-{n}.zip", inner) for n in range(width)])
    return workbook(
        path,
        sheet=[SHEET_START, b"<sheetData>", HEADER_ROW, *_closing()],
        extra=[("xl/embeddings/oleObject1.zip", inner)],
    )


def _zip_bytes(parts) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts:
            z.writestr(name, data)
    return buffer.getvalue()


def entity_expansion(path: Path) -> Path:
    """The "billion laughs": entities that expand to gigabytes, in the sheet."""
    lol = [b'<!ENTITY l0 "lollollollollollollollollollol">']
    for level in range(1, 10):
        lol.append(b'<!ENTITY l%d "%s">' % (level, (b"&l%d;" % (level - 1)) * 10))
    return workbook(
        path,
        sheet=[
            b'<?xml version="1.0"?><!DOCTYPE worksheet [' + b"".join(lol) + b"]>",
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            b'<sheetData><row r="1"><c t="inlineStr"><is><t>&l9;</t></is></c></row>',
            *_closing(),
        ],
    )


def many_rows(path: Path, rows: int = 1_000_000) -> Path:
    """A million rows of one cell each."""
    return workbook(
        path,
        sheet=[
            SHEET_START,
            b"<sheetData>",
            HEADER_ROW,
            *_repeat(b"<row><c><v>1</v></c></row>", rows),
            *_closing(),
        ],
    )


def largest_accepted(path: Path, rows: int = 50_000) -> Path:
    """The largest file the import reads: 50 000 rows of five columns."""
    row = (
        b'<row><c t="inlineStr"><is><t>0880</t></is></c><c t="inlineStr"><is><t>'
        b"learning-meeting-1</t></is></c><c><v>3</v></c><c><v>2</v></c>"
        b'<c t="inlineStr"><is><t>En kommentar om arbetet</t></is></c></row>'
    )
    header = HEADER_ROW.replace(
        b"</row>", b'<c r="E1" t="inlineStr"><is><t>comment</t></is></c></row>'
    )
    return workbook(
        path,
        sheet=[SHEET_START, b"<sheetData>", header, *_repeat(row, rows), *_closing()],
    )


FILES = {
    "one row of 5 million cells": one_long_row,
    "one row of 2 million cells, under the part cap": lambda p: one_long_row(p, 2_000_000),
    "a shared string of 200 MB": long_shared_string,
    "a shared string of 40 MB, under the part cap": lambda p: long_shared_string(
        p, 40 * 1024 * 1024
    ),
    "a declared dimension of A1:XFD1048576": huge_dimension,
    "a zip bomb (a part of 1 GB)": zip_bomb,
    "a nested zip bomb (3 levels of 10, 1 GB unpacked)": nested_zip_bomb,
    "an entity expansion (billion laughs)": entity_expansion,
    "a million rows": many_rows,
    "the largest accepted file (50 000 rows)": largest_accepted,
}


def _measure(path: Path) -> dict:
    """Read one file with the score import, in this (fresh) process."""
    import resource
    import time
    import tracemalloc

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modellkoncept.settings")
    import django

    django.setup()
    from django.utils import translation

    from checklist import importing
    from modellkoncept.errors import DomainError

    translation.activate("en")

    def read() -> str:
        with path.open("rb") as handle:
            try:
                rows = importing.parse_rows(handle, path.name)
            except DomainError as error:
                return "refused: " + " ".join(error.messages)
            return f"read: {len(rows)} rows"

    # Timed on its own (tracemalloc makes Python several times slower), then read again
    # under tracemalloc for the memory Python allocated.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    outcome = read()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    read()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "python_peak_mb": round(peak / 1024 / 1024, 1),
        "rss_before_mb": round(before / 1024, 1),
        "rss_peak_mb": round(rss_peak / 1024, 1),
        "outcome": outcome,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON rather than Markdown")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # one file, in a child process
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(Path(args.measure))))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as folder:
        for number, (name, build) in enumerate(FILES.items()):
            path = build(Path(folder) / f"hostile-{number}.xlsx")
            child = subprocess.run(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", "bench.uploads", "--measure", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            results.append({"file": name, "kb": round(path.stat().st_size / 1024), **figures})
            path.unlink()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    print(
        "| hostile file | size | CPU seconds (clock) | Python peak | process peak (at start) "
        "| outcome |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        print(
            f"| {r['file']} | {r['kb']:,} KB | {r['cpu_seconds']} s ({r['seconds']} s) "
            f"| {r['python_peak_mb']} MB | {r['rss_peak_mb']} MB ({r['rss_before_mb']} MB) "
            f"| {r['outcome'][:90]} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
