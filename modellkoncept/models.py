"""The few model pieces every app shares."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Rows that record when they were created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Submittable(models.Model):
    """What an organisation writes and submits (a self-assessment, a result report): a draft
    until it is submitted, then reopened for changes with a reason, and a revision that goes
    up with every save so that a save made on old data is refused.

    The fields keep the definitions the models had when each declared its own, so the
    migrations do not change; Django orders a model's fields by their creation, so these come
    after the time stamps and before the model's own fields."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    reopened_reason = models.TextField(_("reason for reopening"), blank=True)
    revision = models.PositiveIntegerField(
        _("revision"),
        default=0,
        help_text=_("Goes up with every save, so that a save made on old data is refused."),
    )

    class Meta:
        abstract = True

    def mark_reopened(self, *, by, reason: str) -> None:
        """Record who reopened it for changes, when and why (the caller saves)."""
        self.reopened_at = timezone.now()
        self.reopened_by = by
        self.reopened_reason = reason


class LogEntry(models.Model):
    """One thing that happened, as the action log records it (see `modellkoncept.actions`).

    It lives in the core, below every app, so that every app's services can write it: the object
    is named by a generic relation (content type and id) and the round by its id alone, never by a
    foreign key to an app, so the core still imports no app and the entry outlives what it names
    (a removed group or meeting keeps its history, with the name it had in `data`).
    """

    action_type = models.CharField(_("action"), max_length=80, db_index=True)
    datetime = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of object")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    content_object = GenericForeignKey("content_type", "object_id")
    round_id = models.PositiveBigIntegerField(_("round"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("values"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-datetime", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-id"], name="logentry_object"),
            models.Index(fields=["round_id", "-datetime"], name="logentry_round"),
        ]

    def __str__(self):
        return f"{self.datetime:%Y-%m-%d %H:%M} {self.action_type}"
