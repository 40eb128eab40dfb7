"""Report jobs: a row exists before the file does; a worker fills in the file and the status."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from modellkoncept.models import ChecksInOneQuery, KeysInOneQuery


class ReportBatch(KeysInOneQuery):
    """“All reports of a round”: the jobs it started, so the page can show their progress."""

    round = models.ForeignKey(
        "rounds.Round",
        on_delete=models.CASCADE,
        related_name="report_batches",
        verbose_name=_("round"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("report batch")
        verbose_name_plural = _("report batches")
        ordering = ["-created_at"]

    def __str__(self):
        return _("All reports of %(round)s") % {"round": self.round}


class ReportJob(ChecksInOneQuery, KeysInOneQuery):
    """One PDF report to render: of an organisation, a group or the whole round."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation report")
        GROUP = "group", _("group report")
        ROUND = "round", _("round report")
        SUMMARY = "summary", _("one-page summary")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being produced")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    round = models.ForeignKey(
        "rounds.Round",
        on_delete=models.CASCADE,
        related_name="report_jobs",
        verbose_name=_("round"),
    )
    participation = models.ForeignKey(
        "participants.Participation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("organisation"),
    )
    group = models.ForeignKey(
        "rounds.BenchmarkingGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("benchmarking group"),
    )
    meeting = models.ForeignKey(
        "rounds.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
        help_text=_("The meeting a group report compares; empty for the latest."),
    )
    batch = models.ForeignKey(
        ReportBatch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("batch"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # When the job was last handed to the queue, and when its worker last said it was still
    # rendering: the sweep (`report_jobs_requeue_stalled`) queues again a job that waited or
    # went silent for too long.
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["organisation", "summary"],
                        participation__isnull=False,
                        group__isnull=True,
                    )
                    | Q(kind="group", group__isnull=False, participation__isnull=True)
                    | Q(kind="round", group__isnull=True, participation__isnull=True)
                ),
                name="report_job_subject_matches_kind",
                violation_error_message=_("The report's subject does not match its kind."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""),
                name="report_job_done_has_file",
                violation_error_message=_("A finished report has its file."),
            ),
        ]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self):
        if self.kind in (self.Kind.ORGANISATION, self.Kind.SUMMARY):
            return self.participation.organisation
        if self.kind == self.Kind.GROUP:
            return self.group
        return self.round

    def clean(self):
        super().clean()
        for related in (self.participation, self.group, self.meeting):
            if related is not None and self.round_id and related.round_id != self.round_id:
                raise ValidationError(_("The subject belongs to another round."))


# The one-page summary has room for this much next steps; tests/reports/test_summary.py renders
# the worst case and counts the PDF's pages.
NEXT_STEPS_MAX_LENGTH = 400
NEXT_STEPS_MAX_LINES = 5


class OrganisationSummary(models.Model):
    """What the strategist writes for an organisation's one-page summary (the page a strategist
    hands to the kommunstyrelse or regionstyrelse, `reports/summary/`): its next steps. Short,
    so that the page stays one page whatever else it shows."""

    NEXT_STEPS_MAX_LENGTH = NEXT_STEPS_MAX_LENGTH
    NEXT_STEPS_MAX_LINES = NEXT_STEPS_MAX_LINES

    participation = models.OneToOneField(
        "participants.Participation",
        on_delete=models.CASCADE,
        related_name="summary",
        verbose_name=_("organisation"),
    )
    next_steps = models.TextField(
        _("next steps"),
        max_length=NEXT_STEPS_MAX_LENGTH,
        blank=True,
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("one-page summary")
        verbose_name_plural = _("one-page summaries")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("next_steps"), NEXT_STEPS_MAX_LENGTH),
                name="organisation_summary_next_steps_short",
                violation_error_message=_("The next steps are too long for the one-page summary."),
            ),
        ]

    def __str__(self):
        return str(self.participation)

    def clean(self):
        super().clean()
        lines = self.next_steps.splitlines()
        if len(lines) > self.NEXT_STEPS_MAX_LINES:
            raise ValidationError(
                {
                    "next_steps": _(
                        "Write the next steps in at most %(lines)s lines (now %(count)s), so "
                        "that the summary stays one page."
                    )
                    % {"lines": self.NEXT_STEPS_MAX_LINES, "count": len(lines)}
                }
            )
