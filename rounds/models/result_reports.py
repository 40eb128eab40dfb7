"""The participants' result reports (rounds/services/result_reports.py writes them)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from modellkoncept.models import (
    ChecksInOneQuery,
    HistoricalRecords,
    KeysInOneQuery,
    Submittable,
    TimeStampedModel,
)

from .rounds import Round


class ResultReport(ChecksInOneQuery, KeysInOneQuery, TimeStampedModel, Submittable):
    """An organisation's report of its results to SKR at the end of a year of a round
    (resultatredovisning): its aims, how the work was organised, its results placed on the
    result chain, its lessons and advice, and whether it is willing to mentor. Its strategists
    write it; it stays within the organisation until it is submitted. Its status, submission,
    reopening and revision are `Submittable`'s."""

    participation = models.ForeignKey(
        "participants.Participation",
        on_delete=models.CASCADE,
        related_name="result_reports",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year of the round"), choices=Round.Year)
    aims = models.TextField(_("aims"), blank=True)
    organisation_of_work = models.TextField(_("how the work was organised"), blank=True)
    # The results placed on the result chain: [{"chain_step": …, "text": …, "work": id|null}],
    # each optionally naming one of the organisation's improvement works of the round.
    results = models.JSONField(_("results"), default=list, blank=True)
    lessons = models.TextField(_("lessons learnt"), blank=True)
    advice = models.TextField(_("advice to others"), blank=True)
    willing_to_mentor = models.BooleanField(_("willing to mentor"), null=True, blank=True)

    history = HistoricalRecords()

    # What its name needs, for the action log's lists (`modellkoncept.actions`).
    log_select_related = ("participation__organisation",)

    class Meta:
        verbose_name = _("result report")
        verbose_name_plural = _("result reports")
        ordering = ["participation__round", "year", "participation__organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "year"],
                name="result_report_once_per_year",
                violation_error_message=_(
                    "The organisation already has a result report for this year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__in=[1, 2]), name="result_report_year_one_or_two"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="result_report_submitted_has_time",
                violation_error_message=_(
                    "A submitted result report has the time it was submitted."
                ),
            ),
        ]

    def __str__(self):
        return _("Result report of %(organisation)s, year %(year)s") % {
            "organisation": self.participation.organisation,
            "year": self.year,
        }

    def clean(self):
        super().clean()
        if self.participation_id and not self.participation.is_participant:
            raise ValidationError(_("Only participants of a round write result reports."))

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ResultReportComment(KeysInOneQuery):
    """A comment on a result report from someone of the organisation (the politician or the
    manager, say)."""

    report = models.ForeignKey(
        ResultReport,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("result report"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on a result report")
        verbose_name_plural = _("comments on result reports")
        ordering = ["report", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="result_report_comment_has_text"),
        ]

    def __str__(self):
        return f"{self.author}: {self.text[:40]}"


class ResultReportDue(TimeStampedModel):
    """The day the result reports of a year of a round are due, set by a project leader."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="result_report_dues", verbose_name=_("round")
    )
    year = models.PositiveSmallIntegerField(_("year of the round"), choices=Round.Year)
    due_on = models.DateField(_("due"))

    class Meta:
        verbose_name = _("due date of result reports")
        verbose_name_plural = _("due dates of result reports")
        ordering = ["round", "year"]
        constraints = [
            models.UniqueConstraint(fields=["round", "year"], name="result_report_due_once"),
            models.CheckConstraint(
                condition=Q(year__in=[1, 2]), name="result_report_due_year_one_or_two"
            ),
        ]

    def __str__(self):
        return f"{self.round}, {self.year}: {self.due_on:%Y-%m-%d}"


class ResultReportReminder(KeysInOneQuery):
    """A reminder of a due result report that has gone to a strategist, so that it is sent
    once (as `SentNotice` for meetings)."""

    due = models.ForeignKey(
        ResultReportDue, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("due")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    # Moving the due date sends the reminders again: the date they were sent for.
    due_on = models.DateField(_("due"))
    days_before = models.PositiveSmallIntegerField(_("days before"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent result report reminder")
        verbose_name_plural = _("sent result report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["due", "person", "due_on", "days_before"],
                name="result_report_reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.due} → {self.person}"
