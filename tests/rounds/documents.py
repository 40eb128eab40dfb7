"""Small documents for the meeting material and the programme library, good and hostile,
made here so that the tests carry no binary files."""

from __future__ import annotations

import functools
import io
import zipfile

from openpyxl import Workbook

MAIN_PARTS = {
    "docx": (
        "/word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "pptx": (
        "/ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
    "docm": (
        "/word/document.xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    ),
}


def pdf(text: str = "Lärandeträff") -> bytes:
    """A minimal PDF (its header is what the site checks)."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text.encode() + b"\n%%EOF\n"


def ooxml(kind: str) -> bytes:
    """A zip laid out as an Office Open XML package of the kind (docx, pptx, docm)."""
    part, content_type = MAIN_PARTS[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{content_type}"/>'
        "</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(part.lstrip("/"), "<document>Dagordning</document>")
    return buffer.getvalue()


def xlsx() -> bytes:
    """A real workbook, as openpyxl writes it."""
    book = Workbook()
    book.active["A1"] = "Moment"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def executable() -> bytes:
    """The start of a Windows executable."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def html() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>"


@functools.cache  # compressing 50 MB takes a while, and the tests draw it again and again
def zip_bomb(unpacked: int = 50 * 1024 * 1024) -> bytes:
    """A .docx-looking zip whose one extra part unpacks to `unpacked` bytes of zeros."""
    buffer = io.BytesIO(ooxml("docx"))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", b"\x00" * unpacked)
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hej")
    return buffer.getvalue()
