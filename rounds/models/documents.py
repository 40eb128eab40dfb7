"""Meeting material and the programme's library (rounds/material.py writes and checks them)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modellkoncept.models import KeysInOneQuery, TimeStampedModel

from .meetings import Meeting


class DocumentKind(models.TextChoices):
    """The kinds of document the site takes, told apart by their content, not their name."""

    PDF = "pdf", _("PDF")
    WORD = "docx", _("Word document")
    POWERPOINT = "pptx", _("PowerPoint presentation")
    EXCEL = "xlsx", _("Excel workbook")


def _material_path(instance, filename: str) -> str:
    # A random name: the stored name tells nothing, and files are served only through views.
    return f"material/{instance._meta.model_name}/{uuid.uuid4().hex}"


class StoredDocument(TimeStampedModel):
    """A file kept on the server and served only through the access policy."""

    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_material_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    kind = models.CharField(_("kind"), max_length=8, choices=DocumentKind)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


CONTENT_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.WORD: ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    DocumentKind.POWERPOINT: (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    DocumentKind.EXCEL: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class MeetingMaterial(KeysInOneQuery, StoredDocument):
    """A file of a meeting (presentation, handout, notes), kept after the round ends. A row
    imported from a round archive lists the file without holding it (`file` is empty)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="material", verbose_name=_("meeting")
    )

    class Meta:
        verbose_name = _("meeting material")
        verbose_name_plural = _("meeting material")
        ordering = ["meeting", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values),
                name="meeting_material_kind_known",
            ),
        ]

    def _url(self, name: str) -> str:
        return reverse(
            name,
            kwargs={
                "round_slug": self.meeting.round.slug,
                "pk": self.meeting_id,
                "material_pk": self.pk,
            },
        )

    @property
    def download_url(self) -> str:
        return self._url("rounds:material_download")

    @property
    def delete_url(self) -> str:
        return self._url("rounds:material_delete")


class ProgrammeDocument(StoredDocument):
    """Method material of the programme (templates, guidance, the checklists as PDFs) that
    every participant and mentor may read."""

    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("programme document")
        verbose_name_plural = _("programme library")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values),
                name="programme_document_kind_known",
            ),
        ]

    @property
    def download_url(self) -> str:
        return reverse("rounds:programme_document", kwargs={"pk": self.pk})

    @property
    def delete_url(self) -> str:
        return reverse("rounds:programme_document_delete", kwargs={"pk": self.pk})
