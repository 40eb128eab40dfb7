"""Importing a checked document: the plan written in one transaction through the services' rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from checklist.models import Answer, ChecklistVersion, SelfAssessment
from modellkoncept.errors import DomainError
from modellkoncept.jsondoc import json_path
from participants import services as participant_services
from participants.models import (
    FunctionAssignment,
    ImprovementWork,
    Organisation,
    Participation,
    ProgressNote,
)
from rounds import services as round_services
from rounds.archive.check import _check
from rounds.archive.plan import _Assessment, _Plan
from rounds.archive.result_reports import create_result_reports
from rounds.archive.schema import ArchiveError
from rounds.models import (
    Attendance,
    BenchmarkingGroup,
    GroupMentor,
    Meeting,
    MeetingMaterial,
    Round,
)

# Import

User = get_user_model()


@dataclass(frozen=True)
class ImportSummary:
    round: Round
    organisations: int
    new_organisations: tuple[str, ...]
    groups: int
    people_created: int
    people_reused: int
    meetings: int
    attendances: int
    assessments: int
    improvement_works: int
    result_reports: int = 0

    def describe(self) -> str:
        text = _(
            "Round “%(round)s” (%(slug)s) imported: %(organisations)s organisations, "
            "%(groups)s groups, %(people)s people (%(created)s new accounts), %(meetings)s "
            "meetings, %(attendances)s attendances, %(assessments)s self-assessments, "
            "%(works)s improvement works."
        ) % {
            "round": self.round.name,
            "slug": self.round.slug,
            "organisations": self.organisations,
            "groups": self.groups,
            "people": self.people_created + self.people_reused,
            "created": self.people_created,
            "meetings": self.meetings,
            "attendances": self.attendances,
            "assessments": self.assessments,
            "works": self.improvement_works,
        }
        if self.new_organisations:
            text += " " + _("New organisations: %(codes)s.") % {
                "codes": ", ".join(self.new_organisations)
            }
        return text


@contextmanager
def _creating(path: str) -> Iterator[None]:
    """Report a service's refusal with the path of what was being created; the transaction
    around the import then leaves nothing behind."""
    try:
        yield
    except ValidationError as error:  # DomainError included
        raise ArchiveError([f"{path}: {message}" for message in error.messages]) from error


@contextmanager
def _acting_as(by) -> Iterator[None]:
    """Outside a request (a management command), let the history record who imported; in a
    request the history middleware has already said so."""
    context = HistoricalRecords.context
    if by is None or getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=by)
    try:
        yield
    finally:
        del context.request


def import_document(document: Any, *, by=None) -> ImportSummary:
    """Create the round the document describes, with everything in it, or nothing.

    Raises `ArchiveError` listing every problem with its JSON path. Each person becomes an
    account without a usable password, to be invited later; an account that exists already
    (same e-mail address) is used as it is. A completed round's participants that did not
    withdraw have completed it, so they enter the pool of possible mentors.
    """
    with transaction.atomic(), _acting_as(by):
        plan, problems = _check(document)
        if problems:
            raise ArchiveError(problems)
        return _create(plan)


def _valid(instance, path: str) -> None:
    """The model's own rules (its fields and `clean()`) for an object about to be created in
    bulk, without a query: the objects it refers to were just created or read, uniqueness
    within the archive and against the database was checked with the plan (`_Checker`), and
    the database holds its constraints."""
    exclude = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    with _creating(path):
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _assessment_may_be_recorded(participation, meeting, entry: _Assessment, items) -> None:
    """The rules `checklist.services.assessment_record` holds a recorded assessment to."""
    if not meeting.assessment_due:
        raise DomainError(_("No self-assessment is due before %(meeting)s.") % {"meeting": meeting})
    if meeting.group_id is not None and meeting.group_id != participation.group_id:
        raise DomainError(_("The meeting belongs to another group."))
    if entry.level not in meeting.assessment_levels:
        raise DomainError(
            _("No self-assessment at the %(level)s level is due before %(meeting)s.")
            % {"level": ChecklistVersion.Level(entry.level).label, "meeting": meeting}
        )
    version = participation.round.checklist_for(entry.level)
    numbers = {item.number for item in items}
    problems = [
        _("Item %(number)s is not on the checklist.") % {"number": number}
        for number in sorted(set(entry.scores) | set(entry.comments))
        if number not in numbers
    ]
    problems += [
        _("Item %(number)s: the score must be between %(min)s and %(max)s.")
        % {"number": number, "min": version.scale_min, "max": version.scale_max}
        for number, score in sorted(entry.scores.items())
        if score is not None and score not in version.scale
    ]
    if entry.status == SelfAssessment.Status.SUBMITTED:
        missing = [n for n in sorted(numbers) if entry.scores.get(n) is None]
        if missing:
            problems.append(
                _("A submitted self-assessment has a score for every item; missing: %(items)s.")
                % {"items": ", ".join(str(n) for n in missing)}
            )
    if problems:
        raise DomainError(problems)


def _create(plan: _Plan) -> ImportSummary:
    """Create what the plan holds: the round, its organisations' parts, groups and mentors
    through the services; the many rows (people, functions, meetings, attendance,
    self-assessments and their answers, improvement works and notes) in bulk, each object first
    held to its model's rules (`_valid`), with the history rows the services would write."""
    with _creating("$.round"):
        round_ = round_services.round_create(
            checklist_version=plan.checklist,
            committee_checklist_version=plan.committee_checklist,
            **plan.round,
        )

    groups: dict[str, BenchmarkingGroup] = {}
    for name, entry in plan.groups.items():
        if len(plan.members(name)) == 1:
            raise ArchiveError(
                [f"{entry.path}: " + _("A benchmarking group needs at least two organisations.")]
            )
        group = BenchmarkingGroup(round=round_, name=name.strip(), theme=entry.theme.strip())
        _valid(group, entry.path)
        groups[name] = group
    bulk_create_with_history(list(groups.values()), BenchmarkingGroup)

    participations: dict[str, Participation] = {}
    new_organisations = []
    for code, entry in plan.organisations.items():
        organisation = entry.existing
        if organisation is None:
            with _creating(entry.path):
                organisation = participant_services.organisation_create(
                    code=code,
                    name=entry.name,
                    kind=Organisation.Kind.OTHER,
                    county_code=entry.county_code,
                    latitude=entry.latitude,
                    longitude=entry.longitude,
                )
            new_organisations.append(code)
        participation = Participation(
            round=round_,
            organisation=organisation,
            role=entry.role,
            willing_to_mentor=entry.willing_to_mentor,
            mentor_capacity=entry.mentor_capacity,
            fee=entry.fee,
            fee_invoiced=entry.fee_invoiced,
        )
        if entry.group and entry.role == Participation.Role.PARTICIPANT:
            participation.group = groups[entry.group]
        _valid(participation, entry.path)
        participations[code] = participation
    bulk_create_with_history(list(participations.values()), Participation)

    mentorships = []
    for name, entry in plan.groups.items():
        for position, code in enumerate(entry.mentors):
            mentorship = GroupMentor(
                group=groups[name], participation=participations[code], is_primary=position == 0
            )
            _valid(mentorship, json_path(entry.path, "mentors", position))
            mentorships.append(mentorship)
    bulk_create_with_history(mentorships, GroupMentor)

    people: dict[str, User] = {
        person.email: person
        for person in User.objects.filter(email__in={entry.email for entry in plan.people})
    }
    new_people, assignments = [], []
    held = set()  # (organisation, e-mail) of each function held
    for entry in plan.people:
        person = people.get(entry.email)
        if person is None:
            # No password: the person sets one through an invitation sent later.
            person = User(email=entry.email, full_name=entry.name)
            person.set_unusable_password()
            _valid(person, entry.path)
            people[entry.email] = person
            new_people.append(person)
        for function in entry.functions:
            assignment = FunctionAssignment(
                participation=participations[entry.organisation], person=person, function=function
            )
            _valid(assignment, entry.path)
            assignments.append(assignment)
            held.add((entry.organisation, entry.email))
    User.objects.bulk_create(new_people)
    bulk_create_with_history(assignments, FunctionAssignment)

    hosts = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in={e.host for e in plan.meetings.values() if e.host} - set(participations)
        )
    }
    meetings: dict[str, Meeting] = {}
    for key, entry in plan.meetings.items():
        host = None
        if entry.host:
            host = (
                participations[entry.host].organisation
                if entry.host in participations
                else hosts[entry.host]
            )
        meeting = Meeting(
            round=round_,
            key=key,
            group=groups[entry.group] if entry.group else None,
            host=host,
            **entry.fields,
        )
        meeting.title = meeting.title.strip()
        _valid(meeting, entry.path)
        meetings[key] = meeting
    Meeting.objects.bulk_create(meetings.values())
    listed = []
    for key, entry in plan.meetings.items():
        for index, fields in enumerate(entry.material):
            document = MeetingMaterial(meeting=meetings[key], **fields)
            _valid(document, f"{entry.path}.material[{index}]")
            listed.append(document)
    MeetingMaterial.objects.bulk_create(listed)  # listed without their files

    attendances = []
    for key, entry in plan.meetings.items():
        for row in entry.attendance:
            if (row.organisation, row.email) not in held:
                raise ArchiveError(
                    [
                        f"{row.path}: "
                        + _("%(person)s holds no function for %(organisation)s.")
                        % {
                            "person": people[row.email],
                            "organisation": participations[row.organisation].organisation,
                        }
                    ]
                )
            attendance = Attendance(
                meeting=meetings[key],
                participation=participations[row.organisation],
                person=people[row.email],
                attended=row.attended,
            )
            _valid(attendance, row.path)
            attendances.append(attendance)
    Attendance.objects.bulk_create(attendances)

    # Each level's items: an assessment has the items of its level's checklist.
    items_of = {
        level: list(version.items.all()) if version else []
        for level, version in (
            (ChecklistVersion.Level.ORGANISATION, round_.checklist_version),
            (ChecklistVersion.Level.COMMITTEE, round_.committee_checklist_version),
        )
    }
    assessments, answers = [], []
    now = timezone.now()
    for entry in plan.assessments:
        meeting = meetings[entry.meeting]
        participation = participations[entry.organisation]
        items = items_of[entry.level]
        with _creating(entry.path):
            _assessment_may_be_recorded(participation, meeting, entry, items)
        by = people.get(entry.submitted_by) if entry.submitted_by else None
        assessment = SelfAssessment(
            participation=participation, meeting=meeting, level=entry.level, revision=1
        )
        if entry.status == SelfAssessment.Status.SUBMITTED:
            assessment.status = SelfAssessment.Status.SUBMITTED
            # An archive that does not say when is taken to have been submitted by the
            # meeting it was made for.
            assessment.submitted_at = entry.submitted_at or meeting.starts_at
            assessment.submitted_by = by
        _valid(assessment, entry.path)
        # One history entry, dated as recorded and signed by who recorded it, as
        # `assessment_record` writes it.
        when = assessment.submitted_at or now
        assessment._history_user = by
        assessment._history_date = when
        assessment._change_reason = "recorded"
        assessments.append(assessment)
        for item in items:
            answer = Answer(
                assessment=assessment,
                item=item,
                score=entry.scores.get(item.number),
                comment=entry.comments.get(item.number, "").strip(),
            )
            _valid(answer, entry.path)
            answer._history_date = when
            if by is not None:
                answer._history_user = by
            answers.append(answer)
    SelfAssessment.objects.bulk_create(assessments)
    SelfAssessment.history.bulk_history_create(assessments)
    Answer.objects.bulk_create(answers)
    Answer.history.bulk_history_create(answers)

    works, notes, moments = [], [], []
    items = {item.number: item for item in plan.checklist.items.all()} if plan.checklist else {}
    for entry in plan.works:
        work = ImprovementWork(
            participation=participations[entry.organisation],
            origin_meeting=meetings[entry.meeting] if entry.meeting else None,
            **entry.fields,
        )
        _valid(work, entry.path)
        works.append(work)
        for note in entry.notes:
            progress = ProgressNote(work=work, text=note.text.strip(), noted_on=note.noted_on)
            _valid(progress, note.path)
            notes.append(progress)
        moments += [(work, items[number]) for number in entry.moments]
    ImprovementWork.objects.bulk_create(works)
    ProgressNote.objects.bulk_create(notes)
    WorkMoment = ImprovementWork.moments.through
    WorkMoment.objects.bulk_create(
        WorkMoment(improvementwork=work, checklistitem=item) for work, item in moments
    )
    # The result reports name their improvement work, so they come after it (and before the
    # withdrawals and the completion, which they precede in the round).
    create_result_reports(
        plan.result_reports,
        participations=participations,
        works=[(entry.organisation, work) for entry, work in zip(plan.works, works, strict=True)],
        creating=_creating,
    )

    for code, entry in plan.organisations.items():
        if entry.withdrawn_on is not None:
            with _creating(json_path(entry.path, "withdrawn_on")):
                participations[code] = participant_services.participation_withdraw(
                    participation=participations[code],
                    on=entry.withdrawn_on,
                    reason=entry.withdrawal_reason,
                )

    with _creating("$.round.status"):
        if plan.status in (Round.Status.ACTIVE, Round.Status.COMPLETED):
            round_ = round_services.round_activate(round=round_)
        if plan.status == Round.Status.COMPLETED:
            # Every participant that stayed completes on the round's last day …
            round_ = round_services.round_complete(round=round_, on=round_.ends_on)
    # … unless the archive gives an organisation another day (or a day in a round that is not
    # completed as a whole).
    for code, entry in plan.organisations.items():
        if entry.completed_on is None:
            continue
        participation = participations[code]
        participation.refresh_from_db(fields=["completed_on"])
        if participation.completed_on != entry.completed_on:
            with _creating(json_path(entry.path, "completed_on")):
                _participation_set_completed(participation, on=entry.completed_on)

    return ImportSummary(
        round=round_,
        organisations=len(participations),
        new_organisations=tuple(new_organisations),
        groups=len(groups),
        people_created=len(new_people),
        people_reused=len(people) - len(new_people),
        meetings=len(meetings),
        attendances=len(attendances),
        assessments=len(plan.assessments),
        improvement_works=len(plan.works),
        result_reports=len(plan.result_reports),
    )


def _participation_set_completed(participation: Participation, *, on: dt.date) -> None:
    """Record the day an organisation completed the round, as the archive has it.

    `round_complete` gives every participant that stayed the same day; an archive may know
    better (an organisation that finished its last meeting early, say). No service sets one
    participation's completion, so it is written here, with the model's checks and history.
    """
    participation.completed_on = on
    participation.full_clean()
    participation.save(update_fields=["completed_on", "updated_at"])
