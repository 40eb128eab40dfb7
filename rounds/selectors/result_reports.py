"""The reads of the result reports' pages and of the round report's chapter on them
(rounds/services/result_reports.py writes them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Prefetch

from modellkoncept.roundvalues import RESULT_REPORTS, round_value
from participants.models import ImprovementWork, Participation
from rounds.models import ResultReport, ResultReportComment, ResultReportDue, Round
from rounds.services.result_reports import CHAIN_STEPS, YEARS, missing_for_submission


@dataclass
class ResultRow:
    chain_step: str
    chain_label: str
    text: str
    work: ImprovementWork | None


def result_rows(report: ResultReport, works: Mapping[int, ImprovementWork]) -> list[ResultRow]:
    """The report's results in the order of the result chain (then as written), each with its
    improvement work (None when it names none, or the work is gone)."""
    labels = dict(ImprovementWork.ChainStep.choices)
    order = {step: index for index, step in enumerate(CHAIN_STEPS)}
    rows = [
        ResultRow(
            chain_step=row.get("chain_step", ""),
            chain_label=str(labels.get(row.get("chain_step"), "–")),
            text=row.get("text", ""),
            work=works.get(row.get("work")),
        )
        for row in report.results
    ]
    return sorted(rows, key=lambda r: order.get(r.chain_step, len(order)))


@dataclass
class ReportPage:
    report: ResultReport
    works: list[ImprovementWork]
    rows: list[ResultRow]
    comments: list[ResultReportComment]
    due: ResultReportDue | None
    missing: list[str] = field(default_factory=list)


def report_for_page(*, pk: int):
    return ResultReport.objects.select_related(
        "participation__organisation",
        "participation__round",
        "participation__group",
        "submitted_by",
        "reopened_by",
    ).filter(pk=pk)


def report_page(*, report: ResultReport) -> ReportPage:
    works = list(
        ImprovementWork.objects.filter(participation_id=report.participation_id).order_by(
            "title", "pk"
        )
    )
    comments = list(report.comments.select_related("author").order_by("created_at", "pk"))
    due = ResultReportDue.objects.filter(
        round_id=report.participation.round_id, year=report.year
    ).first()
    return ReportPage(
        report=report,
        works=works,
        rows=result_rows(report, {w.pk: w for w in works}),
        comments=comments,
        due=due,
        missing=missing_for_submission(report),
    )


@dataclass
class OverviewRow:
    participation: Participation
    reports: dict[int, ResultReport | None]  # year → report


@dataclass
class Overview:
    round: Round
    years: list[int]
    dues: dict[int, ResultReportDue | None]
    rows: list[OverviewRow]
    submitted: dict[int, int]  # year → how many submitted
    expected: int

    @property
    def year_columns(self) -> list[tuple[int, ResultReportDue | None, int]]:
        return [(y, self.dues.get(y), self.submitted.get(y, 0)) for y in self.years]


def round_overview(*, round: Round) -> Overview:
    """Who has reported for each year of the round so far: one row per participant that has
    not withdrawn, in three queries whatever the round's size."""
    years = [y for y in YEARS if y <= round.current_year]
    participations = list(
        Participation.objects.filter(
            round=round, role=Participation.Role.PARTICIPANT, withdrawn_on__isnull=True
        )
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "result_reports",
                queryset=ResultReport.objects.only(
                    "pk", "participation_id", "year", "status", "submitted_at"
                ),
            )
        )
        .order_by("organisation__name")
    )
    dues = {due.year: due for due in ResultReportDue.objects.filter(round=round)}
    rows, submitted = [], dict.fromkeys(years, 0)
    for participation in participations:
        by_year = {r.year: r for r in participation.result_reports.all()}
        rows.append(OverviewRow(participation, {y: by_year.get(y) for y in years}))
        for y in years:
            if by_year.get(y) is not None and by_year[y].is_submitted:
                submitted[y] += 1
    return Overview(
        round=round,
        years=years,
        dues={y: dues.get(y) for y in years},
        rows=rows,
        submitted=submitted,
        expected=len(participations),
    )


def organisation_reports(*, participation: Participation, user) -> list[dict]:
    """The result reports an organisation's page lists for this user: each year of the round
    so far, with the report where the user may see it."""
    if not participation.is_participant:
        return []
    round_ = participation.round
    # By year: without the models' ordering, which would join the round and organisation.
    # Each is asked of the policy as it is read (the view rule reads the report and its
    # participation, the page's), rather than filtered by the visible reports in SQL.
    reports = {}
    for report in ResultReport.objects.filter(participation=participation).order_by():
        report.participation = participation
        if user.has_perm("rounds.view_result_report", report):
            reports[report.year] = report
    # The same for every reader: kept until a service changes the round (`roundvalues`).
    dues = round_value(
        "result-report-dues",
        round_,
        lambda: {d.year: d for d in ResultReportDue.objects.filter(round_id=round_.pk).order_by()},
        reads=(RESULT_REPORTS,),
    )
    return [
        {"year": year, "report": reports.get(year), "due": dues.get(year)}
        for year in YEARS
        if year <= round_.current_year
    ]


@dataclass
class ChapterOrganisation:
    participation: Participation
    report: ResultReport | None  # the submitted report, if any
    rows: list[ResultRow]


@dataclass
class Chapter:
    """The round report's chapter on the result reports."""

    year: int
    due: ResultReportDue | None
    organisations: list[ChapterOrganisation]
    by_step: list[tuple[str, list[tuple[Participation, ResultRow]]]]

    @property
    def reported(self) -> list[ChapterOrganisation]:
        return [o for o in self.organisations if o.report is not None]

    @property
    def not_reported(self) -> list[ChapterOrganisation]:
        return [o for o in self.organisations if o.report is None]

    @property
    def willing(self) -> list[ChapterOrganisation]:
        return [o for o in self.reported if o.report.willing_to_mentor]

    @property
    def not_willing(self) -> list[ChapterOrganisation]:
        return [o for o in self.reported if o.report.willing_to_mentor is False]


def round_chapters(*, round: Round) -> list[Chapter]:
    """For each year of the round so far, the submitted result reports: who reported and who
    did not, the results on the result chain, the lessons and advice by organisation and the
    willingness to mentor. Drafts are not read. A fixed number of queries."""
    participations = list(
        Participation.objects.filter(
            round=round, role=Participation.Role.PARTICIPANT, withdrawn_on__isnull=True
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
    reports = {
        (r.participation_id, r.year): r
        for r in ResultReport.objects.filter(
            participation__round=round, status=ResultReport.Status.SUBMITTED
        )
    }
    works = {w.pk: w for w in ImprovementWork.objects.filter(participation__round=round)}
    dues = {d.year: d for d in ResultReportDue.objects.filter(round=round)}
    labels = dict(ImprovementWork.ChainStep.choices)
    chapters = []
    for year in YEARS:
        if year > round.current_year:
            break
        organisations = []
        by_step: dict[str, list] = {step: [] for step in CHAIN_STEPS}
        for participation in participations:
            report = reports.get((participation.pk, year))
            rows = result_rows(report, works) if report else []
            organisations.append(ChapterOrganisation(participation, report, rows))
            for row in rows:
                by_step.setdefault(row.chain_step, []).append((participation, row))
        chapters.append(
            Chapter(
                year=year,
                due=dues.get(year),
                organisations=organisations,
                by_step=[(str(labels[s]), by_step[s]) for s in CHAIN_STEPS],
            )
        )
    return chapters
