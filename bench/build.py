"""The data the page benchmark measures, built through the services as the site would build it.

- Ten earlier rounds, one a year, completed: every one of Sweden's 290 municipalities and 21
  regions took part in one of them (about 31 a round, in groups of two or three, three learning
  meetings each with submitted self-assessments); some are willing to mentor.
- The national round: all 311 in groups of two or three (neighbours in code order), three to
  five people each (politician, manager, strategist and up to two more key persons), twelve
  federations of municipalities mentoring the groups, a start-up and a mid-term conference,
  and six learning meetings per group, each with a self-assessment: the first five are over
  and submitted by everyone; the sixth is three weeks ahead, submitted by a third of the
  organisations, started by a third, not begun by the rest. Attendance is taken at the first.
- A ten-organisation round of the same make, of ten organisations that also take part in the
  national round (so that their people and histories are the same at both sizes and only the
  round differs), mentored by one federation.

Only the people are made with `create_user` (no password: the benchmark signs them in with
`force_login`); everything else goes through the services, and the recorded self-assessments
through `checklist.services.assessment_record`.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from checklist import services as checklist_services
from checklist.models import SelfAssessment
from participants import services as participant_services
from participants.models import Function, ImprovementWork, Organisation, Participation
from rounds import services as round_services
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


def _chunks(items: list) -> list[list]:
    """Groups of three in order, the last ones of two."""
    twos = (3 - len(items) % 3) % 3
    threes = (len(items) - 2 * twos) // 3
    groups = [items[3 * i : 3 * i + 3] for i in range(threes)]
    rest = items[3 * threes :]
    return groups + [rest[2 * i : 2 * i + 2] for i in range(twos)]


def _scores(index: int, point: int) -> dict[int, int]:
    """Scores that move up a little from one assessment to the next, different per member."""
    return {n: min(3, 1 + (n + index) % 3 + (point + n) // 7) for n in range(1, 11)}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class Builder:
    def __init__(self, today: dt.date | None = None):
        self.today = today or timezone.localdate()
        self.people: dict[str, dict[str, User]] = {}  # code → function → person
        self.organisations: dict[str, Organisation] = {}
        self.leader: User | None = None

    # Reference data and people

    def reference(self) -> None:
        participant_services.organisations_load()
        self.organisations = {
            o.code: o
            for o in Organisation.objects.filter(
                kind__in=[Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION]
            ).order_by("code")
        }
        self.leader = User.objects.create_user(
            email="projektledare@bench.example",
            full_name="Pia Projektledare",
            is_project_leader=True,
        )

    def person(self, code: str, function: str) -> User:
        """The organisation's person in a function, the same in every round."""
        people = self.people.setdefault(code, {})
        if function not in people:
            people[function] = User.objects.create_user(
                email=f"{function}.{code}@bench.example",
                full_name=f"{Function(function).label.capitalize()} {code}",
            )
        return people[function]

    def staff(self, participation: Participation) -> dict[str, User]:
        """Give the organisation's three to five people their functions in the round."""
        code = participation.organisation.code
        functions = [Function.POLITICIAN, Function.MANAGER, Function.STRATEGIST]
        functions += EXTRA_FUNCTIONS[: int(code[-1]) % 3]
        for function in functions:
            participant_services.function_assign(
                participation=participation, person=self.person(code, function), function=function
            )
        return self.people[code]

    # Rounds

    @transaction.atomic
    def earlier_rounds(self) -> list[Round]:
        """Ten completed one-year rounds; each organisation took part in one of them."""
        codes = list(self.organisations)
        rounds = []
        first_year = self.today.year - 1 - EARLIER_ROUNDS
        for number in range(EARLIER_ROUNDS):
            year = first_year + number
            round_ = round_services.round_create(
                name=f"Modellkommuner {year}",
                slug=f"bench-{year}",
                kind=Round.Kind.MIXED,
                starts_on=dt.date(year, 1, 15),
                ends_on=dt.date(year, 12, 15),
            )
            members = [
                participant_services.participation_add(
                    round=round_,
                    organisation=self.organisations[code],
                    willing_to_mentor=index % 4 == 0,
                )
                for index, code in enumerate(codes[number::EARLIER_ROUNDS])
            ]
            for member in members:
                participant_services.function_assign(
                    participation=member,
                    person=self.person(member.organisation.code, Function.STRATEGIST),
                    function=Function.STRATEGIST,
                )
            groups = [
                round_services.group_create(round=round_, name=f"Grupp {i:02d}", members=chunk)
                for i, chunk in enumerate(_chunks(members), start=1)
            ]
            round_ = round_services.round_activate(round=round_)
            for offset, group in enumerate(groups):
                for point, month in enumerate((3, 6, 10), start=1):
                    day = dt.date(year, month, 5 + offset % 20)
                    meeting = round_services.meeting_create(
                        round=round_,
                        group=group,
                        kind=Meeting.Kind.LEARNING_MEETING,
                        number=point,
                        title=f"Lärandeträff {point} – {group.name}",
                        starts_at=_at(day, 9),
                        ends_at=_at(day, 16),
                        assessment_due=True,
                    )
                    for index, member in enumerate(group.members.select_related("organisation")):
                        checklist_services.assessment_record(
                            participation=member,
                            meeting=meeting,
                            scores=_scores(index + number, point),
                            submitted_at=meeting.starts_at - dt.timedelta(days=5),
                        )
            rounds.append(round_services.round_complete(round=round_))
        return rounds

    @transaction.atomic
    def active_round(
        self, *, slug: str, name: str, codes: list[str], federations: int, prefix: str
    ) -> Built:
        """An active two-year round of the given organisations, half-way to its end."""
        sixth = self.today + dt.timedelta(days=21)
        days = [sixth - dt.timedelta(days=90 * (LEARNING_MEETINGS - n)) for n in range(1, 7)]
        starts_on = days[0] - dt.timedelta(days=60)
        round_ = round_services.round_create(
            name=name,
            slug=slug,
            kind=Round.Kind.MIXED,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=729),
        )
        participations = [
            participant_services.participation_add(round=round_, organisation=self.organisations[c])
            for c in codes
        ]
        people = {p.organisation.code: self.staff(p) for p in participations}
        groups = [
            round_services.group_create(round=round_, name=f"Grupp {i:03d}", members=chunk)
            for i, chunk in enumerate(_chunks(participations), start=1)
        ]
        mentors = []
        for number in range(min(federations, len(groups))):
            organisation = participant_services.organisation_create(
                code=f"{prefix}{number + 1:02d}", name=f"Kommunförbund {prefix}{number + 1}"
            )
            mentors.append(organisation)
        mentor_people = {}
        for number, group in enumerate(groups):
            mentorship = round_services.mentor_add(
                group=group, organisation=mentors[number % len(mentors)], is_primary=True
            )
            organisation = mentorship.participation.organisation
            if organisation.code not in mentor_people:
                person = User.objects.create_user(
                    email=f"mentor.{organisation.code.lower()}@bench.example",
                    full_name=f"Mentor {organisation.name}",
                )
                participant_services.function_assign(
                    participation=mentorship.participation,
                    person=person,
                    function=Function.STRATEGIST,
                )
                mentor_people[organisation.code] = person
        round_ = round_services.round_activate(round=round_)
        round_services.meeting_create(
            round=round_,
            kind=Meeting.Kind.STARTUP_CONFERENCE,
            title="Uppstartskonferens",
            starts_at=_at(starts_on + dt.timedelta(days=28), 9),
            ends_at=_at(starts_on + dt.timedelta(days=28), 16),
        )
        round_services.meeting_create(
            round=round_,
            kind=Meeting.Kind.MIDTERM_CONFERENCE,
            title="Halvtidskonferens",
            starts_at=_at(starts_on + dt.timedelta(days=365), 9),
            ends_at=_at(starts_on + dt.timedelta(days=365), 16),
        )
        measured = next(p for p in participations if p.organisation.code == MEASURED_CODE)
        for offset, group in enumerate(groups):
            members = list(group.members.select_related("organisation"))
            for point, day in enumerate(days, start=1):
                day = day + dt.timedelta(days=offset % 10)
                meeting = round_services.meeting_create(
                    round=round_,
                    group=group,
                    kind=Meeting.Kind.LEARNING_MEETING,
                    number=point,
                    title=f"Lärandeträff {point} – {group.name}",
                    starts_at=_at(day, 9),
                    ends_at=_at(day, 16),
                    host=members[(point - 1) % len(members)].organisation,
                    assessment_due=True,
                    assessment_opens_on=day - dt.timedelta(days=28),
                )
                for index, member in enumerate(members):
                    code = member.organisation.code
                    state = "submitted" if point < LEARNING_MEETINGS else "by-index"
                    if state == "by-index":
                        state = ("submitted", "draft", "none")[
                            (int(code) + index) % 3 if code != MEASURED_CODE else 1
                        ]
                    if state == "none":
                        continue
                    checklist_services.assessment_record(
                        participation=member,
                        meeting=meeting,
                        scores=_scores(index, point)
                        if state == "submitted"
                        else dict(list(_scores(index, point).items())[:4]),
                        comments={7: "Mallen används ännu inte i alla förvaltningar."}
                        if point == LEARNING_MEETINGS - 1
                        else None,
                        submitted_at=meeting.starts_at - dt.timedelta(days=5)
                        if state == "submitted"
                        else None,
                        by=people[code][Function.STRATEGIST],
                    )
                if point == 1:
                    attended = set()
                    for position, member in enumerate(members):
                        own = people[member.organisation.code]
                        if position == 0:
                            attended |= {person.pk for person in own.values()}
                        elif position == 1:
                            attended.add(own[Function.STRATEGIST].pk)
                    round_services.attendance_set(meeting=meeting, attended_ids=attended)
        steps = list(ImprovementWork.ChainStep)
        for index, participation in enumerate(participations):
            participant_services.improvement_work_create(
                participation=participation,
                title=f"Jämställd resursfördelning i {participation.organisation.name}",
                description="Könsuppdelad uppföljning av verksamhetens resultat.",
                chain_step=steps[index % 4],
            )
        group = Participation.objects.get(pk=measured.pk).group
        mentorship = group.mentorships.select_related("participation__organisation").get(
            is_primary=True
        )
        mentor_code = mentorship.participation.organisation.code
        return Built(
            round=Round.objects.get(pk=round_.pk),
            measured=Participation.objects.select_related("organisation").get(pk=measured.pk),
            group=group,
            draft=SelfAssessment.objects.get(
                participation=measured, meeting__group=group, meeting__number=LEARNING_MEETINGS
            ),
            strategist=people[MEASURED_CODE][Function.STRATEGIST],
            mentor=mentor_people[mentor_code],
            mentored_groups=BenchmarkingGroup.objects.filter(
                mentorships__participation__organisation__code=mentor_code
            ).count(),
            counts={
                "organisations": len(participations),
                "groups": len(groups),
                "people": sum(len(people[p.organisation.code]) for p in participations),
                "meetings": round_.meetings.count(),
                "self_assessments": SelfAssessment.objects.filter(
                    participation__round=round_
                ).count(),
                "mentor_federations": len(mentors),
            },
        )


def build(today: dt.date | None = None) -> tuple[dict[str, Built], dict]:
    """Everything; returns the two measured rounds ("national", "small") and what was built."""
    started = time.perf_counter()
    builder = Builder(today)
    builder.reference()
    earlier = builder.earlier_rounds()
    after_earlier = time.perf_counter()
    national = builder.active_round(
        slug=NATIONAL_SLUG,
        name="Modellkoncept nationell (benchmark)",
        codes=list(builder.organisations),
        federations=FEDERATIONS,
        prefix="FN",
    )
    small = builder.active_round(
        slug=SMALL_SLUG,
        name="Modellkoncept tio (benchmark)",
        codes=list(SMALL_CODES),
        federations=1,
        prefix="FT",
    )
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
