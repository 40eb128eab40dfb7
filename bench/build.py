"""The data the benchmark measures, and the tests that need a round of national size: one builder.

- Ten earlier rounds, one a year, completed: every one of Sweden's 290 municipalities and 21
  regions took part in one of them (about 31 a round, in groups of two or three, three learning
  meetings each with submitted self-assessments); some are willing to mentor.
- The national round: all 311 in groups of two or three (neighbours in code order), three to
  five people each (politician, manager, strategist and up to two more key persons), twelve
  federations of municipalities mentoring the groups, a start-up and a mid-term conference,
  and six learning meetings per group, each with a self-assessment: the first five are over
  and submitted by everyone; the sixth is three weeks ahead, submitted by a third of the
  organisations, started by a third, not begun by the rest. Attendance is taken at the first.
  Each organisation runs one piece of improvement work.
- A ten-organisation round of the same make, of ten organisations that also take part in the
  national round (so that their people and histories are the same at both sizes and only the
  round differs), mentored by one federation.

Each round is written as a round archive (docs/round-archive.md) and imported with
`rounds.archive.import_document`, as SKR brings in its rounds: the document is checked whole
against the schema and the rules, and the rows are written in bulk through the services' rules
with the history the services keep. An organisation's people are the same accounts in every
round (the import reuses an account by its e-mail address). Only the project leader is made with
`create_user` (no password: the benchmark signs people in with `force_login`).

The tests build the national round of `tests/rounds/test_dashboard.py` with `national_and_small`,
so the query counts they hold the pages to are taken on the data the benchmark times.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from checklist.models import DEFAULT_CHECKLIST_SLUG, SelfAssessment
from participants import services as participant_services
from participants.models import (
    REQUIRED_FUNCTIONS,
    Function,
    ImprovementWork,
    Organisation,
    Participation,
)
from rounds import archive
from rounds.models import BenchmarkingGroup, Meeting, Round

User = get_user_model()

EARLIER_ROUNDS = 10
LEARNING_MEETINGS = 6
FEDERATIONS = 12
EXTRA_FUNCTIONS = (Function.CONTROLLER, Function.STATISTICIAN)
# The organisation whose pages are measured at both sizes (Lund), and the small round's members.
MEASURED_CODE = "1281"
SMALL_CODES = ("1280", "1281", "1282", "1283", "1284", "1285", "1286", "1287", "1290", "1293")
NATIONAL_SLUG, SMALL_SLUG = "bench-nationell", "bench-tio"
LEADER_EMAIL = "projektledare@bench.example"


@dataclass
class Built:
    """One measured round: who looks at it and what they look at."""

    round: Round
    measured: Participation  # the organisation whose group, page and self-assessment are read
    group: BenchmarkingGroup
    draft: SelfAssessment  # its self-assessment before the sixth learning meeting
    strategist: User
    mentor: User  # a person of the federation that mentors the measured group
    mentored_groups: int
    counts: dict = field(default_factory=dict)


def in_groups_of_three(items: list) -> list[list]:
    """Groups of three in order, the last ones of two (neighbours in code order, as a project
    leader would start from; the tests' rounds built through the services are grouped so too)."""
    twos = (3 - len(items) % 3) % 3
    threes = (len(items) - 2 * twos) // 3
    groups = [items[3 * i : 3 * i + 3] for i in range(threes)]
    rest = items[3 * threes :]
    return groups + [rest[2 * i : 2 * i + 2] for i in range(twos)]


def _scores(index: int, point: int) -> dict[str, int]:
    """Scores that move up a little from one assessment to the next, different per member."""
    return {str(n): min(3, 1 + (n + index) % 3 + (point + n) // 7) for n in range(1, 11)}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _time(moment: dt.datetime) -> str:
    """A time as the archive writes it: Swedish local time with its offset."""
    return timezone.localtime(moment).isoformat()


def _email(code: str, function: str) -> str:
    return f"{Function(function).value}.{code.lower()}@bench.example"


def _person(code: str, function: str) -> dict:
    """The organisation's person in a function: the same account in every round."""
    return {
        "email": _email(code, function),
        "name": f"{str(Function(function).label).capitalize()} {code}",
        "organisation": code,
        "functions": [Function(function).value],
    }


def _round(slug: str, name: str, status: str, starts_on: dt.date, ends_on: dt.date) -> dict:
    return {
        "slug": slug,
        "name": name,
        "kind": Round.Kind.MIXED,
        "status": status,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "checklist": DEFAULT_CHECKLIST_SLUG,
    }


def _participant(code: str, group: str, *, willing_to_mentor: bool = False) -> dict:
    return {
        "code": code,
        "role": Participation.Role.PARTICIPANT,
        "group": group,
        "willing_to_mentor": willing_to_mentor,
    }


def _learning_meeting(key: str, group: str, point: int, day: dt.date, **fields) -> dict:
    return {
        "key": key,
        "kind": Meeting.Kind.LEARNING_MEETING,
        "number": point,
        "title": f"Lärandeträff {point} – {group}",
        "starts_at": _time(_at(day, 9)),
        "ends_at": _time(_at(day, 16)),
        "group": group,
        "assessment_due": True,
        **fields,
    }


def _conference(key: str, kind: str, title: str, day: dt.date) -> dict:
    return {
        "key": key,
        "kind": kind,
        "title": title,
        "starts_at": _time(_at(day, 9)),
        "ends_at": _time(_at(day, 16)),
    }


class Builder:
    def __init__(self, today: dt.date | None = None):
        self.today = today or timezone.localdate()
        self.codes: list[str] = []  # the municipalities and regions, in code order
        self.names: dict[str, str] = {}
        self._name_order: dict[str, int] = {}
        self.leader: User | None = None

    def reference(self) -> None:
        participant_services.organisations_load()
        organisations = Organisation.objects.filter(
            kind__in=[Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION]
        )
        self.codes = list(organisations.order_by("code").values_list("code", flat=True))
        self.names = dict(organisations.values_list("code", "name"))
        # By name, in the database's collation: the order a group lists its members in.
        self._name_order = {
            code: position
            for position, code in enumerate(
                organisations.order_by("name", "code").values_list("code", flat=True)
            )
        }
        self.leader = User.objects.create_user(
            email=LEADER_EMAIL, full_name="Pia Projektledare", is_project_leader=True
        )

    def _by_name(self, codes: list[str]) -> list[str]:
        """A group's members in the order its pages list them (by name): a member's position
        there gives its scores, which meetings it hosts and who of it attends the first."""
        return sorted(codes, key=self._name_order.__getitem__)

    def _import(self, document: dict) -> Round:
        document = {"format": archive.FORMAT, **document}
        return archive.import_document(document, by=self.leader).round

    # Rounds

    def earlier_rounds(self) -> list[Round]:
        """Ten completed one-year rounds; each organisation took part in one of them."""
        rounds = []
        first_year = self.today.year - 1 - EARLIER_ROUNDS
        for number in range(EARLIER_ROUNDS):
            year = first_year + number
            codes = self.codes[number::EARLIER_ROUNDS]
            groups = {
                f"Grupp {i:02d}": chunk
                for i, chunk in enumerate(in_groups_of_three(codes), start=1)
            }
            group_of = {code: name for name, chunk in groups.items() for code in chunk}
            meetings, assessments = [], []
            for offset, (name, chunk) in enumerate(groups.items()):
                for point, month in enumerate((3, 6, 10), start=1):
                    day = dt.date(year, month, 5 + offset % 20)
                    key = f"lt{point}-{offset + 1:02d}"
                    meetings.append(_learning_meeting(key, name, point, day))
                    for index, code in enumerate(self._by_name(chunk)):
                        assessments.append(
                            {
                                "organisation": code,
                                "meeting": key,
                                "status": SelfAssessment.Status.SUBMITTED,
                                "scores": _scores(index + number, point),
                                "submitted_at": _time(_at(day, 9) - dt.timedelta(days=5)),
                            }
                        )
            document = {
                "round": _round(
                    f"bench-{year}",
                    f"Modellkommuner {year}",
                    Round.Status.COMPLETED,
                    dt.date(year, 1, 15),
                    dt.date(year, 12, 15),
                ),
                "organisations": [
                    _participant(code, group_of[code], willing_to_mentor=index % 4 == 0)
                    for index, code in enumerate(codes)
                ],
                "groups": [{"name": name} for name in groups],
                "people": [_person(code, Function.STRATEGIST) for code in codes],
                "meetings": meetings,
                "assessments": assessments,
            }
            rounds.append(self._import(document))
        return rounds

    def active_round(
        self, *, slug: str, name: str, codes: list[str], federations: int, prefix: str
    ) -> Built:
        """An active two-year round of the given organisations, half-way to its end."""
        sixth = self.today + dt.timedelta(days=21)
        days = [sixth - dt.timedelta(days=90 * (LEARNING_MEETINGS - n)) for n in range(1, 7)]
        starts_on = days[0] - dt.timedelta(days=60)
        groups = {
            f"Grupp {i:03d}": chunk
            for i, chunk in enumerate(in_groups_of_three(list(codes)), start=1)
        }
        # The federations of municipalities that mentor the groups: code → name.
        federation_names = {
            f"{prefix}{number:02d}": f"Kommunförbund {prefix}{number}"
            for number in range(1, min(federations, len(groups)) + 1)
        }
        mentors = list(federation_names)
        mentor_of = {group: mentors[number % len(mentors)] for number, group in enumerate(groups)}
        functions = {
            code: [*REQUIRED_FUNCTIONS, *EXTRA_FUNCTIONS[: int(code[-1]) % 3]] for code in codes
        }
        people = [_person(code, f) for code in codes for f in functions[code]]
        mentor_people = {
            code: {
                "email": f"mentor.{code.lower()}@bench.example",
                "name": f"Mentor {federation_names[code]}",
                "organisation": code,
                "functions": [Function.STRATEGIST],
            }
            for code in mentors
        }
        people += mentor_people.values()

        meetings = [
            _conference(
                "uppstart",
                Meeting.Kind.STARTUP_CONFERENCE,
                "Uppstartskonferens",
                starts_on + dt.timedelta(days=28),
            ),
            _conference(
                "halvtid",
                Meeting.Kind.MIDTERM_CONFERENCE,
                "Halvtidskonferens",
                starts_on + dt.timedelta(days=365),
            ),
        ]
        assessments = []
        for offset, (group, chunk) in enumerate(groups.items()):
            members = self._by_name(chunk)
            mentor = mentor_of[group]
            for point, day in enumerate(days, start=1):
                day = day + dt.timedelta(days=offset % 10)
                key = f"lt{point}-{offset + 1:03d}"
                meeting = _learning_meeting(
                    key,
                    group,
                    point,
                    day,
                    host=members[(point - 1) % len(members)],
                    assessment_opens_on=(day - dt.timedelta(days=28)).isoformat(),
                )
                meetings.append(meeting)
                for index, code in enumerate(members):
                    # Before the sixth meeting a third submitted, a third started, a third not
                    # yet; the measured organisation has a draft.
                    state = "submitted"
                    if point == LEARNING_MEETINGS:
                        state = ("submitted", "draft", "none")[
                            1 if code == MEASURED_CODE else (int(code) + index) % 3
                        ]
                    if state == "none":
                        continue
                    scores = _scores(index, point)
                    entry = {
                        "organisation": code,
                        "meeting": key,
                        "status": SelfAssessment.Status.SUBMITTED,
                        "scores": scores,
                        "submitted_at": _time(_at(day, 9) - dt.timedelta(days=5)),
                        "submitted_by": _email(code, Function.STRATEGIST),
                    }
                    if state == "draft":
                        entry.update(
                            status=SelfAssessment.Status.DRAFT,
                            scores=dict(list(scores.items())[:4]),
                            submitted_at=None,
                            submitted_by=None,
                        )
                    if point == LEARNING_MEETINGS - 1:
                        entry["comments"] = {"7": "Mallen används ännu inte i alla förvaltningar."}
                    assessments.append(entry)
                if point == 1:
                    # The first member came with everyone, the second with its strategist only,
                    # the third not at all; the mentor is recorded as absent.
                    meeting["attendance"] = [
                        {
                            "email": _email(code, function),
                            "organisation": code,
                            "attended": position == 0
                            or (position == 1 and function == Function.STRATEGIST),
                        }
                        for position, code in enumerate(members)
                        for function in functions[code]
                    ] + [
                        {
                            "email": mentor_people[mentor]["email"],
                            "organisation": mentor,
                            "attended": False,
                        }
                    ]
        steps = list(ImprovementWork.ChainStep)
        document = {
            "round": _round(
                slug, name, Round.Status.ACTIVE, starts_on, starts_on + dt.timedelta(days=729)
            ),
            "organisations": [
                _participant(code, group) for group, members in groups.items() for code in members
            ]
            + [
                {
                    "code": code,
                    "name": federation_names[code],
                    "kind": Organisation.Kind.OTHER,
                    "role": Participation.Role.MENTOR,
                }
                for code in mentors
            ],
            "groups": [{"name": group, "mentors": [mentor]} for group, mentor in mentor_of.items()],
            "people": people,
            "meetings": meetings,
            "assessments": assessments,
            "improvement_work": [
                {
                    "organisation": code,
                    "title": f"Jämställd resursfördelning i {self.names[code]}",
                    "description": "Könsuppdelad uppföljning av verksamhetens resultat.",
                    "chain_step": steps[index % 4],
                }
                for index, code in enumerate(codes)
            ],
        }
        round_ = self._import(document)
        return self._built(round_, mentor_people)

    def _built(self, round_: Round, mentor_people: dict[str, dict]) -> Built:
        measured = Participation.objects.select_related("organisation", "group").get(
            round=round_, organisation__code=MEASURED_CODE
        )
        group = measured.group
        mentor_code = (
            group.mentorships.select_related("participation__organisation")
            .get(is_primary=True)
            .participation.organisation.code
        )
        participants = Participation.objects.filter(
            round=round_, role=Participation.Role.PARTICIPANT
        )
        return Built(
            round=round_,
            measured=measured,
            group=group,
            draft=SelfAssessment.objects.get(
                participation=measured, meeting__group=group, meeting__number=LEARNING_MEETINGS
            ),
            strategist=User.objects.get(email=_email(MEASURED_CODE, Function.STRATEGIST)),
            mentor=User.objects.get(email=mentor_people[mentor_code]["email"]),
            mentored_groups=BenchmarkingGroup.objects.filter(
                mentorships__participation__organisation__code=mentor_code
            ).count(),
            counts={
                "organisations": participants.count(),
                "groups": round_.groups.count(),
                "people": User.objects.filter(function_assignments__participation__in=participants)
                .distinct()
                .count(),
                "meetings": round_.meetings.count(),
                "self_assessments": SelfAssessment.objects.filter(
                    participation__round=round_
                ).count(),
                "mentor_federations": len(mentor_people),
            },
        )

    def national(self) -> Built:
        return self.active_round(
            slug=NATIONAL_SLUG,
            name="Modellkoncept nationell (benchmark)",
            codes=self.codes,
            federations=FEDERATIONS,
            prefix="FN",
        )

    def small(self) -> Built:
        return self.active_round(
            slug=SMALL_SLUG,
            name="Modellkoncept tio (benchmark)",
            codes=list(SMALL_CODES),
            federations=1,
            prefix="FT",
        )


def national_and_small(today: dt.date | None = None) -> tuple[Builder, dict[str, Built]]:
    """The two measured rounds, without the earlier ones: what the tests need."""
    builder = Builder(today)
    builder.reference()
    return builder, {"national": builder.national(), "small": builder.small()}


def build(today: dt.date | None = None) -> tuple[dict[str, Built], dict]:
    """Everything; returns the two measured rounds ("national", "small") and what was built."""
    started = time.perf_counter()
    builder = Builder(today)
    builder.reference()
    earlier = builder.earlier_rounds()
    after_earlier = time.perf_counter()
    national, small = builder.national(), builder.small()
    summary = {
        "earlier_rounds": len(earlier),
        "earlier_self_assessments": SelfAssessment.objects.filter(
            participation__round__in=earlier
        ).count(),
        "people": User.objects.count(),
        "self_assessments_in_database": SelfAssessment.objects.count(),
        "build_seconds": round(time.perf_counter() - started, 1),
        "earlier_rounds_seconds": round(after_earlier - started, 1),
    }
    return {"national": national, "small": small}, summary
