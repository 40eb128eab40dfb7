"""The round (omgång): one or two years of the programme, and the levels it works at."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from modellkoncept.models import ChecksInOneQuery, KeysInOneQuery, TimeStampedModel
from participants.models import Organisation

# The levels a round works at (the values of checklist.ChecklistVersion.Level, which this
# module cannot import: the checklist app sits above the rounds app).
LEVEL_ORGANISATION = "organisation"
LEVEL_COMMITTEE = "committee"


def default_reminder_days() -> list[int]:
    return [7, 2]


class Round(ChecksInOneQuery, KeysInOneQuery, TimeStampedModel):
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
