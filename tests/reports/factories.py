"""Helpers for the reports' tests: jobs, recorded assessments and the text of a PDF."""

from __future__ import annotations

import io
from datetime import timedelta

from checklist import services as checklist_services
from reports.models import ReportJob


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    """The whole text with every run of white space made one space (lines wrap anywhere)."""
    return " ".join(" ".join(pdf_pages(pdf)).split())


def pdf_fonts(pdf: bytes) -> set[str]:
    """The names of the fonts a PDF embeds (without the subset prefix)."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def squeeze(text: str) -> str:
    return " ".join(text.split())


def job(**fields) -> ReportJob:
    fields.setdefault("language", "sv")
    created = ReportJob(**fields)
    created.full_clean()
    created.save()
    return created


def record(participation, meeting, scores: str, comments: dict | None = None, by=None):
    """A submitted assessment from a string of scores ("3211211111")."""
    assessment, _created = checklist_services.assessment_record(
        participation=participation,
        meeting=meeting,
        scores={n: int(s) for n, s in enumerate(scores, start=1)},
        comments=comments,
        submitted_at=meeting.starts_at - timedelta(days=3),
        by=by,
    )
    return assessment
