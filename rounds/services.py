"""Everything that writes rounds, their groups and mentors, meetings and attendance."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from checklist.models import DEFAULT_CHECKLIST_SLUG, ChecklistVersion, SelfAssessment
from modellkoncept.actions import field_changes, log_action
from modellkoncept.errors import DomainError
from modellkoncept.queue import enqueue_on_commit
from participants.models import FunctionAssignment, Organisation, Participation
from participants.services import participation_add
from rounds import actions
from rounds.models import (
    Attendance,
    BenchmarkingGroup,
    GroupMentor,
    Meeting,
    Round,
    SentNotice,
    normalise_audience,
)
from rounds.schedule import default_schedule
from rounds.selectors import expected_attendees, mentor_ineligibility, mentor_proposal

GROUP_SIZES = (2, 3)


def _require_open(round_: Round) -> None:
    """A completed round is an archive: its groups, mentors and meetings no longer change."""
    if round_.status == Round.Status.COMPLETED:
        raise DomainError(_("%(round)s is completed and cannot be changed.") % {"round": round_})


# Rounds


@transaction.atomic
def round_create(
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    kind: str = Round.Kind.MUNICIPAL,
    slug: str = "",
    checklist_version: ChecklistVersion | None = None,
    current_year: int = Round.Year.ONE,
    description: str = "",
    accepts_applications: bool = False,
    reminder_days: list[int] | None = None,
    meeting_notice_days: int | None = None,
    contacts: Iterable = (),
) -> Round:
    """Create a round in planning. Reminders and meeting notice take the model's defaults
    unless given (an empty list of reminder days means no reminders). `contacts` are the
    project leaders who are the round's SKR contacts."""
    round_ = Round(
        name=name.strip(),
        # "2026–2027" becomes "2026-2027", not "20262027".
        slug=slug or slugify(name.replace("–", "-").replace("—", "-")),
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        checklist_version=checklist_version
        or ChecklistVersion.objects.get(slug=DEFAULT_CHECKLIST_SLUG),
        current_year=current_year,
        description=description,
        accepts_applications=accepts_applications,
    )
    if reminder_days is not None:
        round_.reminder_days = reminder_days
    if meeting_notice_days is not None:
        round_.meeting_notice_days = meeting_notice_days
    round_.full_clean()
    round_.save()
    _contacts_set(round_, contacts)
    log_action(round_, actions.ROUND_CREATED, round_id=round_.pk, data={"name": round_.name})
    return round_


def _contacts_set(round_: Round, contacts: Iterable) -> None:
    contacts = list(contacts)
    not_leaders = sorted(str(user) for user in contacts if not user.is_project_leader)
    if not_leaders:
        raise DomainError(
            _("Only SKR project leaders can be a round's contacts, not %(people)s.")
            % {"people": ", ".join(not_leaders)}
        )
    round_.contacts.set(contacts)


@transaction.atomic
def round_activate(*, round: Round) -> Round:
    """Planning → active."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status != Round.Status.PLANNING:
        raise DomainError(_("Only a round in planning can be started."))
    round_.status = Round.Status.ACTIVE
    round_.save(update_fields=["status", "updated_at"])
    log_action(round_, actions.ROUND_ACTIVATED, round_id=round_.pk)
    return round_


@transaction.atomic
def round_complete(*, round: Round, on: date | None = None) -> Round:
    """Active → completed. Every participant that did not withdraw has then completed the
    round and enters the pool of possible mentors for later rounds."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status != Round.Status.ACTIVE:
        raise DomainError(_("Only an active round can be completed."))
    round_.status = Round.Status.COMPLETED
    round_.save(update_fields=["status", "updated_at"])
    completing = list(
        round_.participations.filter(
            role=Participation.Role.PARTICIPANT,
            withdrawn_on__isnull=True,
            completed_on__isnull=True,
        )
    )
    now = timezone.now()
    for participation in completing:
        participation.completed_on = on or round_.ends_on
        participation.completed_with_round = True
        participation.updated_at = now
    bulk_update_with_history(
        completing, Participation, ["completed_on", "completed_with_round", "updated_at"]
    )
    log_action(
        round_,
        actions.ROUND_COMPLETED,
        round_id=round_.pk,
        data={"completed": [p.organisation_id for p in completing]},
    )
    return round_


@transaction.atomic
def round_reopen(*, round: Round, reason: str) -> Round:
    """Completed → active, with a reason: the completion is taken back, and with it the
    entries in the mentor pool that it created (completions recorded otherwise stay)."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for reopening the round."))
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status != Round.Status.COMPLETED:
        raise DomainError(_("Only a completed round can be reopened."))
    round_.status = Round.Status.ACTIVE
    round_.reopen_reason = reason
    round_.full_clean()
    round_.save(update_fields=["status", "reopen_reason", "updated_at"])
    taken_back = list(round_.participations.filter(completed_with_round=True))
    now = timezone.now()
    for participation in taken_back:
        participation.completed_on = None
        participation.completed_with_round = False
        participation.updated_at = now
    bulk_update_with_history(
        taken_back, Participation, ["completed_on", "completed_with_round", "updated_at"]
    )
    log_action(
        round_,
        actions.ROUND_REOPENED,
        round_id=round_.pk,
        data={"reason": reason, "taken_back": [p.organisation_id for p in taken_back]},
    )
    return round_


# Groups and mentors


def _check_members(round_: Round, members: Iterable[Participation]) -> list[Participation]:
    members = list(members)
    for member in members:
        if member.round_id != round_.pk:
            raise DomainError(
                _("%(organisation)s does not take part in %(round)s.")
                % {"organisation": member.organisation, "round": round_}
            )
        if member.role != Participation.Role.PARTICIPANT:
            raise DomainError(
                _("%(organisation)s is a mentor in this round and cannot be a group member.")
                % {"organisation": member.organisation}
            )
    return members


@transaction.atomic
def group_create(
    *,
    round: Round,
    name: str,
    theme: str = "",
    members: Iterable[Participation] = (),
) -> BenchmarkingGroup:
    """Create a benchmarking group and place participants in it. A group of one is refused;
    sizes other than two or three are allowed but warned about (`group_size_warning`)."""
    _require_open(round)
    members = _check_members(round, members)
    if len(members) == 1:
        raise DomainError(_("A benchmarking group needs at least two organisations."))
    group = BenchmarkingGroup(round=round, name=name.strip(), theme=theme.strip())
    group.full_clean()
    group.save()
    now = timezone.now()
    for member in members:
        member.group = group
        member.updated_at = now
    bulk_update_with_history(members, Participation, ["group", "updated_at"])
    log_action(
        group,
        actions.GROUP_CREATED,
        data={"name": group.name, "members": [m.organisation_id for m in members]},
    )
    return group


def _has_assessments_in_its_group(participation: Participation) -> bool:
    """Whether the organisation has self-assessments for its group's meetings: they compare
    it with that group, so it cannot leave the group any more."""
    return (
        participation.group_id is not None
        and SelfAssessment.objects.filter(
            participation=participation, meeting__group_id=participation.group_id
        ).exists()
    )


@transaction.atomic
def group_place(*, group: BenchmarkingGroup, participation: Participation) -> Participation:
    """Place a participant in a group (moving it from another group if need be). An
    organisation with self-assessments for its present group's meetings is not moved."""
    _require_open(group.round)
    (participation,) = _check_members(group.round, [participation])
    if participation.group_id not in (None, group.pk) and _has_assessments_in_its_group(
        participation
    ):
        raise DomainError(
            _(
                "%(organisation)s has self-assessments for the meetings of %(group)s and "
                "cannot move to another group."
            )
            % {"organisation": participation.organisation, "group": participation.group}
        )
    from_group = participation.group_id
    participation.group = group
    participation.full_clean()
    participation.save(update_fields=["group", "updated_at"])
    if from_group != group.pk:
        log_action(
            group,
            actions.GROUP_MEMBER_PLACED,
            data={
                "organisation": participation.organisation_id,
                "from_group": from_group,
                "group_name": group.name,
            },
        )
    return participation


def group_size_warning(group: BenchmarkingGroup, size: int | None = None) -> str | None:
    """The warning to show when a group is not of two or three organisations."""
    size = group.members.count() if size is None else size
    if size in GROUP_SIZES:
        return None
    return _("%(group)s has %(size)s organisations; groups have two or three.") % {
        "group": group,
        "size": size,
    }


@transaction.atomic
def mentor_assign(
    *,
    group: BenchmarkingGroup,
    participation: Participation,
    is_primary: bool = True,
    locked: bool = False,
) -> GroupMentor:
    """Attach a mentor organisation to a group, as its primary or a supporting mentor."""
    _require_open(group.round)
    if participation.round_id != group.round_id:
        raise DomainError(
            _("%(organisation)s does not take part in this round.")
            % {"organisation": participation.organisation}
        )
    if participation.role != Participation.Role.MENTOR:
        raise DomainError(
            _("%(organisation)s is a participant of this round and cannot mentor in it.")
            % {"organisation": participation.organisation}
        )
    if is_primary and group.mentorships.filter(is_primary=True).exists():
        raise DomainError(_("%(group)s already has a primary mentor.") % {"group": group})
    if group.mentorships.filter(participation=participation).exists():
        raise DomainError(
            _("%(organisation)s already mentors %(group)s.")
            % {"organisation": participation.organisation, "group": group}
        )
    mentorship = GroupMentor(
        group=group, participation=participation, is_primary=is_primary, locked=locked
    )
    mentorship.full_clean()
    mentorship.save()
    log_action(
        group,
        actions.MENTOR_ASSIGNED,
        data={
            "organisation": participation.organisation_id,
            "primary": is_primary,
            "locked": locked,
            "group_name": group.name,
        },
    )
    return mentorship


# Meetings and attendance


def _meeting_key(round_: Round, kind: str, number: int | None, group: BenchmarkingGroup | None):
    base = kind.replace("_", "-")
    if number:
        base = f"{base}-{number}"
    if group is not None:
        base = f"{base}-{slugify(group.name)}"
    # Cut before testing uniqueness, leaving room for a numeric suffix within the 80 allowed.
    base = base[:72].rstrip("-")
    key, suffix = base, 2
    while Meeting.objects.filter(round=round_, key=key).exists():
        key, suffix = f"{base}-{suffix}", suffix + 1
    return key


@transaction.atomic
def meeting_create(
    *,
    log: bool = True,
    round: Round,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    group: BenchmarkingGroup | None = None,
    key: str = "",
    number: int | None = None,
    theme: str = "",
    place: str = "",
    online_url: str = "",
    host: Organisation | None = None,
    assessment_due: bool = False,
    assessment_opens_on: date | None = None,
    audience: list[str] | None = None,
) -> Meeting:
    """A meeting of the round or of one group; `audience` (functions) defaults by kind."""
    _require_open(round)
    if group is not None and group.round_id != round.pk:
        raise DomainError(_("The group belongs to another round."))
    meeting = Meeting(
        round=round,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        group=group,
        key=key or _meeting_key(round, kind, number, group),
        number=number,
        theme=theme,
        place=place,
        online_url=online_url,
        host=host,
        assessment_due=assessment_due,
        assessment_opens_on=assessment_opens_on,
        audience=_audience(kind, audience),
    )
    meeting.full_clean()
    meeting.save()
    if log:
        log_action(
            meeting,
            actions.MEETING_CREATED,
            data={
                "title": meeting.title,
                "starts_at": meeting.starts_at,
                "group": meeting.group_id,
            },
        )
    return meeting


def _audience(kind: str, audience: Iterable[str] | None) -> list[str]:
    return normalise_audience(kind, audience)


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, participation: Participation, person, attended: bool = True
) -> Attendance:
    """Record whether a person attended a meeting for their organisation."""
    attendance, was = _attendance_write(
        meeting=meeting, participation=participation, person=person, attended=attended
    )
    if was != attended:
        _log_attendance(
            meeting, present=[person.pk] if attended else [], absent=[] if attended else [person.pk]
        )
    return attendance


def _log_attendance(meeting: Meeting, *, present: list[int], absent: list[int]) -> None:
    if present or absent:
        log_action(
            meeting,
            actions.ATTENDANCE_RECORDED,
            data={"title": meeting.title, "present": present, "absent": absent},
        )


def _attendance_write(
    *, meeting: Meeting, participation: Participation, person, attended: bool
) -> tuple[Attendance, bool | None]:
    """Write one attendance row; returns it and what it said before (None: nothing)."""
    if not participation.function_assignments.filter(person=person).exists():
        raise DomainError(
            _("%(person)s holds no function for %(organisation)s.")
            % {"person": person, "organisation": participation.organisation}
        )
    attendance = Attendance.objects.filter(meeting=meeting, person=person).first() or Attendance(
        meeting=meeting, person=person
    )
    was = attendance.attended if attendance.pk else None
    attendance.participation = participation
    attendance.attended = attended
    attendance.full_clean(validate_constraints=False)
    attendance.save()
    return attendance, was


# Matching: saving proposals and pairs set by hand.


@transaction.atomic
def mentor_set(
    *,
    group: BenchmarkingGroup,
    organisation: Organisation,
    locked: bool = False,
) -> GroupMentor:
    """Make the organisation the group's primary mentor, enrolling it as a mentor of the round
    if need be. The mentor rules apply; a locked pair is kept when proposals are re-run."""
    _require_open(group.round)
    round_ = group.round
    problem = mentor_ineligibility(round=round_, organisation=organisation, group=group)
    if problem:
        raise DomainError(problem)
    participation = Participation.objects.filter(
        round=round_, organisation=organisation, role=Participation.Role.MENTOR
    ).first()
    if participation is None:
        participation = participation_add(
            round=round_, organisation=organisation, role=Participation.Role.MENTOR
        )
    current = group.mentorships.filter(is_primary=True).select_related("participation").first()
    if current is not None and current.participation_id == participation.pk:
        if current.locked != locked:
            current.locked = locked
            current.save(update_fields=["locked", "updated_at"])
            _log_mentor(group, actions.MENTOR_LOCKED, current, locked=locked)
        return current
    busy = (
        GroupMentor.objects.filter(participation=participation, is_primary=True)
        .exclude(group=group)
        .count()
    )
    if busy >= participation.mentor_capacity:
        raise DomainError(
            _("%(organisation)s already mentors as many groups as it can (%(capacity)s).")
            % {"organisation": organisation, "capacity": participation.mentor_capacity}
        )
    if current is not None:
        _log_mentor(group, actions.MENTOR_REMOVED, current)
        current.delete()
    # A supporting mentor that becomes the primary one is moved, not doubled.
    group.mentorships.filter(participation=participation).delete()
    mentorship = mentor_assign(
        group=group, participation=participation, is_primary=True, locked=locked
    )
    if current is not None:
        _release_mentors([current.participation_id])
    return mentorship


def _release_mentors(participation_ids: Iterable[int]) -> None:
    """A mentor organisation enrolled for a group it no longer mentors leaves the round, so
    that a replaced mentor is replaced, not kept beside the new one. One with people or
    attendance of its own in the round stays: those are the round's history."""
    Participation.objects.filter(
        pk__in=list(participation_ids), role=Participation.Role.MENTOR, mentorships__isnull=True
    ).exclude(function_assignments__isnull=False).exclude(attendances__isnull=False).delete()


def _log_mentor(group: BenchmarkingGroup, action_type: str, mentorship: GroupMentor, **data):
    organisation_id = (
        Participation.objects.filter(pk=mentorship.participation_id)
        .values_list("organisation_id", flat=True)
        .first()
    )
    log_action(
        group,
        action_type,
        data={"organisation": organisation_id, "group_name": group.name, **data},
    )


@transaction.atomic
def mentor_lock(*, group: BenchmarkingGroup, locked: bool) -> GroupMentor:
    """Lock or unlock the group's primary mentor."""
    _require_open(group.round)
    current = group.mentorships.filter(is_primary=True).first()
    if current is None:
        raise DomainError(_("%(group)s has no mentor to lock.") % {"group": group})
    if current.locked != locked:
        current.locked = locked
        current.save(update_fields=["locked", "updated_at"])
        _log_mentor(group, actions.MENTOR_LOCKED, current, locked=locked)
    return current


@transaction.atomic
def mentor_proposal_accept(*, round: Round, group_ids=None) -> list[GroupMentor]:
    """Save the current mentor proposal for all the round's groups, or for some of them.

    The proposal is computed afresh here, inside the transaction, so what is saved is
    consistent with the data as it is now.
    """
    proposal = mentor_proposal(round=round)
    wanted = None if group_ids is None else {int(i) for i in group_ids}
    accepted = [
        row
        for row in proposal.rows
        if row.mentor is not None
        and not row.locked
        and (wanted is None or row.group.pk in wanted)
        and row.mentor != row.current
    ]
    # The pairs being replaced make room first: a mentor may move from one accepted group to
    # another, and its old pair must not count against its capacity.
    replaced = GroupMentor.objects.filter(
        group__in=[row.group for row in accepted], is_primary=True, locked=False
    ).select_related("group")
    replaced_ids = {m.participation_id for m in replaced}
    for mentorship in replaced:
        _log_mentor(mentorship.group, actions.MENTOR_REMOVED, mentorship)
    replaced.delete()
    saved = [mentor_set(group=row.group, organisation=row.mentor) for row in accepted]
    _release_mentors(replaced_ids)
    return saved


@transaction.atomic
def group_proposal_accept(*, round: Round, groups: list[list[str]]) -> list[BenchmarkingGroup]:
    """Form groups from lists of organisation codes: a list holding members of an existing
    group fills that group up; any other list becomes a new group “Grupp N”."""
    participations = {
        p.organisation.code: p
        for p in round.participations.filter(role=Participation.Role.PARTICIPANT).select_related(
            "organisation", "group"
        )
    }
    unknown = sorted({c for codes in groups for c in codes if c not in participations})
    if unknown:
        raise DomainError(
            _("Not participants of the round: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    listed = [c for codes in groups for c in codes]
    twice = sorted({c for c in listed if listed.count(c) > 1})
    if twice:
        raise DomainError(
            _("Each organisation belongs to one group; listed more than once: %(codes)s.")
            % {"codes": ", ".join(twice)}
        )
    sizes = dict(round.groups.annotate(n=Count("members")).values_list("pk", "n"))
    taken = set(round.groups.values_list("name", flat=True))
    number = 1
    result = []
    for codes in groups:
        members = [participations[c] for c in codes]
        existing = {m.group_id: m.group for m in members if m.group_id}
        if len(existing) > 1:
            raise DomainError(
                _("%(codes)s would join two existing groups.") % {"codes": ", ".join(codes)}
            )
        # The size that counts is the group's after the list fills it.
        joining = [m for m in members if m.group_id is None]
        size = len(joining) + (sizes[next(iter(existing))] if existing else 0)
        if size not in GROUP_SIZES:
            raise DomainError(
                _("A group must have two or three organisations: %(codes)s.")
                % {"codes": ", ".join(codes)}
            )
        if existing:
            group = next(iter(existing.values()))
            for member in members:
                if member.group_id != group.pk:
                    group_place(group=group, participation=member)
        else:
            # Group names are data, written in the programme's own language whatever the
            # language of the page that saved them.
            with translation.override(settings.LANGUAGE_CODE):
                while _("Group %(number)s") % {"number": number} in taken:
                    number += 1
                name = _("Group %(number)s") % {"number": number}
            taken.add(name)
            group = group_create(round=round, name=name, members=members)
        result.append(group)
    return result


# Rounds, groups and meetings: changes the project leader makes in the browser


ROUND_FIELDS = (
    "name",
    "kind",
    "starts_on",
    "ends_on",
    "current_year",
    "description",
    "accepts_applications",
    "reminder_days",
    "meeting_notice_days",
    "contacts",
)


@transaction.atomic
def round_update(*, round: Round, **fields) -> Round:
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.status == Round.Status.COMPLETED:
        raise DomainError(_("A completed round is archived and cannot be changed."))
    contacts = fields.pop("contacts", None)
    changes = field_changes(round_, fields)
    for name, value in fields.items():
        setattr(round_, name, value)
    round_.full_clean()
    round_.save()
    if contacts is not None:
        _contacts_set(round_, contacts)
    if changes:
        log_action(round_, actions.ROUND_UPDATED, round_id=round_.pk, data={"changes": changes})
    return round_


@transaction.atomic
def group_update(
    *,
    group: BenchmarkingGroup,
    name: str,
    theme: str = "",
    members: Iterable[Participation] | None = None,
) -> BenchmarkingGroup:
    """Rename a group and, when `members` is given, make exactly those its members
    (`group_set_members`); a refusal of either changes nothing."""
    _require_open(group.round)
    changes = field_changes(group, {"name": name.strip(), "theme": theme.strip()})
    group.name = name.strip()
    group.theme = theme.strip()
    group.full_clean()
    group.save()
    if changes:
        log_action(group, actions.GROUP_UPDATED, data={"name": group.name, "changes": changes})
    if members is not None:
        group_set_members(group=group, members=list(members))
    return group


@transaction.atomic
def group_remove_member(*, participation: Participation) -> Participation:
    """Take an organisation out of its group (it stays in the round)."""
    _require_open(participation.round)
    if _has_assessments_in_its_group(participation):
        raise DomainError(
            _("%(organisation)s has self-assessments for the group's meetings; it stays.")
            % {"organisation": participation.organisation}
        )
    group = participation.group
    participation.group = None
    participation.save(update_fields=["group", "updated_at"])
    if group is not None:
        log_action(
            group,
            actions.GROUP_MEMBER_REMOVED,
            data={"organisation": participation.organisation_id, "group_name": group.name},
        )
    return participation


@transaction.atomic
def group_delete(*, group: BenchmarkingGroup) -> None:
    _require_open(group.round)
    if group.meetings.filter(assessments__isnull=False).exists():
        raise DomainError(
            _("%(group)s has self-assessments for its meetings and cannot be removed.")
            % {"group": group}
        )
    log_action(
        group,
        actions.GROUP_DELETED,
        data={
            "name": group.name,
            "members": list(group.members.values_list("organisation_id", flat=True)),
        },
    )
    group.delete()


@transaction.atomic
def mentor_remove(*, mentorship: GroupMentor) -> None:
    _require_open(mentorship.group.round)
    _log_mentor(mentorship.group, actions.MENTOR_REMOVED, mentorship)
    mentorship.delete()
    _release_mentors([mentorship.participation_id])


MEETING_FIELDS = (
    "kind",
    "title",
    "number",
    "theme",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "host",
    "group",
    "assessment_due",
    "assessment_opens_on",
    "audience",
)


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields) -> Meeting:
    """Move or change a meeting. A meeting that already has self-assessments keeps its group
    and its need of an assessment, so that no assessment loses its place. Moving its start
    alone moves its end by as much; a move raises its calendar revision, and the people
    already invited are told of it by e-mail."""
    _require_open(meeting.round)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    has_assessments = meeting.assessments.exists()
    if has_assessments and (
        ("group" in fields and fields["group"] != meeting.group)
        or ("assessment_due" in fields and not fields["assessment_due"])
    ):
        raise DomainError(
            _("The meeting has self-assessments; it keeps its group and its self-assessment.")
        )
    group = fields.get("group", meeting.group)
    if group is not None and group.round_id != meeting.round_id:
        raise DomainError(_("The group belongs to another round."))
    host = fields.get("host", meeting.host)
    if (
        host is not None
        and group is not None
        and not group.members.filter(organisation=host).exists()
    ):
        raise DomainError(
            _("%(organisation)s is not a member of %(group)s and cannot host its meeting.")
            % {"organisation": host, "group": group}
        )
    if "audience" in fields:
        fields["audience"] = _audience(fields.get("kind", meeting.kind), fields["audience"])
    if "starts_at" in fields and "ends_at" not in fields and meeting.starts_at:
        fields["ends_at"] = meeting.ends_at + (fields["starts_at"] - meeting.starts_at)
    moved = any(
        name in fields and fields[name] != getattr(meeting, name)
        for name in ("starts_at", "ends_at")
    )
    changes = field_changes(meeting, fields)
    for name, value in fields.items():
        setattr(meeting, name, value)
    if moved:
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    if moved and meeting.round.status == Round.Status.ACTIVE and meeting.starts_at > timezone.now():
        from rounds.tasks import send_meeting_moved  # tasks import services

        enqueue_on_commit(send_meeting_moved, meeting.pk, meeting.sequence)
    if changes:
        log_action(
            meeting, actions.MEETING_UPDATED, data={"title": meeting.title, "changes": changes}
        )
    return meeting


def meeting_moved_notices_send(*, meeting: Meeting, sequence: int) -> int:
    """Tell the people already invited to a meeting that it moved, with the calendar file of
    its new time (the same event, a higher revision), once per move. Returns how many were
    told; a later move makes this one moot."""
    if meeting.sequence != sequence:
        return 0
    invited = set(
        SentNotice.objects.filter(meeting=meeting, kind=SentNotice.Kind.MEETING_NOTICE).values_list(
            "person_id", flat=True
        )
    )
    told = 0
    for participation, person in expected_attendees(meeting):
        if person.pk in invited and _send_once(
            kind=SentNotice.Kind.MEETING_MOVED,
            meeting=meeting,
            person=person,
            days_before=sequence,
            participation=participation,
        ):
            told += 1
    return told


@transaction.atomic
def meeting_delete(*, meeting: Meeting) -> None:
    _require_open(meeting.round)
    if meeting.assessments.exists():
        raise DomainError(
            _("%(meeting)s has self-assessments and cannot be removed.") % {"meeting": meeting}
        )
    if meeting.attendances.filter(attended=True).exists():
        raise DomainError(
            _("%(meeting)s has recorded attendance and cannot be removed.") % {"meeting": meeting}
        )
    log_action(
        meeting,
        actions.MEETING_DELETED,
        data={"title": meeting.title, "starts_at": meeting.starts_at, "group": meeting.group_id},
    )
    meeting.delete()


@transaction.atomic
def attendance_set(*, meeting: Meeting, attended_ids: set[int]) -> int:
    """Record who of the people expected at a meeting attended; returns how many attended."""
    expected = expected_attendees(meeting)
    present, absent = [], []
    for participation, person in expected:
        attended = person.pk in attended_ids
        _attendance, was = _attendance_write(
            meeting=meeting, participation=participation, person=person, attended=attended
        )
        if was != attended and (was is not None or attended):
            (present if attended else absent).append(person.pk)
    # One entry for the whole list: what changed in it.
    _log_attendance(meeting, present=present, absent=absent)
    return sum(1 for _p, person in expected if person.pk in attended_ids)


@transaction.atomic
def schedule_generate(*, round: Round, opens_days_before: int = 28) -> list[Meeting]:
    """Create the round's default schedule as editable meetings. Learning meetings are made
    for each group (hosted by its members in turn), or for the whole round when it has no
    groups yet. A round that already has meetings is left as it is."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.meetings.exists():
        raise DomainError(
            _("%(round)s already has meetings; add or move them one by one.") % {"round": round_}
        )
    groups = list(
        round_.groups.prefetch_related(
            Prefetch(
                "members",
                queryset=Participation.objects.filter(withdrawn_on__isnull=True)
                .select_related("organisation")
                .order_by("organisation__name"),
            )
        )
    )
    created = []
    # Meeting titles are data, written in the programme's own language.
    with translation.override(settings.LANGUAGE_CODE):
        planned_meetings = default_schedule(round_.starts_on, round_.ends_on)
        online = _("Online")
    for planned in planned_meetings:
        common = {
            "round": round_,
            "kind": planned.kind,
            "title": planned.title,
            "number": planned.number,
            "theme": planned.theme,
            "starts_at": planned.starts_at(),
            "ends_at": planned.ends_at(),
            "place": online if planned.online else planned.place,
            "assessment_due": planned.assessment_due,
            "assessment_opens_on": planned.day - timedelta(days=opens_days_before)
            if planned.assessment_due
            else None,
        }
        if planned.per_group and groups:
            for group in groups:
                members = list(group.members.all())
                host = (
                    members[(planned.number - 1) % len(members)].organisation if members else None
                )
                created.append(
                    meeting_create(
                        **{**common, "title": f"{planned.title} – {group.name}"},
                        group=group,
                        host=host,
                        log=False,
                    )
                )
        else:
            created.append(meeting_create(**common, log=False))
    log_action(
        round_, actions.SCHEDULE_GENERATED, round_id=round_.pk, data={"meetings": len(created)}
    )
    return created


# Reminders and meeting invitations


logger = logging.getLogger(__name__)


def notice_email_send(*, kind: str, meeting: Meeting, person, participation=None) -> None:
    """The e-mail itself: a reminder to submit the self-assessment, or the meeting's
    invitation with the meeting attached as a calendar file."""
    from rounds.calendar import calendar_for

    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "meeting": meeting,
            "person": person,
            "participation": participation,
            "site_url": settings.SITE_URL,
            "contacts": list(meeting.round.contacts.all()),
        }
        if kind == SentNotice.Kind.ASSESSMENT_REMINDER:
            subject = _("Reminder: the self-assessment before %(meeting)s") % {"meeting": meeting}
            body = render_to_string("rounds/email/assessment_reminder.txt", context)
        elif kind == SentNotice.Kind.MEETING_MOVED:
            subject = _("Moved: %(meeting)s") % {"meeting": meeting}
            body = render_to_string("rounds/email/meeting_moved.txt", context)
        else:
            subject = _("Invitation: %(meeting)s") % {"meeting": meeting}
            body = render_to_string("rounds/email/meeting_notice.txt", context)
    message = EmailMessage(subject, body, to=[person.email])
    if kind in (SentNotice.Kind.MEETING_NOTICE, SentNotice.Kind.MEETING_MOVED):
        message.attach(
            f"{meeting.key}.ics", calendar_for([meeting], name=meeting.title), "text/calendar"
        )
    message.send()


def _send_once(*, kind: str, meeting: Meeting, person, days_before: int, **context) -> bool:
    """Send one notice unless it has been sent; the row and the e-mail succeed together."""
    try:
        with transaction.atomic():
            SentNotice.objects.create(
                kind=kind, meeting=meeting, person=person, days_before=days_before
            )
            notice_email_send(kind=kind, meeting=meeting, person=person, **context)
    except IntegrityError:  # another run sent it a moment ago
        return False
    except OSError:  # the mail server refused; the next run tries again
        logger.exception("Could not send %s about meeting %s to %s", kind, meeting.pk, person.pk)
        return False
    return True


def notices_send(*, today: date | None = None) -> dict[str, int]:
    """E-mail what is due today, once: self-assessment reminders to the strategists of each
    organisation that has not submitted, N days before the meeting (N per round), and each
    meeting's invitation a set number of days ahead. A row per e-mail sent makes a re-run send
    nothing twice, and a missed day is caught up the next day."""
    today = today or timezone.localdate()
    counts = {"reminders": 0, "invitations": 0}
    upcoming = list(
        Meeting.objects.filter(round__status=Round.Status.ACTIVE, starts_at__date__gt=today)
        .select_related("round", "group")
        .order_by("starts_at")
    )
    sent = set(
        SentNotice.objects.filter(meeting__in=upcoming).values_list(
            "kind", "meeting_id", "person_id", "days_before"
        )
    )
    for meeting in upcoming:
        days_left = (timezone.localtime(meeting.starts_at).date() - today).days
        notice_days = meeting.round.meeting_notice_days
        if days_left <= notice_days:
            for _participation, person in expected_attendees(meeting):
                kind = SentNotice.Kind.MEETING_NOTICE
                if (kind, meeting.pk, person.pk, notice_days) not in sent and _send_once(
                    kind=kind, meeting=meeting, person=person, days_before=notice_days
                ):
                    counts["invitations"] += 1
        due_days = [d for d in meeting.round.reminder_days if days_left <= d]
        if not meeting.assessment_due or not due_days:
            continue
        # Only the latest reminder due is sent; an earlier one missed is moot by now.
        days_before = min(due_days)
        # One subquery: a draft here and a submitted assessment elsewhere is not "submitted".
        submitted = SelfAssessment.objects.filter(
            meeting=meeting, status=SelfAssessment.Status.SUBMITTED
        ).values("participation_id")
        participations = Participation.objects.filter(
            round_id=meeting.round_id,
            role=Participation.Role.PARTICIPANT,
            withdrawn_on__isnull=True,
        ).exclude(pk__in=submitted)
        if meeting.group_id is not None:
            participations = participations.filter(group_id=meeting.group_id)
        strategists = FunctionAssignment.objects.filter(
            participation__in=participations, function="strateg", person__is_active=True
        ).select_related("person", "participation__organisation")
        for assignment in strategists:
            kind = SentNotice.Kind.ASSESSMENT_REMINDER
            if (kind, meeting.pk, assignment.person_id, days_before) not in sent and _send_once(
                kind=kind,
                meeting=meeting,
                person=assignment.person,
                days_before=days_before,
                participation=assignment.participation,
            ):
                counts["reminders"] += 1
    return counts


@transaction.atomic
def group_set_members(
    *, group: BenchmarkingGroup, members: list[Participation]
) -> BenchmarkingGroup:
    """Make exactly these participants the group's members (moving them from other groups);
    refused for a group of one."""
    _require_open(group.round)
    members = _check_members(group.round, members)
    if len(members) == 1:
        raise DomainError(_("A benchmarking group needs at least two organisations."))
    wanted = {m.pk for m in members}
    for leaving in group.members.exclude(pk__in=wanted):
        group_remove_member(participation=leaving)
    for member in members:
        if member.group_id != group.pk:
            group_place(group=group, participation=member)
    return group


@transaction.atomic
def mentor_add(
    *, group: BenchmarkingGroup, organisation: Organisation, is_primary: bool = False
) -> GroupMentor:
    """Attach a mentor chosen by hand (a supporting one, say, or a federation that mentors
    without having taken part), enrolling it as a mentor of the round if need be."""
    _require_open(group.round)
    participation = Participation.objects.filter(
        round_id=group.round_id, organisation=organisation
    ).first()
    if participation is None:
        participation = participation_add(
            round=group.round, organisation=organisation, role=Participation.Role.MENTOR
        )
    return mentor_assign(group=group, participation=participation, is_primary=is_primary)
