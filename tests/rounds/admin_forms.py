"""What the tests of the project leader's pages share: the forms as the browser posts them, and
reading the messages and rows of a page."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.contrib.messages import get_messages
from django.utils import timezone

from checklist.models import DEFAULT_CHECKLIST_SLUG, ChecklistVersion
from participants.models import Organisation
from rounds.models import Meeting, Round

STOCKHOLM = ZoneInfo("Europe/Stockholm")


LOCAL = "%Y-%m-%dT%H:%M"


def _post(client, url, data=None, **extra):
    """Post as the browser does after showing the page: earlier messages have been read."""
    client.cookies.pop("messages", None)
    return client.post(url, data or {}, **extra)


def _messages(response) -> list[str]:
    """The messages the request left for the next page."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime(LOCAL)


def _meeting_data(meeting: Meeting, **changes) -> dict:
    """The meeting form as the browser posts it, with some fields changed."""
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "number": meeting.number or "",
        "theme": meeting.theme,
        "group": meeting.group_id or "",
        "starts_at": _local(meeting.starts_at),
        "ends_at": _local(meeting.ends_at),
        "place": meeting.place,
        "online_url": meeting.online_url,
        "host": meeting.host_id or "",
        "assessment_opens_on": meeting.assessment_opens_on or "",
    }
    if meeting.assessment_due:
        data["assessment_due"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _round_data(**changes) -> dict:
    data = {
        "name": "Modellkoncept 2027–2029",
        "slug": "mk-2027",
        "kind": Round.Kind.MUNICIPAL,
        "starts_on": "2027-09-01",
        "ends_on": "2029-08-31",
        "current_year": "1",
        "checklist_version": ChecklistVersion.objects.get(slug=DEFAULT_CHECKLIST_SLUG).pk,
        "description": "",
        "accepts_applications": "on",
        "reminder_days": "7, 2",
        "meeting_notice_days": "14",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _application_data(organisation: Organisation, domain: str, **changes) -> dict:
    data = {
        "organisation": organisation.pk,
        "organisation_name": "",
        "contact_name": "Kim Kontakt",
        "contact_email": f"kontakt@{domain}",
        "contact_phone": "",
        "decision_on": "2025-03-01",
        "decision_kind": "council",
        "anchoring": "Kommunstyrelsen beslutade i mars att ansöka.",
        "politician_name": "Pia Politiker",
        "politician_email": f"politiker@{domain}",
        "manager_name": "Carl Chef",
        "manager_email": f"chef@{domain}",
        "strategist_name": "Stella Strateg",
        "strategist_email": f"strateg@{domain}",
        "willing_to_mentor": "on",
        "message": "Vi vill delta.",
    }
    data.update(changes)
    return data


def _row_of(html: str, name: str) -> str:
    """The table row that starts with the given organisation's name."""
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    return next(row for row in rows if name in row)


def _badges(row: str) -> list[str]:
    return re.findall(r'status-badge--(success|danger)">\s*(\w+)', row)
