"""The mentor's voice: notes to the groups a mentor follows, and the description of the
mentor's role that project leaders keep. Services and the reads their pages need."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError
from modellkoncept.roundvalues import PROGRAMME, site_value
from rounds import actions
from rounds.material import clean_agenda
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting, MentorNote, MentorRole

NOTE_MAX_CHARS = 5_000


@transaction.atomic
def mentor_note_write(
    *, group: BenchmarkingGroup, author, text: str, meeting: Meeting | None = None
) -> MentorNote:
    """A note from one of the group's mentors to the group, perhaps after one of its
    meetings. The author must be a person of an organisation that mentors the group."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the note."))
    if len(text) > NOTE_MAX_CHARS:
        raise DomainError(
            _("The note is too long: at most %(max)s characters.") % {"max": NOTE_MAX_CHARS}
        )
    mentorship = (
        GroupMentor.objects.filter(group=group, participation__function_assignments__person=author)
        .select_related("participation")
        .order_by("-is_primary", "pk")
        .first()
    )
    if mentorship is None:
        raise DomainError(_("Only the group's mentors write notes to it."))
    if meeting is not None and (
        meeting.round_id != group.round_id or meeting.group_id not in (None, group.pk)
    ):
        raise DomainError(_("The meeting is not one of the group's."))
    note = MentorNote(
        group=group,
        participation=mentorship.participation,
        author=author,
        meeting=meeting,
        text=text,
    )
    note.full_clean()
    note.save()
    log_action(
        note,
        actions.MENTOR_NOTE_WRITTEN,
        user=author,
        round_id=group.round_id,
        data={"group": group.name},
    )
    return note


@transaction.atomic
def mentor_role_set(*, text: str, by=None) -> MentorRole:
    """Describe the mentor's role for the whole programme (formatted text, sanitised)."""
    role = MentorRole.objects.select_for_update().filter(pk=1).first() or MentorRole(pk=1)
    role.text = clean_agenda(text)
    role.updated_by = by
    role.full_clean()
    role.save()
    log_action(role, actions.MENTOR_ROLE_SET, user=by)
    return role


# Reads


def mentor_role() -> MentorRole | None:
    """The mentor's role, as `mentor_role_set` last wrote it: the same for every mentor, so
    kept until an action of no round that changes what the programme gives (its own, say)
    renews it."""
    return site_value(
        "mentor-role", lambda: MentorRole.objects.filter(pk=1).first(), reads=(PROGRAMME,)
    )


def group_notes(*, group: BenchmarkingGroup) -> list[MentorNote]:
    """The mentors' notes to the group, the latest first, in one query."""
    return list(
        MentorNote.objects.filter(group=group)
        .select_related("participation__organisation", "author", "meeting")
        .order_by("-created_at", "-pk")
    )


def group_meetings(*, group: BenchmarkingGroup):
    """The meetings a note may follow: the group's own and its round's."""
    return (
        Meeting.objects.filter(round_id=group.round_id)
        .filter(Q(group__isnull=True) | Q(group=group))
        .order_by("starts_at", "pk")
    )
