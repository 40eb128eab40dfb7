"""People: their functions in an organisation, invitations and the accounts they open."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError
from modellkoncept.queue import enqueue_on_commit
from participants import actions
from participants.models import Function, FunctionAssignment, Invitation, Participation

User = get_user_model()


# People, functions and invitations


def _person_get_or_create(*, email: str, full_name: str = "") -> User:
    email = User.objects.normalize_email(email).strip().lower()
    person = User.objects.filter(email=email).first()
    if person is None:
        person = User.objects.create_user(email=email, full_name=full_name.strip())
    elif full_name.strip() and not person.full_name:
        person.full_name = full_name.strip()
        person.save(update_fields=["full_name"])
    return person


@transaction.atomic
def function_assign(
    *, participation: Participation, person: User, function: str
) -> FunctionAssignment:
    """Give a person a function for an organisation in a round."""
    assignment = _function_assign(participation=participation, person=person, function=function)
    log_action(
        participation,
        actions.FUNCTION_ASSIGNED,
        data={
            "person": person.pk,
            "function": function,
            "organisation": participation.organisation_id,
        },
    )
    return assignment


def _function_assign(
    *, participation: Participation, person: User, function: str
) -> FunctionAssignment:
    if function not in Function.values:
        raise DomainError(_("“%(function)s” is not a function.") % {"function": function})
    if FunctionAssignment.objects.filter(
        participation=participation, person=person, function=function
    ).exists():
        raise DomainError(
            _("%(person)s is already %(function)s for %(organisation)s.")
            % {
                "person": person,
                "function": Function(function).label,
                "organisation": participation.organisation,
            }
        )
    assignment = FunctionAssignment(participation=participation, person=person, function=function)
    assignment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:  # a concurrent request assigned it first
        raise DomainError(_("The person already holds this function.")) from exc
    return assignment


@transaction.atomic
def person_invite(
    *,
    participation: Participation,
    email: str,
    full_name: str,
    functions: Iterable[str],
    invited_by: User | None = None,
) -> Invitation:
    """Invite a person by e-mail to one or more functions of an organisation in a round.

    The person gets an account without a usable password; the e-mail, sent once the
    transaction commits, carries a link that lets them set one.
    """
    functions = list(dict.fromkeys(functions))
    if not functions:
        raise DomainError(_("Choose at least one function."))
    if participation.round.status == participation.round.Status.COMPLETED:
        raise DomainError(_("The round is completed; nobody more can be invited to it."))
    person = _person_get_or_create(email=email, full_name=full_name)
    for function in functions:
        _function_assign(participation=participation, person=person, function=function)
    # One entry for the functions and the invitation together.
    log_action(
        participation,
        actions.PERSON_INVITED,
        user=invited_by,
        data={
            "person": person.pk,
            "functions": functions,
            "organisation": participation.organisation_id,
        },
    )
    return invitation_create(
        participation=participation, person=person, invited_by=invited_by, log=False
    )


def invitation_create(
    *,
    participation: Participation,
    person: User,
    invited_by: User | None = None,
    log: bool = True,
) -> Invitation:
    """Create an invitation row and queue its e-mail for when the transaction commits."""
    now = timezone.now()
    invitation = Invitation(
        participation=participation,
        person=person,
        invited_by=invited_by,
        # Replaced by the real token's hash when the e-mail goes out.
        token_hash=_hash_token(secrets.token_urlsafe(32)),
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    if log:
        log_action(
            invitation,
            actions.INVITATION_CREATED,
            user=invited_by,
            round_id=participation.round_id,
            data={"person": person.pk, "organisation": participation.organisation_id},
        )
    language = translation.get_language() or settings.LANGUAGE_CODE
    enqueue_on_commit("participants.tasks.send_invitation", invitation.pk, language)
    return invitation


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(*, invitation: Invitation, language: str = settings.LANGUAGE_CODE) -> str:
    """Give the invitation a fresh token and e-mail its link; returns the token.

    The token exists only in the e-mail: the database keeps its hash. Sending again
    replaces the token, so an older link stops working.
    """
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("person", "participation__organisation", "participation__round")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise DomainError(_("The invitation has already been accepted."))
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    invitation.save(update_fields=["token_hash"])
    log_action(
        invitation,
        actions.INVITATION_SENT,
        round_id=invitation.participation.round_id,
        data={"person": invitation.person_id},
    )
    link = settings.SITE_URL + reverse("participants:invitation_accept", args=[token])
    with translation.override(language):
        context = {
            "invitation": invitation,
            "person": invitation.person,
            "organisation": invitation.participation.organisation,
            "round": invitation.participation.round,
            "functions": [
                a.get_function_display()
                for a in invitation.participation.function_assignments.filter(
                    person=invitation.person
                )
            ],
            "link": link,
            "expires_at": invitation.expires_at,
            "contacts": list(invitation.participation.round.contacts.all()),
        }
        subject = _("Invitation to %(round)s") % {"round": invitation.participation.round}
        body = render_to_string("participants/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.person.email])
    return token


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Send an invitation again, valid anew from now (an expired or revoked one too); the
    earlier link stops working when the new one is sent."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("The invitation has already been accepted."))
    now = timezone.now()
    invitation.created_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.revoked_at = None
    invitation.full_clean()
    invitation.save(update_fields=["created_at", "expires_at", "revoked_at"])
    log_action(
        invitation,
        actions.INVITATION_RESENT,
        round_id=invitation.participation.round_id,
        data={"person": invitation.person_id},
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    enqueue_on_commit("participants.tasks.send_invitation", invitation.pk, language)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Make an invitation's link stop working (sent to the wrong address, say)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("The invitation has already been accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        log_action(
            invitation,
            actions.INVITATION_REVOKED,
            round_id=invitation.participation.round_id,
            data={"person": invitation.person_id},
        )
    return invitation


@transaction.atomic
def person_update(
    *,
    participation: Participation,
    person: User,
    full_name: str,
    email: str,
    functions: Iterable[str],
) -> User:
    """Correct a person's name and e-mail address, and make `functions` exactly the ones they
    hold for the organisation in this round."""
    functions = list(dict.fromkeys(functions))
    if not functions:
        raise DomainError(_("Choose at least one function."))
    if unknown := [f for f in functions if f not in Function.values]:
        raise DomainError(_("“%(function)s” is not a function.") % {"function": unknown[0]})
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise ValidationError(
            {"email": _("Another person already has the address %(email)s.") % {"email": email}}
        )
    person = User.objects.select_for_update().get(pk=person.pk)
    corrected = [
        name
        for name, value in (("full_name", full_name.strip()), ("email", email))
        if getattr(person, name) != value
    ]
    person.full_name = full_name.strip()
    person.email = email
    person.full_clean(exclude=["password"])
    person.save(update_fields=["full_name", "email"])
    held = set(
        FunctionAssignment.objects.filter(participation=participation, person=person).values_list(
            "function", flat=True
        )
    )
    removed = False
    for assignment in FunctionAssignment.objects.filter(
        participation=participation, person=person
    ).exclude(function__in=functions):
        assignment.delete()  # one at a time, so that the history records each
        removed = True
    for function in functions:
        if function not in held:
            function_assign(participation=participation, person=person, function=function)
    # A function given is logged as such; a correction or a function taken away, here.
    if corrected or removed:
        log_action(
            participation,
            actions.PERSON_UPDATED,
            data={
                "person": person.pk,
                "organisation": participation.organisation_id,
                "fields": corrected,
                "functions": functions,
            },
        )
    return person


def invitation_for_token(token: str) -> Invitation | None:
    """The usable invitation a link's token belongs to, or None (unknown, used or expired)."""
    invitation = (
        Invitation.objects.select_related("person", "participation__organisation")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Let the invited person set a password. A link works once and only until it expires."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("person")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        raise DomainError(_("The invitation link has expired or has already been used."))
    person = invitation.person
    password_validation.validate_password(password, person)
    person.set_password(password)
    person.is_active = True
    person.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # Other open invitations of the person are spent too: they have a password now.
    Invitation.objects.filter(person=person, accepted_at__isnull=True).update(
        accepted_at=invitation.accepted_at
    )
    log_action(
        invitation,
        actions.INVITATION_ACCEPTED,
        user=person,
        round_id=invitation.participation.round_id,
        data={"person": person.pk},
    )
    return person
