"""The round archive's `result_reports`: the participants' result reports, exported always,
checked with the rest of the document and recorded through `result_report_record`.

Each entry is `{organisation, year, status, submitted_at, aims, organisation_of_work, results,
lessons, advice, willing_to_mentor}`; a result is `{chain_step, text, improvement_work}`, the
improvement work named by its title among the organisation's `improvement_work`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from modellkoncept.jsondoc import json_path
from participants.models import ImprovementWork, Participation
from rounds.models import ResultReport, Round
from rounds.services.result_reports import (
    TEXT_SECTIONS,
    missing_for_submission,
    result_report_record,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


# Export


def export_result_reports(round_: Round, *, work_titles: Mapping[int, str]) -> list[dict]:
    """Every result report of the round, drafts too, by year and organisation code, in one
    query; `work_titles` are the round's improvement works' titles by primary key."""
    reports = ResultReport.objects.filter(participation__round=round_).select_related(
        "participation__organisation"
    )
    titles = work_titles
    exported = [
        {
            "organisation": report.participation.organisation.code,
            "year": report.year,
            "status": report.status,
            "submitted_at": (
                timezone.localtime(report.submitted_at, STOCKHOLM).isoformat()
                if report.submitted_at
                else None
            ),
            "aims": report.aims,
            "organisation_of_work": report.organisation_of_work,
            "results": [
                {
                    "chain_step": row.get("chain_step", ""),
                    "text": row.get("text", ""),
                    "improvement_work": titles.get(row.get("work")),
                }
                for row in report.results
            ],
            "lessons": report.lessons,
            "advice": report.advice,
            "willing_to_mentor": report.willing_to_mentor,
        }
        for report in reports
    ]
    return sorted(exported, key=lambda r: (r["year"], r["organisation"]))


# Checking


@dataclass
class ResultEntry:
    path: str
    chain_step: str
    text: str
    work_title: str | None


@dataclass
class ReportEntry:
    path: str
    organisation: str
    year: int
    submitted_at: dt.datetime | None
    texts: dict[str, str]
    results: list[ResultEntry] = field(default_factory=list)
    willing_to_mentor: bool | None = None


def _as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def check_result_reports(
    document: Mapping,
    *,
    organisations: Mapping[str, Any],
    work_titles: list[tuple[str, str]],
    current_year: Any,
    problem: Callable[[str, str], None],
    moment: Callable[[Any, str], dt.datetime | None],
) -> list[ReportEntry]:
    """Read `$.result_reports` into entries, reporting each problem with its path.

    `organisations` are the plan's organisations by code (each with its `role`),
    `work_titles` the (organisation code, title) of every improvement work of the document,
    `problem(path, message)` collects a problem and `moment(value, path)` reads a date and
    time. A value of the wrong type is passed over: the schema has reported it."""
    titles = Counter(work_titles)
    entries, seen = [], set()
    for index, raw in enumerate(_as_list(document.get("result_reports"))):
        path, data = json_path("$.result_reports", index), _as_dict(raw)
        code = _as_str(data.get("organisation"))
        year, status = data.get("year"), data.get("status")
        if not code or year not in (1, 2) or status not in ResultReport.Status.values:
            continue
        organisation = organisations.get(code)
        if organisation is None:
            problem(
                json_path(path, "organisation"),
                _("%(code)s is not among the organisations of the round.") % {"code": code},
            )
        elif organisation.role != Participation.Role.PARTICIPANT:
            problem(
                json_path(path, "organisation"),
                _("%(code)s mentors in the round; only participants write result reports.")
                % {"code": code},
            )
        if (code, year) in seen:
            problem(
                json_path(path, "year"),
                _("%(code)s has two result reports for year %(year)s.")
                % {"code": code, "year": year},
            )
        seen.add((code, year))
        if current_year in (1, 2) and year > current_year:
            problem(
                json_path(path, "year"),
                _(
                    "The round is in year %(current)s; the result report of year %(year)s "
                    "comes later."
                )
                % {"current": current_year, "year": year},
            )
        submitted_at = moment(data.get("submitted_at"), json_path(path, "submitted_at"))
        if status == ResultReport.Status.SUBMITTED and data.get("submitted_at") is None:
            problem(
                json_path(path, "submitted_at"),
                _("A submitted result report has the time it was submitted."),
            )
        if status == ResultReport.Status.DRAFT and data.get("submitted_at") is not None:
            problem(
                json_path(path, "submitted_at"),
                _("A draft result report has not been submitted: give null."),
            )
        results = []
        for position, raw_row in enumerate(_as_list(data.get("results"))):
            row_path, row = json_path(path, "results", position), _as_dict(raw_row)
            text = _as_str(row.get("text")) or ""
            title = _as_str(row.get("improvement_work"))
            if not text.strip() and title is None:
                problem(
                    json_path(row_path, "text"),
                    _("A result says what was achieved, or names an improvement work."),
                )
            if title is not None:
                found = titles[(code, title)]
                if not found:
                    problem(
                        json_path(row_path, "improvement_work"),
                        _(
                            "%(code)s has no improvement work with the title “%(title)s” in "
                            "$.improvement_work."
                        )
                        % {"code": code, "title": title},
                    )
                elif found > 1:
                    problem(
                        json_path(row_path, "improvement_work"),
                        _(
                            "%(code)s has more than one improvement work with the title "
                            "“%(title)s”; a result cannot tell which."
                        )
                        % {"code": code, "title": title},
                    )
            step = row.get("chain_step")
            results.append(
                ResultEntry(
                    path=row_path,
                    chain_step=step if isinstance(step, str) else "",
                    text=text,
                    work_title=title,
                )
            )
        willing = data.get("willing_to_mentor")
        entry = ReportEntry(
            path=path,
            organisation=code,
            year=year,
            submitted_at=submitted_at if status == ResultReport.Status.SUBMITTED else None,
            texts={name: _as_str(data.get(name)) or "" for name in TEXT_SECTIONS},
            results=results,
            willing_to_mentor=willing if isinstance(willing, bool) else None,
        )
        if status == ResultReport.Status.SUBMITTED:
            missing = missing_for_submission(
                ResultReport(
                    **entry.texts,
                    results=[{"text": r.text} for r in results],
                    willing_to_mentor=entry.willing_to_mentor,
                )
            )
            if missing:
                problem(
                    path,
                    _("A submitted result report has every section; missing: %(sections)s.")
                    % {"sections": ", ".join(missing)},
                )
        entries.append(entry)
    return entries


# Creating


def create_result_reports(
    entries: list[ReportEntry],
    *,
    participations: Mapping[str, Participation],
    works: list[tuple[str, ImprovementWork]],
    creating: Callable[[str], Any],
    by=None,
) -> int:
    """Record each report through the service, once its organisation and improvement work
    exist (`works`: each created work with its organisation's code); `creating(path)` reports
    a refusal with the path of the entry."""
    by_title: dict[tuple[str, str], ImprovementWork] = {}
    for code, work in works:
        by_title.setdefault((code, work.title), work)
    for entry in entries:
        with creating(entry.path):
            result_report_record(
                participation=participations[entry.organisation],
                year=entry.year,
                texts=entry.texts,
                results=[
                    {
                        "chain_step": row.chain_step,
                        "text": row.text,
                        "work": (
                            by_title[(entry.organisation, row.work_title)].pk
                            if row.work_title is not None
                            else None
                        ),
                    }
                    for row in entry.results
                ],
                willing_to_mentor=entry.willing_to_mentor,
                submitted_at=entry.submitted_at,
                by=by,
            )
    return len(entries)
