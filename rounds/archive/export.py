"""A round written out as an archive document."""

from __future__ import annotations

import datetime as dt
import json

from django.db.models import Prefetch
from django.utils import timezone

from checklist.models import Answer, SelfAssessment
from participants.models import (
    Function,
    FunctionAssignment,
    ImprovementWork,
    Organisation,
    Participation,
)
from rounds.archive.result_reports import export_result_reports
from rounds.archive.schema import FORMAT, STOCKHOLM
from rounds.models import Attendance, GroupMentor, Meeting, Round

# Export


def _when(value: dt.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value, STOCKHOLM).isoformat()


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


_FUNCTION_ORDER = {value: position for position, value in enumerate(Function.values)}


def export_document(round: Round) -> dict:
    """The whole round as a document of the archive format."""
    round_ = Round.objects.select_related("checklist_version", "committee_checklist_version").get(
        pk=round.pk
    )
    participations = list(
        round_.participations.select_related("organisation", "group").order_by("organisation__code")
    )
    groups = list(
        round_.groups.prefetch_related(
            Prefetch(
                "mentorships",
                queryset=GroupMentor.objects.select_related("participation__organisation"),
            )
        ).order_by("name")
    )
    assignments = list(
        FunctionAssignment.objects.filter(participation__round=round_).select_related(
            "person", "participation__organisation"
        )
    )
    meetings = sorted(
        round_.meetings.select_related("group", "host").prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("person", "participation__organisation"),
            ),
            "material",
        ),
        key=lambda m: (m.starts_at, m.key),
    )
    assessments = sorted(
        SelfAssessment.objects.filter(meeting__round=round_)
        .select_related("participation__organisation", "meeting", "submitted_by")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("item"))),
        # The organisation-wide one before the committee/department one of the same meeting.
        key=lambda a: (
            a.meeting.key,
            a.participation.organisation.code,
            a.level != SelfAssessment._meta.get_field("level").default,
        ),
    )
    works = (
        ImprovementWork.objects.filter(participation__round=round_)
        .select_related("participation__organisation", "origin_meeting")
        .prefetch_related("notes", "moments")
    )

    people: dict[tuple[str, str], dict] = {}
    for assignment in assignments:
        person, organisation = assignment.person, assignment.participation.organisation
        entry = people.setdefault(
            (person.email, organisation.code),
            {
                "email": person.email,
                "name": person.full_name,
                "organisation": organisation.code,
                "functions": [],
            },
        )
        entry["functions"].append(assignment.function)
    for entry in people.values():
        entry["functions"].sort(key=_FUNCTION_ORDER.__getitem__)
    people_emails = {email for email, _code in people}

    return {
        "format": FORMAT,
        "round": {
            "slug": round_.slug,
            "name": round_.name,
            "kind": round_.kind,
            "status": round_.status,
            "starts_on": _day(round_.starts_on),
            "ends_on": _day(round_.ends_on),
            "checklist": round_.checklist_version.slug,
            "committee_checklist": round_.committee_checklist_version.slug
            if round_.committee_checklist_version
            else None,
            "current_year": round_.current_year,
            "year_two_themes": list(round_.year_two_themes),
            "description": round_.description,
            "application_deadline": _day(round_.application_deadline),
            "decision_by": _day(round_.decision_by),
        },
        "organisations": [_export_participation(p) for p in participations],
        "groups": [_export_group(g) for g in groups],
        "people": [people[key] for key in sorted(people)],
        "meetings": [_export_meeting(m) for m in meetings],
        "assessments": [_export_assessment(a, people_emails) for a in assessments],
        # Titles may repeat within an organisation: the whole entry breaks the tie, so that
        # the order is the same on every export.
        "improvement_work": sorted(
            (_export_work(w) for w in works),
            key=lambda w: json.dumps(
                [w["organisation"], w["title"], w["meeting"] or "", w], ensure_ascii=False
            ),
        ),
        "result_reports": export_result_reports(
            round_, work_titles={work.pk: work.title for work in works}
        ),
    }


def _export_participation(participation: Participation) -> dict:
    organisation = participation.organisation
    entry = {
        "code": organisation.code,
        "name": organisation.name,
        "kind": organisation.kind,
        "role": participation.role,
        "group": participation.group.name if participation.group else None,
        "withdrawn_on": _day(participation.withdrawn_on),
    }
    if participation.withdrawal_reason:
        entry["withdrawal_reason"] = participation.withdrawal_reason
    entry["completed_on"] = _day(participation.completed_on)
    entry["willing_to_mentor"] = participation.willing_to_mentor
    entry["mentor_capacity"] = participation.mentor_capacity
    entry["fee"] = participation.fee
    entry["fee_invoiced"] = participation.fee_invoiced
    # Municipalities and regions come from the reference list; an organisation outside it
    # carries what is needed to create it elsewhere.
    if organisation.kind == Organisation.Kind.OTHER:
        if organisation.county_code:
            entry["county_code"] = organisation.county_code
        if organisation.latitude is not None and organisation.longitude is not None:
            entry["latitude"] = float(organisation.latitude)
            entry["longitude"] = float(organisation.longitude)
    return entry


def _export_group(group) -> dict:
    mentorships = sorted(
        group.mentorships.all(),
        key=lambda m: (not m.is_primary, m.participation.organisation.code),
    )
    return {
        "name": group.name,
        "theme": group.theme,
        "mentors": [m.participation.organisation.code for m in mentorships],
    }


def _export_meeting(meeting: Meeting) -> dict:
    attendance = sorted(
        (
            {
                "email": a.person.email,
                "organisation": a.participation.organisation.code,
                "attended": a.attended,
            }
            for a in meeting.attendances.all()
        ),
        key=lambda a: (a["email"], a["organisation"]),
    )
    return {
        "key": meeting.key,
        "kind": meeting.kind,
        "number": meeting.number,
        "title": meeting.title,
        "theme": meeting.theme,
        "starts_at": _when(meeting.starts_at),
        "ends_at": _when(meeting.ends_at),
        "group": meeting.group.name if meeting.group else None,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "host": meeting.host.code if meeting.host else None,
        "assessment_due": meeting.assessment_due,
        "year": meeting.year,
        "assessment_opens_on": _day(meeting.assessment_opens_on),
        "audience": meeting.invited_functions,
        "attendance": attendance,
        **_export_material(meeting),
    }


def _export_material(meeting: Meeting) -> dict:
    """The meeting's files, listed without their contents (an optional key)."""
    listed = [
        {
            "title": m.title,
            "file_name": m.file_name,
            "size": m.size,
            "sha256": m.sha256,
            "kind": m.kind,
        }
        for m in sorted(meeting.material.all(), key=lambda m: (m.title, m.file_name, m.sha256))
    ]
    return {"material": listed} if listed else {}


def _export_assessment(assessment: SelfAssessment, people_emails: set[str]) -> dict:
    answers = sorted(assessment.answers.all(), key=lambda a: a.item.number)
    submitter = assessment.submitted_by
    return {
        "organisation": assessment.participation.organisation.code,
        "meeting": assessment.meeting.key,
        "level": assessment.level,
        "status": assessment.status,
        "submitted_at": _when(assessment.submitted_at),
        # Only someone the archive lists can be named; a project leader who submitted for an
        # organisation is not one of its people.
        "submitted_by": submitter.email
        if submitter is not None and submitter.email in people_emails
        else None,
        "scores": {str(a.item.number): a.score for a in answers if a.score is not None},
        "comments": {str(a.item.number): a.comment for a in answers if a.comment},
    }


def _export_work(work: ImprovementWork) -> dict:
    notes = sorted(
        ({"date": _day(n.noted_on), "text": n.text} for n in work.notes.all()),
        key=lambda n: (n["date"], n["text"]),
    )
    return {
        "organisation": work.participation.organisation.code,
        "title": work.title,
        "description": work.description,
        "phase": work.phase,
        "chain_step": work.chain_step,
        "level": work.level,
        "meeting": work.origin_meeting.key if work.origin_meeting else None,
        "notes": notes,
        "sharing": work.sharing,
        "approved_on": _day(work.approved_on),
        "moments": sorted(item.number for item in work.moments.all()),
    }
