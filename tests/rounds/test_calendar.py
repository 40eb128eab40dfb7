"""Meetings in people's calendars: the private, revocable feed of a person's meetings, and a
single meeting as an .ics file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts import services as account_services
from rounds import services

pytestmark = pytest.mark.django_db


def _feed_url(person) -> str:
    token = person.calendar_token or account_services.calendar_token_reset(user=person)
    return reverse("rounds:calendar_feed", args=[token])


def _events(response) -> dict[str, object]:
    """UID → event of the calendar in the response."""
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def _uid(meeting) -> str:
    return f"meeting-{meeting.pk}@modellkoncept"


# The personal feed


@pytest.mark.parametrize(
    ("person", "meetings"),
    [
        ("strategist_a1", ["startup", "meeting_ga1"]),  # a member of GA1
        ("politician_a1", ["startup", "meeting_ga1"]),  # every function sees the same
        ("strategist_a3", ["startup", "meeting_ga2"]),  # a member of GA2
        ("mentor_m1", ["startup", "meeting_ga1"]),  # mentors GA1
        ("mentor_m2", ["startup", "meeting_ga2"]),  # mentors GA2
        ("strategist_b1", ["meeting_gb"]),  # round B
        ("outsider", []),
    ],
)
def test_feed_lists_exactly_the_meetings_the_person_may_see(world, person, meetings):
    response = Client().get(_feed_url(getattr(world, person)))  # no sign-in: a calendar app

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert set(_events(response)) == {_uid(getattr(world, name)) for name in meetings}


def test_feed_describes_each_meeting(world):
    response = Client().get(_feed_url(world.strategist_a1))

    event = _events(response)[_uid(world.meeting_ga1)]
    assert str(event["summary"]) == "Lärandeträff 1 GA1"
    assert event.decoded("dtstart") == world.meeting_ga1.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") == world.meeting_ga1.ends_at.replace(microsecond=0)
    assert str(event["url"]).endswith(
        reverse("rounds:meeting_detail", args=["omgang-a", world.meeting_ga1.pk])
    )
    assert "Omgång A" in str(event["description"])
    assert "GA1" in str(event["description"])
    assert response["Cache-Control"].startswith("private")


def test_a_moved_meeting_keeps_its_uid_so_calendars_update_it(world):
    client = Client()
    url = _feed_url(world.strategist_a1)
    before = _events(client.get(url))
    later = world.meeting_ga1.starts_at + dt.timedelta(days=3)

    services.meeting_update(
        meeting=world.meeting_ga1, starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )
    after = _events(client.get(url))

    assert set(after) == set(before)
    event = after[_uid(world.meeting_ga1)]
    assert event.decoded("dtstart") == later.replace(microsecond=0)


def test_an_unknown_token_finds_nothing(world):
    account_services.calendar_token_reset(user=world.strategist_a1)

    response = Client().get(reverse("rounds:calendar_feed", args=["not-a-token"]))

    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_a_revoked_address_stops_working(world):
    url = _feed_url(world.strategist_a1)
    assert Client().get(url).status_code == 200

    account_services.calendar_token_revoke(user=world.strategist_a1)

    assert Client().get(url).status_code == 404


def test_a_new_address_replaces_the_old_one(world):
    old = _feed_url(world.strategist_a1)

    new_token = account_services.calendar_token_reset(user=world.strategist_a1)
    new = reverse("rounds:calendar_feed", args=[new_token])

    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_a_closed_account_has_no_feed(world):
    url = _feed_url(world.strategist_a1)
    world.strategist_a1.is_active = False
    world.strategist_a1.save(update_fields=["is_active"])

    assert Client().get(url).status_code == 404


def test_tokens_are_long_and_different_for_each_person(world):
    tokens = {
        account_services.calendar_token_reset(user=person)
        for person in (world.strategist_a1, world.strategist_a2, world.mentor_m1)
    }

    assert len(tokens) == 3
    assert all(len(token) >= 40 for token in tokens)


# A single meeting as a file


def _ics(meeting, slug="omgang-a") -> str:
    return reverse("rounds:meeting_calendar", args=[slug, meeting.pk])


def test_a_visible_meeting_downloads_as_an_ics_file(client, world):
    client.force_login(world.strategist_a2)

    response = client.get(_ics(world.meeting_ga1))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == (
        f'attachment; filename="{world.meeting_ga1.key}.ics"'
    )
    assert list(_events(response)) == [_uid(world.meeting_ga1)]


@pytest.mark.parametrize(
    ("person", "meeting", "slug"),
    [
        ("strategist_a3", "meeting_ga1", "omgang-a"),  # another group of the round
        ("mentor_m2", "meeting_ga1", "omgang-a"),  # mentors another group
        ("strategist_b1", "startup", "omgang-a"),  # another round
        ("strategist_a1", "meeting_ga1", "omgang-b"),  # own meeting, wrong round address
        ("outsider", "startup", "omgang-a"),
    ],
)
def test_a_meeting_the_person_may_not_see_is_not_found(client, world, person, meeting, slug):
    client.force_login(getattr(world, person))

    response = client.get(_ics(getattr(world, meeting), slug))

    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_a_single_meeting_needs_a_sign_in(client, world):
    response = client.get(_ics(world.startup))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
