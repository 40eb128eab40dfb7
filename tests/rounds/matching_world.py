"""Builders and fixtures for the matching tests (selectors, commands, pages).

Everything is built through the services, with Sweden's real municipalities and regions from
`data/sweden_orgs.csv`, so the distances are real ones. Distances are computed here with a
haversine of our own, independent of `rounds.matching`.

The pool of possible mentors (`pool`), for a round that starts on 2024-01-01:

    Modellkommuner 2019 (completed)  Helsingborg (not willing), Eslöv (willing)
    Modellkommuner 2021 (completed)  Lund, Luleå, Helsingborg (willing), Kristianstad and
                                     Eslöv (not willing), Stockholm (willing, but withdrew)
    Modellregioner 2021 (completed)  Region Skåne, Region Norrbotten (willing)
    Modellkommuner 2026 (completed)  Landskrona (willing), a round that starts later

so the candidates are Helsingborg, Lund, Luleå, Region Skåne and Region Norrbotten. The current
municipal round (`mw`) has the groups Söderslätt (Malmö, Trelleborg, Ystad) and Tornedalen
(Piteå, Boden, Kalix): Lund is nearest to the first, Luleå to the second.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from checklist import services as checklist_services
from participants.models import Organisation, Participation
from participants.services import (
    REFERENCE_FILE,
    function_assign,
    organisations_load,
    participation_add,
    participation_withdraw,
)
from rounds.models import BenchmarkingGroup, Meeting, Round
from rounds.services import (
    group_create,
    meeting_create,
    mentor_set,
    round_activate,
    round_complete,
    round_create,
)
from tests.accounts.factories import ProjectLeaderFactory, UserFactory

EARTH_RADIUS_KM = 6371.0088

MALMO, LUND, LANDSKRONA, HELSINGBORG, ESLOV = "1280", "1281", "1282", "1283", "1285"
YSTAD, TRELLEBORG, KRISTIANSTAD, SIMRISHAMN, ANGELHOLM = "1286", "1287", "1290", "1291", "1292"
KALIX, LULEA, PITEA, BODEN = "2514", "2580", "2581", "2582"
STOCKHOLM, SODERTALJE, NORRTALJE = "0180", "0181", "0188"
REGION_STOCKHOLM, REGION_BLEKINGE, REGION_SKANE, REGION_HALLAND = "01", "10", "12", "13"
VASTRA_GOTALAND, REGION_VASTERBOTTEN, REGION_NORRBOTTEN = "14", "24", "25"

KIRUNA, REGION_UPPSALA, REGION_SORMLAND, REGION_OSTERGOTLAND = "2584", "03", "04", "05"

CANDIDATES = {HELSINGBORG, LUND, LULEA, REGION_SKANE, REGION_NORRBOTTEN}


# Distances, computed independently of the application.


def km(a: Organisation, b: Organisation) -> float:
    """Great-circle distance between two organisations (haversine, R = 6371.0088 km)."""
    lat1, lon1, lat2, lon2 = (
        math.radians(float(v)) for v in (a.latitude, a.longitude, b.latitude, b.longitude)
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def mentor_km(mentor: Organisation, members: Iterable[Organisation]) -> float:
    """The mentor's distance to a group: the mean of its distances to the members."""
    members = list(members)
    return sum(km(mentor, m) for m in members) / len(members)


def group_km(members: Sequence[Organisation]) -> float:
    """A group's cost: the sum of its pairwise distances."""
    return sum(km(a, b) for a, b in itertools.combinations(members, 2))


def kind_allows(members: Iterable[Organisation], mentor: Organisation) -> bool:
    """Our own reading of the kind rule: all-region groups get regions, groups without a
    region get non-regions, groups with both get either."""
    regions = {m.kind == Organisation.Kind.REGION for m in members}
    return len(regions) == 2 or (mentor.kind == Organisation.Kind.REGION) in regions


def brute_force_mentors(
    groups: dict[str, list[Organisation]],
    candidates: dict[Organisation, int],
    allowed: Callable[[list[Organisation], Organisation], bool] = kind_allows,
) -> tuple[int, float]:
    """(most groups that can get a mentor, least total distance among such assignments), by
    trying every assignment that respects the capacities and the kind rule."""
    names = sorted(groups)
    best = (0, 0.0)

    def walk(i: int, left: dict[Organisation, int], matched: int, total: float) -> None:
        nonlocal best
        if i == len(names):
            if matched > best[0] or (matched == best[0] and total < best[1]):
                best = (matched, total)
            return
        walk(i + 1, left, matched, total)
        members = groups[names[i]]
        for mentor, capacity in left.items():
            if capacity and allowed(members, mentor):
                walk(
                    i + 1,
                    {**left, mentor: capacity - 1},
                    matched + 1,
                    total + mentor_km(mentor, members),
                )

    walk(0, dict(candidates), 0, 0.0)
    return best


def brute_force_groups(
    organisations: Sequence[Organisation], together: Sequence[set[str]] = ()
) -> float:
    """The least sum of pairwise distances over all partitions into groups of two or three
    in which each set of codes in `together` stays within one group."""
    best = math.inf

    def keeps(block: set[str]) -> bool:
        return all(seed <= block or not (seed & block) for seed in together)

    def walk(rest: list[Organisation], total: float) -> None:
        nonlocal best
        if total >= best:
            return
        if not rest:
            best = total
            return
        first, others = rest[0], rest[1:]
        for k in (1, 2):
            for partners in itertools.combinations(others, k):
                block = [first, *partners]
                if keeps({o.code for o in block}):
                    walk([o for o in others if o not in partners], total + group_km(block))

    walk(list(organisations), 0.0)
    return best


# Building rounds through the services.


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def completed_round(
    *,
    name: str,
    year: int,
    kind: str = Round.Kind.MUNICIPAL,
    willing: Iterable[str] = (),
    unwilling: Iterable[str] = (),
    withdrawn: Iterable[str] = (),
) -> Round:
    """A two-year round from `year`, run and completed: the withdrawn left half-way."""
    round_ = round_create(
        name=name,
        kind=kind,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year + 1, 12, 31),
    )
    for code in willing:
        participation_add(round=round_, organisation=org(code), willing_to_mentor=True)
    for code in unwilling:
        participation_add(round=round_, organisation=org(code), willing_to_mentor=False)
    leaving = [
        participation_add(round=round_, organisation=org(code), willing_to_mentor=True)
        for code in withdrawn
    ]
    round_activate(round=round_)
    for participation in leaving:
        participation_withdraw(
            participation=participation, on=dt.date(year, 6, 30), reason="Omorganisation"
        )
    return round_complete(round=round_)


def enrol(round_: Round, *codes: str, role: str = Participation.Role.PARTICIPANT):
    return [participation_add(round=round_, organisation=org(c), role=role) for c in codes]


def add_group(round_: Round, name: str, codes: Iterable[str]) -> BenchmarkingGroup:
    """Enrol the organisations (if need be) and form them into a group."""
    members = []
    for code in codes:
        existing = Participation.objects.filter(round=round_, organisation__code=code).first()
        members.append(existing or participation_add(round=round_, organisation=org(code)))
    return group_create(round=round_, name=name, members=members)


def current_round(
    *,
    groups: dict[str, Iterable[str]],
    kind: str = Round.Kind.MUNICIPAL,
    name: str = "Modellkommuner 2024",
    slug: str = "",
    year: int = 2024,
) -> SimpleNamespace:
    round_ = round_create(
        name=name,
        slug=slug,
        kind=kind,
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year + 1, 12, 31),
    )
    round_ = round_activate(round=round_)
    made = {
        group_name: add_group(round_, group_name, codes) for group_name, codes in groups.items()
    }
    return SimpleNamespace(round=round_, groups=made)


def participation(round_: Round, code: str) -> Participation:
    return Participation.objects.get(round=round_, organisation__code=code)


def members_of(group: BenchmarkingGroup) -> list[Organisation]:
    return [p.organisation for p in group.members.select_related("organisation")]


# Fixtures.


_extract: list[Path] = []


def _reference_extract(tmp_path_factory) -> Path:
    """The lines of the reference file for the organisations these tests use, written once:
    loading all 311 through the service validates each one and would take most of the time."""
    if not _extract:
        wanted = {
            value
            for name, value in globals().items()
            if name.isupper() and isinstance(value, str) and value.isdigit()
        }
        lines = REFERENCE_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
        path = tmp_path_factory.mktemp("reference") / "sweden_orgs.csv"
        path.write_text(
            lines[0] + "".join(line for line in lines[1:] if line.split(",")[0] in wanted),
            encoding="utf-8",
        )
        _extract.append(path)
    return _extract[0]


def load_sweden(path: Path) -> None:
    """Load the reference file's lines at `path` (an extract: `_reference_extract`)."""
    result = organisations_load(path=path)
    assert result.created == len(path.read_text(encoding="utf-8").splitlines()) - 1


def build_pool() -> SimpleNamespace:
    """The earlier rounds; see the module's docstring (after `load_sweden`)."""
    return SimpleNamespace(
        mk2019=completed_round(
            name="Modellkommuner 2019", year=2019, unwilling=[HELSINGBORG], willing=[ESLOV]
        ),
        mk2021=completed_round(
            name="Modellkommuner 2021",
            year=2021,
            willing=[LUND, LULEA, HELSINGBORG],
            unwilling=[KRISTIANSTAD, ESLOV],
            withdrawn=[STOCKHOLM],
        ),
        mr2021=completed_round(
            name="Modellregioner 2021",
            year=2021,
            kind=Round.Kind.REGIONAL,
            willing=[REGION_SKANE, REGION_NORRBOTTEN],
        ),
        mk2026=completed_round(name="Modellkommuner 2026", year=2026, willing=[LANDSKRONA]),
    )


def build_mw(pool: SimpleNamespace) -> SimpleNamespace:
    """The current municipal round with the groups Söderslätt and Tornedalen."""
    world = current_round(
        slug="mk-2024",
        groups={"Söderslätt": [MALMO, TRELLEBORG, YSTAD], "Tornedalen": [PITEA, BODEN, KALIX]},
    )
    world.pool = pool
    world.sod = world.groups["Söderslätt"]
    world.tor = world.groups["Tornedalen"]
    return world


@pytest.fixture(name="sweden")
def sweden_fixture(db, tmp_path_factory):
    """Sweden's municipalities and regions that the tests use, with their coordinates."""
    load_sweden(_reference_extract(tmp_path_factory))


@pytest.fixture(name="pool")
def pool_fixture(sweden):
    """The earlier rounds; see the module's docstring."""
    return build_pool()


@pytest.fixture(name="mw")
def mw_fixture(pool):
    """The current municipal round with the groups Söderslätt and Tornedalen."""
    return build_mw(pool)


def _person(participation: Participation, email: str, name: str, function: str = "strateg"):
    person = UserFactory(email=email, full_name=name)
    function_assign(participation=participation, person=person, function=function)
    return person


@pytest.fixture(name="people")
def people_fixture(mw):
    """A project leader; Malmö's strategist; Lund, the mentor of Söderslätt, with a person;
    Luleå, a mentor of the round without a group, with a person; someone from nowhere."""
    mentor_set(group=mw.sod, organisation=org(LUND))
    lulea = participation_add(
        round=mw.round, organisation=org(LULEA), role=Participation.Role.MENTOR
    )
    return SimpleNamespace(
        leader=ProjectLeaderFactory(email="pl@skr.se", full_name="Pia Projektledare"),
        strategist=_person(participation(mw.round, MALMO), "strateg@malmo.se", "Mia Malmström"),
        mentor=_person(participation(mw.round, LUND), "mentor@lund.se", "Lars Lundin"),
        idle_mentor=_person(lulea, "mentor@lulea.se", "Lena Luleå"),
        outsider=UserFactory(email="utanfor@example.se", full_name="Ulf Utanför"),
    )


def future(days: int, hours: int = 0) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days, hours=hours)


def learning_meeting(round_: Round, group: BenchmarkingGroup | None, title: str, days: int, **kw):
    return meeting_create(
        round=round_,
        group=group,
        kind=Meeting.Kind.LEARNING_MEETING,
        title=title,
        starts_at=future(days),
        ends_at=future(days, 6),
        assessment_due=True,
        **kw,
    )


def assess(
    participation_: Participation, meeting: Meeting, scores: dict[int, int], by, submit=True
):
    """An assessment with every item scored (2 unless `scores` says otherwise)."""
    participation_.refresh_from_db()
    assessment = checklist_services.assessment_start(participation=participation_, meeting=meeting)
    checklist_services.assessment_save(
        assessment=assessment, scores={n: scores.get(n, 2) for n in range(1, 11)}, by=by
    )
    if submit:
        assessment = checklist_services.assessment_submit(assessment=assessment, by=by)
    return assessment
