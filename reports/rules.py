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
from reports.models import ReportJob

# Reports of one organisation: its organisation report and its one-page summary.
OWN_KINDS = (ReportJob.Kind.ORGANISATION, ReportJob.Kind.SUMMARY)


@rules.predicate
def may_read_report(user, job) -> bool:
    if job is None:
        return False
    own = standing(user)
    if job.kind in OWN_KINDS:
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
    if job.kind in OWN_KINDS:
        return job.participation_id in own.participation_ids
    if job.kind == ReportJob.Kind.GROUP:
        return job.group_id in own.member_group_ids
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
