"""Reads of the programme's learning loop for pages and reports: meeting material, mentors'
notes, meeting evaluations."""

from __future__ import annotations

from rounds.evaluations import evaluation_state
from rounds.models import Meeting, MeetingMaterial, ProgrammeDocument


def meeting_material(*, meeting: Meeting) -> list[MeetingMaterial]:
    """The meeting's files, in one query (each knows its meeting, for its links)."""
    material = list(MeetingMaterial.objects.filter(meeting=meeting).order_by("title", "pk"))
    for document in material:
        document.meeting = meeting
    return material


def meeting_page(*, meeting: Meeting, user) -> dict:
    """What the meeting page shows of the learning loop: its material, and whether the
    person may evaluate it."""
    return {
        "material": meeting_material(meeting=meeting),
        "evaluation_state": evaluation_state(meeting=meeting, user=user),
    }


def programme_library() -> list[ProgrammeDocument]:
    """The programme's method material, as the library page lists it."""
    return list(ProgrammeDocument.objects.all())
