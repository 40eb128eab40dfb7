"""The round archive: a whole round as one JSON document (format "modellkoncept-round/1"), so
that SKR can bring in the rounds held since 2015 and keep finished ones.

`export_document` writes a round as a document; `import_document` creates a round from one.
The format is described in docs/round-archive.md and, as a JSON Schema, in
`rounds/schemas/round-archive-1.schema.json`.

An import is checked whole before anything is written: first against the schema (every key,
type, enum and pattern; unknown keys are refused), then against the rules and the database
(references between the lists, a meeting that ends before it starts, a group of one, a mentor
that is also a participant, a person given the same function twice, a score outside the
checklist's scale, a short name already used …). Every problem is reported with the JSON path
of the value it is about, e.g. `$.meetings[3].ends_at`. The round is then created through the
services, in one transaction: if a service still refuses something, nothing is kept and the
problem is reported with the path of what was being created.

Export is deterministic: the lists are sorted (organisations by code, groups by name, people by
e-mail, meetings by start then key, assessments by meeting key then organisation code), times
are written in Swedish local time with their offset, and export → import → export gives the same
document.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from checklist.models import Answer, ChecklistVersion, SelfAssessment
from modellkoncept.errors import DomainError
from modellkoncept.jsondoc import describe_schema_error, json_path
from modellkoncept.validators import FIRST_YEAR, LAST_YEAR, is_programme_year, text_problem
from participants import services as participant_services
from participants.models import (
    Function,
    FunctionAssignment,
    ImprovementWork,
    Organisation,
    Participation,
    ProgressNote,
)
from rounds import services as round_services
from rounds.models import (
    Attendance,
    BenchmarkingGroup,
    GroupMentor,
    Meeting,
    MeetingMaterial,
    Round,
    normalise_audience,
)

User = get_user_model()

FORMAT = "modellkoncept-round/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "round-archive-1.schema.json"
# An archive of a two-year round with its assessments is some hundred kilobytes; this leaves
# ample room and keeps an upload (kept in the session between preview and import) bounded.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Times are written as people in the programme read them: Swedish local time, with its offset.
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The format nests lists and objects five levels deep (the document, its list of meetings, a
# meeting, its attendance list, one attendance). A document nested far deeper is no archive,
# and reading or checking it would recurse past Python's limit (RecursionError), so it is
# refused as it is.
MAX_DEPTH = 20


class ArchiveError(DomainError):
    """The document cannot be imported; `problems` are "path: message" lines, every one."""

    def __init__(self, problems: list[str]):
        super().__init__(problems)
        self.problems = list(problems)


# The schema


@functools.cache
def schema() -> dict:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


# Reading and writing the JSON text


def document_to_json(document: dict) -> str:
    """The document as text: UTF-8 friendly (å, ä, ö as they are), indented, in the order the
    export built it (so item numbers run 1, 2, … 10 rather than 1, 10, 2)."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    counts = Counter(key for key, _value in pairs)
    twice = sorted(key for key, n in counts.items() if n > 1)
    if twice:
        raise ArchiveError(
            [
                "$: "
                + _("The key “%(key)s” appears twice in one object; which one is meant?")
                % {"key": key}
                for key in twice
            ]
        )
    return dict(pairs)


def _refuse_constant(name: str):
    raise ArchiveError(["$: " + _("%(value)s is not a number JSON allows.") % {"value": name}])


def _too_deep(document: Any) -> bool:
    """Whether lists and objects nest more than `MAX_DEPTH` levels (found without recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _too_deep_problem() -> str:
    return "$: " + _(
        "Lists and objects are nested more than %(limit)s levels deep; an archive never is."
    ) % {"limit": MAX_DEPTH}


# No number in an archive has more digits than this; Python refuses to read one of more than
# 4,300 (ValueError), so a longer one is kept as it is written and reported where it stands.
MAX_INT_DIGITS = 18


class _LongNumber:
    """A whole number of more digits than any archive holds, as it was written."""

    def __init__(self, digits: str):
        self.digits = digits

    def __str__(self) -> str:
        return self.digits if len(self.digits) <= 20 else self.digits[:20] + "…"

    __repr__ = __str__


def _parse_int(text: str) -> int | _LongNumber:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        return _LongNumber(text)
    return int(text)


def _text_problems(document: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """Every text (key or value) that cannot be stored, with its path; numbers of too many
    digits too."""
    if isinstance(document, str):
        problem = text_problem(document)
        if problem:
            yield path, problem
    elif isinstance(document, _LongNumber):
        yield (
            path,
            _("The number %(value)s has %(digits)s digits; no value in an archive has so many.")
            % {"value": document, "digits": len(document.digits.lstrip("-"))},
        )
    elif isinstance(document, dict):
        for key, value in document.items():
            problem = text_problem(key)
            if problem:
                yield path, problem
                continue
            yield from _text_problems(value, json_path(path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _text_problems(value, json_path(path, index))


def parse_document(data: bytes | str) -> Any:
    """Parse the text of an archive; raises `ArchiveError` when it is not JSON."""
    if isinstance(data, bytes):
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ArchiveError(
                [
                    "$: "
                    + _("The file is larger than %(size)s MB.")
                    % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}
                ]
            )
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ArchiveError(
                ["$: " + _("The file is not UTF-8 text: %(error)s") % {"error": error}]
            ) from None
    try:
        return json.loads(
            data,
            object_pairs_hook=_refuse_duplicate_keys,
            parse_constant=_refuse_constant,
            parse_int=_parse_int,
        )
    except json.JSONDecodeError as error:
        raise ArchiveError(
            [
                "$: "
                + _("The file is not valid JSON: %(error)s (line %(line)s, column %(column)s).")
                % {"error": error.msg, "line": error.lineno, "column": error.colno}
            ]
        ) from None
    except RecursionError:  # nested deeper than Python's parser goes
        raise ArchiveError([_too_deep_problem()]) from None


# Export


def _when(value: dt.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value, STOCKHOLM).isoformat()


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


_FUNCTION_ORDER = {value: position for position, value in enumerate(Function.values)}


def export_document(round: Round) -> dict:
    """The whole round as a document of the archive format."""
    round_ = Round.objects.select_related("checklist_version").get(pk=round.pk)
    participations = list(
        round_.participations.select_related("organisation", "group").order_by("organisation__code")
    )
    groups = list(
        round_.groups.prefetch_related(
            Prefetch(
                "mentorships",
                queryset=GroupMentor.objects.select_related("participation__organisation"),
            )
        ).order_by("name")
    )
    assignments = list(
        FunctionAssignment.objects.filter(participation__round=round_).select_related(
            "person", "participation__organisation"
        )
    )
    meetings = sorted(
        round_.meetings.select_related("group", "host").prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("person", "participation__organisation"),
            ),
            "material",
        ),
        key=lambda m: (m.starts_at, m.key),
    )
    assessments = sorted(
        SelfAssessment.objects.filter(meeting__round=round_)
        .select_related("participation__organisation", "meeting", "submitted_by")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("item"))),
        key=lambda a: (a.meeting.key, a.participation.organisation.code),
    )
    works = (
        ImprovementWork.objects.filter(participation__round=round_)
        .select_related("participation__organisation", "origin_meeting")
        .prefetch_related("notes")
    )

    people: dict[tuple[str, str], dict] = {}
    for assignment in assignments:
        person, organisation = assignment.person, assignment.participation.organisation
        entry = people.setdefault(
            (person.email, organisation.code),
            {
                "email": person.email,
                "name": person.full_name,
                "organisation": organisation.code,
                "functions": [],
            },
        )
        entry["functions"].append(assignment.function)
    for entry in people.values():
        entry["functions"].sort(key=_FUNCTION_ORDER.__getitem__)
    people_emails = {email for email, _code in people}

    return {
        "format": FORMAT,
        "round": {
            "slug": round_.slug,
            "name": round_.name,
            "kind": round_.kind,
            "status": round_.status,
            "starts_on": _day(round_.starts_on),
            "ends_on": _day(round_.ends_on),
            "checklist": round_.checklist_version.slug,
            "current_year": round_.current_year,
            "description": round_.description,
        },
        "organisations": [_export_participation(p) for p in participations],
        "groups": [_export_group(g) for g in groups],
        "people": [people[key] for key in sorted(people)],
        "meetings": [_export_meeting(m) for m in meetings],
        "assessments": [_export_assessment(a, people_emails) for a in assessments],
        # Titles may repeat within an organisation: the whole entry breaks the tie, so that
        # the order is the same on every export.
        "improvement_work": sorted(
            (_export_work(w) for w in works),
            key=lambda w: json.dumps(
                [w["organisation"], w["title"], w["meeting"] or "", w], ensure_ascii=False
            ),
        ),
    }


def _export_participation(participation: Participation) -> dict:
    organisation = participation.organisation
    entry = {
        "code": organisation.code,
        "name": organisation.name,
        "kind": organisation.kind,
        "role": participation.role,
        "group": participation.group.name if participation.group else None,
        "withdrawn_on": _day(participation.withdrawn_on),
    }
    if participation.withdrawal_reason:
        entry["withdrawal_reason"] = participation.withdrawal_reason
    entry["completed_on"] = _day(participation.completed_on)
    entry["willing_to_mentor"] = participation.willing_to_mentor
    entry["mentor_capacity"] = participation.mentor_capacity
    # Municipalities and regions come from the reference list; an organisation outside it
    # carries what is needed to create it elsewhere.
    if organisation.kind == Organisation.Kind.OTHER:
        if organisation.county_code:
            entry["county_code"] = organisation.county_code
        if organisation.latitude is not None and organisation.longitude is not None:
            entry["latitude"] = float(organisation.latitude)
            entry["longitude"] = float(organisation.longitude)
    return entry


def _export_group(group) -> dict:
    mentorships = sorted(
        group.mentorships.all(),
        key=lambda m: (not m.is_primary, m.participation.organisation.code),
    )
    return {
        "name": group.name,
        "theme": group.theme,
        "mentors": [m.participation.organisation.code for m in mentorships],
    }


def _export_meeting(meeting: Meeting) -> dict:
    attendance = sorted(
        (
            {
                "email": a.person.email,
                "organisation": a.participation.organisation.code,
                "attended": a.attended,
            }
            for a in meeting.attendances.all()
        ),
        key=lambda a: (a["email"], a["organisation"]),
    )
    return {
        "key": meeting.key,
        "kind": meeting.kind,
        "number": meeting.number,
        "title": meeting.title,
        "theme": meeting.theme,
        "starts_at": _when(meeting.starts_at),
        "ends_at": _when(meeting.ends_at),
        "group": meeting.group.name if meeting.group else None,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "host": meeting.host.code if meeting.host else None,
        "assessment_due": meeting.assessment_due,
        "assessment_opens_on": _day(meeting.assessment_opens_on),
        "audience": meeting.invited_functions,
        "attendance": attendance,
        **_export_material(meeting),
    }


def _export_material(meeting: Meeting) -> dict:
    """The meeting's files, listed without their contents (an optional key)."""
    listed = [
        {
            "title": m.title,
            "file_name": m.file_name,
            "size": m.size,
            "sha256": m.sha256,
            "kind": m.kind,
        }
        for m in sorted(meeting.material.all(), key=lambda m: (m.title, m.file_name, m.sha256))
    ]
    return {"material": listed} if listed else {}


def _export_assessment(assessment: SelfAssessment, people_emails: set[str]) -> dict:
    answers = sorted(assessment.answers.all(), key=lambda a: a.item.number)
    submitter = assessment.submitted_by
    return {
        "organisation": assessment.participation.organisation.code,
        "meeting": assessment.meeting.key,
        "status": assessment.status,
        "submitted_at": _when(assessment.submitted_at),
        # Only someone the archive lists can be named; a project leader who submitted for an
        # organisation is not one of its people.
        "submitted_by": submitter.email
        if submitter is not None and submitter.email in people_emails
        else None,
        "scores": {str(a.item.number): a.score for a in answers if a.score is not None},
        "comments": {str(a.item.number): a.comment for a in answers if a.comment},
    }


def _export_work(work: ImprovementWork) -> dict:
    notes = sorted(
        ({"date": _day(n.noted_on), "text": n.text} for n in work.notes.all()),
        key=lambda n: (n["date"], n["text"]),
    )
    return {
        "organisation": work.participation.organisation.code,
        "title": work.title,
        "description": work.description,
        "phase": work.phase,
        "chain_step": work.chain_step,
        "level": work.level,
        "meeting": work.origin_meeting.key if work.origin_meeting else None,
        "notes": notes,
    }


# Checking a document: the schema, then the rules, every problem with its path


def _shown(value: Any) -> str:
    if isinstance(value, _LongNumber):
        return str(value)
    if isinstance(value, str) and text_problem(value):
        value = value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\u0000")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


def _pattern_message(pattern: str, value: Any) -> str:
    defs = schema()["$defs"]
    shown = {"value": _shown(value)}
    if pattern == defs["date"]["pattern"]:
        return _("“%(value)s” is not a date written YYYY-MM-DD.") % shown
    if pattern == defs["datetime"]["pattern"]:
        return (
            _(
                "“%(value)s” is not a date and time in ISO 8601 with its offset from UTC, "
                "such as 2026-02-05T09:00:00+01:00."
            )
            % shown
        )
    if pattern == defs["slug"]["pattern"]:
        return _("“%(value)s” may hold only letters a–z, digits, hyphens and underscores.") % shown
    if pattern == defs["email"]["pattern"]:
        return _("“%(value)s” is not an e-mail address.") % shown
    if pattern == defs["item_number"]["pattern"]:
        return _("“%(value)s” is not an item number.") % shown
    if pattern == defs["organisation_code"]["pattern"]:
        return _("“%(value)s” is not an organisation code.") % shown
    return _("“%(value)s” does not have the expected form.") % shown


def _describe(error) -> list[tuple[str, str]]:
    """The schema error as (path, message), in words a project leader can act on."""
    return describe_schema_error(error, shown=_shown, pattern_message=_pattern_message)


def _schema_problems(document: Any) -> list[tuple[str, str]]:
    problems = []
    for error in _validator().iter_errors(document):
        problems.extend(_describe(error))
    return problems


_PATH_STEP = re.compile(r"\.([^.\[]+)|\[([0-9]+)\]")


def _document_order(path: str) -> tuple:
    """Sorts problems as the document runs: by list (in the order of the format), then by
    position within each list. Problems at one place keep the order they were found in."""
    sections = list(schema()["properties"])
    order: list[int] = []
    for depth, (key, index) in enumerate(_PATH_STEP.findall(path)):
        if depth == 0:
            order.append(sections.index(key) if key in sections else len(sections))
        elif index:
            order.append(int(index))
    return tuple(order)


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


@dataclass
class _Plan:
    """What the document asks to create, read and checked."""

    round: dict = field(default_factory=dict)
    status: str = Round.Status.PLANNING
    checklist: ChecklistVersion | None = None
    organisations: dict[str, _Organisation] = field(default_factory=dict)
    groups: dict[str, _Group] = field(default_factory=dict)
    people: list[_Person] = field(default_factory=list)
    existing_emails: set[str] = field(default_factory=set)
    meetings: dict[str, _Meeting] = field(default_factory=dict)
    assessments: list[_Assessment] = field(default_factory=list)
    works: list[_Work] = field(default_factory=list)

    def members(self, group: str) -> list[_Organisation]:
        return [
            o
            for o in self.organisations.values()
            if o.group == group and o.role == Participation.Role.PARTICIPANT
        ]


def _out_of_years(value: str) -> str:
    return _("“%(value)s” is outside the years %(first)s to %(last)s.") % {
        "value": _shown(value),
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


class _Checker:
    """Reads the document into a plan and collects every problem with its path. It is written
    to survive a document that failed the schema, so that the rules' problems can be reported
    together with the schema's: a value of the wrong type is passed over (the schema has
    reported it)."""

    def __init__(self, document: Any):
        self.document = _as_dict(document)
        self.plan = _Plan()
        self.problems: list[tuple[str, str]] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def date(self, value: Any, path: str) -> dt.date | None:
        if not isinstance(value, str):
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.problem(path, _("“%(value)s” is not a date.") % {"value": _shown(value)})
            return None
        if not is_programme_year(day):
            self.problem(path, _out_of_years(value))
            return None
        return day

    def moment(self, value: Any, path: str) -> dt.datetime | None:
        if not isinstance(value, str):
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or timezone.is_naive(moment):
            self.problem(
                path,
                _("“%(value)s” is not a date and time with its offset from UTC.")
                % {"value": _shown(value)},
            )
            return None
        if not is_programme_year(moment):
            self.problem(path, _out_of_years(value))
            return None
        return moment

    def run(self) -> _Plan:
        self.check_round()
        self.check_organisations()
        self.check_groups()
        self.check_people()
        self.check_meetings()
        self.check_assessments()
        self.check_works()
        return self.plan

    # The round

    def check_round(self) -> None:
        data, path = _as_dict(self.document.get("round")), "$.round"
        slug = _as_str(data.get("slug"))
        if slug and Round.objects.filter(slug=slug).exists():
            self.problem(
                json_path(path, "slug"),
                _("A round with the short name “%(slug)s” exists already.") % {"slug": slug},
            )
        checklist = _as_str(data.get("checklist"))
        if checklist:
            self.plan.checklist = ChecklistVersion.objects.filter(slug=checklist).first()
            if self.plan.checklist is None:
                self.problem(
                    json_path(path, "checklist"),
                    _("There is no checklist version “%(slug)s”.") % {"slug": checklist},
                )
        starts_on = self.date(data.get("starts_on"), json_path(path, "starts_on"))
        ends_on = self.date(data.get("ends_on"), json_path(path, "ends_on"))
        if starts_on and ends_on and ends_on < starts_on:
            self.problem(json_path(path, "ends_on"), _("A round cannot end before it starts."))
        self.plan.status = data.get("status", Round.Status.PLANNING)
        self.plan.round = {
            "slug": slug or "",
            "name": _as_str(data.get("name")) or "",
            "kind": data.get("kind"),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "current_year": data.get("current_year", Round.Year.ONE),
            "description": _as_str(data.get("description")) or "",
        }

    # Organisations and their parts

    def check_organisations(self) -> None:
        entries = _as_list(self.document.get("organisations"))
        codes = [_as_str(_as_dict(e).get("code")) for e in entries]
        existing = {
            o.code: o for o in Organisation.objects.filter(code__in=[c for c in codes if c])
        }
        group_names = {
            _as_str(_as_dict(g).get("name")) for g in _as_list(self.document.get("groups"))
        }
        for index, entry in enumerate(entries):
            path, data = json_path("$.organisations", index), _as_dict(entry)
            code = _as_str(data.get("code"))
            if not code:
                continue
            if code in self.plan.organisations:
                self.problem(
                    json_path(path, "code"),
                    _("%(code)s is listed already, at %(path)s.")
                    % {"code": code, "path": self.plan.organisations[code].path},
                )
                continue
            organisation = existing.get(code)
            name, kind = _as_str(data.get("name")), _as_str(data.get("kind"))
            if organisation is not None:
                if kind in Organisation.Kind.values and kind != organisation.kind:
                    self.problem(
                        json_path(path, "kind"),
                        _("%(code)s is %(name)s, a %(kind)s, not “%(given)s”.")
                        % {
                            "code": code,
                            "name": organisation.name,
                            "kind": organisation.get_kind_display(),
                            "given": kind,
                        },
                    )
            elif kind in (Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION):
                self.problem(
                    json_path(path, "code"),
                    _(
                        "%(code)s is not in the reference list of municipalities and regions. "
                        "Load the list (manage.py load_organisations), or give the organisation "
                        "the kind “other”."
                    )
                    % {"code": code},
                )
            elif kind != Organisation.Kind.OTHER or not name:
                self.problem(
                    json_path(path, "code"),
                    _(
                        "%(code)s is not a known organisation. To create it, give its name and "
                        "the kind “other”."
                    )
                    % {"code": code},
                )
            role = data.get("role") if data.get("role") in Participation.Role.values else None
            group = _as_str(data.get("group"))
            if group is not None:
                if role == Participation.Role.MENTOR:
                    self.problem(
                        json_path(path, "group"),
                        _("Only participants belong to a benchmarking group."),
                    )
                elif group not in group_names:
                    self.problem(
                        json_path(path, "group"),
                        _("There is no group “%(name)s” in $.groups.") % {"name": group},
                    )
            withdrawn_on = self.date(data.get("withdrawn_on"), json_path(path, "withdrawn_on"))
            reason = (_as_str(data.get("withdrawal_reason")) or "").strip()
            if reason and data.get("withdrawn_on") is None:
                self.problem(json_path(path, "withdrawn_on"), _("Give the date of the withdrawal."))
            completed_on = self.date(data.get("completed_on"), json_path(path, "completed_on"))
            if data.get("completed_on") is not None:
                if role == Participation.Role.MENTOR:
                    self.problem(
                        json_path(path, "completed_on"), _("Only participants complete a round.")
                    )
                elif data.get("withdrawn_on") is not None:
                    self.problem(
                        json_path(path, "completed_on"),
                        _("An organisation that withdrew cannot have completed the round."),
                    )
            latitude, longitude = data.get("latitude"), data.get("longitude")
            if (latitude is None) != (longitude is None):
                self.problem(path, _("Give both latitude and longitude, or neither."))
            self.plan.organisations[code] = _Organisation(
                path=path,
                code=code,
                existing=organisation,
                name=name or (organisation.name if organisation else ""),
                kind=kind,
                role=role,
                group=group,
                withdrawn_on=withdrawn_on,
                withdrawal_reason=reason,
                completed_on=completed_on,
                willing_to_mentor=data.get("willing_to_mentor") is True,
                mentor_capacity=data.get("mentor_capacity", 1),
                county_code=_as_str(data.get("county_code")) or "",
                latitude=_coordinate(latitude),
                longitude=_coordinate(longitude),
            )

    # Groups and mentors

    def check_groups(self) -> None:
        organisations = self.plan.organisations
        for index, entry in enumerate(_as_list(self.document.get("groups"))):
            path, data = json_path("$.groups", index), _as_dict(entry)
            name = _as_str(data.get("name"))
            if not name:
                continue
            if name in self.plan.groups:
                self.problem(
                    json_path(path, "name"),
                    _("The group “%(name)s” is listed already, at %(path)s.")
                    % {"name": name, "path": self.plan.groups[name].path},
                )
                continue
            members = self.plan.members(name)
            if len(members) == 1:
                self.problem(
                    path,
                    _(
                        "A benchmarking group needs at least two organisations; “%(name)s” "
                        "has only %(code)s."
                    )
                    % {"name": name, "code": members[0].code},
                )
            mentors: list[str] = []
            for position, code in enumerate(_as_list(data.get("mentors"))):
                mentor_path = json_path(path, "mentors", position)
                if not isinstance(code, str):
                    continue
                mentor = organisations.get(code)
                if mentor is None:
                    self.problem(
                        mentor_path,
                        _("%(code)s is not among the organisations of the round.") % {"code": code},
                    )
                elif mentor.role == Participation.Role.PARTICIPANT:
                    self.problem(
                        mentor_path,
                        _(
                            "%(code)s is a participant of this round and cannot mentor in it; "
                            "a mentor organisation has the role “mentor”."
                        )
                        % {"code": code},
                    )
                elif code in mentors:
                    self.problem(
                        mentor_path,
                        _("%(code)s is listed twice as a mentor of this group.") % {"code": code},
                    )
                mentors.append(code)
            self.plan.groups[name] = _Group(
                path=path,
                name=name,
                theme=_as_str(data.get("theme")) or "",
                mentors=[code for code in dict.fromkeys(mentors) if code in organisations],
            )

    # People and their functions

    def check_people(self) -> None:
        listed: dict[tuple[str, str], str] = {}
        names: dict[str, tuple[str, str]] = {}
        for index, entry in enumerate(_as_list(self.document.get("people"))):
            path, data = json_path("$.people", index), _as_dict(entry)
            email = _as_str(data.get("email"))
            code = _as_str(data.get("organisation"))
            if not email or not code:
                continue
            email = email.strip().lower()
            try:
                validate_email(email)
            except ValidationError:
                self.problem(
                    json_path(path, "email"),
                    _("“%(value)s” is not an e-mail address.") % {"value": _shown(email)},
                )
            if code not in self.plan.organisations:
                self.problem(
                    json_path(path, "organisation"),
                    _("%(code)s is not among the organisations of the round.") % {"code": code},
                )
            functions: list[str] = []
            for position, function in enumerate(_as_list(data.get("functions"))):
                if function in functions:
                    self.problem(
                        json_path(path, "functions", position),
                        _("%(email)s is given the function “%(function)s” twice.")
                        % {"email": email, "function": function},
                    )
                elif function in Function.values:
                    functions.append(function)
            if (email, code) in listed:
                self.problem(
                    path,
                    _(
                        "%(email)s is listed for %(code)s already, at %(path)s; list a person "
                        "once for each organisation, with all their functions."
                    )
                    % {"email": email, "code": code, "path": listed[email, code]},
                )
                continue
            listed[email, code] = path
            name = (_as_str(data.get("name")) or "").strip()
            if email in names and names[email][0] != name:
                self.problem(
                    json_path(path, "name"),
                    _("%(email)s has another name at %(path)s.")
                    % {"email": email, "path": names[email][1]},
                )
            names.setdefault(email, (name, path))
            self.plan.people.append(
                _Person(path=path, email=email, name=name, organisation=code, functions=functions)
            )
        self.plan.existing_emails = set(
            User.objects.filter(email__in=list(names)).values_list("email", flat=True)
        )

    def organisations_of(self, email: str) -> list[str]:
        return [p.organisation for p in self.plan.people if p.email == email]

    # Meetings and attendance

    def check_meetings(self) -> None:
        host_codes = {
            _as_str(_as_dict(m).get("host")) for m in _as_list(self.document.get("meetings"))
        } - set(self.plan.organisations)
        known_hosts = set(
            Organisation.objects.filter(code__in=[c for c in host_codes if c]).values_list(
                "code", flat=True
            )
        )
        for index, entry in enumerate(_as_list(self.document.get("meetings"))):
            path, data = json_path("$.meetings", index), _as_dict(entry)
            key = _as_str(data.get("key"))
            if not key:
                continue
            if key in self.plan.meetings:
                self.problem(
                    json_path(path, "key"),
                    _("The key “%(key)s” is used already, at %(path)s.")
                    % {"key": key, "path": self.plan.meetings[key].path},
                )
                continue
            starts_at = self.moment(data.get("starts_at"), json_path(path, "starts_at"))
            ends_at = self.moment(data.get("ends_at"), json_path(path, "ends_at"))
            if starts_at and ends_at and ends_at <= starts_at:
                self.problem(
                    json_path(path, "ends_at"),
                    _("A meeting must end after it starts; this one ends at %(end)s.")
                    % {"end": data["ends_at"]},
                )
            group = _as_str(data.get("group"))
            if group is not None and group not in self.plan.groups:
                self.problem(
                    json_path(path, "group"),
                    _("There is no group “%(name)s” in $.groups.") % {"name": group},
                )
            host = _as_str(data.get("host"))
            if host and host not in self.plan.organisations and host not in known_hosts:
                self.problem(
                    json_path(path, "host"),
                    _("%(code)s is not a known organisation.") % {"code": host},
                )
            online_url = _as_str(data.get("online_url")) or ""
            if online_url:
                try:
                    URLValidator()(online_url)
                except ValidationError:
                    self.problem(
                        json_path(path, "online_url"),
                        _("“%(value)s” is not a web address.") % {"value": _shown(online_url)},
                    )
            self.plan.meetings[key] = _Meeting(
                path=path,
                key=key,
                fields={
                    "kind": data.get("kind"),
                    "title": _as_str(data.get("title")) or "",
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "number": data.get("number"),
                    "theme": _as_str(data.get("theme")) or "",
                    "place": _as_str(data.get("place")) or "",
                    "online_url": online_url,
                    "assessment_due": data.get("assessment_due") is True,
                    "assessment_opens_on": self.date(
                        data.get("assessment_opens_on"), json_path(path, "assessment_opens_on")
                    ),
                    # Optional: without it, the default of the meeting's kind.
                    "audience": normalise_audience(data.get("kind"), data.get("audience"))
                    if isinstance(data.get("audience"), list)
                    else [],
                },
                group=group,
                host=host,
                attendance=self.check_attendance(data, path),
                material=[_as_dict(m) for m in _as_list(data.get("material"))],
            )

    def check_attendance(self, data: dict, path: str) -> list[_Attendance]:
        rows: list[_Attendance] = []
        seen: dict[str, str] = {}
        for index, entry in enumerate(_as_list(data.get("attendance"))):
            row_path, row = json_path(path, "attendance", index), _as_dict(entry)
            email = _as_str(row.get("email"))
            if not email:
                continue
            email = email.strip().lower()
            organisations = self.organisations_of(email)
            code = _as_str(row.get("organisation"))
            if not organisations:
                self.problem(
                    json_path(row_path, "email"),
                    _("%(email)s is not among the people of the round.") % {"email": email},
                )
                continue
            if code is None and len(organisations) > 1:
                self.problem(
                    json_path(row_path, "organisation"),
                    _("%(email)s is listed for %(codes)s; say for which organisation.")
                    % {"email": email, "codes": ", ".join(organisations)},
                )
                continue
            code = code or organisations[0]
            if code not in organisations:
                self.problem(
                    json_path(row_path, "organisation"),
                    _("%(email)s is not listed for %(code)s in $.people.")
                    % {"email": email, "code": code},
                )
                continue
            if email in seen:
                self.problem(
                    row_path,
                    _("%(email)s is listed already, at %(path)s.")
                    % {"email": email, "path": seen[email]},
                )
                continue
            seen[email] = row_path
            rows.append(
                _Attendance(
                    path=row_path,
                    email=email,
                    organisation=code,
                    attended=row.get("attended") is not False,
                )
            )
        return rows

    # Self-assessments

    def check_assessments(self) -> None:
        checklist = self.plan.checklist
        items = set(checklist.items.values_list("number", flat=True)) if checklist else None
        people = {p.email for p in self.plan.people}
        seen: dict[tuple[str, str], str] = {}
        for index, entry in enumerate(_as_list(self.document.get("assessments"))):
            path, data = json_path("$.assessments", index), _as_dict(entry)
            code, key = _as_str(data.get("organisation")), _as_str(data.get("meeting"))
            status = data.get("status")
            if not code or not key or status not in SelfAssessment.Status.values:
                continue
            organisation, meeting = self.plan.organisations.get(code), self.plan.meetings.get(key)
            if organisation is None or organisation.role == Participation.Role.MENTOR:
                self.problem(
                    json_path(path, "organisation"),
                    _("%(code)s is not a participant of the round.") % {"code": code},
                )
            if meeting is None:
                self.problem(
                    json_path(path, "meeting"),
                    _("There is no meeting with the key “%(key)s” in $.meetings.") % {"key": key},
                )
            elif not meeting.fields["assessment_due"]:
                self.problem(
                    json_path(path, "meeting"),
                    _("No self-assessment is due before the meeting “%(key)s”.") % {"key": key},
                )
            elif organisation is not None and meeting.group not in (None, organisation.group):
                self.problem(
                    json_path(path, "meeting"),
                    _("%(code)s is not in the group “%(group)s” that meets at “%(key)s”.")
                    % {"code": code, "group": meeting.group, "key": key},
                )
            if (code, key) in seen:
                self.problem(
                    path,
                    _("%(code)s has a self-assessment for “%(key)s” already, at %(path)s.")
                    % {"code": code, "key": key, "path": seen[code, key]},
                )
                continue
            seen[code, key] = path
            scores = self.check_scores(data, path, items)
            comments = {
                int(number): text
                for number, text in _as_dict(data.get("comments")).items()
                if number.isdigit() and isinstance(text, str)
            }
            for number in sorted(comments):
                if items is not None and number not in items:
                    self.problem(
                        json_path(path, "comments", str(number)),
                        _("Item %(number)s is not on the checklist.") % {"number": number},
                    )
            submitted_at = self.moment(data.get("submitted_at"), json_path(path, "submitted_at"))
            submitted_by = _as_str(data.get("submitted_by"))
            if submitted_by:
                submitted_by = submitted_by.strip().lower()
            if status == SelfAssessment.Status.SUBMITTED and items is not None:
                missing = sorted(n for n in items if scores.get(n) is None)
                if missing:
                    self.problem(
                        json_path(path, "scores"),
                        _(
                            "A submitted self-assessment has a score for every item; "
                            "missing: %(items)s."
                        )
                        % {"items": ", ".join(str(n) for n in missing)},
                    )
            if status == SelfAssessment.Status.DRAFT:
                for key_name in ("submitted_at", "submitted_by"):
                    if data.get(key_name) is not None:
                        self.problem(
                            json_path(path, key_name),
                            _("A draft has not been submitted; leave this out or write null."),
                        )
            if submitted_by and submitted_by not in people:
                self.problem(
                    json_path(path, "submitted_by"),
                    _("%(email)s is not among the people of the round.") % {"email": submitted_by},
                )
            self.plan.assessments.append(
                _Assessment(
                    path=path,
                    organisation=code,
                    meeting=key,
                    status=status,
                    submitted_at=submitted_at,
                    submitted_by=submitted_by,
                    scores=scores,
                    comments=comments,
                )
            )

    def check_scores(self, data: dict, path: str, items: set[int] | None) -> dict[int, int | None]:
        checklist = self.plan.checklist
        scores: dict[int, int | None] = {}
        for number, score in _as_dict(data.get("scores")).items():
            if not number.isdigit() or not (score is None or type(score) is int):
                continue
            score_path = json_path(path, "scores", number)
            if items is not None and int(number) not in items:
                self.problem(
                    score_path, _("Item %(number)s is not on the checklist.") % {"number": number}
                )
            elif checklist is not None and score is not None and score not in checklist.scale:
                self.problem(
                    score_path,
                    _("Item %(number)s: the score %(score)s is not between %(min)s and %(max)s.")
                    % {
                        "number": number,
                        "score": score,
                        "min": checklist.scale_min,
                        "max": checklist.scale_max,
                    },
                )
            scores[int(number)] = score
        return scores

    # Improvement work

    def check_works(self) -> None:
        for index, entry in enumerate(_as_list(self.document.get("improvement_work"))):
            path, data = json_path("$.improvement_work", index), _as_dict(entry)
            code = _as_str(data.get("organisation"))
            if not code:
                continue
            if code not in self.plan.organisations:
                self.problem(
                    json_path(path, "organisation"),
                    _("%(code)s is not among the organisations of the round.") % {"code": code},
                )
            meeting = _as_str(data.get("meeting"))
            if meeting is not None and meeting not in self.plan.meetings:
                self.problem(
                    json_path(path, "meeting"),
                    _("There is no meeting with the key “%(key)s” in $.meetings.")
                    % {"key": meeting},
                )
            notes = []
            for position, note in enumerate(_as_list(data.get("notes"))):
                note_path, note = json_path(path, "notes", position), _as_dict(note)
                noted_on = self.date(note.get("date"), json_path(note_path, "date"))
                text = _as_str(note.get("text"))
                if text is not None and not text.strip():
                    self.problem(json_path(note_path, "text"), _("Write the note."))
                if noted_on and text and text.strip():
                    notes.append(_Note(path=note_path, noted_on=noted_on, text=text))
            fields = {
                "title": _as_str(data.get("title")) or "",
                "description": _as_str(data.get("description")) or "",
            }
            for name in ("phase", "chain_step", "level"):
                if name in data:
                    fields[name] = data[name]
            self.plan.works.append(
                _Work(path=path, organisation=code, fields=fields, meeting=meeting, notes=notes)
            )


def _coordinate(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value)).quantize(Decimal("0.00001"))


def _check(document: Any) -> tuple[_Plan, list[str]]:
    """The plan the document asks for, and every problem as "path: message"."""
    if _too_deep(document):
        return _Plan(), [_too_deep_problem()]
    # Texts the database cannot hold and numbers Python will not read: reported first, and
    # nothing else is said of the same value.
    text_problems = list(_text_problems(document))
    if text_problems:
        return _Plan(), [f"{path}: {message}" for path, message in text_problems]
    schema_problems = _schema_problems(document)
    checker = _Checker(document)
    try:
        plan = checker.run()
    except (TypeError, ValueError, AttributeError, KeyError):
        # The document is too far from the format for the rules to be read; the schema has
        # said why, so its problems are reported alone.
        if not schema_problems:
            raise
        plan, checker.problems = _Plan(), []
    # A value the schema refused is not reported again by the rules.
    reported = {path for path, _message in schema_problems}
    rule_problems = [(p, m) for p, m in checker.problems if p not in reported]
    ordered = sorted(schema_problems + rule_problems, key=lambda p: _document_order(p[0]))
    problems = [f"{path}: {message}" for path, message in ordered]
    return plan, list(dict.fromkeys(problems))


def validate_document(document: Any) -> list[str]:
    """Every problem of the document, as "path: message"; empty when it can be imported."""
    return _check(document)[1]


# Preview


@dataclass(frozen=True)
class Preview:
    """What an import of the document would create; `problems` lists why it cannot, if so."""

    problems: list[str]
    slug: str = ""
    name: str = ""
    kind: str = ""
    status: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    checklist: ChecklistVersion | None = None
    participants: int = 0
    mentors: int = 0
    withdrawn: int = 0
    new_organisations: tuple[tuple[str, str], ...] = ()
    groups: tuple[str, ...] = ()
    people: int = 0
    new_people: int = 0
    functions: int = 0
    meetings: int = 0
    attendances: int = 0
    assessments: int = 0
    submitted: int = 0
    improvement_works: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def organisations(self) -> int:
        return self.participants + self.mentors


def preview(document: Any) -> Preview:
    """What `import_document` would create from the document, without writing anything."""
    plan, problems = _check(document)
    if problems:
        return Preview(problems=problems)
    organisations = plan.organisations.values()
    emails = {p.email for p in plan.people}
    return Preview(
        problems=[],
        slug=plan.round["slug"],
        name=plan.round["name"],
        kind=Round.Kind(plan.round["kind"]).label,
        status=Round.Status(plan.status).label,
        starts_on=plan.round["starts_on"],
        ends_on=plan.round["ends_on"],
        checklist=plan.checklist,
        participants=sum(o.role == Participation.Role.PARTICIPANT for o in organisations),
        mentors=sum(o.role == Participation.Role.MENTOR for o in organisations),
        withdrawn=sum(o.withdrawn_on is not None for o in organisations),
        new_organisations=tuple((o.code, o.name) for o in organisations if o.is_new),
        groups=tuple(plan.groups),
        people=len(emails),
        new_people=len(emails - plan.existing_emails),
        functions=sum(len(p.functions) for p in plan.people),
        meetings=len(plan.meetings),
        attendances=sum(len(m.attendance) for m in plan.meetings.values()),
        assessments=len(plan.assessments),
        submitted=sum(a.status == SelfAssessment.Status.SUBMITTED for a in plan.assessments),
        improvement_works=len(plan.works),
    )


# Import


@dataclass(frozen=True)
class ImportSummary:
    round: Round
    organisations: int
    new_organisations: tuple[str, ...]
    groups: int
    people_created: int
    people_reused: int
    meetings: int
    attendances: int
    assessments: int
    improvement_works: int

    def describe(self) -> str:
        text = _(
            "Round “%(round)s” (%(slug)s) imported: %(organisations)s organisations, "
            "%(groups)s groups, %(people)s people (%(created)s new accounts), %(meetings)s "
            "meetings, %(attendances)s attendances, %(assessments)s self-assessments, "
            "%(works)s improvement works."
        ) % {
            "round": self.round.name,
            "slug": self.round.slug,
            "organisations": self.organisations,
            "groups": self.groups,
            "people": self.people_created + self.people_reused,
            "created": self.people_created,
            "meetings": self.meetings,
            "attendances": self.attendances,
            "assessments": self.assessments,
            "works": self.improvement_works,
        }
        if self.new_organisations:
            text += " " + _("New organisations: %(codes)s.") % {
                "codes": ", ".join(self.new_organisations)
            }
        return text


@contextmanager
def _creating(path: str) -> Iterator[None]:
    """Report a service's refusal with the path of what was being created; the transaction
    around the import then leaves nothing behind."""
    try:
        yield
    except ValidationError as error:  # DomainError included
        raise ArchiveError([f"{path}: {message}" for message in error.messages]) from error


@contextmanager
def _acting_as(by) -> Iterator[None]:
    """Outside a request (a management command), let the history record who imported; in a
    request the history middleware has already said so."""
    context = HistoricalRecords.context
    if by is None or getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=by)
    try:
        yield
    finally:
        del context.request


def import_document(document: Any, *, by=None) -> ImportSummary:
    """Create the round the document describes, with everything in it, or nothing.

    Raises `ArchiveError` listing every problem with its JSON path. Each person becomes an
    account without a usable password, to be invited later; an account that exists already
    (same e-mail address) is used as it is. A completed round's participants that did not
    withdraw have completed it, so they enter the pool of possible mentors.
    """
    with transaction.atomic(), _acting_as(by):
        plan, problems = _check(document)
        if problems:
            raise ArchiveError(problems)
        return _create(plan)


def _valid(instance, path: str) -> None:
    """The model's own rules (its fields and `clean()`) for an object about to be created in
    bulk, without a query: the objects it refers to were just created or read, uniqueness
    within the archive and against the database was checked with the plan (`_Checker`), and
    the database holds its constraints."""
    exclude = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    with _creating(path):
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _assessment_may_be_recorded(participation, meeting, entry: _Assessment, items) -> None:
    """The rules `checklist.services.assessment_record` holds a recorded assessment to."""
    if not meeting.assessment_due:
        raise DomainError(_("No self-assessment is due before %(meeting)s.") % {"meeting": meeting})
    if meeting.group_id is not None and meeting.group_id != participation.group_id:
        raise DomainError(_("The meeting belongs to another group."))
    version = participation.round.checklist_version
    numbers = {item.number for item in items}
    problems = [
        _("Item %(number)s is not on the checklist.") % {"number": number}
        for number in sorted(set(entry.scores) | set(entry.comments))
        if number not in numbers
    ]
    problems += [
        _("Item %(number)s: the score must be between %(min)s and %(max)s.")
        % {"number": number, "min": version.scale_min, "max": version.scale_max}
        for number, score in sorted(entry.scores.items())
        if score is not None and score not in version.scale
    ]
    if entry.status == SelfAssessment.Status.SUBMITTED:
        missing = [n for n in sorted(numbers) if entry.scores.get(n) is None]
        if missing:
            problems.append(
                _("A submitted self-assessment has a score for every item; missing: %(items)s.")
                % {"items": ", ".join(str(n) for n in missing)}
            )
    if problems:
        raise DomainError(problems)


def _create(plan: _Plan) -> ImportSummary:
    """Create what the plan holds: the round, its organisations' parts, groups and mentors
    through the services; the many rows (people, functions, meetings, attendance,
    self-assessments and their answers, improvement works and notes) in bulk, each object first
    held to its model's rules (`_valid`), with the history rows the services would write."""
    with _creating("$.round"):
        round_ = round_services.round_create(checklist_version=plan.checklist, **plan.round)

    groups: dict[str, BenchmarkingGroup] = {}
    for name, entry in plan.groups.items():
        if len(plan.members(name)) == 1:
            raise ArchiveError(
                [f"{entry.path}: " + _("A benchmarking group needs at least two organisations.")]
            )
        group = BenchmarkingGroup(round=round_, name=name.strip(), theme=entry.theme.strip())
        _valid(group, entry.path)
        groups[name] = group
    bulk_create_with_history(list(groups.values()), BenchmarkingGroup)

    participations: dict[str, Participation] = {}
    new_organisations = []
    for code, entry in plan.organisations.items():
        organisation = entry.existing
        if organisation is None:
            with _creating(entry.path):
                organisation = participant_services.organisation_create(
                    code=code,
                    name=entry.name,
                    kind=Organisation.Kind.OTHER,
                    county_code=entry.county_code,
                    latitude=entry.latitude,
                    longitude=entry.longitude,
                )
            new_organisations.append(code)
        participation = Participation(
            round=round_,
            organisation=organisation,
            role=entry.role,
            willing_to_mentor=entry.willing_to_mentor,
            mentor_capacity=entry.mentor_capacity,
        )
        if entry.group and entry.role == Participation.Role.PARTICIPANT:
            participation.group = groups[entry.group]
        _valid(participation, entry.path)
        participations[code] = participation
    bulk_create_with_history(list(participations.values()), Participation)

    mentorships = []
    for name, entry in plan.groups.items():
        for position, code in enumerate(entry.mentors):
            mentorship = GroupMentor(
                group=groups[name], participation=participations[code], is_primary=position == 0
            )
            _valid(mentorship, json_path(entry.path, "mentors", position))
            mentorships.append(mentorship)
    bulk_create_with_history(mentorships, GroupMentor)

    people: dict[str, User] = {
        person.email: person
        for person in User.objects.filter(email__in={entry.email for entry in plan.people})
    }
    new_people, assignments = [], []
    held = set()  # (organisation, e-mail) of each function held
    for entry in plan.people:
        person = people.get(entry.email)
        if person is None:
            # No password: the person sets one through an invitation sent later.
            person = User(email=entry.email, full_name=entry.name)
            person.set_unusable_password()
            _valid(person, entry.path)
            people[entry.email] = person
            new_people.append(person)
        for function in entry.functions:
            assignment = FunctionAssignment(
                participation=participations[entry.organisation], person=person, function=function
            )
            _valid(assignment, entry.path)
            assignments.append(assignment)
            held.add((entry.organisation, entry.email))
    User.objects.bulk_create(new_people)
    bulk_create_with_history(assignments, FunctionAssignment)

    hosts = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in={e.host for e in plan.meetings.values() if e.host} - set(participations)
        )
    }
    meetings: dict[str, Meeting] = {}
    for key, entry in plan.meetings.items():
        host = None
        if entry.host:
            host = (
                participations[entry.host].organisation
                if entry.host in participations
                else hosts[entry.host]
            )
        meeting = Meeting(
            round=round_,
            key=key,
            group=groups[entry.group] if entry.group else None,
            host=host,
            **entry.fields,
        )
        meeting.title = meeting.title.strip()
        _valid(meeting, entry.path)
        meetings[key] = meeting
    Meeting.objects.bulk_create(meetings.values())
    listed = []
    for key, entry in plan.meetings.items():
        for index, fields in enumerate(entry.material):
            document = MeetingMaterial(meeting=meetings[key], **fields)
            _valid(document, f"{entry.path}.material[{index}]")
            listed.append(document)
    MeetingMaterial.objects.bulk_create(listed)  # listed without their files

    attendances = []
    for key, entry in plan.meetings.items():
        for row in entry.attendance:
            if (row.organisation, row.email) not in held:
                raise ArchiveError(
                    [
                        f"{row.path}: "
                        + _("%(person)s holds no function for %(organisation)s.")
                        % {
                            "person": people[row.email],
                            "organisation": participations[row.organisation].organisation,
                        }
                    ]
                )
            attendance = Attendance(
                meeting=meetings[key],
                participation=participations[row.organisation],
                person=people[row.email],
                attended=row.attended,
            )
            _valid(attendance, row.path)
            attendances.append(attendance)
    Attendance.objects.bulk_create(attendances)

    items = list(round_.checklist_version.items.all())
    assessments, answers = [], []
    now = timezone.now()
    for entry in plan.assessments:
        meeting = meetings[entry.meeting]
        participation = participations[entry.organisation]
        with _creating(entry.path):
            _assessment_may_be_recorded(participation, meeting, entry, items)
        by = people.get(entry.submitted_by) if entry.submitted_by else None
        assessment = SelfAssessment(participation=participation, meeting=meeting, revision=1)
        if entry.status == SelfAssessment.Status.SUBMITTED:
            assessment.status = SelfAssessment.Status.SUBMITTED
            # An archive that does not say when is taken to have been submitted by the
            # meeting it was made for.
            assessment.submitted_at = entry.submitted_at or meeting.starts_at
            assessment.submitted_by = by
        _valid(assessment, entry.path)
        # One history entry, dated as recorded and signed by who recorded it, as
        # `assessment_record` writes it.
        when = assessment.submitted_at or now
        assessment._history_user = by
        assessment._history_date = when
        assessment._change_reason = "recorded"
        assessments.append(assessment)
        for item in items:
            answer = Answer(
                assessment=assessment,
                item=item,
                score=entry.scores.get(item.number),
                comment=entry.comments.get(item.number, "").strip(),
            )
            _valid(answer, entry.path)
            answer._history_date = when
            if by is not None:
                answer._history_user = by
            answers.append(answer)
    SelfAssessment.objects.bulk_create(assessments)
    SelfAssessment.history.bulk_history_create(assessments)
    Answer.objects.bulk_create(answers)
    Answer.history.bulk_history_create(answers)

    works, notes = [], []
    for entry in plan.works:
        work = ImprovementWork(
            participation=participations[entry.organisation],
            origin_meeting=meetings[entry.meeting] if entry.meeting else None,
            **entry.fields,
        )
        _valid(work, entry.path)
        works.append(work)
        for note in entry.notes:
            progress = ProgressNote(work=work, text=note.text.strip(), noted_on=note.noted_on)
            _valid(progress, note.path)
            notes.append(progress)
    ImprovementWork.objects.bulk_create(works)
    ProgressNote.objects.bulk_create(notes)

    for code, entry in plan.organisations.items():
        if entry.withdrawn_on is not None:
            with _creating(json_path(entry.path, "withdrawn_on")):
                participations[code] = participant_services.participation_withdraw(
                    participation=participations[code],
                    on=entry.withdrawn_on,
                    reason=entry.withdrawal_reason,
                )

    with _creating("$.round.status"):
        if plan.status in (Round.Status.ACTIVE, Round.Status.COMPLETED):
            round_ = round_services.round_activate(round=round_)
        if plan.status == Round.Status.COMPLETED:
            # Every participant that stayed completes on the round's last day …
            round_ = round_services.round_complete(round=round_, on=round_.ends_on)
    # … unless the archive gives an organisation another day (or a day in a round that is not
    # completed as a whole).
    for code, entry in plan.organisations.items():
        if entry.completed_on is None:
            continue
        participation = participations[code]
        participation.refresh_from_db(fields=["completed_on"])
        if participation.completed_on != entry.completed_on:
            with _creating(json_path(entry.path, "completed_on")):
                _participation_set_completed(participation, on=entry.completed_on)

    return ImportSummary(
        round=round_,
        organisations=len(participations),
        new_organisations=tuple(new_organisations),
        groups=len(groups),
        people_created=len(new_people),
        people_reused=len(people) - len(new_people),
        meetings=len(meetings),
        attendances=len(attendances),
        assessments=len(plan.assessments),
        improvement_works=len(plan.works),
    )


def _participation_set_completed(participation: Participation, *, on: dt.date) -> None:
    """Record the day an organisation completed the round, as the archive has it.

    `round_complete` gives every participant that stayed the same day; an archive may know
    better (an organisation that finished its last meeting early, say). No service sets one
    participation's completion, so it is written here, with the model's checks and history.
    """
    participation.completed_on = on
    participation.full_clean()
    participation.save(update_fields=["completed_on", "updated_at"])
