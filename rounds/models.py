"""Rounds (omgångar), their benchmarking groups and mentors, and their meetings."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import DatabaseDefault
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from modellkoncept.models import TimeStampedModel
from participants.models import REQUIRED_FUNCTIONS, Function, Organisation

# The levels a round works at (the values of checklist.ChecklistVersion.Level, which this
# module cannot import: the checklist app sits above the rounds app).
LEVEL_ORGANISATION = "organisation"
LEVEL_COMMITTEE = "committee"


def default_reminder_days() -> list[int]:
    return [7, 2]


class Round(TimeStampedModel):
    """One round of the programme, about one year (until 2020) or two years (from 2020 on)."""

    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", _("municipal")
        REGIONAL = "regional", _("regional")
        MIXED = "mixed", _("mixed")

    class Status(models.TextChoices):
        PLANNING = "planning", _("planning")
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")

    class Year(models.IntegerChoices):
        ONE = 1, _("year one: organisation-wide governance")
        TWO = 2, _("year two: committee and department level")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.MUNICIPAL)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PLANNING)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    current_year = models.PositiveSmallIntegerField(
        _("current year of the round"), choices=Year, default=Year.ONE
    )
    checklist_version = models.ForeignKey(
        "checklist.ChecklistVersion",
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("checklist version"),
        help_text=_("The organisation-wide checklist, which every year of the round uses."),
    )
    # Year two of a round also works at committee/board and department level, with SKR's
    # checklist for that level (seed 001); None while the round has none.
    committee_checklist_version = models.ForeignKey(
        "checklist.ChecklistVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_rounds",
        verbose_name=_("committee/department checklist version"),
        help_text=_("The checklist for committee/board and department level, used from year two."),
    )
    # The themes of year two's learning meetings are the round's to choose: SKR's documents
    # name only year one's three classic themes, so the site proposes none for year two.
    year_two_themes = models.JSONField(
        _("themes of year two's learning meetings"),
        default=list,
        blank=True,
        help_text=_("One theme a line, in the order of the learning meetings of year two."),
    )
    description = models.TextField(_("description"), blank=True)
    accepts_applications = models.BooleanField(
        _("open for expressions of interest"),
        default=False,
        help_text=_("Municipalities, regions and federations can apply for the round."),
    )
    application_deadline = models.DateField(
        _("last day to apply"),
        null=True,
        blank=True,
        help_text=_(
            "The last day of the call for the formal application; the public form closes after it."
        ),
    )
    decision_by = models.DateField(
        _("decision announced by"),
        null=True,
        blank=True,
        help_text=_("SKR tells the applicants whether they have a place by this day."),
    )
    reminder_days = models.JSONField(
        _("reminder days"),
        default=default_reminder_days,
        # An empty list is allowed: no reminders.
        blank=True,
        help_text=_("Strategists are reminded this many days before a self-assessment is due."),
    )
    meeting_notice_days = models.PositiveSmallIntegerField(
        _("days of notice for meetings"),
        default=14,
        help_text=_("Everyone is sent the meeting's invitation this many days ahead."),
    )
    reopen_reason = models.TextField(
        _("reason for reopening"),
        blank=True,
        help_text=_("Why a completed round was reopened, the last time it was."),
    )
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="contact_for_rounds",
        limit_choices_to={"is_project_leader": True, "is_active": True},
        verbose_name=_("SKR contacts"),
        help_text=_(
            "The project leaders the round's organisations turn to; the round's pages, its "
            "e-mails and the page that refuses access name them."
        ),
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="round_ends_after_start",
                violation_error_message=_("A round cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(application_deadline__isnull=True)
                | Q(decision_by__isnull=True)
                | Q(decision_by__gte=F("application_deadline")),
                name="round_decision_after_deadline",
                violation_error_message=_(
                    "The decision cannot be announced before the last day to apply."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A round cannot end before it starts.")})
        if (
            self.application_deadline
            and self.decision_by
            and self.decision_by < self.application_deadline
        ):
            raise ValidationError(
                {"decision_by": _("The decision cannot be announced before the last day to apply.")}
            )
        days = self.reminder_days
        if not isinstance(days, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 < d <= 60 for d in days
        ):
            raise ValidationError(
                {"reminder_days": _("Give whole numbers of days between 1 and 60.")}
            )
        themes = self.year_two_themes
        if not isinstance(themes, list) or not all(
            isinstance(t, str) and t.strip() and len(t) <= 200 for t in themes
        ):
            raise ValidationError(
                {"year_two_themes": _("Give each theme as a line of at most 200 characters.")}
            )
        committee = self.committee_checklist_version
        if self.committee_checklist_version_id and committee.level != committee.Level.COMMITTEE:
            raise ValidationError(
                {
                    "committee_checklist_version": _(
                        "Choose a checklist version made for committee/board and department level."
                    )
                }
            )

    @property
    def is_open_for_changes(self) -> bool:
        return self.status != self.Status.COMPLETED

    def application_call_closed(self, today) -> bool:
        """Whether the call for applications is over on `today` (the deadline day itself still
        takes applications)."""
        return self.application_deadline is not None and today > self.application_deadline

    def takes_organisation_kind(self, kind: str) -> bool:
        """Whether an organisation of this kind belongs in the round: a municipal round takes
        no region and a regional round no municipality. Other organisations (federations of
        municipalities and the like) and mixed rounds are the project leader's judgement."""
        excluded = {
            self.Kind.MUNICIPAL: Organisation.Kind.REGION,
            self.Kind.REGIONAL: Organisation.Kind.MUNICIPALITY,
        }.get(self.kind)
        return kind != excluded

    @property
    def works_at_committee_level(self) -> bool:
        """Year two adds the committee/department level, when the round has its checklist."""
        return (
            self.current_year == self.Year.TWO and self.committee_checklist_version_id is not None
        )

    def checklist_for(self, level: str):
        """The round's checklist version for a level (organisation or committee), or None."""
        if level == LEVEL_COMMITTEE:
            return self.committee_checklist_version
        return self.checklist_version

    def checklist_id_for(self, level: str) -> int | None:
        if level == LEVEL_COMMITTEE:
            return self.committee_checklist_version_id
        return self.checklist_version_id

    @property
    def default_level(self) -> str:
        """The level new improvement work starts at: year two's work is near the services,
        at committee/department level (seed 001); year one's is organisation-wide."""
        return LEVEL_COMMITTEE if self.current_year == self.Year.TWO else LEVEL_ORGANISATION


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


class GroupMentor(TimeStampedModel):
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


# The key persons: the strategist and the extra functions that work beside them.
KEY_PERSON_FUNCTIONS = [
    Function.STRATEGIST,
    Function.CONTROLLER,
    Function.STATISTICIAN,
    Function.COMMUNICATOR,
    Function.ANALYST,
    Function.ECONOMIST,
]


def default_audience(kind: str) -> list[str]:
    """The functions a meeting of this kind is for: a strategist meeting prepares the key
    persons; every other meeting is for all the organisation's functions."""
    if kind == Meeting.Kind.STRATEGIST_MEETING:
        return [str(f) for f in KEY_PERSON_FUNCTIONS]
    return [str(f) for f in Function]


def normalise_audience(kind: str, audience) -> list[str]:
    """An audience as stored: the functions chosen, in the functions' own order, and the
    default of the kind (or none given) as empty, so that it follows the kind."""
    if not audience:
        return []
    wanted = {a for a in audience if isinstance(a, str)}
    chosen = [str(f) for f in Function if f in wanted]
    return [] if chosen == default_audience(kind) else chosen


class Meeting(TimeStampedModel):
    """A meeting of the round: for the whole round or for one group."""

    class Kind(models.TextChoices):
        WEB_TRAINING = "web_training", _("web training")
        STARTUP_CONFERENCE = "startup_conference", _("start-up conference")
        STRATEGIST_MEETING = "strategist_meeting", _("strategist meeting")
        LEARNING_MEETING = "learning_meeting", _("learning meeting")
        SEMINAR = "seminar", _("in-depth seminar")
        MIDTERM_CONFERENCE = "midterm_conference", _("mid-term conference")
        RESULT_CONFERENCE = "result_conference", _("result conference")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("round")
    )
    group = models.ForeignKey(
        BenchmarkingGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("benchmarking group"),
        help_text=_("Empty for a meeting of the whole round."),
    )
    key = models.SlugField(
        _("key"),
        max_length=80,
        help_text=_("Identifies the meeting within the round, in imports and exports."),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("Learning meeting 1, 2, 3 …")
    )
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    host = models.ForeignKey(
        "participants.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host organisation"),
    )
    assessment_due = models.BooleanField(
        _("self-assessment due before it"),
        default=False,
        help_text=_("Every participant rates the checklist before this meeting."),
    )
    year = models.PositiveSmallIntegerField(
        _("year of the round"),
        choices=Round.Year,
        blank=True,
        # Rows written in bulk (an archive, say) without a year are of year one.
        db_default=1,
        help_text=_(
            "Year two's self-assessments are due at both levels when the round has a "
            "committee/department checklist. Empty: the round's current year."
        ),
    )
    assessment_opens_on = models.DateField(
        _("self-assessment opens"),
        null=True,
        blank=True,
        help_text=_("From this date the self-assessment can be filled in."),
    )
    # Formatted text, sanitised when saved (rounds.material.clean_agenda).
    agenda = models.TextField(_("agenda"), blank=True)
    audience = models.JSONField(
        _("invited functions"),
        default=list,
        blank=True,
        help_text=_("The functions invited to the meeting; empty means the default of its kind."),
    )
    # Raised each time the meeting moves, so that calendar programs take the new time.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "key"],
                name="meeting_key_unique_in_round",
                violation_error_message=_("The round already has a meeting with this key."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("A meeting must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["round", "starts_at"])]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A meeting must end after it starts.")})
        if self.group_id and self.round_id and self.group.round_id != self.round_id:
            raise ValidationError({"group": _("The group belongs to another round.")})
        if _year_unset(self.year) and self.round_id:
            self.year = self.round.current_year
        known = {str(f) for f in Function}
        if not isinstance(self.audience, list) or not all(
            isinstance(f, str) and f in known for f in self.audience
        ):
            raise ValidationError({"audience": _("Choose functions from the list.")})

    def save(self, *args, **kwargs):
        # A new meeting belongs to the year the round is in, unless it says otherwise.
        if _year_unset(self.year):
            self.year = self.round.current_year
        super().save(*args, **kwargs)

    @property
    def assessment_levels(self) -> list[str]:
        """The levels whose self-assessment is due before the meeting: the organisation-wide
        level whenever one is due, and in year two also the committee/department level, if
        the round has its checklist."""
        if not self.assessment_due:
            return []
        if self.year == Round.Year.TWO and self.round.committee_checklist_version_id:
            return [LEVEL_ORGANISATION, LEVEL_COMMITTEE]
        return [LEVEL_ORGANISATION]

    def assessment_due_at(self, level: str) -> bool:
        return level in self.assessment_levels

    @property
    def invited_functions(self) -> list[str]:
        """The functions invited: those chosen, or the default of the meeting's kind."""
        return list(self.audience) or default_audience(self.kind)

    @property
    def expected_required_functions(self) -> list[str]:
        """The programme's three functions that are invited: whose attendance is counted."""
        invited = set(self.invited_functions)
        return [str(f) for f in REQUIRED_FUNCTIONS if f in invited]

    @property
    def expected_functions_label(self) -> str:
        return ", ".join(str(Function(f).label) for f in self.expected_required_functions)

    @property
    def audience_label(self) -> str:
        return ", ".join(str(Function(f).label) for f in self.invited_functions)

    @property
    def is_for_everyone(self) -> bool:
        return set(self.invited_functions) >= {str(f) for f in Function}


def _year_unset(year) -> bool:
    return year is None or year == "" or isinstance(year, DatabaseDefault)


class Attendance(models.Model):
    """Whether a person attended a meeting, for their organisation."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    participation = models.ForeignKey(
        "participants.Participation",
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("person"),
    )
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once"),
        ]

    def __str__(self):
        return f"{self.person} – {self.meeting}"

    def clean(self):
        super().clean()
        if (
            self.meeting_id
            and self.participation_id
            and self.meeting.round_id != self.participation.round_id
        ):
            raise ValidationError(_("The meeting belongs to another round."))


class SentNotice(models.Model):
    """An e-mail about a meeting that has gone to a person, so that it is sent only once."""

    class Kind(models.TextChoices):
        ASSESSMENT_REMINDER = "assessment_reminder", _("self-assessment reminder")
        MEETING_NOTICE = "meeting_notice", _("meeting invitation")
        # `days_before` holds the meeting's calendar revision: one e-mail per move.
        MEETING_MOVED = "meeting_moved", _("meeting moved")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="sent_notices", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    days_before = models.PositiveSmallIntegerField(_("days before"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent notice")
        verbose_name_plural = _("sent notices")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "meeting", "person", "days_before"], name="notice_sent_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.meeting} → {self.person}"


# Meeting material and the programme's library (rounds/material.py writes and checks them).


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


class MeetingMaterial(StoredDocument):
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


# The mentor's voice (rounds/mentoring.py writes them).


class MentorNote(TimeStampedModel):
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


# Evaluations of meetings (rounds/evaluations.py writes them).

# The meetings that are evaluated: learning meetings and the conferences.
EVALUATED_KINDS = (
    Meeting.Kind.LEARNING_MEETING,
    Meeting.Kind.STARTUP_CONFERENCE,
    Meeting.Kind.MIDTERM_CONFERENCE,
    Meeting.Kind.RESULT_CONFERENCE,
)
SCORE_MIN, SCORE_MAX = 1, 5


class EvaluationStatement(TimeStampedModel):
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


class MeetingEvaluation(TimeStampedModel):
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


class EvaluationScore(models.Model):
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


# The participants' result reports (rounds/services/result_reports.py writes them).


class ResultReport(TimeStampedModel):
    """An organisation's report of its results to SKR at the end of a year of a round
    (resultatredovisning): its aims, how the work was organised, its results placed on the
    result chain, its lessons and advice, and whether it is willing to mentor. Its strategists
    write it; it stays within the organisation until it is submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    participation = models.ForeignKey(
        "participants.Participation",
        on_delete=models.CASCADE,
        related_name="result_reports",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year of the round"), choices=Round.Year)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    aims = models.TextField(_("aims"), blank=True)
    organisation_of_work = models.TextField(_("how the work was organised"), blank=True)
    # The results placed on the result chain: [{"chain_step": …, "text": …, "work": id|null}],
    # each optionally naming one of the organisation's improvement works of the round.
    results = models.JSONField(_("results"), default=list, blank=True)
    lessons = models.TextField(_("lessons learnt"), blank=True)
    advice = models.TextField(_("advice to others"), blank=True)
    willing_to_mentor = models.BooleanField(_("willing to mentor"), null=True, blank=True)
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


class ResultReportComment(models.Model):
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


class ResultReportReminder(models.Model):
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
