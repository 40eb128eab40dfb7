"""Reads for the reports: what each PDF report shows, and the progress of a batch.

Every figure of a self-assessment comes from `checklist.statistics` (means, totals, movement,
comparisons) and every chart from `checklist.charts`, through the selectors the pages use
(`organisation_history`, `group_overviews`, `people_by_function`, `chain_spread`), so a report
shows what the pages show. Nothing here rounds or averages a score itself. Each function runs a
fixed number of queries, whatever the size of the round.

One module per report (`organisation`, `group`, `round`), what they share (`common`), and the
batches and jobs the pages list (`jobs`); every name is re-exported here.
"""

from reports.models import ReportJob
from reports.selectors.common import Cover, short_date, signed
from reports.selectors.group import group_meetings, group_report, group_totals_chart
from reports.selectors.jobs import (
    BatchProgress,
    any_unfinished,
    batch_jobs_to_rerun,
    batch_progress,
    is_lost,
    jobs_state,
    jobs_with_subjects,
    lost_jobs,
    round_batches,
    round_jobs,
    visible_jobs,
    with_lost,
)
from reports.selectors.organisation import committee_level_figures, organisation_report
from reports.selectors.round import (
    KIND_LABELS,
    KindFigures,
    MeetingAttendance,
    round_committee_figures,
    round_report,
)
from reports.summary.selectors import organisation_summary

__all__ = [
    "KIND_LABELS",
    "TEMPLATES",
    "BatchProgress",
    "Cover",
    "KindFigures",
    "MeetingAttendance",
    "any_unfinished",
    "batch_jobs_to_rerun",
    "batch_progress",
    "committee_level_figures",
    "group_meetings",
    "group_report",
    "group_totals_chart",
    "is_lost",
    "jobs_state",
    "jobs_with_subjects",
    "lost_jobs",
    "organisation_report",
    "report_context",
    "round_batches",
    "round_committee_figures",
    "round_jobs",
    "round_report",
    "short_date",
    "signed",
    "visible_jobs",
    "with_lost",
]

TEMPLATES = {
    ReportJob.Kind.ORGANISATION: "reports/pdf/organisation.html",
    ReportJob.Kind.GROUP: "reports/pdf/group.html",
    ReportJob.Kind.ROUND: "reports/pdf/round.html",
    ReportJob.Kind.SUMMARY: "reports/summary/pdf.html",
}


def report_context(job: ReportJob) -> tuple[str, dict]:
    """The template and context of a job's report (called in the job's language)."""
    if job.kind == ReportJob.Kind.ORGANISATION:
        context = organisation_report(participation=job.participation)
    elif job.kind == ReportJob.Kind.GROUP:
        context = group_report(group=job.group, meeting=job.meeting)
    elif job.kind == ReportJob.Kind.SUMMARY:
        context = {"summary": organisation_summary(participation=job.participation)}
    else:
        context = round_report(round=job.round)
    return TEMPLATES[job.kind], context
