"""What the tests of the assessment import share: files of rows written as CSV or Excel, the
import run through the command, and what the database holds before and after."""

import csv

import openpyxl
import pytest

from checklist import importing
from checklist.models import Answer, SelfAssessment
from modellkoncept.errors import DomainError

HEADER = ["organisation", "meeting", "item", "score", "comment"]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# Aby's scores for the import: 1, 2, 3, 1, 2, 3, … for items 1 to 10.
SCORES_ABY = {n: (n - 1) % 3 + 1 for n in range(1, 11)}
SCORES_DBY = {n: 3 if n <= 5 else 1 for n in range(1, 11)}


def rows_for(code, key, scores, comment="Kommentar {n}"):
    return [[code, key, n, score, comment.format(n=n)] for n, score in scores.items()]


def good_rows(w):
    """Aby (existing draft) before GA1's meeting and Dby (nothing yet) before GA2's."""
    return rows_for("9101", w.meeting_ga1.key, SCORES_ABY) + rows_for(
        "9104", w.meeting_ga2.key, SCORES_DBY, comment="Dby om punkt {n}"
    )


def write_csv(path, rows, *, header=HEADER, delimiter=",", encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, *, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run_import(w, path, **kwargs):
    with path.open("rb") as handle:
        rows = importing.parse_rows(handle, path.name)
    return importing.assessments_import(round=w.round_a, rows=rows, by=w.leader, **kwargs)


def problems_of(w, path):
    with pytest.raises(DomainError) as caught:
        run_import(w, path)
    return caught.value.messages


def snapshot():
    """Everything an import could change."""
    return (
        sorted(
            SelfAssessment.objects.values_list(
                "pk", "status", "submitted_at", "revision", "locked_at", "reopened_at"
            )
        ),
        sorted(
            Answer.objects.values_list("pk", "assessment_id", "item__number", "score", "comment")
        ),
        SelfAssessment.history.count(),
        Answer.history.count(),
    )


def answers(assessment):
    return {a.item.number: (a.score, a.comment) for a in assessment.answers.select_related("item")}


def assessment_of(participation, meeting):
    return SelfAssessment.objects.get(participation=participation, meeting=meeting)
