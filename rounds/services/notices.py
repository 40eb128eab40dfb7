"""The e-mails sent before a meeting, each once."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from checklist.models import SelfAssessment
from participants.models import FunctionAssignment, Participation
from rounds.models import Meeting, Round, SentNotice
from rounds.selectors import expected_attendees
from rounds.services.result_reports import result_report_reminders_send

# Reminders and meeting invitations


logger = logging.getLogger(__name__)


def notice_email_send(*, kind: str, meeting: Meeting, person, participation=None) -> None:
    """The e-mail itself: a reminder to submit the self-assessment, or the meeting's
    invitation with the meeting attached as a calendar file."""
    from rounds.calendar import calendar_for

    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "meeting": meeting,
            "person": person,
            "participation": participation,
            "site_url": settings.SITE_URL,
            "contacts": list(meeting.round.contacts.all()),
        }
        if kind == SentNotice.Kind.ASSESSMENT_REMINDER:
            subject = _("Reminder: the self-assessment before %(meeting)s") % {"meeting": meeting}
            body = render_to_string("rounds/email/assessment_reminder.txt", context)
        elif kind == SentNotice.Kind.MEETING_MOVED:
            subject = _("Moved: %(meeting)s") % {"meeting": meeting}
            body = render_to_string("rounds/email/meeting_moved.txt", context)
        else:
            subject = _("Invitation: %(meeting)s") % {"meeting": meeting}
            body = render_to_string("rounds/email/meeting_notice.txt", context)
    message = EmailMessage(subject, body, to=[person.email])
    if kind in (SentNotice.Kind.MEETING_NOTICE, SentNotice.Kind.MEETING_MOVED):
        message.attach(
            f"{meeting.key}.ics", calendar_for([meeting], name=meeting.title), "text/calendar"
        )
    message.send()


def _send_once(*, kind: str, meeting: Meeting, person, days_before: int, **context) -> bool:
    """Send one notice unless it has been sent; the row and the e-mail succeed together."""
    try:
        with transaction.atomic():
            SentNotice.objects.create(
                kind=kind, meeting=meeting, person=person, days_before=days_before
            )
            notice_email_send(kind=kind, meeting=meeting, person=person, **context)
    except IntegrityError:  # another run sent it a moment ago
        return False
    except OSError:  # the mail server refused; the next run tries again
        logger.exception("Could not send %s about meeting %s to %s", kind, meeting.pk, person.pk)
        return False
    return True


def notices_send(*, today: date | None = None) -> dict[str, int]:
    """E-mail what is due today, once: self-assessment reminders to the strategists of each
    organisation that has not submitted, N days before the meeting (N per round), and each
    meeting's invitation a set number of days ahead; and, on the same reminder days, the
    reminders of result reports due (`result_report_reminders_send`). A row per e-mail sent
    makes a re-run send nothing twice, and a missed day is caught up the next day."""
    today = today or timezone.localdate()
    counts = {"reminders": 0, "invitations": 0}
    upcoming = list(
        Meeting.objects.filter(round__status=Round.Status.ACTIVE, starts_at__date__gt=today)
        .select_related("round", "group")
        .order_by("starts_at")
    )
    sent = set(
        SentNotice.objects.filter(meeting__in=upcoming).values_list(
            "kind", "meeting_id", "person_id", "days_before"
        )
    )
    for meeting in upcoming:
        days_left = (timezone.localtime(meeting.starts_at).date() - today).days
        notice_days = meeting.round.meeting_notice_days
        if days_left <= notice_days:
            for _participation, person in expected_attendees(meeting):
                kind = SentNotice.Kind.MEETING_NOTICE
                if (kind, meeting.pk, person.pk, notice_days) not in sent and _send_once(
                    kind=kind, meeting=meeting, person=person, days_before=notice_days
                ):
                    counts["invitations"] += 1
        due_days = [d for d in meeting.round.reminder_days if days_left <= d]
        if not meeting.assessment_due or not due_days:
            continue
        # Only the latest reminder due is sent; an earlier one missed is moot by now.
        days_before = min(due_days)
        # One subquery: a draft here and a submitted assessment elsewhere is not "submitted".
        submitted = SelfAssessment.objects.filter(
            meeting=meeting, status=SelfAssessment.Status.SUBMITTED
        ).values("participation_id")
        participations = Participation.objects.filter(
            round_id=meeting.round_id,
            role=Participation.Role.PARTICIPANT,
            withdrawn_on__isnull=True,
        ).exclude(pk__in=submitted)
        if meeting.group_id is not None:
            participations = participations.filter(group_id=meeting.group_id)
        strategists = FunctionAssignment.objects.filter(
            participation__in=participations, function="strateg", person__is_active=True
        ).select_related("person", "participation__organisation")
        for assignment in strategists:
            kind = SentNotice.Kind.ASSESSMENT_REMINDER
            if (kind, meeting.pk, assignment.person_id, days_before) not in sent and _send_once(
                kind=kind,
                meeting=meeting,
                person=assignment.person,
                days_before=days_before,
                participation=assignment.participation,
            ):
                counts["reminders"] += 1
    counts["result_report_reminders"] = result_report_reminders_send(today=today)
    return counts
