"""What a checked document will create: the plan the checker fills in and the import writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from checklist.models import ChecklistVersion
from participants.models import Organisation, Participation
from rounds.models import Round

User = get_user_model()


def _as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class _Organisation:
    path: str
    code: str
    existing: Organisation | None
    name: str
    kind: str | None
    role: str | None
    group: str | None
    withdrawn_on: dt.date | None
    withdrawal_reason: str
    completed_on: dt.date | None  # None: as the round's status has it
    willing_to_mentor: bool
    mentor_capacity: int
    fee: int | None
    fee_invoiced: bool
    county_code: str
    latitude: Decimal | None
    longitude: Decimal | None

    @property
    def is_new(self) -> bool:
        return self.existing is None


@dataclass
class _Group:
    path: str
    name: str
    theme: str
    mentors: list[str]


@dataclass
class _Person:
    path: str
    email: str
    name: str
    organisation: str
    functions: list[str]


@dataclass
class _Attendance:
    path: str
    email: str
    organisation: str
    attended: bool


@dataclass
class _Meeting:
    path: str
    key: str
    fields: dict
    group: str | None
    host: str | None
    attendance: list[_Attendance]
    material: list[dict] = field(default_factory=list)


@dataclass
class _Assessment:
    path: str
    organisation: str
    meeting: str
    status: str
    submitted_at: dt.datetime | None
    submitted_by: str | None
    scores: dict[int, int | None]
    comments: dict[int, str]
    level: str = ChecklistVersion.Level.ORGANISATION


@dataclass
class _Note:
    path: str
    noted_on: dt.date
    text: str


@dataclass
class _Work:
    path: str
    organisation: str
    fields: dict
    meeting: str | None
    notes: list[_Note]
    moments: list[int] = field(default_factory=list)  # item numbers of the round's checklist


@dataclass
class _Plan:
    """What the document asks to create, read and checked."""

    round: dict = field(default_factory=dict)
    status: str = Round.Status.PLANNING
    checklist: ChecklistVersion | None = None
    # The committee/department level's checklist (year two), if the round has one.
    committee_checklist: ChecklistVersion | None = None
    organisations: dict[str, _Organisation] = field(default_factory=dict)
    groups: dict[str, _Group] = field(default_factory=dict)
    people: list[_Person] = field(default_factory=list)
    existing_emails: set[str] = field(default_factory=set)
    meetings: dict[str, _Meeting] = field(default_factory=dict)
    assessments: list[_Assessment] = field(default_factory=list)
    works: list[_Work] = field(default_factory=list)
    # The participants' result reports (rounds/archive/result_reports.py).
    result_reports: list = field(default_factory=list)

    def members(self, group: str) -> list[_Organisation]:
        return [
            o
            for o in self.organisations.values()
            if o.group == group and o.role == Participation.Role.PARTICIPANT
        ]
