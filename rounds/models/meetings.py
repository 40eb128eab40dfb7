"""Meetings of a round, whom they are for, who attended, and the e-mails sent about them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext_lazy as _

from modellkoncept.models import KeysInOneQuery, TimeStampedModel
from participants.models import REQUIRED_FUNCTIONS, Function

from .groups import BenchmarkingGroup
from .rounds import LEVEL_COMMITTEE, LEVEL_ORGANISATION, Round

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


class Meeting(KeysInOneQuery, TimeStampedModel):
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


class Attendance(KeysInOneQuery):
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


class SentNotice(KeysInOneQuery):
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
