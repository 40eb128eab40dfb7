"""Meetings, their attendance and the round's schedule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from modellkoncept.actions import field_changes, log_action
from modellkoncept.errors import DomainError
from modellkoncept.queue import enqueue_on_commit
from participants.models import Organisation, Participation
from rounds import actions
from rounds.models import (
    Attendance,
    BenchmarkingGroup,
    Meeting,
    Round,
    SentNotice,
    normalise_audience,
)
from rounds.schedule import default_schedule
from rounds.selectors import expected_attendees
from rounds.services.lifecycle import _require_open
from rounds.services.notices import _send_once

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
    year: int | None = None,
) -> Meeting:
    """A meeting of the round or of one group; `audience` (functions) defaults by kind, and
    `year` (of the round, which sets the levels of its self-assessment) by the year the round
    is in."""
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
        year=year or round.current_year,
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
    "year",
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
    if (
        "year" in fields
        and fields["year"] != meeting.year
        and meeting.assessments.filter(level="committee").exists()
    ):
        raise DomainError(
            _(
                "The meeting has self-assessments at committee/department level; it stays in "
                "year two."
            )
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
        enqueue_on_commit("rounds.tasks.send_meeting_moved", meeting.pk, meeting.sequence)
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
        planned_meetings = default_schedule(
            round_.starts_on, round_.ends_on, round_.year_two_themes
        )
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
            "year": planned.year,
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
