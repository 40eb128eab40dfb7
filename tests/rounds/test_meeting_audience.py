"""Meetings for their audience (who is invited, expected and counted), and meetings that move:
the end follows the start, the people invited are told, the calendar event is updated."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from rounds import services
from rounds.calendar import calendar_for
from rounds.models import Meeting, SentNotice
from rounds.schedule import SKR_PLACE, default_schedule
from rounds.selectors import expected_attendees, round_dashboard
from tests.participants.test_views import main_of

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LOCAL = "%Y-%m-%dT%H:%M"


def _strategist_meeting(world, days: float, **kwargs) -> Meeting:
    starts = (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)
    return services.meeting_create(
        round=world.round_a,
        kind=Meeting.Kind.STRATEGIST_MEETING,
        title="Strategträff 1",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        **kwargs,
    )


def _people(meeting) -> set[str]:
    return {person.email for _p, person in expected_attendees(meeting)}


def test_a_strategist_meeting_is_for_the_key_persons_by_default(world):
    meeting = _strategist_meeting(world, 10)

    assert meeting.audience == []  # the default of its kind
    assert _people(meeting) == {
        "strateg@aby.se",
        "strateg@bby.se",
        "strateg@cby.se",
        "mentor@mentorstad.se",
        "mentor@stodstad.se",
    }
    # A conference is for every function.
    assert "politiker@aby.se" in _people(world.startup)
    assert "chef@aby.se" in _people(world.startup)


def test_the_audience_can_be_changed_per_meeting(world):
    meeting = _strategist_meeting(world, 10, audience=["strateg", "chef"])

    assert meeting.audience == ["chef", "strateg"]
    assert "chef@aby.se" in _people(meeting)
    assert "politiker@aby.se" not in _people(meeting)
    services.meeting_update(meeting=meeting, audience=[])
    assert "chef@aby.se" not in _people(meeting)


def test_invitations_go_to_the_audience_only(world):
    services.round_activate(round=world.round_a)
    meeting = _strategist_meeting(world, 10)

    services.notices_send()

    invited = {
        person
        for (person,) in SentNotice.objects.filter(
            meeting=meeting, kind=SentNotice.Kind.MEETING_NOTICE
        ).values_list("person__email")
    }
    assert "politiker@aby.se" not in invited
    assert "strateg@aby.se" in invited


def test_attendance_counts_the_functions_invited(client, world):
    held = _strategist_meeting(world, -3)
    services.attendance_record(
        meeting=held, participation=world.a1, person=world.strategist_a1, attended=True
    )
    services.attendance_record(
        meeting=held, participation=world.a2, person=world.strategist_a2, attended=True
    )

    dashboard = round_dashboard(round=world.round_a)

    assert (held, 2, 4) in dashboard.attendance  # Aby and Bby: their strategists came
    client.force_login(world.leader)
    html = main_of(client.get(reverse("rounds:round_detail", args=["omgang-a"]), **EN).text)
    assert "strategist/key person from 2 of 4 organisations" in html
    assert "all three functions from 0 of 4" not in html


def test_the_default_strategist_meeting_is_a_full_day_at_skr():
    planned = [
        m
        for m in default_schedule(dt.date(2027, 1, 1), dt.date(2028, 12, 31))
        if m.kind == Meeting.Kind.STRATEGIST_MEETING
    ]

    assert planned
    assert {(m.start, m.end, m.place, m.online) for m in planned} == {
        (dt.time(9, 30), dt.time(16), SKR_PLACE, False)
    }


# Moving a meeting


def _form_data(meeting, **changes):
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "number": meeting.number or "",
        "theme": meeting.theme,
        "group": meeting.group_id or "",
        "starts_at": timezone.localtime(meeting.starts_at).strftime(LOCAL),
        "ends_at": timezone.localtime(meeting.ends_at).strftime(LOCAL),
        "place": meeting.place,
        "online_url": meeting.online_url,
        "host": meeting.host_id or "",
        "assessment_opens_on": meeting.assessment_opens_on or "",
    }
    if meeting.assessment_due:
        data["assessment_due"] = "on"
    data.update(changes)
    return data


def test_the_form_says_once_that_a_meeting_must_end_after_it_starts(client, world):
    client.force_login(world.leader)
    meeting = world.startup
    url = reverse("rounds:meeting_update", args=["omgang-a", meeting.pk])
    starts = meeting.starts_at + dt.timedelta(days=1)

    response = client.post(
        url,
        _form_data(
            meeting,
            starts_at=timezone.localtime(starts).strftime(LOCAL),
            ends_at=timezone.localtime(starts - dt.timedelta(hours=1)).strftime(LOCAL),
        ),
        **EN,
    )

    assert response.status_code == 200
    assert response.text.count("A meeting must end after it starts.") == 1


def test_moving_the_start_moves_the_end_unless_the_end_is_changed(client, world):
    client.force_login(world.leader)
    meeting = _strategist_meeting(world, 10)
    length = meeting.ends_at - meeting.starts_at
    url = reverse("rounds:meeting_update", args=["omgang-a", meeting.pk])
    later = meeting.starts_at + dt.timedelta(days=7, minutes=30)

    client.post(url, _form_data(meeting, starts_at=timezone.localtime(later).strftime(LOCAL)))

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at - meeting.starts_at) == (later, length)
    # Both changed: both as given.
    end = later + dt.timedelta(hours=2)
    client.post(
        url,
        _form_data(
            meeting,
            starts_at=timezone.localtime(later - dt.timedelta(hours=1)).strftime(LOCAL),
            ends_at=timezone.localtime(end).strftime(LOCAL),
        ),
    )
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at) == (later - dt.timedelta(hours=1), end)


@pytest.mark.usefixtures("eager_tasks")
def test_the_people_invited_are_told_when_a_meeting_moves(
    world, django_capture_on_commit_callbacks
):
    services.round_activate(round=world.round_a)
    meeting = _strategist_meeting(world, 10)
    services.notices_send()
    invited = {m.to[0] for m in mail.outbox}
    assert invited == {
        "strateg@aby.se",
        "strateg@bby.se",
        "strateg@cby.se",
        "mentor@mentorstad.se",
        "mentor@stodstad.se",
    }
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=Meeting.objects.get(pk=meeting.pk),
            starts_at=meeting.starts_at + dt.timedelta(days=2),
        )

    meeting.refresh_from_db()
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(hours=6)
    assert meeting.sequence == 1
    assert {m.to[0] for m in mail.outbox} == invited
    message = mail.outbox[0]
    assert "Strategträff 1" in message.subject
    (_name, content, _kind) = message.attachments[0]
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"meeting-{meeting.pk}@modellkoncept"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == meeting.starts_at
    # Told once: nothing more on the next daily run.
    mail.outbox.clear()
    services.notices_send()
    assert mail.outbox == []


def test_the_calendar_event_keeps_its_uid_and_raises_its_sequence(world):
    meeting = world.startup
    before = Calendar.from_ical(calendar_for([meeting], name="x")).walk("VEVENT")[0]

    services.meeting_update(meeting=meeting, starts_at=meeting.starts_at + dt.timedelta(hours=1))
    meeting.refresh_from_db()
    after = Calendar.from_ical(calendar_for([meeting], name="x")).walk("VEVENT")[0]

    assert str(after["UID"]) == str(before["UID"])
    assert (int(before["SEQUENCE"]), int(after["SEQUENCE"])) == (0, 1)
    # A change that does not move it keeps the revision.
    services.meeting_update(meeting=meeting, place="Stockholm")
    meeting.refresh_from_db()
    assert meeting.sequence == 1
