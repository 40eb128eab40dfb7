"""Meetings as iCalendar (RFC 5545): one meeting to download, or a person's feed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from rounds.models import Meeting

PRODUCT_ID = "-//SKR//Modellkoncept//SV"


def meeting_event(meeting: Meeting) -> Event:
    event = Event()
    # A stable UID lets calendar programs update a moved meeting instead of adding a copy.
    event.add("uid", f"meeting-{meeting.pk}@modellkoncept")
    event.add("dtstamp", timezone.now())
    # Raised at each move, so that a calendar program takes the new time over the old.
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    link = settings.SITE_URL + reverse(
        "rounds:meeting_detail", kwargs={"round_slug": meeting.round.slug, "pk": meeting.pk}
    )
    event.add("url", meeting.online_url or link)
    details = [meeting.round.name]
    if meeting.group_id:
        details.append(meeting.group.name)
    if meeting.theme:
        details.append(meeting.theme)
    if meeting.online_url:
        details.append(meeting.online_url)
    details.append(link)
    event.add("description", "\n".join(details))
    return event


def calendar_for(meetings: Iterable[Meeting], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    return calendar.to_ical()
