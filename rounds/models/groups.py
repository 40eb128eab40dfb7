"""Benchmarking groups and the mentor organisations attached to them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modellkoncept.models import HistoricalRecords, KeysInOneQuery, TimeStampedModel

from .rounds import Round


class BenchmarkingGroup(TimeStampedModel):
    """Two or three participant organisations that compare their ways of working."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="groups", verbose_name=_("round")
    )
    name = models.CharField(_("name"), max_length=120)
    theme = models.CharField(
        _("theme or track"),
        max_length=200,
        blank=True,
        help_text=_("For example “Folkhälsa och social hållbarhet”."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("benchmarking group")
        verbose_name_plural = _("benchmarking groups")
        ordering = ["round", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"],
                name="group_name_unique_in_round",
                violation_error_message=_("The round already has a group with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class GroupMentor(KeysInOneQuery, TimeStampedModel):
    """A mentor organisation attached to a group: one primary, any number supporting."""

    group = models.ForeignKey(
        BenchmarkingGroup,
        on_delete=models.CASCADE,
        related_name="mentorships",
        verbose_name=_("benchmarking group"),
    )
    participation = models.ForeignKey(
        "participants.Participation",
        on_delete=models.CASCADE,
        related_name="mentorships",
        verbose_name=_("mentor"),
    )
    is_primary = models.BooleanField(_("primary mentor"), default=True)
    locked = models.BooleanField(
        _("locked"),
        default=False,
        help_text=_("A locked pair is kept when mentors are proposed again."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group mentor")
        verbose_name_plural = _("group mentors")
        ordering = ["group", "-is_primary", "participation__organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "participation"],
                name="group_mentor_once",
                violation_error_message=_("The organisation already mentors this group."),
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(is_primary=True),
                name="group_one_primary_mentor",
                violation_error_message=_("The group already has a primary mentor."),
            ),
        ]

    def __str__(self):
        return _("%(mentor)s mentors %(group)s") % {
            "mentor": self.participation.organisation,
            "group": self.group,
        }

    def clean(self):
        super().clean()
        if not (self.group_id and self.participation_id):
            return
        if self.participation.round_id != self.group.round_id:
            raise ValidationError(_("The mentor takes part in another round."))
        if self.participation.role != self.participation.Role.MENTOR:
            raise ValidationError(
                _("%(organisation)s is a participant of this round and cannot mentor in it.")
                % {"organisation": self.participation.organisation}
            )
