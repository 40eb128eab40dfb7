"""The reports' part of the access policy: project leaders get every report; an
organisation's people their own organisation report, its one-page summary and their group's
report; mentors the group reports of their groups. Round reports are for project leaders.

The one-page summary is the organisation's own, as its organisation report is: it shows the
organisation's improvement work whatever its sharing and its history over earlier rounds, so
its group's mentors (who see the group's submitted self-assessments) do not read it. Its next
steps are written by the organisation's strategists and project leaders.

Mentors read: they download their groups' reports, but only the group's own people (and project
leaders) ask for a report or have one produced again."""

import rules
from django.db.models import Q

from modellkoncept.policy import is_project_leader, standing, visibility
from participants.models import Participation
from reports.models import ReportBatch, ReportJob
from rounds.models import BenchmarkingGroup

# Reports of one organisation: its organisation report and its one-page summary (an
# organisation's participation, asked about as a subject, stands for both).
OWN_KINDS = (ReportJob.Kind.ORGANISATION, ReportJob.Kind.SUMMARY)


def _report_of(obj) -> tuple[str, int | None, int | None] | None:
    """(kind, participation id, group id) of a report: a job, or the subject a report is of
    (an organisation's participation, a group), so a subject's pages ask about the subject."""
    if isinstance(obj, ReportJob):
        return obj.kind, obj.participation_id, obj.group_id
    if isinstance(obj, Participation):
        return ReportJob.Kind.ORGANISATION, obj.pk, None
    if isinstance(obj, BenchmarkingGroup):
        return ReportJob.Kind.GROUP, None, obj.pk
    return None


@rules.predicate
def may_read_report(user, job_or_subject) -> bool:
    report = _report_of(job_or_subject)
    if report is None:
        return False
    kind, participation_id, group_id = report
    own = standing(user)
    if kind in OWN_KINDS:
        return participation_id in own.participation_ids
    if kind == ReportJob.Kind.GROUP:
        return group_id in own.visible_group_ids
    return False


@rules.predicate
def may_request_report(user, job_or_subject) -> bool:
    """The report's own people: its organisation's, or its group members'. Not a mentor."""
    report = _report_of(job_or_subject)
    if report is None:
        return False
    kind, participation_id, group_id = report
    own = standing(user)
    if kind in OWN_KINDS:
        return participation_id in own.participation_ids
    if kind == ReportJob.Kind.GROUP:
        return group_id in own.member_group_ids
    return False


rules.add_perm("reports.view_report", is_project_leader | may_read_report)
rules.add_perm("reports.request_report", is_project_leader | may_request_report)
rules.add_perm("reports.manage_reports", is_project_leader)


@rules.predicate
def is_strategist_of_participation(user, participation) -> bool:
    return (
        participation is not None
        and participation.pk in standing(user).strategist_participation_ids
    )


# The next steps of an organisation's one-page summary (the object is its participation).
rules.add_perm("reports.edit_summary", is_project_leader | is_strategist_of_participation)


@visibility(ReportJob)
def visible_report_jobs(user):
    own = standing(user)
    if own.is_project_leader:
        return ReportJob.objects.all()
    return ReportJob.objects.filter(
        Q(kind__in=OWN_KINDS, participation_id__in=own.participation_ids)
        | Q(kind=ReportJob.Kind.GROUP, group_id__in=own.visible_group_ids)
    )


@visibility(ReportBatch)
def visible_report_batches(user):
    # "All reports of a round" is for project leaders; to anyone else a batch does not exist.
    if is_project_leader(user):
        return ReportBatch.objects.all()
    return ReportBatch.objects.none()
