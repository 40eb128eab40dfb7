"""Expressions of interest: submitted by an organisation, accepted or declined by SKR, with the
e-mails that tell the applicant."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError
from modellkoncept.queue import enqueue_on_commit
from participants import actions
from participants.models import Application, Function, Organisation, Participation
from participants.services.organisations import organisation_create, organisation_record_decision
from participants.services.participations import participation_add
from participants.services.people import person_invite

# Expressions of interest

User = get_user_model()


APPLICANT_FUNCTIONS = (
    ("politician", Function.POLITICIAN),
    ("manager", Function.MANAGER),
    ("strategist", Function.STRATEGIST),
)


@transaction.atomic
def application_submit(*, round, **fields) -> Application:
    """An organisation applies for a round that is open for expressions of interest."""
    if not round.accepts_applications or round.status != round.Status.PLANNING:
        raise DomainError(_("%(round)s does not take expressions of interest.") % {"round": round})
    if round.application_call_closed(timezone.localdate()):
        raise DomainError(
            _("The call for %(round)s closed on %(deadline)s.")
            % {"round": round, "deadline": formats.date_format(round.application_deadline)}
        )
    application = Application(round=round, **fields)
    # The friendly checks below come before the database constraints say the same.
    application.full_clean(validate_constraints=False)
    if application.organisation_id and (
        Participation.objects.filter(round=round, organisation=application.organisation).exists()
    ):
        raise DomainError(
            _("%(organisation)s already takes part in %(round)s.")
            % {"organisation": application.organisation, "round": round}
        )
    if (
        application.organisation_id
        and Application.objects.filter(
            round=round, organisation=application.organisation, status=Application.Status.PENDING
        ).exists()
    ):
        raise DomainError(_("The organisation has already applied for this round."))
    application.validate_constraints()
    application.save()
    log_action(
        application,
        actions.APPLICATION_SUBMITTED,
        data={
            "organisation": application.organisation_id,
            "organisation_name": application.applicant_name,
        },
    )
    _notify_application(application, "received")
    return application


def _application_code(application: Application) -> str:
    """A code for an applicant outside the reference list (no official code exists)."""
    return f"A{application.pk:05d}"


@transaction.atomic
def application_accept(
    *, application: Application, by: User, override_reason: str = ""
) -> Participation:
    """Accept an application: enrol the organisation as a participant, record its political
    decision, and invite the people it named to their functions.

    An application that breaks the round's rules (no political decision, or an organisation of a
    kind the round does not take) is accepted only with `override_reason`, which the action log
    keeps with the problems it overrode."""
    application = (
        # Lock the application row only: its organisation may be missing (an outer join).
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "organisation")
        .get(pk=application.pk)
    )
    if application.status != Application.Status.PENDING:
        raise DomainError(_("The application has already been decided."))
    problems = application.acceptance_problem_codes()
    override_reason = override_reason.strip()
    if problems and not override_reason:
        raise DomainError(
            [*application.acceptance_problems(), _("Accepting it anyway needs a reason.")]
        )
    organisation = application.organisation or organisation_create(
        code=_application_code(application),
        name=application.organisation_name,
        kind=Organisation.Kind.OTHER,
    )
    if application.decision_on:
        organisation_record_decision(
            organisation=organisation,
            decided_on=application.decision_on,
            kind=application.decision_kind,
        )
    participation = participation_add(
        round=application.round,
        organisation=organisation,
        willing_to_mentor=application.willing_to_mentor,
    )
    invited: dict[str, list[str]] = {}
    names = {}
    for prefix, function in APPLICANT_FUNCTIONS:
        email = getattr(application, f"{prefix}_email").strip().lower()
        if email:
            invited.setdefault(email, []).append(function)
            names.setdefault(email, getattr(application, f"{prefix}_name"))
    for email, functions in invited.items():
        person_invite(
            participation=participation,
            email=email,
            full_name=names[email],
            functions=functions,
            invited_by=by,
        )
    application.organisation = organisation
    application.status = Application.Status.ACCEPTED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_reason = override_reason if problems else ""
    application.save(
        update_fields=[
            "organisation",
            "status",
            "decided_at",
            "decided_by",
            "decision_reason",
            "updated_at",
        ]
    )
    data = {"organisation": organisation.pk, "organisation_name": application.applicant_name}
    if problems:
        data |= {
            "problems": problems,
            "organisation_kind": organisation.kind,
            "override_reason": override_reason,
        }
    log_action(application, actions.APPLICATION_ACCEPTED, user=by, data=data)
    _notify_application(application, "accepted")
    return participation


@transaction.atomic
def application_decline(*, application: Application, by: User, reason: str) -> Application:
    """Decline an application; the applicant's contact person is sent `reason`."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.PENDING:
        raise DomainError(_("The application has already been decided."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Write why the application is declined."))
    application.status = Application.Status.DECLINED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_reason = reason
    application.save(
        update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"]
    )
    log_action(
        application,
        actions.APPLICATION_DECLINED,
        user=by,
        data={
            "organisation": application.organisation_id,
            "organisation_name": application.applicant_name,
            "reason": reason,
        },
    )
    _notify_application(application, "declined")
    return application


def _notify_application(application: Application, event: str) -> None:
    enqueue_on_commit(
        "participants.tasks.send_application_notice",
        application.pk,
        event,
        translation.get_language() or "sv",
    )


def application_send_notice(*, application: Application, event: str, language: str) -> None:
    """Tell the applicant's contact person that the application arrived, or how it was
    decided."""
    with translation.override(language):
        subject = {
            "received": _("Your expression of interest for %(round)s"),
            "accepted": _("Welcome to %(round)s"),
            "declined": _("Your expression of interest for %(round)s"),
        }[event] % {"round": application.round}
        body = render_to_string(
            "participants/email/application.txt", {"application": application, "event": event}
        )
    send_mail(subject, body, None, [application.contact_email])
