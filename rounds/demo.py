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

The organisations are real (from the reference file); every person is invented, and every demo
account shares one published password. The dates are fixed, never computed from today, so the same
data comes out on every run; the active round spans 2026-11-24, the day this data was written for,
so it has both past and upcoming meetings.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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

EARLIER_SLUG = "modellkommuner-2019-2020"
SECOND_SLUG = "modellkommuner-2020-2022"
ACTIVE_SLUG = "modellkoncept-2025-2027-demo"
DEMO_SLUGS = (EARLIER_SLUG, SECOND_SLUG, ACTIVE_SLUG)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TUESDAY, THURSDAY = 1, 3
SKR_PLACE = "SKR, Hornsgatan 20, Stockholm"
ONLINE = "https://video.example.org/modellkoncept"  # example.org: reserved, never a real meeting

P, C, S = Function.POLITICIAN, Function.MANAGER, Function.STRATEGIST
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


def _people(politician: str, manager: str, strategist: str) -> tuple[tuple[str, str], ...]:
    return ((politician, P), (manager, C), (strategist, S))


# The earlier round: Modellkommuner 2019–2020 (seed 000; report 004, Table 1), completed. The
# scores at the third learning meeting give the item means of Table 2 (2,7 2,1 1,8 2,0 2,0 1,9
# 1,7 1,4 1,4 1,3; totals from 16 to 23); all but Fagersta moved up, as the report says.
EARLIER_NAME = "Modellkommuner 2019–2020"
EARLIER_STARTS, EARLIER_ENDS = date(2019, 2, 7), date(2020, 2, 28)
EARLIER_CALL = (date(2018, 10, 30), date(2018, 11, 20))  # last day to apply, decision by
# Botkyrka and Askersund left "a bit into the process" (report 004); the days are invented.
EARLIER_WITHDRAWALS = (
    ("0127", date(2019, 5, 13), "Kommunen valde av egna skäl att avbryta deltagandet."),
    ("1882", date(2019, 6, 10), "Kommunen valde av egna skäl att avbryta deltagandet."),
)
EARLIER_GROUPS = (
    _Group(
        "Grupp Skåne–Blekinge",
        "Styrning och ledning",
        (
            _Member(
                "1287",
                _people("Lars Bengtsson", "Karin Holm", "Ida Persson"),
                ("2322222322", "2322222322", "3322222322"),
                decision=(date(2017, 6, 19), Organisation.DecisionKind.CEMR),
            ),
            _Member(
                "1060",
                _people("Sofia Rydén", "Björn Axelsson", "Anna Lindqvist"),
                ("1122222221", "1222222221", "2222222221"),
                willing_to_mentor=True,
                decision=(date(2018, 3, 26), Organisation.DecisionKind.COUNCIL),
            ),
            _Member(
                "1256",
                _people("Birgitta Olsson", "Göran Nilsson", "Leila Karimi"),
                ("1112222211", "1122222211", "2222222211"),
                willing_to_mentor=True,
                mentor_capacity=2,
                decision=(date(2018, 4, 23), Organisation.DecisionKind.BOARD),
            ),
        ),
    ),
    _Group(
        "Grupp Mälardalen",
        "Ekonomi och uppföljning",
        (
            _Member(
                "0127",
                _people("Agneta Fors", "Robert Lindahl", "Sanna Wikström"),
                ("2111111111",),
            ),
            _Member(
                "1980",
                _people("Gunilla Westin", "Per Hellström", "Maria Falk"),
                ("1222222211", "1222222211", "2222222211"),
            ),
        ),
    ),
    _Group(
        "Grupp Södertälje–Kalmar",
        "Folkhälsa och social hållbarhet",
        (
            _Member(
                "0181",
                _people("Mats Engberg", "Charlotte Norén", "David Berg"),
                ("2122221111", "2222221111", "3222221111"),
            ),
            _Member(
                "0880",
                _people("Marie Lindholm", "Ola Sundberg", "Josefin Palm"),
                ("2112222111", "2212222111", "3222222111"),
            ),
        ),
    ),
    _Group(
        "Grupp Bergslagen",
        "Styrning och ledning",
        (
            _Member(
                "1982",
                _people("Åsa Karlsson", "Stefan Jönsson", "Maja Gustafsson"),
                ("3222211111", "3222211111", "3222211111"),
            ),
            _Member(
                "1882",
                _people("Ulf Håkansson", "Lisa Mattsson", "Emil Svensson"),
                ("2111111111",),
            ),
        ),
    ),
    _Group(
        "Grupp Västerbotten–Västernorrland",
        "Kvalitet i äldreomsorgen",
        (
            _Member(
                "2401",
                _people("Gunnel Strand", "Patrik Nyström", "Therese Åström"),
                ("2122222111", "2222222111", "3222222111"),
            ),
            _Member(
                "2284",
                _people("Bertil Sjödin", "Camilla Näslund", "Oskar Lidström"),
                ("2112222111", "2212222111", "3222222111"),
                willing_to_mentor=True,
            ),
            _Member(
                "2409",
                _people("Irene Marklund", "Tomas Burman", "Frida Lundberg"),
                ("2222222111", "3222222111", "3222222111"),
            ),
        ),
    ),
    _Group(
        "Grupp Norrbotten",
        "Ekonomi och uppföljning",
        (
            _Member(
                "2514",
                _people("Roger Lantto", "Anneli Henriksson", "Sofie Wiklund"),
                ("2112221122", "2212221122", "3212221122"),
            ),
            _Member(
                "2518",
                _people("Eino Keinänen", "Marita Isaksson", "Linda Mäkitalo"),
                ("1111221133", "1212221133", "2212221133"),
            ),
        ),
    ),
)
# Table 1's mentors: "Kristianstad med stöd av Malmö", Uppsala, Norrtälje, Hedemora, "Vännäs,
# med stöd av Umeå", "Boden och Luleå med stöd av Piteå".
EARLIER_MENTORS = (
    _Mentor("1290", "Grupp Skåne–Blekinge", True, (("Helena Roos", S),)),
    _Mentor("1280", "Grupp Skåne–Blekinge", False, (("Johan Alm", S),)),
    _Mentor("0380", "Grupp Mälardalen", True, (("Eva Sandström", S),)),
    _Mentor("0188", "Grupp Södertälje–Kalmar", True, (("Katarina Löfgren", S),)),
    _Mentor("2083", "Grupp Bergslagen", True, (("Mikael Ståhl", S),)),
    _Mentor("2460", "Grupp Västerbotten–Västernorrland", True, (("Jenny Holmgren", S),)),
    _Mentor("2480", "Grupp Västerbotten–Västernorrland", False, (("Ali Rahimi", S),)),
    _Mentor("2582", "Grupp Norrbotten", True, (("Karl Lindbäck", S),)),
    _Mentor("2580", "Grupp Norrbotten", False, (("Maria Niemi", S),)),
    _Mentor("2581", "Grupp Norrbotten", False, (("Per Granström", S),)),
)

# The second round: Modellkommuner 2020–2022 (seeds 001 and 002), completed. Its mentors,
# Kalmar and Örnsköldsvik, completed the round above.
SECOND_NAME = "Modellkommuner 2020–2022"
SECOND_STARTS, SECOND_ENDS = date(2020, 11, 2), date(2022, 5, 31)
SECOND_GROUPS = (
    _Group(
        "Grupp Syd och Väst",
        "Styrning och ledning",
        (
            _Member(
                "1780",
                _people("Kjell Eriksson", "Malin Wahlström", "Rebecka Olausson"),
                ("2111211111", "2211221111", "3221221211"),
                willing_to_mentor=True,
                decision=(date(2019, 9, 16), Organisation.DecisionKind.COUNCIL),
            ),
            _Member(
                "1080",
                _people("Göran Holm", "Susanne Fagerlund", "Tove Ekdahl"),
                ("2111111111", "2211211111", "3211221111"),
                decision=(date(2019, 11, 25), Organisation.DecisionKind.CEMR),
            ),
        ),
    ),
    _Group(
        "Grupp Nord och Öst",
        "Ekonomi och uppföljning",
        (
            _Member(
                "2282",
                _people("Anna-Karin Berglund", "Mattias Hägglund", "Elin Sjödin"),
                ("2211111111", "2221211111", "3222221111"),
                willing_to_mentor=True,
                decision=(date(2019, 4, 29), Organisation.DecisionKind.COUNCIL),
            ),
            _Member(
                "0187",
                _people("Malin Forsberg", "Niklas Ek", "Madeleine Sahlin"),
                ("2111111111", "2211111111", "3211211111"),
                decision=(date(2020, 3, 9), Organisation.DecisionKind.BOARD),
            ),
        ),
    ),
)
SECOND_MENTORS = (
    _Mentor("0880", "Grupp Syd och Väst", True, (("Josefin Palm", S),)),
    _Mentor("2284", "Grupp Nord och Öst", True, (("Oskar Lidström", S),)),
)


# The active round, invented: 2025-09-01 – 2027-06-30, in its second year. Learning meetings 1 and
# 2 are past and assessed by everyone; meeting 3 is coming, with one organisation's draft started.
ACTIVE_NAME = "Modellkoncept 2025–2027 (demo)"
ACTIVE_STARTS, ACTIVE_ENDS = date(2025, 9, 1), date(2027, 6, 30)
ACTIVE_GROUPS = (
    _Group(
        "Grupp Syd",
        "Folkhälsa och social hållbarhet",
        (
            _Member(
                "1081",
                (
                    ("Magnus Ekström", P),
                    ("Cecilia Nordin", C),
                    ("Sara Lindgren", S),
                    ("Johan Åberg", S),
                ),
                ("3212211111", "3222221211"),
                comments=(
                    (
                        2,
                        7,
                        "Mallen för beslutsunderlag med konsekvenser för kvinnor och män är "
                        "beslutad men används ännu inte i alla förvaltningar.",
                    ),
                ),
                decision=(date(2019, 11, 25), Organisation.DecisionKind.CEMR),
            ),
            _Member(
                "1082",
                (("Eva Holmberg", P), ("Peter Sandberg", C), ("Linnea Berglund", S)),
                ("2211111111", "3211211111"),
                decision=(date(2024, 4, 29), Organisation.DecisionKind.COUNCIL),
            ),
            _Member(
                "1083",
                (("Henrik Malmberg", P), ("Maria Sjöberg", C), ("Elin Fransson", S)),
                ("3111121111", "3121221111"),
                decision=(date(2024, 9, 16), Organisation.DecisionKind.BOARD),
            ),
        ),
    ),
    _Group(
        "Grupp Mitt",
        "Styrning och ledning",
        (
            _Member(
                "0484",
                (
                    ("Ingrid Wallin", P),
                    ("Thomas Blom", C),
                    ("Fatima Hassan", S),
                    ("Nils Engström", Function.STATISTICIAN),
                ),
                ("3322222111", "3323212211"),
                comments=(
                    (
                        2,
                        6,
                        "Fler förvaltningar var med i skattningen den här gången; flera "
                        "verksamhetssystem kan ännu inte ta fram könsuppdelad statistik.",
                    ),
                ),
                decision=(date(2018, 6, 18), Organisation.DecisionKind.CEMR),
            ),
            _Member(
                "0480",
                (
                    ("Anders Lund", P),
                    ("Helena Björk", C),
                    ("Amanda Ek", S),
                    ("Sofia Lind", Function.COMMUNICATOR),
                ),
                ("2111111111", "2211211111"),
                decision=(date(2024, 12, 10), Organisation.DecisionKind.COUNCIL),
            ),
        ),
    ),
    _Group(
        "Grupp Norr",
        "Ekonomi och uppföljning",
        (
            _Member(
                "2180",
                (
                    ("Kristina Dahl", P),
                    ("Mikael Hedlund", C),
                    ("Jonas Viklund", S),
                    ("Emma Söderberg", Function.CONTROLLER),
                ),
                ("3222212111", "3222222211"),
                decision=(date(2021, 2, 22), Organisation.DecisionKind.CEMR),
            ),
            _Member(
                "2281",
                (
                    ("Lena Forsgren", P),
                    ("Erik Norberg", C),
                    ("Hanna Lundström", S),
                    ("Daniel Öberg", Function.ECONOMIST),
                ),
                ("3211111111", "3221211111"),
                decision=(date(2024, 5, 27), Organisation.DecisionKind.COUNCIL),
            ),
        ),
    ),
)
# "Olofström med stöd av Östra Göinge", Karlstad and Kramfors: each completed a documented round
# above and was willing to mentor.
ACTIVE_MENTORS = (
    _Mentor("1060", "Grupp Syd", True, (("Anna Lindqvist", S), ("Björn Axelsson", C))),
    _Mentor("1256", "Grupp Syd", False, (("Leila Karimi", S),), capacity=2),
    _Mentor("1780", "Grupp Mitt", True, (("Rebecka Olausson", S),)),
    _Mentor("2282", "Grupp Norr", True, (("Elin Sjödin", S),)),
)
# Ronneby's strategist has started on the checklist before learning meeting 3.
ACTIVE_DRAFT = ("1081", "Sara Lindgren", "322222")
# Invented fees, in whole kronor, set for each organisation as SKR does (seed 001), and whether
# they are invoiced.
ACTIVE_FEES = {
    "1081": (60000, True),
    "1082": (45000, True),
    "1083": (35000, False),
    "0484": (75000, True),
    "0480": (60000, False),
    "2180": (75000, True),
    "2281": (75000, False),
}
# Who did not come: (person, meeting key).
ACTIVE_ABSENCES = {
    ("Lena Forsgren", "learning-meeting-2-grupp-norr"),
    ("Anders Lund", "learning-meeting-1-grupp-mitt"),
    ("Peter Sandberg", "startup-conference"),
}
ACTIVE_IMPROVEMENT_WORKS = (
    (
        "1081",
        "Jämställd biståndsbedömning i hemtjänsten",
        "Kartlägga beviljade hemtjänsttimmar för kvinnor och män med likartade behov och pröva "
        "en gemensam checklista för handläggarna.",
        ImprovementWork.Phase.DO,
        ImprovementWork.ChainStep.WAY_OF_WORKING,
        ImprovementWork.Level.COMMITTEE,
        "learning-meeting-1-grupp-syd",
    ),
    (
        "1082",
        "Könsuppdelad statistik i nämndernas verksamhetsberättelser",
        "All individbaserad statistik i verksamhetsberättelserna ska redovisas och kommenteras "
        "per kön från och med bokslutet 2026.",
        ImprovementWork.Phase.PLAN,
        ImprovementWork.ChainStep.PRODUCT,
        ImprovementWork.Level.ORGANISATION,
        "learning-meeting-2-grupp-syd",
    ),
    (
        "0484",
        "Jämställdhetsanalys i budgetprocessen",
        "Nämnderna beskriver i budgetunderlagen hur föreslagna förändringar påverkar kvinnor "
        "och män; första uppföljningen görs efter budgetdialogen.",
        ImprovementWork.Phase.STUDY,
        ImprovementWork.ChainStep.PRODUCT,
        ImprovementWork.Level.ORGANISATION,
        "learning-meeting-1-grupp-mitt",
    ),
    (
        "2180",
        "Jämställd fördelning av föreningsbidrag",
        "Bidragen till idrotts- och fritidsföreningar följs upp per kön; reglerna ändrades "
        "inför 2026 så att fler flickor nås.",
        ImprovementWork.Phase.ACT,
        ImprovementWork.ChainStep.OUTCOME,
        ImprovementWork.Level.COMMITTEE,
        "learning-meeting-1-grupp-norr",
    ),
)

# The result reports of year one of the active round, submitted after its first year:
# (organisation code, strategist, aims, organisation of the work, results as (place on the
# result chain, text, title of its improvement work or None), lessons, advice, willing to
# mentor, submitted on). The others had not reported when the demo's day came.
ACTIVE_RESULT_REPORTS_DUE = {1: date(2026, 8, 31), 2: date(2027, 5, 31)}
ACTIVE_RESULT_REPORTS = (
    (
        "1081",
        "Sara Lindgren",
        "Att jämställdhetsperspektivet syns i styrningen av äldreomsorgen.",
        "En styrgrupp med kommundirektören och socialchefen; kommunstyrelsen beslutade om "
        "arbetet i oktober 2025 och följer det i årsredovisningen.",
        (
            (
                ImprovementWork.ChainStep.WAY_OF_WORKING,
                "Handläggarna använder en gemensam checklista vid biståndsbedömning.",
                "Jämställd biståndsbedömning i hemtjänsten",
            ),
            (
                ImprovementWork.ChainStep.ACTIVITY,
                "Alla chefer i socialförvaltningen har gått en halvdagsutbildning.",
                None,
            ),
        ),
        "Förankra arbetet hos cheferna innan handläggarna får nya rutiner.",
        "Börja med statistik ni redan har och gör den könsuppdelad.",
        True,
        date(2026, 8, 25),
    ),
    (
        "0484",
        "Fatima Hassan",
        "Att nämndernas budgetunderlag beskriver konsekvenser för kvinnor och män.",
        "Ekonomikontoret och strategen arbetar tillsammans; arbetet är förankrat i "
        "budgetdirektiven.",
        (
            (
                ImprovementWork.ChainStep.PRODUCT,
                "Budgetdirektiven kräver en jämställdhetsanalys av varje förändring.",
                "Jämställdhetsanalys i budgetprocessen",
            ),
        ),
        "Det tar tid att ändra en process som bara går en gång om året.",
        "Ta med ekonomerna från början.",
        False,
        date(2026, 8, 30),
    ),
)
# How the organisations share their work: Trelleborg with its group (learning meeting 2
# compares improvement work), Umeå with the whole programme, approved for the library of good
# examples after the meeting it started at.
ACTIVE_SHARING = {
    "1080": ImprovementWork.Sharing.GROUP,
    "2180": ImprovementWork.Sharing.PROGRAMME,
}

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
                    people[member.code][name] for name, function in member.people if function == S
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
    groups = EARLIER_GROUPS + SECOND_GROUPS + ACTIVE_GROUPS
    codes = {m.code for g in groups for m in g.members}
    codes |= {m.code for m in EARLIER_MENTORS + SECOND_MENTORS + ACTIVE_MENTORS}
    builder = _Builder({o.code: o for o in Organisation.objects.filter(code__in=codes)})
    builder.person(PROJECT_LEADER_NAME, is_project_leader=True)
    _create_earlier_round(builder)
    _create_second_round(builder)
    _create_active_round(builder)
    return DemoResult(
        organisations_created=loaded.created,
        people_created=builder.people_created,
        people_reused=tuple(builder.people_reused),
    )


def _create_earlier_round(builder: _Builder) -> Round:
    """Modellkommuner 2019–2020: one year, three learning meetings, two withdrawals."""
    deadline, decision_by = EARLIER_CALL
    round_ = round_services.round_create(
        name=EARLIER_NAME,
        slug=EARLIER_SLUG,
        kind=Round.Kind.MUNICIPAL,
        starts_on=EARLIER_STARTS,
        ends_on=EARLIER_ENDS,
        current_year=Round.Year.ONE,
        application_deadline=deadline,
        decision_by=decision_by,
        description=(
            "Tredje omgången av Modellkommuner: ett år med gemensam uppstart, tre "
            "benchmarkingträffar och en avslutande resultatkonferens (SKR:s rapport "
            "Modellkommuner och Modellregioner 2018–2020). Poängen i demon är konstruerade."
        ),
    )
    participations, group_rows, people = builder.enrol(round_, EARLIER_GROUPS, EARLIER_MENTORS)
    round_ = round_services.round_activate(round=round_)
    round_services.meeting_create(
        round=round_,
        kind=Meeting.Kind.STARTUP_CONFERENCE,
        title="Gemensam uppstart",
        place="Stockholm",
        **_span(EARLIER_STARTS, time(9, 30), time(16)),
    )
    withdrawn = {code for code, _on, _reason in EARLIER_WITHDRAWALS}
    meetings = builder.learning_meetings(
        round_, group_rows, EARLIER_GROUPS, weeks=(9, 30, 42), withdrawn=withdrawn
    )
    builder.assess(EARLIER_GROUPS, participations, people, meetings)
    round_services.meeting_create(
        round=round_,
        kind=Meeting.Kind.RESULT_CONFERENCE,
        title="Resultatkonferens",
        place=SKR_PLACE,
        **_span(_day(round_.ends_on - timedelta(weeks=3), 0, THURSDAY), time(9, 30), time(16)),
    )
    for code, on, reason in EARLIER_WITHDRAWALS:
        participant_services.participation_withdraw(
            participation=participations[code], on=on, reason=reason
        )
    # Completing gives every participant that stayed a completed_on: the pool of mentors.
    return round_services.round_complete(round=round_, on=round_.ends_on)


def _create_second_round(builder: _Builder) -> Round:
    """Modellkommuner 2020–2022: two years, mentored by two municipalities of 2019–2020."""
    round_ = round_services.round_create(
        name=SECOND_NAME,
        slug=SECOND_SLUG,
        kind=Round.Kind.MUNICIPAL,
        starts_on=SECOND_STARTS,
        ends_on=SECOND_ENDS,
        current_year=Round.Year.TWO,
        description=(
            "Omgången november 2020 – maj 2022 med Karlstad, Karlskrona, Kramfors och Vaxholm, "
            "med Kalmar och Örnsköldsvik som mentorer. Grupperna, dagarna och poängen i demon "
            "är påhittade."
        ),
    )
    participations, group_rows, people = builder.enrol(round_, SECOND_GROUPS, SECOND_MENTORS)
    round_ = round_services.round_activate(round=round_)
    round_services.meeting_create(
        round=round_,
        kind=Meeting.Kind.STARTUP_CONFERENCE,
        title="Uppstartskonferens",
        place="Digitalt",
        online_url=f"{ONLINE}/2020-uppstart",
        **_span(_day(round_.starts_on, 2, THURSDAY), time(9, 30), time(15, 30)),
    )
    meetings = builder.learning_meetings(round_, group_rows, SECOND_GROUPS, weeks=(10, 40, 70))
    builder.assess(SECOND_GROUPS, participations, people, meetings)
    round_services.meeting_create(
        round=round_,
        kind=Meeting.Kind.RESULT_CONFERENCE,
        title="Resultatkonferens",
        place=SKR_PLACE,
        **_span(_day(round_.ends_on - timedelta(weeks=3), 0, THURSDAY), time(9, 30), time(16)),
    )
    return round_services.round_complete(round=round_, on=round_.ends_on)


def _create_active_round(builder: _Builder) -> Round:
    round_ = round_services.round_create(
        name=ACTIVE_NAME,
        slug=ACTIVE_SLUG,
        kind=Round.Kind.MUNICIPAL,
        starts_on=ACTIVE_STARTS,
        ends_on=ACTIVE_ENDS,
        current_year=Round.Year.TWO,
        description=(
            "En påhittad omgång för att visa webbplatsen (demodata): tvåårig omgång för "
            "kommuner. År ett: koncernövergripande styrning och ledning; år två: "
            "jämställdhetsintegrering i nämnd och förvaltning."
        ),
    )
    participations, group_rows, people = builder.enrol(round_, ACTIVE_GROUPS, ACTIVE_MENTORS)
    participant_services.participation_fees_set(
        round=round_,
        fees={participations[code].pk: fee for code, fee in ACTIVE_FEES.items()},
    )
    round_ = round_services.round_activate(round=round_)
    start = round_.starts_on

    def round_meeting(kind, title, day, hours, number=None, place="", online=""):
        return round_services.meeting_create(
            round=round_,
            kind=kind,
            number=number,
            title=title,
            place=place,
            online_url=f"{ONLINE}/{online}" if online else "",
            **_span(day, *hours),
        )

    online_hours, conference_hours = (time(13), time(15)), (time(9, 30), time(16))
    round_meeting(
        Meeting.Kind.WEB_TRAINING,
        "Webbutbildning inför start",
        _day(start, 2, TUESDAY),
        (time(9), time(11)),
        place="Digitalt",
        online="webbutbildning",
    )
    startup = round_meeting(
        Meeting.Kind.STARTUP_CONFERENCE,
        "Uppstartskonferens",
        _day(start, 5, THURSDAY),
        conference_hours,
        place=SKR_PLACE,
    )
    for number, week in enumerate((9, 24, 65), start=1):
        round_meeting(
            Meeting.Kind.STRATEGIST_MEETING,
            f"Strategträff {number}",
            _day(start, week, TUESDAY),
            online_hours,
            number=number,
            place="Digitalt",
            online=f"strategtraff-{number}",
        )
    meetings = builder.learning_meetings(round_, group_rows, ACTIVE_GROUPS, weeks=(11, 27, 67))
    round_meeting(
        Meeting.Kind.MIDTERM_CONFERENCE,
        "Halvtidskonferens",
        _day(start, 38, THURSDAY),
        conference_hours,
        place=SKR_PLACE,
    )
    round_meeting(
        Meeting.Kind.SEMINAR,
        "Fördjupningsseminarium: jämställdhetsintegrering i nämnd och förvaltning",
        _day(start, 56, TUESDAY),
        (time(9), time(12)),
        number=1,
        place="Digitalt",
        online="seminarium-namnd-forvaltning",
    )
    round_meeting(
        Meeting.Kind.RESULT_CONFERENCE,
        "Resultatkonferens",
        _day(round_.ends_on - timedelta(weeks=3), 0, THURSDAY),
        conference_hours,
        place=SKR_PLACE,
    )
    builder.assess(ACTIVE_GROUPS, participations, people, meetings)

    code, name, scores = ACTIVE_DRAFT
    group_name = next(g.name for g in ACTIVE_GROUPS if any(m.code == code for m in g.members))
    meeting = meetings[group_name, 3]
    # A draft, recorded as such: the demo must load whatever today's date is.
    checklist_services.assessment_record(
        participation=participations[code],
        meeting=meeting,
        scores=_scores(scores),
        submitted_at=None,
        by=people[code][name],
    )

    _record_attendance(startup, ACTIVE_GROUPS, participations, people, meetings, group_rows)
    for code, title, description, phase, chain_step, level, meeting_key in ACTIVE_IMPROVEMENT_WORKS:
        origin = round_.meetings.get(key=meeting_key)
        work = participant_services.improvement_work_create(
            participation=participations[code],
            title=title,
            description=description,
            phase=phase,
            chain_step=chain_step,
            level=level,
            origin_meeting=origin,
        )
        if code in ACTIVE_SHARING:
            work = participant_services.improvement_work_share(
                work=work, sharing=ACTIVE_SHARING[code]
            )
        if work.sharing == ImprovementWork.Sharing.PROGRAMME:
            participant_services.improvement_work_approve(
                work=work, on=timezone.localdate(origin.ends_at)
            )
    _record_result_reports(round_, participations, people)
    return round_


def _record_result_reports(round_: Round, participations, people) -> None:
    """The due dates of the active round's result reports and the reports of year one."""
    for year, due_on in ACTIVE_RESULT_REPORTS_DUE.items():
        result_reports.result_report_due_set(round=round_, year=year, due_on=due_on)
    for entry in ACTIVE_RESULT_REPORTS:
        code, name, aims, work, results, lessons, advice, willing, submitted_on = entry
        participation = participations[code]
        titles = dict(
            ImprovementWork.objects.filter(participation=participation).values_list("title", "pk")
        )
        result_reports.result_report_record(
            participation=participation,
            year=1,
            texts={
                "aims": aims,
                "organisation_of_work": work,
                "lessons": lessons,
                "advice": advice,
            },
            results=[
                {"chain_step": step, "text": text, "work": titles.get(title)}
                for step, text, title in results
            ],
            willing_to_mentor=willing,
            submitted_at=datetime.combine(submitted_on, time(14), tzinfo=STOCKHOLM),
            by=people[code][name],
        )


def _record_attendance(startup, groups, participations, people, meetings, group_rows) -> None:
    """Who came to the start-up conference and the past learning meetings (1 and 2); the
    primary mentor's people came to their group's learning meetings too."""

    def record(meeting, code):
        for name, person in people[code].items():
            round_services.attendance_record(
                meeting=meeting,
                participation=participations[code],
                person=person,
                attended=(name, meeting.key) not in ACTIVE_ABSENCES,
            )

    for spec in groups:
        for member in spec.members:
            record(startup, member.code)
    for spec in groups:
        primary = group_rows[spec.name].mentorships.get(is_primary=True)
        mentor_code = primary.participation.organisation.code
        for number in (1, 2):
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
