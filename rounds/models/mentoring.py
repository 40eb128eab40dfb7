"""The mentor's voice (rounds/mentoring.py writes them)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modellkoncept.models import KeysInOneQuery, TimeStampedModel

from .groups import BenchmarkingGroup
from .meetings import Meeting


class MentorNote(KeysInOneQuery, TimeStampedModel):
    """A mentor's note to the group it mentors, such as advice after a meeting. The group's
    organisations, its mentors and project leaders read it."""

    group = models.ForeignKey(
        BenchmarkingGroup,
        on_delete=models.CASCADE,
        related_name="mentor_notes",
        verbose_name=_("benchmarking group"),
    )
    # The mentor organisation; its notes stay with the group if it stops mentoring it.
    participation = models.ForeignKey(
        "participants.Participation",
        on_delete=models.CASCADE,
        related_name="mentor_notes",
        verbose_name=_("mentor"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_notes",
        verbose_name=_("after the meeting"),
    )
    text = models.TextField(_("note"))

    class Meta:
        verbose_name = _("mentor's note")
        verbose_name_plural = _("mentors' notes")
        ordering = ["group", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="mentor_note_has_text"),
        ]

    def __str__(self):
        return _("Note to %(group)s") % {"group": self.group}

    def clean(self):
        super().clean()
        if (
            self.participation_id
            and self.group_id
            and self.participation.round_id != self.group.round_id
        ):
            raise ValidationError(_("The mentor does not mentor this group."))
        if self.meeting_id and self.group_id and self.meeting.round_id != self.group.round_id:
            raise ValidationError({"meeting": _("The meeting belongs to another round.")})


class MentorRole(TimeStampedModel):
    """What the programme expects of a mentor, and what mentors did well in earlier rounds:
    one text for the whole programme, shown on the mentor workspace."""

    text = models.TextField(_("the mentor's role"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("the mentor's role")
        verbose_name_plural = _("the mentor's role")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="mentor_role_one_row"),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
