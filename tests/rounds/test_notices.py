"""Self-assessment reminders and meeting invitations: who gets what, when, and only once; the
daily Celery task, in-process and through Redis to a real worker."""

from __future__ import annotations

import datetime as dt
from email import message_from_string
from email.header import decode_header, make_header
from email.message import Message
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from checklist import services as checklist_services
from participants import services as participant_services
from rounds import services
from rounds.models import Meeting, Round, SentNotice
from rounds.tasks import send_notices
from tests.conftest import tasks_ended

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REMINDER = SentNotice.Kind.ASSESSMENT_REMINDER
INVITATION = SentNotice.Kind.MEETING_NOTICE


def _day_of(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.starts_at).date()


def _before(meeting: Meeting, days: int) -> dt.date:
    """The date `days` days before the meeting, as `today` for `notices_send`."""
    return _day_of(meeting) - dt.timedelta(days=days)


def _sent(kind=None) -> set[tuple[str, str, int]]:
    """(meeting title, e-mail address, days before) of the notices recorded as sent."""
    rows = SentNotice.objects.select_related("meeting", "person")
    if kind:
        rows = rows.filter(kind=kind)
    return {(n.meeting.title, n.person.email, n.days_before) for n in rows}


def _mails() -> set[tuple[str, str, str]]:
    """(kind, recipient, subject) of the e-mails in the outbox; an invitation carries the
    meeting as a calendar file, a reminder does not."""
    result = set()
    for message in mail.outbox:
        assert len(message.to) == 1, "each notice goes to one person"
        kind = "invitation" if message.attachments else "reminder"
        result.add((kind, message.to[0], message.subject))
    return result


def _recipients(kind: str, meeting: Meeting) -> set[str]:
    return {to for k, to, subject in _mails() if k == kind and meeting.title in subject}


@pytest.fixture
def active(world):
    """The world with round A active (its meetings: the start-up conference in 20 days, the
    learning meetings of GA1 in 50 and GA2 in 52 days)."""
    world.round_a = services.round_activate(round=world.round_a)
    return world


# Self-assessment reminders


def test_reminder_goes_seven_days_before_to_strategists_of_organisations_not_submitted(active):
    w = active

    counts = services.notices_send(today=_before(w.meeting_ga1, 7))

    # GA1: Aby has a draft, Bby has submitted. Only Aby's strategist is reminded: not its
    # politician or manager, not Bby's strategist, not the group's mentor.
    assert _recipients("reminder", w.meeting_ga1) == {"strateg@aby.se"}
    assert _sent(REMINDER) == {("Lärandeträff 1 GA1", "strateg@aby.se", 7)}
    assert counts["reminders"] == 1
    message = next(m for m in mail.outbox if not m.attachments)
    assert "Aby" in message.body
    assert f"/meetings/{w.meeting_ga1.pk}/" in message.body  # the link to fill it in


def test_reminders_go_seven_and_two_days_before_and_not_between(active):
    w = active
    meeting = w.meeting_ga1

    for days in (9, 8):
        services.notices_send(today=_before(meeting, days))
    assert _sent(REMINDER) == set()
    services.notices_send(today=_before(meeting, 7))
    for days in (6, 5, 4, 3):
        services.notices_send(today=_before(meeting, days))
    assert _sent(REMINDER) == {(meeting.title, "strateg@aby.se", 7)}
    services.notices_send(today=_before(meeting, 2))
    services.notices_send(today=_before(meeting, 1))

    assert _sent(REMINDER) == {
        (meeting.title, "strateg@aby.se", 7),
        (meeting.title, "strateg@aby.se", 2),
    }
    reminders = [m for m in mail.outbox if not m.attachments and meeting.title in m.subject]
    assert len(reminders) == 2


def test_reminders_follow_the_rounds_own_days(active):
    w = active
    services.round_update(round=w.round_a, reminder_days=[10])
    meeting = w.meeting_ga1

    services.notices_send(today=_before(meeting, 11))
    assert _sent(REMINDER) == set()
    services.notices_send(today=_before(meeting, 10))
    assert _sent(REMINDER) == {(meeting.title, "strateg@aby.se", 10)}
    services.notices_send(today=_before(meeting, 7))
    services.notices_send(today=_before(meeting, 2))

    assert _sent(REMINDER) == {(meeting.title, "strateg@aby.se", 10)}


def test_an_organisation_that_submits_is_not_reminded_again(active):
    w = active
    meeting = w.meeting_ga1
    services.notices_send(today=_before(meeting, 7))
    checklist_services.assessment_save(
        assessment=w.draft_a1, scores=dict.fromkeys(range(1, 11), 2), by=w.strategist_a1
    )
    checklist_services.assessment_submit(assessment=w.draft_a1, by=w.strategist_a1)

    services.notices_send(today=_before(meeting, 2))

    assert _sent(REMINDER) == {(meeting.title, "strateg@aby.se", 7)}


def test_a_withdrawn_organisation_is_not_reminded(active):
    w = active
    participant_services.participation_withdraw(
        participation=w.a1, on=timezone.localdate(), reason="Omorganisation"
    )

    services.notices_send(today=_before(w.meeting_ga1, 7))

    assert _sent(REMINDER) == set()
    assert "strateg@aby.se" not in _recipients("invitation", w.meeting_ga1)


def test_no_reminder_for_a_meeting_that_needs_no_self_assessment(active):
    w = active

    services.notices_send(today=_before(w.startup, 7))

    assert _sent(REMINDER) == set()
    assert _recipients("reminder", w.startup) == set()
    assert _recipients("invitation", w.startup)  # the invitations do go out


@pytest.mark.parametrize("status", [Round.Status.PLANNING, Round.Status.COMPLETED])
def test_only_active_rounds_send_anything(world, status):
    w = world
    if status == Round.Status.COMPLETED:
        services.round_activate(round=w.round_a)
        services.round_complete(round=w.round_a)

    for days in (14, 7, 2):
        services.notices_send(today=_before(w.meeting_ga1, days))

    assert mail.outbox == []
    assert not SentNotice.objects.exists()


def test_a_draft_for_this_meeting_is_reminded_even_if_another_meeting_was_submitted(active):
    """Bby submitted before GA1's first learning meeting; before the second it has only a
    draft, so its strategist must be reminded."""
    w = active
    later = w.meeting_ga1.starts_at + dt.timedelta(days=60)
    second = services.meeting_create(
        round=w.round_a,
        group=w.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=later,
        ends_at=later + dt.timedelta(hours=6),
        assessment_due=True,
    )
    checklist_services.assessment_start(participation=w.a2, meeting=second)

    services.notices_send(today=_before(second, 7))

    assert _sent(REMINDER) == {
        ("Lärandeträff 2 GA1", "strateg@aby.se", 7),
        ("Lärandeträff 2 GA1", "strateg@bby.se", 7),
    }


# Meeting invitations


def test_group_meeting_invitation_goes_to_members_and_mentors_with_the_calendar_file(active):
    w = active
    meeting = w.meeting_ga1

    services.notices_send(today=_before(meeting, 15))
    assert _sent(INVITATION) == set()
    counts = services.notices_send(today=_before(meeting, 14))

    everyone_of_ga1 = {
        "politiker@aby.se",
        "chef@aby.se",
        "strateg@aby.se",
        "strateg@bby.se",
        "mentor@mentorstad.se",
    }
    assert _recipients("invitation", meeting) == everyone_of_ga1
    assert {(title, to) for title, to, _days in _sent(INVITATION)} >= {
        (meeting.title, to) for to in everyone_of_ga1
    }
    assert counts["invitations"] == len(_sent(INVITATION))
    message = next(m for m in mail.outbox if meeting.title in m.subject)
    filename, content, mimetype = message.attachments[0]
    assert filename == f"{meeting.key}.ics"
    assert mimetype.startswith("text/calendar")
    events = Calendar.from_ical(content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"meeting-{meeting.pk}@modellkoncept"]
    assert events[0].decoded("dtstart") == meeting.starts_at.replace(microsecond=0)


def test_round_meeting_invitation_goes_to_everyone_in_the_round(active):
    w = active

    services.notices_send(today=_before(w.startup, 14))

    assert _recipients("invitation", w.startup) == {
        "politiker@aby.se",
        "chef@aby.se",
        "strateg@aby.se",
        "strateg@bby.se",
        "strateg@cby.se",
        "mentor@mentorstad.se",
        "mentor@stodstad.se",
    }
    assert "strateg@eby.se" not in {m.to[0] for m in mail.outbox}  # round B
    assert "utanfor@example.se" not in {m.to[0] for m in mail.outbox}


def test_invitations_follow_the_rounds_days_of_notice(active):
    w = active
    services.round_update(round=w.round_a, meeting_notice_days=3)

    services.notices_send(today=_before(w.startup, 14))
    services.notices_send(today=_before(w.startup, 4))
    assert _recipients("invitation", w.startup) == set()
    services.notices_send(today=_before(w.startup, 3))

    assert len(_recipients("invitation", w.startup)) == 7
    assert {days for _t, _to, days in _sent(INVITATION)} == {3}


# Each e-mail once


def test_a_second_run_the_same_day_sends_nothing(active):
    w = active
    today = _before(w.meeting_ga1, 7)
    first = services.notices_send(today=today)
    sent = len(mail.outbox)
    rows = SentNotice.objects.count()
    assert first["reminders"] == 1
    assert first["invitations"] >= 5

    again = services.notices_send(today=today)

    assert again == {"reminders": 0, "invitations": 0, "result_report_reminders": 0}
    assert len(mail.outbox) == sent
    assert SentNotice.objects.count() == rows == sent


def test_a_sent_notice_row_is_unique(active):
    w = active
    SentNotice.objects.create(
        kind=REMINDER, meeting=w.meeting_ga1, person=w.strategist_a1, days_before=7
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        SentNotice.objects.create(
            kind=REMINDER, meeting=w.meeting_ga1, person=w.strategist_a1, days_before=7
        )


def test_a_missed_day_is_caught_up_the_next_day(active):
    w = active
    meeting = w.meeting_ga1

    # Nothing ran 14 or 7 days before; the run six days before sends both.
    services.notices_send(today=_before(meeting, 6))

    assert (meeting.title, "strateg@aby.se", 7) in _sent(REMINDER)
    assert "chef@aby.se" in _recipients("invitation", meeting)
    sent = len(mail.outbox)
    services.notices_send(today=_before(meeting, 5))
    assert len(mail.outbox) == sent


def test_a_mail_server_failure_for_one_person_does_not_stop_the_others(active, monkeypatch):
    w = active
    today = _before(w.meeting_ga1, 7)
    send = EmailMessage.send

    def refuse_the_manager(message, *args, **kwargs):
        if message.to == ["chef@aby.se"]:
            raise OSError("550 mailbox unavailable")
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", refuse_the_manager)
    services.notices_send(today=today)

    invited = _recipients("invitation", w.meeting_ga1)
    assert "chef@aby.se" not in invited
    assert {"politiker@aby.se", "strateg@aby.se", "strateg@bby.se"} <= invited
    assert _recipients("reminder", w.meeting_ga1) == {"strateg@aby.se"}
    assert not SentNotice.objects.filter(person=w.manager_a1).exists()

    monkeypatch.undo()
    before = len(mail.outbox)
    services.notices_send(today=today)

    assert [m.to for m in mail.outbox[before:]] == [["chef@aby.se"]]
    assert SentNotice.objects.filter(person=w.manager_a1, kind=INVITATION).count() == 1


# The daily task


def test_the_beat_schedule_runs_the_task_daily():
    schedules = list(settings.CELERY_BEAT_SCHEDULE.values())
    entry = next(e for e in schedules if e["task"] == "rounds.tasks.send_notices")

    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {7}
    assert send_notices.name == "rounds.tasks.send_notices"


def test_the_task_sends_what_is_due_today(active, monkeypatch):
    w = active
    today = _before(w.meeting_ga1, 7)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)

    result = send_notices.apply().get()

    assert result == {
        "reminders": 1,
        "invitations": len(_sent(INVITATION)),
        "result_report_reminders": 0,
    }
    assert _recipients("reminder", w.meeting_ga1) == {"strateg@aby.se"}


def _messages_in(directory) -> list[Message]:
    """The e-mails Django's file backend wrote: several may share a file, one after another
    with a line of dashes between."""
    messages = []
    for path in sorted(directory.iterdir()):
        text = path.read_text(encoding="utf-8")
        for part in text.split("-" * 79):
            if part.strip():
                messages.append(message_from_string(part.strip()))
    return messages


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_reminders_and_invitations_once(world, celery_worker):
    w = world
    services.round_activate(round=w.round_a)
    day = timezone.localdate() + dt.timedelta(days=7)
    meeting = services.meeting_create(
        round=w.round_a,
        group=w.ga1,
        kind=Meeting.Kind.LEARNING_MEETING,
        number=2,
        title="Lärandeträff 2 GA1",
        starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=STOCKHOLM),
        ends_at=dt.datetime.combine(day, dt.time(16), tzinfo=STOCKHOLM),
        assessment_due=True,
    )
    # Neither Aby nor Bby has assessed before this meeting: both strategists are reminded;
    # the group's five people (with its mentor) are invited.
    expected = {
        ("reminder", "strateg@aby.se"),
        ("reminder", "strateg@bby.se"),
        ("invitation", "politiker@aby.se"),
        ("invitation", "chef@aby.se"),
        ("invitation", "strateg@aby.se"),
        ("invitation", "strateg@bby.se"),
        ("invitation", "mentor@mentorstad.se"),
    }

    send_notices.delay()

    assert tasks_ended(celery_worker, send_notices.name, 1, timeout=60), "the task never ended"
    messages = _messages_in(celery_worker.mail_dir)
    received = [
        ("invitation" if message.is_multipart() else "reminder", message["To"])
        for message in messages
    ]
    assert sorted(received) == sorted(expected)  # each exactly once
    assert all(meeting.title in str(make_header(decode_header(m["Subject"]))) for m in messages)
    # Each e-mail's row committed just after the e-mail was written.
    rows = SentNotice.objects.count()
    assert rows == len(expected)

    send_notices.delay()  # again: everything is sent already

    assert tasks_ended(celery_worker, send_notices.name, 2, timeout=60), "the task never ended"
    assert len(_messages_in(celery_worker.mail_dir)) == len(expected)
    assert SentNotice.objects.count() == rows
