"""Organisations, their part in each round, their people and functions, and their improvement
work at home."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modellkoncept.models import (
    ChecksInOneQuery,
    HistoricalRecords,
    KeysInOneQuery,
    TimeStampedModel,
)


class Organisation(ChecksInOneQuery, TimeStampedModel):
    """A municipality, a region, or another body such as a federation of municipalities."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "kommun", _("municipality")
        REGION = "region", _("region")
        OTHER = "other", _("other organisation")

    class DecisionKind(models.TextChoices):
        CEMR = "cemr", _("CEMR declaration signed")
        COUNCIL = "council", _("decision by the council (fullmäktige)")
        BOARD = "board", _("decision by the executive board (styrelse)")
        OTHER = "other", _("other political decision")

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("Official municipal (4 digits) or county (2 digits) code."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    county_code = models.CharField(_("county code"), max_length=2, blank=True)
    county_name = models.CharField(_("county"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    political_decision_on = models.DateField(
        _("date of political decision"),
        null=True,
        blank=True,
        help_text=_("The decision on gender mainstreaming that participation requires."),
    )
    political_decision_kind = models.CharField(
        _("kind of political decision"), max_length=10, choices=DecisionKind, blank=True
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="organisation_latitude_range",
                violation_error_message=_("The latitude must lie between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="organisation_longitude_range",
                violation_error_message=_("The longitude must lie between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="organisation_coordinate_complete",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(political_decision_on__isnull=True) | ~Q(political_decision_kind=""),
                name="organisation_decision_has_kind",
                violation_error_message=_("Say what kind of decision was taken."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            # On the missing field, so that the constraint saying the same is not checked too.
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: _("Give both latitude and longitude, or neither.")})
        if self.political_decision_on and not self.political_decision_kind:
            raise ValidationError(
                {"political_decision_kind": _("Say what kind of decision was taken.")}
            )

    @property
    def has_political_decision(self) -> bool:
        return self.political_decision_on is not None


class Participation(ChecksInOneQuery, KeysInOneQuery, TimeStampedModel):
    """An organisation's part in one round: as a participant, or as a mentor of groups."""

    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("participant")
        MENTOR = "mentor", _("mentor")

    round = models.ForeignKey(
        "rounds.Round",
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("round"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.PARTICIPANT)
    group = models.ForeignKey(
        "rounds.BenchmarkingGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("benchmarking group"),
    )
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    # Set by the round's completion, so that reopening the round takes back what it wrote.
    completed_with_round = models.BooleanField(
        _("completed with the round"), default=False, editable=False
    )
    withdrawn_on = models.DateField(_("withdrew"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    willing_to_mentor = models.BooleanField(
        _("willing to mentor later"),
        default=False,
        help_text=_("The organisation is willing to serve as mentor in a later round."),
    )
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentor capacity"),
        default=1,
        help_text=_("How many groups the organisation can mentor at once."),
    )
    # The fee is differentiated per organisation (SKR, 2024) and is between SKR and the
    # organisation: only project leaders see it, on the round's fee page and in the exports.
    fee = models.PositiveIntegerField(
        _("fee (SEK)"),
        null=True,
        blank=True,
        help_text=_("What SKR charges the organisation for the round, in whole kronor."),
    )
    fee_invoiced = models.BooleanField(_("invoiced"), default=False)

    # The fee stays out of the change history (it is in the action log, for project leaders).
    history = HistoricalRecords(excluded_fields=["fee", "fee_invoiced"])

    # What its name needs, for the action log's lists (`modellkoncept.actions`).
    log_select_related = ("organisation", "round")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="participation_once_per_round"
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(role="participant"),
                name="participation_only_participants_in_groups",
                violation_error_message=_("Only participants belong to a benchmarking group."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(completed_on__isnull=True),
                name="participation_not_both_withdrawn_and_completed",
                violation_error_message=_(
                    "An organisation that withdrew cannot have completed the round."
                ),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(role="participant"),
                name="participation_only_participants_complete",
                violation_error_message=_("Only participants complete a round."),
            ),
            models.CheckConstraint(
                condition=Q(mentor_capacity__gte=1),
                name="participation_mentor_capacity_positive",
                violation_error_message=_("A mentor takes at least one group."),
            ),
            models.CheckConstraint(
                condition=Q(fee_invoiced=False) | Q(fee__isnull=False),
                name="participation_invoiced_fee_known",
                violation_error_message=_("Give the fee before marking it invoiced."),
            ),
        ]

    def __str__(self):
        return _("%(organisation)s in %(round)s") % {
            "organisation": self.organisation,
            "round": self.round,
        }

    def clean(self):
        super().clean()
        errors = {}
        if self.group_id and self.role != self.Role.PARTICIPANT:
            errors["group"] = _("Only participants belong to a benchmarking group.")
        if self.group_id and self.round_id and self.group.round_id != self.round_id:
            errors["group"] = _("The group belongs to another round.")
        # A withdrawal may have no reason: SKR's history since 2015 often records that an
        # organisation withdrew and not why. The browser's form still asks for one.
        if self.withdrawn_on and self.completed_on:
            errors["completed_on"] = _(
                "An organisation that withdrew cannot have completed the round."
            )
        if self.completed_on and self.role != self.Role.PARTICIPANT:
            errors["completed_on"] = _("Only participants complete a round.")
        if self.fee_invoiced and self.fee is None:
            errors["fee"] = _("Give the fee before marking it invoiced.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_participant(self) -> bool:
        return self.role == self.Role.PARTICIPANT

    @property
    def is_mentor(self) -> bool:
        return self.role == self.Role.MENTOR

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class Function(models.TextChoices):
    """What a person does for their organisation in the round. The first three are the ones
    the programme requires of every participant; the rest are extra key persons."""

    POLITICIAN = "politiker", _("politician")
    MANAGER = "chef", _("manager")
    STRATEGIST = "strateg", _("strategist/key person")
    CONTROLLER = "controller", _("controller")
    STATISTICIAN = "statistiker", _("statistician")
    COMMUNICATOR = "kommunikator", _("communicator")
    ANALYST = "analytiker", _("analyst")
    ECONOMIST = "ekonom", _("economist")


REQUIRED_FUNCTIONS = (Function.POLITICIAN, Function.MANAGER, Function.STRATEGIST)


class FunctionAssignment(KeysInOneQuery, TimeStampedModel):
    """A person holds a function for an organisation in a round; a person may hold several."""

    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="function_assignments",
        verbose_name=_("participation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="function_assignments",
        verbose_name=_("person"),
    )
    function = models.CharField(_("function"), max_length=20, choices=Function)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("function")
        verbose_name_plural = _("functions")
        ordering = ["participation", "function", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "person", "function"],
                name="function_assignment_unique",
                violation_error_message=_("The person already holds this function."),
            ),
        ]

    def __str__(self):
        return _("%(person)s, %(function)s, %(organisation)s") % {
            "person": self.person,
            "function": self.get_function_display(),
            "organisation": self.participation.organisation,
        }


class Invitation(KeysInOneQuery):
    """A one-time link that lets a person set a password and reach their start page.

    Only a hash of the token is stored, so a leaked database does not leak working links.
    """

    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("participation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("person"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class State(models.TextChoices):
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    # What its name needs, for the action log's lists (`modellkoncept.actions`).
    log_select_related = ("person", "participation__organisation")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
                violation_error_message=_("An invitation expires after it is sent."),
            ),
        ]

    def __str__(self):
        return _("Invitation for %(person)s to %(organisation)s") % {
            "person": self.person,
            "organisation": self.participation.organisation,
        }

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.SENT

    def get_state_display(self) -> str:
        return self.State(self.state).label


class ImprovementWork(KeysInOneQuery, TimeStampedModel):
    """An improvement (förbättringsarbete) an organisation runs at home between meetings."""

    class Phase(models.TextChoices):
        PLAN = "plan", _("plan")
        DO = "do", _("do")
        STUDY = "study", _("study")
        ACT = "act", _("act")

    class ChainStep(models.TextChoices):
        """Statskontoret's result chain as SKR adapted it, from a one-off activity to effect."""

        ACTIVITY = "activity", _("activity")
        PRODUCT = "product", _("new or changed product")
        WAY_OF_WORKING = "way_of_working", _("new way of working")
        OUTCOME = "outcome", _("new or changed outcome")
        SOCIETAL_EFFECT = "societal_effect", _("societal effect")

    class Level(models.TextChoices):
        ORGANISATION = "organisation", _("organisation-wide")
        COMMITTEE = "committee", _("committee/department")

    class Sharing(models.TextChoices):
        """How widely the organisation shares the work: its own people (and project leaders),
        also its benchmarking group and the group's mentors, or, once a project leader has
        approved it, every participant and mentor of the programme (the library)."""

        ORGANISATION = "organisation", _("the organisation")
        GROUP = "group", _("the benchmarking group and its mentors")
        PROGRAMME = "programme", _("the whole programme (after approval)")

    participation = models.ForeignKey(
        Participation,
        on_delete=models.CASCADE,
        related_name="improvement_works",
        verbose_name=_("participation"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    phase = models.CharField(_("PDSA phase"), max_length=10, choices=Phase, default=Phase.PLAN)
    chain_step = models.CharField(
        _("place on the result chain"),
        max_length=20,
        choices=ChainStep,
        default=ChainStep.ACTIVITY,
    )
    level = models.CharField(_("level"), max_length=20, choices=Level, default=Level.ORGANISATION)
    origin_meeting = models.ForeignKey(
        "rounds.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started at meeting"),
    )
    moments = models.ManyToManyField(
        "checklist.ChecklistItem",
        blank=True,
        related_name="improvement_works",
        verbose_name=_("checklist moments"),
        help_text=_("The moments of the checklist the work is meant to move."),
    )
    sharing = models.CharField(
        _("shared with"), max_length=12, choices=Sharing, default=Sharing.ORGANISATION
    )
    approved_on = models.DateField(
        _("approved for the programme on"),
        null=True,
        blank=True,
        help_text=_("Set by a project leader; only then does the programme see the work."),
    )

    class Meta:
        verbose_name = _("improvement work")
        verbose_name_plural = _("improvement works")
        ordering = ["participation", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(sharing="programme"),
                name="improvement_work_approved_only_when_programme",
                violation_error_message=_(
                    "Only work shared with the whole programme can be approved for it."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if (
            self.origin_meeting_id
            and self.participation_id
            and self.origin_meeting.round_id != self.participation.round_id
        ):
            raise ValidationError({"origin_meeting": _("The meeting belongs to another round.")})


class ProgressNote(KeysInOneQuery):
    """A dated note of how an improvement work is going."""

    work = models.ForeignKey(
        ImprovementWork,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("improvement work"),
    )
    noted_on = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["work", "-noted_on", "-id"]

    def __str__(self):
        return f"{self.work}: {self.noted_on:%Y-%m-%d}"


class Application(ChecksInOneQuery, KeysInOneQuery, TimeStampedModel):
    """An expression of interest (intresseanmälan) for a round, from the public form."""

    PROBLEM_NO_DECISION = "no_decision"
    PROBLEM_KIND = "kind"

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for decision")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    round = models.ForeignKey(
        "rounds.Round",
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("round"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("organisation"),
        help_text=_("Empty when the applicant is not yet registered, such as a federation."),
    )
    organisation_name = models.CharField(
        _("name of the organisation"),
        max_length=200,
        blank=True,
        help_text=_("For an organisation that is not in the list."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    decision_on = models.DateField(_("date of political decision"), null=True, blank=True)
    decision_kind = models.CharField(
        _("kind of political decision"),
        max_length=10,
        choices=Organisation.DecisionKind,
        blank=True,
    )
    decision_reference = models.CharField(
        _("reference to the political decision"),
        max_length=200,
        blank=True,
        help_text=_(
            "For example the council's minutes and paragraph, or “CEMR declaration signed 2019”."
        ),
    )
    anchoring = models.TextField(
        _("how the participation is anchored in the management"),
        blank=True,
        help_text=_("Who decided that the organisation applies, and when."),
    )
    politician_name = models.CharField(_("politician"), max_length=200, blank=True)
    politician_email = models.EmailField(_("politician's e-mail"), blank=True)
    manager_name = models.CharField(_("manager"), max_length=200, blank=True)
    manager_email = models.EmailField(_("manager's e-mail"), blank=True)
    strategist_name = models.CharField(_("strategist/key person"), max_length=200, blank=True)
    strategist_email = models.EmailField(_("strategist's e-mail"), blank=True)
    willing_to_mentor = models.BooleanField(_("willing to mentor later"), default=False)
    message = models.TextField(_("why you want to take part"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(
        _("reason for the decision"),
        blank=True,
        help_text=_(
            "Why the application was declined (sent to the applicant), or why it was accepted "
            "although it does not meet the round's requirements."
        ),
    )

    # What its name needs, for the action log's lists (`modellkoncept.actions`).
    log_select_related = ("organisation", "round")

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=Q(status="pending"),
                name="application_one_pending_per_round",
                violation_error_message=_("The organisation has already applied for this round."),
            ),
            models.CheckConstraint(
                condition=(Q(decision_on__isnull=True) & Q(decision_reference=""))
                | ~Q(decision_kind=""),
                name="application_decision_has_kind",
                violation_error_message=_("Say what kind of decision was taken."),
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(organisation_name=""),
                name="application_names_organisation",
                violation_error_message=_(
                    "Choose your organisation, or give its name if it is not listed."
                ),
            ),
        ]

    def __str__(self):
        return _("%(organisation)s applies for %(round)s") % {
            "organisation": self.applicant_name,
            "round": self.round,
        }

    def clean(self):
        super().clean()
        if self.organisation_id is None and not self.organisation_name.strip():
            raise ValidationError(
                {
                    "organisation": _(
                        "Choose your organisation, or give its name if it is not listed."
                    )
                }
            )
        if (self.decision_on or self.decision_reference.strip()) and not self.decision_kind:
            raise ValidationError({"decision_kind": _("Say what kind of decision was taken.")})

    @property
    def applicant_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name

    @property
    def has_political_decision(self) -> bool:
        """A date or a reference: SKR takes either (a signed CEMR declaration often has no
        decision date the applicant knows)."""
        return self.decision_on is not None or bool(self.decision_reference.strip())

    @property
    def applicant_kind(self) -> str:
        """The kind of organisation applying; one outside the reference list becomes "other"
        when it is accepted."""
        return self.organisation.kind if self.organisation_id else Organisation.Kind.OTHER

    def acceptance_problem_codes(self) -> list[str]:
        """What speaks against accepting the application under the round's rules, as codes:
        "no_decision" (no political decision, neither a date nor a reference) and "kind" (an
        organisation of a kind the round does not take). Accepting it anyway needs a reason
        (`application_accept`)."""
        codes = []
        if not self.has_political_decision:
            codes.append(self.PROBLEM_NO_DECISION)
        if not self.round.takes_organisation_kind(self.applicant_kind):
            codes.append(self.PROBLEM_KIND)
        return codes

    def acceptance_problems(self) -> list[str]:
        """The problems as the project leader reads them beside the decision."""
        texts = {
            self.PROBLEM_NO_DECISION: _(
                "%(organisation)s gives no political decision on gender mainstreaming."
            ),
            self.PROBLEM_KIND: _(
                "%(organisation)s is a %(kind)s; %(round)s is a %(round_kind)s round."
            ),
        }
        values = {
            "organisation": self.applicant_name,
            "kind": Organisation.Kind(self.applicant_kind).label,
            "round": self.round.name,
            "round_kind": self.round.get_kind_display(),
        }
        return [str(texts[code]) % values for code in self.acceptance_problem_codes()]

    @property
    def names_all_functions(self) -> bool:
        return all(
            (getattr(self, f"{f}_name") and getattr(self, f"{f}_email"))
            for f in ("politician", "manager", "strategist")
        )

    @property
    def is_eligible(self) -> bool:
        return self.has_political_decision and self.names_all_functions
