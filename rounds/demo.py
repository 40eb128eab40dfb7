"""Demo data to try the site with: SKR's documented history of rounds, whose participants now
mentor, and an invented active two-year round half-way through, built through the services as a
project leader would.

What is documented and what is invented:

- "Modellkommuner 2019–2020" is the round of SKR's report "Modellkommuner och Modellregioner
  2018–2020" (seed 004, Table 1) and its call (seed 000): the benchmarking municipalities, their
  mentors, Botkyrka and Askersund withdrawing, the call's last day (30 October 2018) and decision
  day (20 November 2018), the start-up on 7 February 2019, and which municipalities were willing
  to mentor (Örnsköldsvik, Olofström, Östra Göinge). The scores are constructed so that the item
  means after the last learning meeting are those of the report's Table 2; each organisation's
  scores, the group names and themes, the meeting days after the start-up and the withdrawal
  days are invented.
- "Modellkommuner 2020–2022" is the round of seeds 001 and 002: November 2020 to May 2022,
  Karlstad, Karlskrona, Kramfors and Vaxholm with Kalmar and Örnsköldsvik as mentors. Karlstad
  and Kramfors mentored later rounds (seed 001). The groups, days and scores are invented.
- "Modellkoncept 2025–2027 (demo)" is invented whole: SKR's next round was to start in the winter
  of 2025 (seed 001), and its participants, groups, fees and assessments here are made up to show
  the site. Its mentors are organisations that completed a documented round above.

Each round's data, and what of it is documented, is a TOML file in `rounds/demo_data/` named by
the round's slug; one builder (`_create_round`) makes any of them. The organisations are real
(from the reference file); every person is invented, and every demo account shares one published
password. The dates are fixed, never computed from today, so the same data comes out on every
run; the active round spans 2026-11-24, the day this data was written for, so it has both past
and upcoming meetings.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from checklist import services as checklist_services
from participants import services as participant_services
from participants.models import Function, ImprovementWork, Organisation, Participation
from rounds import services as round_services
from rounds.models import BenchmarkingGroup, Meeting, Round
from rounds.services import result_reports

User = get_user_model()

# Demo data only: every demo account gets this password, set directly (no invitation) so that
# anyone trying the site can sign in as the invented people. It is printed by `seed_demo`.
DEMO_PASSWORD = "demo-Jamstalld-2026"  # noqa: S105 - a published demo password, not a secret
PROJECT_LEADER_EMAIL = "projektledare@skr.se"
PROJECT_LEADER_NAME = "Kerstin Ahlgren"

# The rounds, in the order they are made (each file of DATA_DIR is named by its slug): the
# later rounds' mentors completed the earlier ones.
EARLIER_SLUG = "modellkommuner-2019-2020"
SECOND_SLUG = "modellkommuner-2020-2022"
ACTIVE_SLUG = "modellkoncept-2025-2027-demo"
DEMO_SLUGS = (EARLIER_SLUG, SECOND_SLUG, ACTIVE_SLUG)
DATA_DIR = Path(__file__).with_name("demo_data")

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4}
TUESDAY = WEEKDAYS["tuesday"]
ONLINE = "https://video.example.org/modellkoncept"  # example.org: reserved, never a real meeting

LEARNING_THEMES = (
    "Styrning och ledning",
    "Systematiskt förbättringsarbete",
    "Följa upp och analysera resultaten",
)


@dataclass(frozen=True)
class _Member:
    """A participant: its people (name, function), and its scores before each learning meeting
    as a string of item scores ("3211211111" = item 1 scored 3, item 2 scored 2, …)."""

    code: str
    people: tuple[tuple[str, str], ...]
    scores: tuple[str, ...]
    comments: tuple[tuple[int, int, str], ...] = ()  # (learning meeting, item, comment)
    willing_to_mentor: bool = False
    mentor_capacity: int = 1
    decision: tuple[date, str] = (date(2020, 3, 2), Organisation.DecisionKind.CEMR)


@dataclass(frozen=True)
class _Group:
    name: str
    theme: str
    members: tuple[_Member, ...]


@dataclass(frozen=True)
class _Mentor:
    code: str
    group: str
    is_primary: bool
    people: tuple[tuple[str, str], ...]
    capacity: int = 1


def _people(rows) -> tuple[tuple[str, str], ...]:
    return tuple((name, Function(function)) for name, function in rows)


def _member(data: dict) -> _Member:
    extra = {}
    if "decision" in data:
        decision = data["decision"]
        extra["decision"] = (decision["on"], Organisation.DecisionKind(decision["kind"]))
    return _Member(
        code=data["code"],
        people=_people(data["people"]),
        scores=tuple(data["scores"]),
        comments=tuple((c["meeting"], c["item"], c["text"]) for c in data.get("comments", ())),
        willing_to_mentor=data.get("willing_to_mentor", False),
        mentor_capacity=data.get("mentor_capacity", 1),
        **extra,
    )


@functools.cache
def _round_data(slug: str) -> dict:
    """The data of one demo round, from its file, with its groups and mentors as the
    builder takes them."""
    with (DATA_DIR / f"{slug}.toml").open("rb") as file:
        data = tomllib.load(file)
    data["slug"] = slug
    data["groups"] = tuple(
        _Group(g["name"], g["theme"], tuple(_member(m) for m in g["members"]))
        for g in data["groups"]
    )
    data["mentors"] = tuple(
        _Mentor(m["code"], m["group"], m["primary"], _people(m["people"]), m.get("capacity", 1))
        for m in data["mentors"]
    )
    return data


# The sign-ins `seed_demo` prints: (role, person, organisation code; None for SKR).
SIGN_INS = (
    ("project leader", PROJECT_LEADER_NAME, None),
    ("strategist", "Sara Lindgren", "1081"),
    ("politician", "Magnus Ekström", "1081"),
    ("manager", "Cecilia Nordin", "1081"),
    ("strategist, same group", "Linnea Berglund", "1082"),
    ("mentor", "Anna Lindqvist", "1060"),
    ("strategist, other group", "Fatima Hassan", "0484"),
)


@dataclass(frozen=True)
class SignIn:
    role: str
    email: str
    organisation: str


@dataclass(frozen=True)
class DemoResult:
    organisations_created: int
    people_created: int
    people_reused: tuple[str, ...]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode().lower()


def demo_email(full_name: str, organisation_name: str) -> str:
    """anna.lindqvist@kristianstad.se: invented people at their organisation's address."""
    local = ".".join(_ascii(full_name).split())
    domain = "".join(_ascii(organisation_name).split())
    return f"{local}@{domain}.se"


def _day(start: date, weeks: int, weekday: int) -> date:
    """The first given weekday on or after `weeks` weeks from `start`, so that meetings fall on
    working days whatever day the round starts on."""
    day = start + timedelta(weeks=weeks)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _span(day: date, start: time, end: time) -> dict:
    return {
        "starts_at": timezone.make_aware(datetime.combine(day, start), STOCKHOLM),
        "ends_at": timezone.make_aware(datetime.combine(day, end), STOCKHOLM),
    }


def _day_of(round_: Round, day: dict) -> date:
    """A day of the data: a number of weeks from the round's start (or its end), moved on to
    the weekday given."""
    anchor = round_.ends_on if day.get("from") == "end" else round_.starts_on
    return _day(anchor, day["weeks"], WEEKDAYS[day["weekday"]])


def _scores(text: str) -> dict[int, int]:
    return {number: int(score) for number, score in enumerate(text, start=1)}


class _Builder:
    """Holds what the steps share: the organisations by code and the people by e-mail."""

    def __init__(self, organisations: dict[str, Organisation]):
        self.organisations = organisations
        self.people: dict[str, User] = {}
        self.people_created = 0
        self.people_reused: list[str] = []
        self.password_hash = make_password(DEMO_PASSWORD)

    def person(self, full_name: str, organisation: Organisation | None = None, **extra) -> User:
        email = demo_email(full_name, organisation.name) if organisation else PROJECT_LEADER_EMAIL
        person = self.people.get(email)
        if person is not None:
            return person
        person = User.objects.filter(email=email).first()
        if person is None:
            # Demo data only: the published demo password, so the invented people can sign in.
            # Hashed once and shared: hashing it for each of some fifty people is slow.
            person = User.objects.create_user(email=email, full_name=full_name, **extra)
            person.password = self.password_hash
            person.save(update_fields=["password"])
            self.people_created += 1
        else:  # someone's own account: used as it is, its password left alone
            self.people_reused.append(email)
        self.people[email] = person
        return person

    def staff(self, participation: Participation, people) -> dict[str, User]:
        """Give the organisation's people their functions; returns them by name."""
        organisation = participation.organisation
        staffed = {}
        for full_name, function in people:
            person = self.person(full_name, organisation)
            participant_services.function_assign(
                participation=participation, person=person, function=function
            )
            staffed[full_name] = person
        return staffed

    def record_decision(self, organisation: Organisation, decision: tuple[date, str]) -> None:
        if organisation.political_decision_on is None:  # never overwrite a recorded decision
            decided_on, kind = decision
            participant_services.organisation_record_decision(
                organisation=organisation, decided_on=decided_on, kind=kind
            )

    def enrol(self, round_: Round, groups, mentors):
        """Participants with their people, groups and mentors; returns the participations by
        code, the groups by name and the people by code."""
        participations: dict[str, Participation] = {}
        people: dict[str, dict[str, User]] = {}
        group_rows: dict[str, BenchmarkingGroup] = {}
        for spec in groups:
            members = []
            for member in spec.members:
                organisation = self.organisations[member.code]
                self.record_decision(organisation, member.decision)
                participation = participant_services.participation_add(
                    round=round_,
                    organisation=organisation,
                    willing_to_mentor=member.willing_to_mentor,
                    mentor_capacity=member.mentor_capacity,
                )
                participations[member.code] = participation
                people[member.code] = self.staff(participation, member.people)
                members.append(participation)
            group_rows[spec.name] = round_services.group_create(
                round=round_, name=spec.name, theme=spec.theme, members=members
            )
        for mentor in mentors:
            participation = participations.get(mentor.code)
            if participation is None:
                participation = participant_services.participation_add(
                    round=round_,
                    organisation=self.organisations[mentor.code],
                    role=Participation.Role.MENTOR,
                    mentor_capacity=mentor.capacity,
                )
                participations[mentor.code] = participation
                people[mentor.code] = {}
            people[mentor.code] |= self.staff(participation, mentor.people)
            round_services.mentor_assign(
                group=group_rows[mentor.group],
                participation=participation,
                is_primary=mentor.is_primary,
            )
        return participations, group_rows, people

    def learning_meetings(
        self, round_: Round, group_rows, groups, weeks: tuple[int, ...], withdrawn=()
    ):
        """Learning meetings 1, 2, 3 … per group, hosted in turn by the members that stay, on
        consecutive days of the same week (Tuesday, Wednesday, Thursday) for the groups, three
        groups a week."""
        meetings: dict[tuple[str, int], Meeting] = {}
        for offset, spec in enumerate(groups):
            hosts = [m.code for m in spec.members if m.code not in withdrawn]
            for number, week in enumerate(weeks, start=1):
                day = _day(round_.starts_on, week + offset // 3, TUESDAY) + timedelta(
                    days=offset % 3
                )
                host = self.organisations[hosts[(number - 1) % len(hosts)]]
                meetings[spec.name, number] = round_services.meeting_create(
                    round=round_,
                    group=group_rows[spec.name],
                    kind=Meeting.Kind.LEARNING_MEETING,
                    number=number,
                    title=f"Lärandeträff {number} – {spec.name}",
                    theme=LEARNING_THEMES[(number - 1) % len(LEARNING_THEMES)],
                    place=f"Kommunhuset i {host.name}",
                    host=host,
                    assessment_due=True,
                    assessment_opens_on=day - timedelta(weeks=4),
                    **_span(day, time(9, 0), time(16, 0)),
                )
        return meetings

    def assess(self, groups, participations, people, meetings) -> None:
        """Each member's submitted self-assessments, one per string of scores, each written a
        few days before its meeting."""
        for spec in groups:
            for position, member in enumerate(spec.members):
                participation = participations[member.code]
                strategist = next(
                    people[member.code][name]
                    for name, function in member.people
                    if function == Function.STRATEGIST
                )
                comments: dict[int, dict[int, str]] = {}
                for number, item, text in member.comments:
                    comments.setdefault(number, {})[item] = text
                for number, scores in enumerate(member.scores, start=1):
                    meeting = meetings[spec.name, number]
                    checklist_services.assessment_record(
                        participation=participation,
                        meeting=meeting,
                        scores=_scores(scores),
                        comments=comments.get(number),
                        submitted_at=meeting.starts_at - timedelta(days=7 - position),
                        by=strategist,
                    )


def demo_rounds_present() -> list[str]:
    """The slugs of the demo rounds already in the database: all when the demo is loaded,
    none when it can be; some means a round of that slug was made by hand."""
    return sorted(Round.objects.filter(slug__in=DEMO_SLUGS).values_list("slug", flat=True))


@transaction.atomic
def demo_create() -> DemoResult:
    """Load the reference organisations and build the demo rounds, people and sign-ins.

    All or nothing: a service that refuses something leaves the database as it was.
    """
    loaded = participant_services.organisations_load()
    rounds = [_round_data(slug) for slug in DEMO_SLUGS]
    codes = {m.code for data in rounds for g in data["groups"] for m in g.members}
    codes |= {m.code for data in rounds for m in data["mentors"]}
    builder = _Builder({o.code: o for o in Organisation.objects.filter(code__in=codes)})
    builder.person(PROJECT_LEADER_NAME, is_project_leader=True)
    for data in rounds:
        _create_round(builder, data)
    return DemoResult(
        organisations_created=loaded.created,
        people_created=builder.people_created,
        people_reused=tuple(builder.people_reused),
    )


def _create_earlier_round(builder: _Builder) -> Round:
    """Modellkommuner 2019–2020 alone (the browser tests' world starts from it)."""
    return _create_round(builder, _round_data(EARLIER_SLUG))


def _create_round(builder: _Builder, data: dict) -> Round:
    """One round of the data: created, its participants, groups and mentors enrolled, its
    programme of meetings and self-assessments made in order, then what else the data holds
    (withdrawals, a draft, attendance, improvement work, result reports), and completed if
    the data says so."""
    groups = data["groups"]
    round_ = round_services.round_create(
        name=data["name"],
        slug=data["slug"],
        kind=Round.Kind(data["kind"]),
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        current_year=Round.Year(data["current_year"]),
        application_deadline=data.get("application_deadline"),
        decision_by=data.get("decision_by"),
        description=data["description"],
    )
    participations, group_rows, people = builder.enrol(round_, groups, data["mentors"])
    if "fees" in data:
        participant_services.participation_fees_set(
            round=round_,
            fees={
                participations[code].pk: (fee["fee"], fee["invoiced"])
                for code, fee in data["fees"].items()
            },
        )
    round_ = round_services.round_activate(round=round_)

    withdrawals = data.get("withdrawals", ())
    withdrawn = {w["code"] for w in withdrawals}
    meetings: dict[tuple[str, int], Meeting] = {}  # the learning meetings by (group, number)
    by_kind: dict[str, Meeting] = {}  # the round's other meetings, the last of each kind
    for step in data["programme"]:
        if step.get("step") == "self-assessments":
            builder.assess(groups, participations, people, meetings)
        elif step["kind"] == Meeting.Kind.LEARNING_MEETING:
            meetings = builder.learning_meetings(
                round_, group_rows, groups, weeks=tuple(step["weeks"]), withdrawn=withdrawn
            )
        else:
            online = step.get("online", "")
            by_kind[step["kind"]] = round_services.meeting_create(
                round=round_,
                kind=Meeting.Kind(step["kind"]),
                number=step.get("number"),
                title=step["title"],
                place=step.get("place", ""),
                online_url=f"{ONLINE}/{online}" if online else "",
                **_span(_day_of(round_, step["day"]), *step["hours"]),
            )

    for withdrawal in withdrawals:
        participant_services.participation_withdraw(
            participation=participations[withdrawal["code"]],
            on=withdrawal["on"],
            reason=withdrawal["reason"],
        )
    if "draft" in data:
        draft = data["draft"]
        code = draft["code"]
        group_name = next(g.name for g in groups if any(m.code == code for m in g.members))
        # A draft, recorded as such: the demo must load whatever today's date is.
        checklist_services.assessment_record(
            participation=participations[code],
            meeting=meetings[group_name, draft["meeting"]],
            scores=_scores(draft["scores"]),
            submitted_at=None,
            by=people[code][draft["strategist"]],
        )
    if "attendance" in data:
        _record_attendance(
            data["attendance"],
            by_kind[Meeting.Kind.STARTUP_CONFERENCE],
            groups,
            participations,
            people,
            meetings,
            group_rows,
        )
    _record_improvement_works(round_, data, participations)
    _record_result_reports(round_, data, participations, people)
    if data.get("completed"):
        # Completing gives every participant that stayed a completed_on: the pool of mentors.
        return round_services.round_complete(round=round_, on=round_.ends_on)
    return round_


def _record_improvement_works(round_: Round, data: dict, participations) -> None:
    """The participants' improvement work, shared and approved as the data says."""
    sharing = data.get("sharing", {})
    for entry in data.get("improvement_works", ()):
        code = entry["code"]
        origin = round_.meetings.get(key=entry["origin_meeting"])
        work = participant_services.improvement_work_create(
            participation=participations[code],
            title=entry["title"],
            description=entry["description"],
            phase=ImprovementWork.Phase(entry["phase"]),
            chain_step=ImprovementWork.ChainStep(entry["chain_step"]),
            level=ImprovementWork.Level(entry["level"]),
            origin_meeting=origin,
        )
        if code in sharing:
            work = participant_services.improvement_work_share(
                work=work, sharing=ImprovementWork.Sharing(sharing[code])
            )
        if work.sharing == ImprovementWork.Sharing.PROGRAMME:
            participant_services.improvement_work_approve(
                work=work, on=timezone.localdate(origin.ends_at)
            )


def _record_result_reports(round_: Round, data: dict, participations, people) -> None:
    """The due dates of the round's result reports and the reports of year one."""
    for year, due_on in data.get("result_reports_due", {}).items():
        result_reports.result_report_due_set(round=round_, year=int(year), due_on=due_on)
    for entry in data.get("result_reports", ()):
        code = entry["code"]
        participation = participations[code]
        titles = dict(
            ImprovementWork.objects.filter(participation=participation).values_list("title", "pk")
        )
        result_reports.result_report_record(
            participation=participation,
            year=1,
            texts={
                key: entry[key] for key in ("aims", "organisation_of_work", "lessons", "advice")
            },
            results=[
                {
                    "chain_step": ImprovementWork.ChainStep(result["chain_step"]),
                    "text": result["text"],
                    "work": titles.get(result.get("work")),
                }
                for result in entry["results"]
            ],
            willing_to_mentor=entry["willing_to_mentor"],
            submitted_at=datetime.combine(entry["submitted_on"], time(14), tzinfo=STOCKHOLM),
            by=people[code][entry["strategist"]],
        )


def _record_attendance(
    attendance: dict, startup, groups, participations, people, meetings, group_rows
) -> None:
    """Who came to the start-up conference and the past learning meetings; the primary
    mentor's people came to their group's learning meetings too."""
    absent = {tuple(pair) for pair in attendance["absent"]}

    def record(meeting, code):
        for name, person in people[code].items():
            round_services.attendance_record(
                meeting=meeting,
                participation=participations[code],
                person=person,
                attended=(name, meeting.key) not in absent,
            )

    for spec in groups:
        for member in spec.members:
            record(startup, member.code)
    for spec in groups:
        primary = group_rows[spec.name].mentorships.get(is_primary=True)
        mentor_code = primary.participation.organisation.code
        for number in attendance["learning_meetings"]:
            meeting = meetings[spec.name, number]
            for member in spec.members:
                record(meeting, member.code)
            record(meeting, mentor_code)


def demo_sign_ins() -> list[SignIn]:
    """The demo accounts worth trying, one per kind of standing the access policy tells apart."""
    codes = [code for _, _, code in SIGN_INS if code]
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    active = {
        p.organisation.code: p
        for p in Participation.objects.filter(round__slug=ACTIVE_SLUG, organisation__code__in=codes)
        .select_related("organisation", "group")
        .prefetch_related("mentorships__group")
    }
    rows = []
    for role, full_name, code in SIGN_INS:
        if code is None:
            rows.append(SignIn(role, PROJECT_LEADER_EMAIL, "SKR"))
            continue
        organisation = organisations[code]
        participation = active.get(code)
        where = organisation.name
        if participation is not None and participation.is_mentor:
            groups = ", ".join(m.group.name for m in participation.mentorships.all())
            where = f"{organisation.name} (mentor: {groups})"
        elif participation is not None and participation.group is not None:
            where = f"{organisation.name} ({participation.group.name})"
        rows.append(SignIn(role, demo_email(full_name, organisation.name), where))
    return rows
