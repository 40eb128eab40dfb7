"""A meeting's expected attendees and its attendance sheet."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import F, Q

from modellkoncept.policy import standing
from participants.models import REQUIRED_FUNCTIONS, Function, FunctionAssignment, Participation
from rounds.models import Attendance, Meeting


def _complete_attendance(meetings: list[Meeting]) -> dict[int, int]:
    """meeting id → the number of participant organisations (that have not withdrawn) whose
    functions expected at the meeting (of the three: all of them, or the strategist at a
    strategist meeting) all attended: counted by the database, one query."""
    if not meetings:
        return {}
    expected = {m.pk: set(m.expected_required_functions) for m in meetings}
    rows = (
        Attendance.objects.filter(
            meeting__in=meetings,
            attended=True,
            participation__role=Participation.Role.PARTICIPANT,
            participation__withdrawn_on__isnull=True,
            # The person held the function for the organisation they attended for.
            person__function_assignments__participation=F("participation"),
            person__function_assignments__function__in=REQUIRED_FUNCTIONS,
        )
        .order_by()
        .values_list("meeting_id", "participation_id", "person__function_assignments__function")
        .distinct()
    )
    present = defaultdict(set)
    for meeting_id, participation_id, function in rows:
        present[meeting_id, participation_id].add(function)
    return Counter(
        meeting_id
        for (meeting_id, _participation_id), functions in present.items()
        if expected[meeting_id] and expected[meeting_id] <= functions
    )


def expected_attendees(meeting: Meeting) -> list[tuple[Participation, object]]:
    """The people expected at a meeting: those in the functions it is for (its audience) of
    the round's participating organisations (and mentors) for a round meeting; of a group's
    members and mentors for a group meeting."""
    participations = Participation.objects.filter(
        round_id=meeting.round_id, withdrawn_on__isnull=True
    )
    if meeting.group_id is not None:
        participations = participations.filter(
            Q(group_id=meeting.group_id) | Q(mentorships__group_id=meeting.group_id)
        )
    assignments = (
        FunctionAssignment.objects.filter(
            participation__in=participations,
            person__is_active=True,
            # The meeting's audience: a strategist meeting is for the key persons.
            function__in=meeting.invited_functions,
        )
        .select_related("participation__organisation", "person")
        .order_by("participation__organisation__name", "person__full_name")
    )
    seen, result = set(), []
    for assignment in assignments:
        if assignment.person_id not in seen:
            seen.add(assignment.person_id)
            result.append((assignment.participation, assignment.person))
    return result


def attendance_sheet(*, meeting: Meeting) -> list[tuple]:
    """The people expected at a meeting with their functions and whether they attended:
    (participation, person, function labels, present)."""
    expected = expected_attendees(meeting)
    functions = defaultdict(list)
    for participation_id, person_id, function in FunctionAssignment.objects.filter(
        participation__in={p.pk for p, _person in expected}
    ).values_list("participation_id", "person_id", "function"):
        functions[participation_id, person_id].append(Function(function).label)
    present = set(
        Attendance.objects.filter(meeting=meeting, attended=True).values_list(
            "person_id", flat=True
        )
    )
    return [
        (participation, person, functions[participation.pk, person.pk], person.pk in present)
        for participation, person in expected
    ]


def own_assessing_participations(*, meeting: Meeting, user) -> list[Participation]:
    """The viewer's own organisations that assess before this meeting (not mentors)."""
    if not meeting.assessment_due:
        return []
    return [
        p
        for p in Participation.objects.filter(
            pk__in=standing(user).participation_ids,
            round_id=meeting.round_id,
            role=Participation.Role.PARTICIPANT,
        ).select_related("organisation")
        if meeting.group_id in (None, p.group_id)
    ]
