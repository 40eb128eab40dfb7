"""Evaluations of meetings (rounds/evaluations.py writes them)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modellkoncept.models import ChecksInOneQuery, KeysInOneQuery, TimeStampedModel

from .meetings import Meeting

# The meetings that are evaluated: learning meetings and the conferences.
EVALUATED_KINDS = (
    Meeting.Kind.LEARNING_MEETING,
    Meeting.Kind.STARTUP_CONFERENCE,
    Meeting.Kind.MIDTERM_CONFERENCE,
    Meeting.Kind.RESULT_CONFERENCE,
)
SCORE_MIN, SCORE_MAX = 1, 5


class EvaluationStatement(ChecksInOneQuery, TimeStampedModel):
    """A statement the people invited to a meeting of this kind score from 1 to 5 afterwards.
    A statement taken out of the set stays (inactive) for the answers already given."""

    meeting_kind = models.CharField(_("kind of meeting"), max_length=24, choices=Meeting.Kind)
    text = models.CharField(_("statement"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("asked"), default=True)

    class Meta:
        verbose_name = _("evaluation statement")
        verbose_name_plural = _("evaluation statements")
        ordering = ["meeting_kind", "-active", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting_kind__in=[k.value for k in EVALUATED_KINDS]),
                name="evaluation_statement_kind_evaluated",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="evaluation_statement_has_text"),
        ]

    def __str__(self):
        return self.text


class MeetingEvaluation(KeysInOneQuery, TimeStampedModel):
    """One person's evaluation of one meeting: a score per statement and a free text."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_evaluations",
        verbose_name=_("person"),
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("meeting evaluation")
        verbose_name_plural = _("meeting evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="evaluation_once_per_person_and_meeting",
                violation_error_message=_("You have already evaluated this meeting."),
            ),
        ]

    def __str__(self):
        return f"{self.meeting} – {self.person}"


class EvaluationScore(KeysInOneQuery):
    evaluation = models.ForeignKey(
        MeetingEvaluation,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("evaluation"),
    )
    statement = models.ForeignKey(
        EvaluationStatement,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("statement"),
    )
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "statement"], name="evaluation_score_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="evaluation_score_range",
                violation_error_message=_("Give a score from 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.statement}: {self.score}"
