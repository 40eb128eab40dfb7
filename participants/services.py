"""Everything that writes organisations, their parts in rounds, people and invitations."""

from __future__ import annotations

import csv
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from modellkoncept.actions import field_changes, log_action
from modellkoncept.errors import DomainError
from modellkoncept.queue import enqueue_on_commit
from participants import actions
from participants.models import (
    Application,
    Function,
    FunctionAssignment,
    ImprovementWork,
    Invitation,
    Organisation,
    Participation,
    ProgressNote,
)

User = get_user_model()

REFERENCE_FILE = Path(settings.BASE_DIR) / "data" / "sweden_orgs.csv"
REFERENCE_COLUMNS = ("code", "name", "kind", "county_code", "county_name", "lat", "lon")


# Reference organisations


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _parse_reference_row(line: int, row: dict) -> tuple[dict, list[str]]:
    problems = []
    code = (row.get("code") or "").strip()
    name = (row.get("name") or "").strip()
    kind = (row.get("kind") or "").strip()
    if not code.isdigit() or len(code) not in (2, 4):
        problems.append(_("the code must be 2 or 4 digits, not “%(code)s”") % {"code": code})
    if not name:
        problems.append(_("the name is missing"))
    if kind not in (Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION):
        problems.append(_("the kind must be “kommun” or “region”, not “%(kind)s”") % {"kind": kind})
    coordinates = {}
    for column, low, high in (("lat", 55, 69.1), ("lon", 10.9, 24.2)):
        raw = (row.get(column) or "").strip()
        try:
            value = Decimal(raw)
        except InvalidOperation:
            problems.append(
                _("%(column)s is not a number: “%(value)s”") % {"column": column, "value": raw}
            )
            continue
        if not (Decimal(str(low)) <= value <= Decimal(str(high))):
            problems.append(
                _("%(column)s %(value)s lies outside Sweden") % {"column": column, "value": raw}
            )
        coordinates[column] = value.quantize(Decimal("0.00001"))
    values = {
        "code": code,
        "name": name,
        "kind": kind,
        "county_code": (row.get("county_code") or "").strip(),
        "county_name": (row.get("county_name") or "").strip(),
        "latitude": coordinates.get("lat"),
        "longitude": coordinates.get("lon"),
    }
    return values, [
        _("line %(line)s: %(problem)s") % {"line": line, "problem": p} for p in problems
    ]


def organisations_load(*, path: Path = REFERENCE_FILE) -> LoadResult:
    """Load Sweden's municipalities and regions from the reference file, idempotently.

    Every line is checked before anything is written; a file with any bad line changes nothing
    and the error names every bad line. Political decisions, which the reference file does not
    hold, are left as they are.
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REFERENCE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise DomainError(
                    _("The file lacks the columns %(columns)s.") % {"columns": ", ".join(missing)}
                )
            parsed, problems, seen = [], [], {}
            # Line 1 is the header, so the first row is on line 2.
            for line, row in enumerate(reader, start=2):
                values, row_problems = _parse_reference_row(line, row)
                problems.extend(row_problems)
                if values["code"] in seen:
                    problems.append(
                        _("line %(line)s: the code %(code)s is already on line %(first)s")
                        % {"line": line, "code": values["code"], "first": seen[values["code"]]}
                    )
                seen.setdefault(values["code"], line)
                parsed.append(values)
    except UnicodeDecodeError as exc:
        raise DomainError(_("The file is not UTF-8 text: %(error)s") % {"error": exc}) from exc
    if problems:
        raise DomainError(problems)
    if not parsed:
        raise DomainError(_("The file holds no organisations."))

    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {o.code: o for o in Organisation.objects.filter(code__in=seen)}
        fields = ("name", "kind", "county_code", "county_name", "latitude", "longitude")
        to_create, to_update = [], []
        for values in parsed:
            organisation = existing.get(values["code"])
            if organisation is None:
                organisation = Organisation(**values)
                organisation.full_clean(validate_unique=False)
                to_create.append(organisation)
            elif any(getattr(organisation, f) != values[f] for f in fields):
                for f in fields:
                    setattr(organisation, f, values[f])
                organisation.full_clean(validate_unique=False)
                to_update.append(organisation)
            else:
                unchanged += 1
        Organisation.objects.bulk_create(to_create)
        Organisation.objects.bulk_update(to_update, fields)
        created, updated = len(to_create), len(to_update)
    return LoadResult(created=created, updated=updated, unchanged=unchanged)


def organisation_create(
    *,
    code: str,
    name: str,
    kind: str = Organisation.Kind.OTHER,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    county_code: str = "",
    county_name: str = "",
) -> Organisation:
    """Create an organisation outside the reference list, such as a federation of
    municipalities."""
    organisation = Organisation(
        code=code,
        name=name,
        kind=kind,
        latitude=latitude,
        longitude=longitude,
        county_code=county_code,
        county_name=county_name,
    )
    organisation.full_clean()
    organisation.save()
    log_action(
        organisation, actions.ORGANISATION_CREATED, data={"name": organisation.name, "code": code}
    )
    return organisation


ORGANISATION_FIELDS = ("name", "county_code", "county_name", "latitude", "longitude")


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    """Change an organisation's name, county and coordinates (a federation enrolled from an
    expression of interest has none until a project leader sets them)."""
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    fields = {
        name: value.strip() if isinstance(value, str) else value for name, value in fields.items()
    }
    changes = field_changes(organisation, fields)
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    if changes:
        log_action(
            organisation,
            actions.ORGANISATION_UPDATED,
            data={"organisation": organisation.pk, "changes": changes},
        )
    return organisation


def organisation_record_decision(
    *, organisation: Organisation, decided_on: date, kind: str
) -> Organisation:
    """Record the organisation's political decision on gender mainstreaming."""
    organisation.political_decision_on = decided_on
    organisation.political_decision_kind = kind
    organisation.full_clean()
    organisation.save(
        update_fields=["political_decision_on", "political_decision_kind", "updated_at"]
    )
    log_action(
        organisation,
        actions.ORGANISATION_DECISION,
        data={"organisation": organisation.pk, "decided_on": decided_on, "kind": kind},
    )
    return organisation


# Parts in rounds


@transaction.atomic
def participation_add(
    *,
    round,
    organisation: Organisation,
    role: str = Participation.Role.PARTICIPANT,
    willing_to_mentor: bool = False,
    mentor_capacity: int = 1,
) -> Participation:
    """Enrol an organisation in a round, as a participant or as a mentor."""
    if Participation.objects.filter(round=round, organisation=organisation).exists():
        raise DomainError(
            _("%(organisation)s already takes part in %(round)s.")
            % {"organisation": organisation, "round": round}
        )
    participation = Participation(
        round=round,
        organisation=organisation,
        role=role,
        willing_to_mentor=willing_to_mentor,
        mentor_capacity=mentor_capacity,
    )
    participation.full_clean()
    participation.save()
    log_action(
        participation,
        actions.PARTICIPATION_ADDED,
        data={"organisation": organisation.pk, "role": role},
    )
    return participation


@transaction.atomic
def participation_withdraw(*, participation: Participation, on: date, reason: str) -> Participation:
    """Record that an organisation left the round. Its history stays; statistics leave it out
    from then on."""
    if participation.completed_on:
        raise DomainError(_("The organisation has already completed the round."))
    participation.withdrawn_on = on
    participation.withdrawal_reason = reason.strip()
    participation.full_clean()
    participation.save(update_fields=["withdrawn_on", "withdrawal_reason", "updated_at"])
    log_action(
        participation,
        actions.PARTICIPATION_WITHDRAWN,
        data={
            "organisation": participation.organisation_id,
            "on": on,
            "reason": participation.withdrawal_reason,
        },
    )
    return participation


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
    from participants.tasks import send_invitation  # tasks import services, not the reverse

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
    enqueue_on_commit(send_invitation, invitation.pk, language)
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
    from participants.tasks import send_invitation  # tasks import services, not the reverse

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
    enqueue_on_commit(send_invitation, invitation.pk, language)
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
    person.full_name = full_name.strip()
    person.email = email
    person.full_clean(exclude=["password"])
    person.save(update_fields=["full_name", "email"])
    held = set(
        FunctionAssignment.objects.filter(participation=participation, person=person).values_list(
            "function", flat=True
        )
    )
    for assignment in FunctionAssignment.objects.filter(
        participation=participation, person=person
    ).exclude(function__in=functions):
        assignment.delete()  # one at a time, so that the history records each
    for function in functions:
        if function not in held:
            function_assign(participation=participation, person=person, function=function)
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


# Improvement work at home


IMPROVEMENT_WORK_FIELDS = ("title", "description", "phase", "chain_step", "level", "origin_meeting")


@transaction.atomic
def improvement_work_create(*, participation: Participation, **fields) -> ImprovementWork:
    """Record an improvement (förbättringsarbete) the organisation runs at home."""
    unknown = set(fields) - set(IMPROVEMENT_WORK_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    work = ImprovementWork(participation=participation, **fields)
    work.full_clean()
    work.save()
    log_action(
        work,
        actions.WORK_CREATED,
        round_id=participation.round_id,
        data={"title": work.title, "organisation": participation.organisation_id},
    )
    return work


@transaction.atomic
def improvement_work_update(*, work: ImprovementWork, **fields) -> ImprovementWork:
    unknown = set(fields) - set(IMPROVEMENT_WORK_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    changes = field_changes(work, fields)
    for name, value in fields.items():
        setattr(work, name, value)
    work.full_clean()
    work.save()
    if changes:
        log_action(
            work,
            actions.WORK_UPDATED,
            round_id=work.participation.round_id,
            data={"title": work.title, "changes": changes},
        )
    return work


@transaction.atomic
def progress_note_add(
    *, work: ImprovementWork, text: str, author: User | None = None, noted_on: date | None = None
) -> ProgressNote:
    """A dated note of how the work is going."""
    note = ProgressNote(
        work=work, text=text.strip(), author=author, noted_on=noted_on or timezone.localdate()
    )
    note.full_clean()
    note.save()
    log_action(
        work,
        actions.PROGRESS_NOTED,
        user=author,
        round_id=work.participation.round_id,
        data={"title": work.title, "note": note.pk},
    )
    return note


# Expressions of interest


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
def application_accept(*, application: Application, by: User) -> Participation:
    """Accept an application: enrol the organisation as a participant, record its political
    decision, and invite the people it named to their functions."""
    application = (
        # Lock the application row only: its organisation may be missing (an outer join).
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "organisation")
        .get(pk=application.pk)
    )
    if application.status != Application.Status.PENDING:
        raise DomainError(_("The application has already been decided."))
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
    application.save(
        update_fields=["organisation", "status", "decided_at", "decided_by", "updated_at"]
    )
    log_action(
        application,
        actions.APPLICATION_ACCEPTED,
        user=by,
        data={"organisation": organisation.pk, "organisation_name": application.applicant_name},
    )
    _notify_application(application, "accepted")
    return participation


@transaction.atomic
def application_decline(*, application: Application, by: User) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.PENDING:
        raise DomainError(_("The application has already been decided."))
    application.status = Application.Status.DECLINED
    application.decided_at = timezone.now()
    application.decided_by = by
    application.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    log_action(
        application,
        actions.APPLICATION_DECLINED,
        user=by,
        data={
            "organisation": application.organisation_id,
            "organisation_name": application.applicant_name,
        },
    )
    _notify_application(application, "declined")
    return application


def _notify_application(application: Application, event: str) -> None:
    from participants.tasks import send_application_notice  # tasks import services

    enqueue_on_commit(
        send_application_notice, application.pk, event, translation.get_language() or "sv"
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
