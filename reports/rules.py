"""The reports' part of the access policy: project leaders get every report; an
organisation's people their own organisation report and their group's report; mentors the
group reports of their groups. Round reports are for project leaders.

Mentors read: they download their groups' reports, but only the group's own people (and project
leaders) ask for a report or have one produced again."""

import rules
from django.db.models import Q

from modellkoncept.policy import is_project_leader, standing, visibility
from reports.models import ReportJob


@rules.predicate
def may_read_report(user, job) -> bool:
    if job is None:
        return False
    own = standing(user)
    if job.kind == ReportJob.Kind.ORGANISATION:
        return job.participation_id in own.participation_ids
    if job.kind == ReportJob.Kind.GROUP:
        return job.group_id in own.visible_group_ids
    return False


@rules.predicate
def may_request_report(user, job) -> bool:
    """The report's own people: its organisation's, or its group members'. Not a mentor."""
    if job is None:
        return False
    own = standing(user)
    if job.kind == ReportJob.Kind.ORGANISATION:
        return job.participation_id in own.participation_ids
    if job.kind == ReportJob.Kind.GROUP:
        return job.group_id in own.member_group_ids
    return False


rules.add_perm("reports.view_report", is_project_leader | may_read_report)
rules.add_perm("reports.request_report", is_project_leader | may_request_report)
rules.add_perm("reports.manage_reports", is_project_leader)


@visibility(ReportJob)
def visible_report_jobs(user):
    own = standing(user)
    if own.is_project_leader:
        return ReportJob.objects.all()
    return ReportJob.objects.filter(
        Q(kind=ReportJob.Kind.ORGANISATION, participation_id__in=own.participation_ids)
        | Q(kind=ReportJob.Kind.GROUP, group_id__in=own.visible_group_ids)
    )
