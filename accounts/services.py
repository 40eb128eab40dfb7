"""Everything that writes a person's own account settings."""

import secrets

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
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
    }


@transaction.atomic
def person_erase(*, person: User, by: User) -> User:
    """Erase a person (GDPR art. 17): their name and e-mail are replaced and their account is
    closed; what their organisation did (assessments, attendance, functions) stays intact
    for the statistics, now without a name."""
    from participants.models import Invitation

    if person.pk == by.pk:
        raise DomainError(_("You cannot erase yourself."))
    if person.is_superuser:
        raise DomainError(_("An administrator account cannot be erased here."))
    email = person.email
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
    return person


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
