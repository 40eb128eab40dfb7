"""Meeting material and the programme library: the agenda's formatted text, uploaded files
checked by their content, and the services that write them.

A file is accepted only as what its bytes say it is: a PDF starts with `%PDF-`; a Word,
PowerPoint or Excel file is a zip archive (Office Open XML) whose `[Content_Types].xml` names
the main part of that kind. The name a browser sends is kept for the download and nothing
else, so an executable or a web page renamed `.pdf` is refused. A zip whose parts would unpack
to far more than the upload (a zip bomb) is refused before anything is unpacked; macro-enabled
Office files are refused too.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError
from rounds import actions
from rounds.models import DocumentKind, Meeting, MeetingMaterial, ProgrammeDocument, Round

# The agenda: a small set of tags, links with safe schemes only.
AGENDA_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "a", "blockquote"}
AGENDA_ATTRIBUTES = {"a": {"href", "title"}}
AGENDA_URL_SCHEMES = {"http", "https", "mailto"}
AGENDA_MAX_CHARS = 20_000
# Text with one of the allowed tags is taken as HTML; any other text as plain paragraphs.
_LOOKS_LIKE_HTML = re.compile(r"</?(" + "|".join(sorted(AGENDA_TAGS)) + r")\b", re.IGNORECASE)

OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        DocumentKind.WORD
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        DocumentKind.POWERPOINT
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        DocumentKind.EXCEL
    ),
}
CONTENT_TYPES_PART = "[Content_Types].xml"
# A real Office file unpacks to a few times its size; a bomb to thousands of times.
MAX_UNPACKED_RATIO = 100
MAX_ZIP_ENTRIES = 5_000
MAX_CONTENT_TYPES_BYTES = 1_000_000


def clean_agenda(text: str) -> str:
    """The agenda as safe HTML: plain text becomes paragraphs; HTML keeps the allowed tags."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) > AGENDA_MAX_CHARS:
        raise DomainError(
            _("The agenda is too long: at most %(max)s characters.") % {"max": AGENDA_MAX_CHARS}
        )
    if not _LOOKS_LIKE_HTML.search(text):
        text = linebreaks(text, autoescape=True)
    return sanitise_html(text).strip()


def sanitise_html(text: str) -> str:
    """Only the agenda's tags and attributes, links with safe schemes."""
    return nh3.clean(
        text,
        tags=AGENDA_TAGS,
        attributes=AGENDA_ATTRIBUTES,
        url_schemes=AGENDA_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def max_upload_bytes() -> int:
    return settings.MATERIAL_MAX_UPLOAD_BYTES


def _refused() -> DomainError:
    return DomainError(
        _(
            "The file is not a PDF, Word, PowerPoint or Excel document (its content was "
            "checked, not its name)."
        )
    )


def document_kind(data: bytes) -> str:
    """The kind of document the bytes are, or a DomainError."""
    if data.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if not data.startswith(b"PK\x03\x04"):
        raise _refused()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _refused() from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _refused()
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max(len(data), 1) * MAX_UNPACKED_RATIO:
        raise DomainError(_("The file unpacks to far more than its size; it is refused."))
    try:
        part = archive.getinfo(CONTENT_TYPES_PART)
    except KeyError:
        raise _refused() from None
    if part.file_size > MAX_CONTENT_TYPES_BYTES:
        raise _refused()
    try:
        xml = archive.read(part)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise _refused() from None
    if b"<!DOCTYPE" in xml.upper() or b"<!ENTITY" in xml.upper():
        raise _refused()
    try:
        # No DTD and no entities (refused just above), at most 1 MB: nothing for an XML
        # attack to expand.
        root = ElementTree.fromstring(xml)  # noqa: S314
    except ElementTree.ParseError:
        raise _refused() from None
    kinds = {
        OOXML_MAIN_TYPES.get(element.get("ContentType", ""))
        for element in root
        if element.tag.endswith("Override")
    } - {None}
    if len(kinds) != 1:
        raise _refused()
    return kinds.pop()


def _safe_file_name(name: str, kind: str) -> str:
    """The name for the download: the browser's, without paths or control characters, with
    the extension of what the file really is."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)[:150].strip(" .") or _("document")
    return f"{stem}.{kind}"


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    file_name: str
    kind: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def check_upload(upload) -> CheckedFile:
    """Read an uploaded file (at most the limit), and tell what it is from its content."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise DomainError(
            _("The file is %(size)s; at most %(max)s is taken.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("The file is larger than %(max)s.") % {"max": filesizeformat(limit)})
    if not data:
        raise DomainError(_("The file is empty."))
    kind = document_kind(data)
    return CheckedFile(
        data=data,
        file_name=_safe_file_name(getattr(upload, "name", ""), kind),
        kind=kind,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _require_open(round_: Round) -> None:
    if round_.status == Round.Status.COMPLETED:
        raise DomainError(
            _("%(round)s is completed: its material is kept as it is.") % {"round": round_}
        )


def _store(document, checked: CheckedFile) -> None:
    document.file_name = checked.file_name
    document.size = checked.size
    document.sha256 = checked.sha256
    document.kind = checked.kind
    document.full_clean(exclude=["file"])
    # A file written in a transaction that then rolls back stays on disk without a row; it
    # is never served (only rows are), so it does no harm beyond its space.
    document.file.save(checked.file_name, ContentFile(checked.data), save=False)
    document.save()


# Services


@transaction.atomic
def meeting_agenda_set(*, meeting: Meeting, agenda: str, by=None) -> Meeting:
    """Set the meeting's agenda (sanitised formatted text)."""
    _require_open(meeting.round)
    meeting.agenda = clean_agenda(agenda)
    meeting.full_clean()
    meeting.save(update_fields=["agenda", "updated_at"])
    log_action(meeting, actions.AGENDA_SET, user=by, data={"meeting": meeting.title})
    return meeting


@transaction.atomic
def meeting_material_add(*, meeting: Meeting, title: str, upload, by=None) -> MeetingMaterial:
    """Add a file to a meeting's material, checked by its content and size."""
    _require_open(meeting.round)
    checked = check_upload(upload)
    material = MeetingMaterial(
        meeting=meeting, title=(title or "").strip() or checked.file_name, uploaded_by=by
    )
    _store(material, checked)
    log_action(
        meeting,
        actions.MATERIAL_ADDED,
        user=by,
        data={"meeting": meeting.title, "title": material.title},
    )
    return material


@transaction.atomic
def meeting_material_remove(*, material: MeetingMaterial, by=None) -> None:
    _require_open(material.meeting.round)
    log_action(
        material.meeting,
        actions.MATERIAL_REMOVED,
        user=by,
        data={"meeting": material.meeting.title, "title": material.title},
    )
    name = material.file.name
    storage = material.file.storage
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def programme_document_add(
    *, title: str, upload, description: str = "", by=None
) -> ProgrammeDocument:
    """Add method material to the programme library."""
    checked = check_upload(upload)
    document = ProgrammeDocument(
        title=(title or "").strip() or checked.file_name,
        description=(description or "").strip(),
        uploaded_by=by,
    )
    _store(document, checked)
    log_action(document, actions.LIBRARY_ADDED, user=by, data={"title": document.title})
    return document


@transaction.atomic
def programme_document_remove(*, document: ProgrammeDocument, by=None) -> None:
    log_action(document, actions.LIBRARY_REMOVED, user=by, data={"title": document.title})
    name = document.file.name
    storage = document.file.storage
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
