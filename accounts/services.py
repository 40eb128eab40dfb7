"""Everything that writes a person's own account settings."""

import secrets

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import actions
from accounts.models import User
from accounts.signals import person_erasing
from modellkoncept.actions import log_action
from modellkoncept.errors import DomainError


@transaction.atomic
def calendar_token_reset(*, user: User) -> str:
    """Give the person a new secret calendar feed address; the old one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


@transaction.atomic
def calendar_token_revoke(*, user: User) -> None:
    user.calendar_token = None
    user.save(update_fields=["calendar_token"])


def password_reset_send(*, email: str, domain: str, use_https: bool, language: str) -> None:
    """E-mail a password-reset link to the active account with this address, if there is one.

    Run by a task after the request has answered: the request does the same whether or not the
    account exists, so its time tells nothing (`accounts.forms.QueuedPasswordResetForm`)."""
    from django.contrib.auth.forms import PasswordResetForm

    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    with translation.override(language):
        form.save(
            domain_override=domain,
            use_https=use_https,
            email_template_name="registration/password_reset_email.html",
        )


def person_export(*, person: User) -> dict:
    """Everything the application holds about a person, as JSON-ready data (GDPR art. 15)."""
    from checklist.models import AssessmentComment, SelfAssessment
    from participants.models import FunctionAssignment, Invitation, ProgressNote
    from rounds.models import Attendance, SentNotice

    def when(value):
        return value.isoformat() if value else None

    return {
        "format": "modellkoncept-person/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": person.email,
            "name": person.full_name,
            "is_project_leader": person.is_project_leader,
            "is_active": person.is_active,
            "date_joined": when(person.date_joined),
            "last_login": when(person.last_login),
            "has_calendar_feed": bool(person.calendar_token),
        },
        "functions": [
            {
                "round": a.participation.round.slug,
                "organisation": a.participation.organisation.code,
                "organisation_name": a.participation.organisation.name,
                "function": a.function,
            }
            for a in FunctionAssignment.objects.filter(person=person).select_related(
                "participation__round", "participation__organisation"
            )
        ],
        "invitations": [
            {
                "organisation": i.participation.organisation.code,
                "round": i.participation.round.slug,
                "sent": when(i.created_at),
                "expires": when(i.expires_at),
                "accepted": when(i.accepted_at),
            }
            for i in Invitation.objects.filter(person=person).select_related(
                "participation__round", "participation__organisation"
            )
        ],
        "attendance": [
            {"meeting": a.meeting.key, "round": a.meeting.round.slug, "attended": a.attended}
            for a in Attendance.objects.filter(person=person).select_related("meeting__round")
        ],
        "assessments_submitted": [
            {
                "organisation": s.participation.organisation.code,
                "meeting": s.meeting.key,
                "submitted_at": when(s.submitted_at),
            }
            for s in SelfAssessment.objects.filter(submitted_by=person).select_related(
                "participation__organisation", "meeting"
            )
        ],
        "comments": [
            {"assessment": c.assessment_id, "written": when(c.created_at), "text": c.text}
            for c in AssessmentComment.objects.filter(author=person)
        ],
        "progress_notes": [
            {"work": n.work.title, "date": n.noted_on.isoformat(), "text": n.text}
            for n in ProgressNote.objects.filter(author=person).select_related("work")
        ],
        "applications_naming_the_person": [
            {
                "round": a.round.slug,
                "organisation": a.applicant_name,
                "as": [
                    prefix
                    for prefix in ("contact", "politician", "manager", "strategist")
                    if getattr(a, f"{prefix}_email").lower() == person.email
                ],
                "sent": when(a.created_at),
            }
            for a in _applications_naming(person.email)
        ],
        "notices_sent": [
            {"kind": n.kind, "meeting": n.meeting.key, "sent": when(n.sent_at)}
            for n in SentNotice.objects.filter(person=person).select_related("meeting")
        ],
        "sign_ins": _sign_ins(person.email, when),
        "changes": _changes_by(person, when),
    }


def _sign_ins(email: str, when) -> dict:
    """What django-axes keeps of the person's sign-ins, by the address they signed in with:
    each sign-in (and sign-out), failed attempts and the counts that lock an account out."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    def base(row) -> dict:
        return {
            "time": when(row.attempt_time),
            "ip_address": row.ip_address,
            "browser": row.user_agent,
            "path": row.path_info,
        }

    return {
        "signed_in": [
            {**base(row), "signed_out": when(row.logout_time)}
            for row in AccessLog.objects.filter(username__iexact=email).order_by("attempt_time")
        ],
        "failed": [
            {**base(row), "locked_out": row.locked_out}
            for row in AccessFailureLog.objects.filter(username__iexact=email).order_by(
                "attempt_time"
            )
        ],
        "failures_counted": [
            {**base(row), "failures": row.failures_since_start}
            for row in AccessAttempt.objects.filter(username__iexact=email).order_by("attempt_time")
        ],
    }


# Fields of a history row that say when and how it was written, not what changed.
_HISTORY_BOOKKEEPING = {"updated_at", "revision"}


def _changes_by(person: User, when) -> list[dict]:
    """Every change the person made that django-simple-history recorded: the model, the
    object, when, what kind of change, and the fields it changed with their values before and
    after. One query for each model with a history, however many changes."""
    from django.apps import apps

    changes = []
    for model in apps.get_models():
        if not model.__name__.startswith("Historical") or not hasattr(model, "instance_type"):
            continue
        tracked = [
            f.attname
            for f in model.instance_type._meta.concrete_fields
            if f.attname not in _HISTORY_BOOKKEEPING
        ]
        pk_name = model.instance_type._meta.pk.attname
        # Every row of each object the person changed, in order, in one query: what each of
        # their changes changed is told against the row before it.
        touched = model.objects.filter(history_user=person).values(pk_name)
        previous, last, own = {}, {}, []
        for row in model.objects.filter(**{f"{pk_name}__in": touched}).order_by(
            "history_date", "history_id"
        ):
            key = getattr(row, pk_name)
            previous[row.history_id] = last.get(key)
            last[key] = row
            if row.history_user_id == person.pk:
                own.append(row)
        for row in own:
            before = previous.get(row.history_id)
            fields = {}
            for name in tracked:
                new = getattr(row, name)
                old = getattr(before, name) if before is not None else None
                if before is None and row.history_type == "+" and new in (None, ""):
                    continue
                if before is None or old != new:
                    fields[name] = {"before": _plain(old, when), "after": _plain(new, when)}
            changes.append(
                {
                    "model": model.instance_type._meta.label,
                    "object": getattr(row, pk_name),
                    "date": when(row.history_date),
                    "change": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
                    "reason": row.history_change_reason or "",
                    "fields": fields,
                }
            )
    return sorted(changes, key=lambda c: (c["date"], c["model"], c["object"]))


def _plain(value, when):
    """A value as JSON holds it."""
    import datetime as dt
    from decimal import Decimal

    if isinstance(value, dt.datetime | dt.date):
        return when(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def person_erase(*, person: User, by: User) -> User:
    """Erase a person (GDPR art. 17): their name and e-mail are replaced and their account is
    closed; what their organisation did (assessments, attendance, functions) stays intact
    for the statistics, now without a name. Their sign-in records go, and every report file
    that names them is removed and made again without them (`accounts.signals`)."""
    from participants.models import Invitation

    if person.pk == by.pk:
        raise DomainError(_("You cannot erase yourself."))
    if person.is_superuser:
        raise DomainError(_("An administrator account cannot be erased here."))
    email = person.email
    person_erasing.send(sender=User, person=person)
    person.full_name = _("Erased person")
    person.email = f"erased-{person.pk}@invalid.example"
    person.is_active = False
    person.is_project_leader = False
    person.is_staff = False
    person.calendar_token = None
    # A new (unusable) password also ends the person's sessions everywhere.
    person.set_unusable_password()
    person.save()
    Invitation.objects.filter(person=person).delete()
    _erase_from_applications(email, person.full_name)
    _erase_sign_ins(email)
    log_action(person, actions.PERSON_ERASED, user=by)
    return person


def _erase_sign_ins(email: str) -> None:
    """django-axes keeps sign-ins and failed attempts under the address typed, with the
    client's address and browser; the person's go with them."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()


def _erase_from_applications(email: str, erased_name: str) -> None:
    """Expressions of interest name people by hand; replace the erased person there too."""
    from participants.models import Application

    for prefix in ("contact", "politician", "manager", "strategist"):
        Application.objects.filter(**{f"{prefix}_email__iexact": email}).update(
            **{f"{prefix}_email": "", f"{prefix}_name": erased_name}
        )


def _applications_naming(email: str):
    from django.db.models import Q

    from participants.models import Application

    return Application.objects.filter(
        Q(contact_email__iexact=email)
        | Q(politician_email__iexact=email)
        | Q(manager_email__iexact=email)
        | Q(strategist_email__iexact=email)
    ).select_related("round", "organisation")
