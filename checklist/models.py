"""The self-assessment instrument (versioned) and the assessments made with it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modellkoncept.i18n import localized
from modellkoncept.models import HistoricalRecords, KeysInOneQuery, Submittable, TimeStampedModel

DEFAULT_CHECKLIST_SLUG = "skr-10-1-3"


class ChecklistVersion(TimeStampedModel):
    """A version of SKR's checklist: its items, their order and grouping, the scale and its
    labels, and the level it is meant for. Results are only ever compared within one version."""

    class Level(models.TextChoices):
        ORGANISATION = "organisation", _("organisation-wide")
        COMMITTEE = "committee", _("committee/board and department")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level, default=Level.ORGANISATION)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=3)
    # The classic version's one-line guidance under each item was written for this site, not
    # taken from SKR's documents: pages label it as the site's help, and the checklist file
    # (checklist.document), which carries only what the checklist itself says, leaves it out.
    guidance_is_site_help = models.BooleanField(
        _("guidance written by this site"),
        default=False,
        help_text=_("The items' guidance is the site's own help text, not the checklist's."),
    )

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")),
                name="checklist_scale_has_steps",
                violation_error_message=_("The highest score must be above the lowest."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    def clean(self):
        super().clean()
        if (
            self.scale_min is not None
            and self.scale_max is not None
            and self.scale_max <= self.scale_min
        ):
            raise ValidationError({"scale_max": _("The highest score must be above the lowest.")})

    @property
    def scale(self) -> range:
        return range(self.scale_min, self.scale_max + 1)


class ScaleStep(models.Model):
    """The label of one step of a version's scale, e.g. 2 = “finns men behöver utvecklas”."""

    version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.CASCADE,
        related_name="scale_steps",
        verbose_name=_("checklist version"),
    )
    value = models.PositiveSmallIntegerField(_("score"))
    label_sv = models.CharField(_("label (Swedish)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scale step")
        verbose_name_plural = _("scale steps")
        ordering = ["version", "value"]
        constraints = [
            models.UniqueConstraint(fields=["version", "value"], name="scale_step_unique"),
        ]

    def __str__(self):
        return f"{self.value} – {self.label}"

    @property
    def label(self) -> str:
        return localized(self, "label")

    def clean(self):
        super().clean()
        if self.version_id and self.value not in self.version.scale:
            raise ValidationError({"value": _("The score lies outside the version's scale.")})


class ChecklistPart(models.Model):
    """A part of a checklist version that groups its items under a heading, such as
    “Styrning och ledning”. Its key names it in a checklist file."""

    version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.CASCADE,
        related_name="parts",
        verbose_name=_("checklist version"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    key = models.SlugField(_("key"), max_length=60)
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("checklist part")
        verbose_name_plural = _("checklist parts")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="checklist_part_key_unique"),
            models.UniqueConstraint(
                fields=["version", "position"], name="checklist_part_position_unique"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")


class ChecklistItem(KeysInOneQuery):
    """One item (moment) of a checklist version."""

    version = models.ForeignKey(
        ChecklistVersion,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("checklist version"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    part = models.ForeignKey(
        ChecklistPart,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("part"),
    )
    text_sv = models.TextField(_("text (Swedish)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    guidance_sv = models.TextField(_("guidance (Swedish)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="checklist_item_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="checklist_item_number_pos",
                violation_error_message=_("Items are numbered from 1."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"

    def clean(self):
        super().clean()
        if self.part_id and self.version_id and self.part.version_id != self.version_id:
            raise ValidationError({"part": _("The part belongs to another checklist version.")})

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def guidance(self) -> str:
        return localized(self, "guidance")


class SelfAssessment(KeysInOneQuery, TimeStampedModel, Submittable):
    """An organisation's rating of the checklist before one meeting of its round. Its status,
    submission, reopening and revision are `Submittable`'s."""

    participation = models.ForeignKey(
        "participants.Participation",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("organisation"),
    )
    meeting = models.ForeignKey(
        "rounds.Meeting",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("meeting"),
    )
    # Which of the round's checklists the assessment uses: the organisation-wide one, or (from
    # year two) the committee/department one. Its scores are checked against that version.
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=ChecklistVersion.Level,
        default=ChecklistVersion.Level.ORGANISATION,
    )
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    # While a submitted assessment is reopened, its strategists edit this working copy
    # ({"<item number>": {"score": …, "comment": …}}) and the answers keep the version last
    # submitted, which is what the group, its mentors and the statistics read until the
    # assessment is submitted again. None when not reopened.
    draft_answers = models.JSONField(_("answers being revised"), null=True, blank=True)

    history = HistoricalRecords()

    # What its name needs, for the action log's lists (`modellkoncept.actions`).
    log_select_related = ("participation__organisation", "meeting")

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["meeting__starts_at", "participation__organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "meeting", "level"],
                name="assessment_once_per_meeting_and_level",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="assessment_submitted_has_time",
                violation_error_message=_(
                    "A submitted self-assessment has the time it was submitted."
                ),
            ),
        ]

    def __str__(self):
        return _("Self-assessment of %(organisation)s before %(meeting)s") % {
            "organisation": self.participation.organisation,
            "meeting": self.meeting,
        }

    def clean(self):
        super().clean()
        if (
            self.participation_id
            and self.meeting_id
            and self.participation.round_id != self.meeting.round_id
        ):
            raise ValidationError(_("The meeting belongs to another round."))

    @property
    def checklist_version(self) -> ChecklistVersion | None:
        """The version its scores are checked against: its round's for its level."""
        return self.participation.round.checklist_for(self.level)

    @property
    def is_committee_level(self) -> bool:
        return self.level == ChecklistVersion.Level.COMMITTEE

    @property
    def is_submitted(self) -> bool:
        """Submitted and not reopened for changes: read-only until reopened."""
        return self.status == self.Status.SUBMITTED and self.draft_answers is None

    @property
    def has_submitted_version(self) -> bool:
        """The group sees a submitted version (also while it is reopened for changes)."""
        return self.status == self.Status.SUBMITTED

    @property
    def is_reopened(self) -> bool:
        """Submitted before, reopened for changes: a draft again for its own organisation."""
        return self.draft_answers is not None

    @property
    def shown_status(self) -> str:
        """The status as its own organisation reads it: a reopened one is a draft again."""
        return self.Status.DRAFT if self.is_reopened else self.status

    def get_shown_status_display(self) -> str:
        return self.Status(self.shown_status).label

    @property
    def meeting_has_started(self) -> bool:
        return self.meeting.starts_at <= timezone.now()

    @property
    def is_locked(self) -> bool:
        """Closed by a project leader, or its meeting is over (unless a project leader has
        reopened it since)."""
        if self.locked_at is not None:
            return True
        ends_at = self.meeting.ends_at
        if ends_at > timezone.now():
            return False
        # Over: locked, unless a project leader reopened it after the meeting.
        return self.reopened_at is None or self.reopened_at < ends_at

    @property
    def opens_on(self):
        return self.meeting.assessment_opens_on

    @property
    def is_open_yet(self) -> bool:
        opens = self.meeting.assessment_opens_on
        return opens is None or opens <= timezone.localdate()


class Answer(KeysInOneQuery):
    """The score and comment for one item of one self-assessment."""

    assessment = models.ForeignKey(
        SelfAssessment,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("self-assessment"),
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("item")
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["assessment", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="answer_once_per_item"),
        ]

    def __str__(self):
        return f"{self.item.number}: {self.score if self.score is not None else '–'}"

    def clean(self):
        super().clean()
        if self.score is None or not self.item_id:
            return
        version = self.item.version
        if self.score not in version.scale:
            raise ValidationError(
                {
                    "score": _("Item %(number)s: the score must be between %(min)s and %(max)s.")
                    % {
                        "number": self.item.number,
                        "min": version.scale_min,
                        "max": version.scale_max,
                    }
                }
            )


class AssessmentComment(KeysInOneQuery):
    """A remark on an assessment from someone of the organisation (the politician or the
    manager, say), on one item or on the whole."""

    assessment = models.ForeignKey(
        SelfAssessment,
        on_delete=models.CASCADE,
        related_name="remarks",
        verbose_name=_("self-assessment"),
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item"),
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
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")
        ordering = ["assessment", "created_at"]

    def __str__(self):
        return f"{self.author}: {self.text[:40]}"
