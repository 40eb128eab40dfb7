"""Matching, as the project leader sees it: who may mentor, the mentor and group proposals,
locked pairs, and the mentor pool. State is built through the services on Sweden's real
organisations (see `tests/rounds/matching_world.py`); distances are checked against a haversine
of our own, and optimality against brute force."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import translation

from modellkoncept.errors import DomainError
from participants.models import Organisation, Participation
from participants.services import organisation_create, participation_add, participation_withdraw
from rounds.models import BenchmarkingGroup, GroupMentor, Round
from rounds.selectors import (
    group_proposal,
    mentor_candidates,
    mentor_ineligibility,
    mentor_pool,
    mentor_proposal,
)
from rounds.services import (
    group_create,
    group_place,
    group_proposal_accept,
    mentor_assign,
    mentor_lock,
    mentor_proposal_accept,
    mentor_set,
)

# The `*_fixture` names are fixtures, which pytest finds as "mw", "pool", and so on.
from tests.rounds.matching_world import (
    ANGELHOLM,
    BODEN,
    CANDIDATES,
    ESLOV,
    HELSINGBORG,
    KALIX,
    KRISTIANSTAD,
    LANDSKRONA,
    LULEA,
    LUND,
    MALMO,
    NORRTALJE,
    PITEA,
    REGION_BLEKINGE,
    REGION_HALLAND,
    REGION_NORRBOTTEN,
    REGION_SKANE,
    SIMRISHAMN,
    SODERTALJE,
    STOCKHOLM,
    TRELLEBORG,
    VASTRA_GOTALAND,
    YSTAD,
    add_group,
    brute_force_groups,
    brute_force_mentors,
    completed_round,
    current_round,
    enrol,
    group_km,
    members_of,
    mentor_km,
    mw_fixture,  # noqa: F401
    org,
    participation,
    pool_fixture,  # noqa: F401
    sweden_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; the Swedish catalogue is the translators'."""
    with translation.override("en"):
        yield


def _codes(candidates) -> set[str]:
    return {c.organisation.code for c in candidates}


def _rows(proposal) -> dict[str, object]:
    return {row.group.name: row for row in proposal.rows}


def _mentor_of(group: BenchmarkingGroup) -> tuple[str, bool] | None:
    primary = group.mentorships.filter(is_primary=True).select_related(
        "participation__organisation"
    )
    return next(((m.participation.organisation.code, m.locked) for m in primary), None)


def _saved_state():
    """Everything matching may write, to show that a refusal wrote nothing."""
    return (
        sorted(
            GroupMentor.objects.values_list(
                "group_id", "participation__organisation__code", "is_primary", "locked"
            )
        ),
        sorted(Participation.objects.values_list("round_id", "organisation__code", "role")),
        sorted(Participation.objects.values_list("organisation__code", "group_id")),
        BenchmarkingGroup.objects.count(),
    )


# Who may mentor


def test_candidates_are_the_willing_organisations_that_completed_an_earlier_round(mw):
    candidates = mentor_candidates(round=mw.round)

    assert _codes(candidates) == CANDIDATES
    by_code = {c.organisation.code: c for c in candidates}
    assert by_code[LUND].completed_on == dt.date(2022, 12, 31)
    assert by_code[REGION_SKANE].completed_on == dt.date(2022, 12, 31)
    assert {c.capacity for c in candidates} == {1}


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (KRISTIANSTAD, "Kristianstad is not willing to mentor."),
        (STOCKHOLM, "Stockholm withdrew from its round and has not completed one."),
        (LANDSKRONA, "Landskrona has not completed an earlier round."),
        (MALMO, "Malmö is a participant of this round."),
        ("2584", "Kiruna has not completed an earlier round."),
    ],
    ids=["not-willing", "withdrawn", "only-completed-a-later-round", "participant", "newcomer"],
)
def test_an_ineligible_organisation_is_no_candidate_and_cannot_be_set(mw, code, reason):
    before = _saved_state()

    assert code not in _codes(mentor_candidates(round=mw.round))
    assert mentor_ineligibility(round=mw.round, organisation=org(code)) == reason
    with pytest.raises(DomainError) as excinfo:
        mentor_set(group=mw.sod, organisation=org(code), locked=True)

    assert excinfo.value.messages == [reason]
    assert _saved_state() == before


def test_a_participant_of_this_round_is_no_candidate_even_if_it_completed_before(mw):
    enrol(mw.round, LUND)

    assert LUND not in _codes(mentor_candidates(round=mw.round))
    assert _rows(mentor_proposal(round=mw.round))["Söderslätt"].mentor.code == HELSINGBORG


def test_the_latest_completion_says_whether_an_organisation_is_willing(mw):
    # Helsingborg: unwilling in 2019, willing in 2021. Eslöv: willing in 2019, not in 2021.
    assert HELSINGBORG in _codes(mentor_candidates(round=mw.round))
    assert ESLOV not in _codes(mentor_candidates(round=mw.round))
    assert mentor_ineligibility(round=mw.round, organisation=org(ESLOV)) == (
        "Eslöv is not willing to mentor."
    )

    completed_round(name="Modellkommuner 2022", year=2022, unwilling=[HELSINGBORG])

    assert HELSINGBORG not in _codes(mentor_candidates(round=mw.round))
    assert mentor_ineligibility(round=mw.round, organisation=org(HELSINGBORG)) == (
        "Helsingborg is not willing to mentor."
    )


def test_a_completion_in_a_round_that_starts_later_does_not_count(mw):
    # Landskrona is willing, but it completed a round that starts after this one.
    assert LANDSKRONA not in _codes(mentor_candidates(round=mw.round))
    later = current_round(
        name="Modellkommuner 2028", year=2028, groups={"Väst": [MALMO, TRELLEBORG]}
    )

    assert LANDSKRONA in _codes(mentor_candidates(round=later.round))


# The kind rule


def test_a_municipal_group_never_gets_a_region_even_the_nearest(mw):
    osterlen = add_group(mw.round, "Österlen", [KRISTIANSTAD, SIMRISHAMN])
    members = members_of(osterlen)
    assert mentor_km(org(REGION_SKANE), members) < mentor_km(org(LUND), members)

    proposal = mentor_proposal(round=mw.round)

    rows = _rows(proposal)
    for row in rows.values():
        assert row.mentor.kind == Organisation.Kind.MUNICIPALITY
        assert row.runner_up.kind == Organisation.Kind.MUNICIPALITY
    # Region Norrbotten is exactly as near Tornedalen as Luleå, but may not even be runner-up.
    assert rows["Tornedalen"].runner_up.code == HELSINGBORG
    with pytest.raises(DomainError) as excinfo:
        mentor_set(group=osterlen, organisation=org(REGION_SKANE))
    (message,) = excinfo.value.messages
    assert "Region Skåne" in message
    assert "municipal" in message
    assert not osterlen.mentorships.exists()


def test_a_regional_group_never_gets_a_municipality_even_the_nearest(pool):
    world = current_round(
        kind=Round.Kind.REGIONAL,
        name="Modellregioner 2024",
        groups={"Västkusten": [REGION_HALLAND, VASTRA_GOTALAND]},
    )
    members = members_of(world.groups["Västkusten"])
    assert mentor_km(org(HELSINGBORG), members) < mentor_km(org(REGION_SKANE), members)

    (row,) = mentor_proposal(round=world.round).rows

    assert row.mentor.code == REGION_SKANE
    assert row.runner_up.code == REGION_NORRBOTTEN
    with pytest.raises(DomainError):
        mentor_set(group=world.groups["Västkusten"], organisation=org(HELSINGBORG))
    assert not GroupMentor.objects.filter(group__round=world.round).exists()


def test_the_refusal_of_a_municipality_for_a_regional_group_says_regional(pool):
    world = current_round(
        kind=Round.Kind.REGIONAL,
        name="Modellregioner 2024",
        groups={"Västkusten": [REGION_HALLAND, VASTRA_GOTALAND]},
    )

    with pytest.raises(DomainError) as excinfo:
        mentor_set(group=world.groups["Västkusten"], organisation=org(HELSINGBORG))

    (message,) = excinfo.value.messages
    assert "Helsingborg" in message
    assert "regional" in message
    assert "mixed" not in message


def test_a_mixed_group_may_get_a_region_or_a_municipality(pool):
    world = current_round(
        kind=Round.Kind.MIXED,
        name="Blandad omgång 2024",
        groups={
            "Blandad Syd": [KRISTIANSTAD, REGION_BLEKINGE],
            "Blandad Väst": [REGION_HALLAND, ANGELHOLM],
        },
    )

    rows = _rows(mentor_proposal(round=world.round))

    assert rows["Blandad Syd"].mentor.code == REGION_SKANE  # a region, the nearest
    assert rows["Blandad Väst"].mentor.code == HELSINGBORG  # a municipality, the nearest
    for name, row in rows.items():
        members = members_of(world.groups[name])
        nearest = min(
            (org(code) for code in CANDIDATES), key=lambda mentor: mentor_km(mentor, members)
        )
        assert row.mentor == nearest
    assert mentor_set(group=world.groups["Blandad Väst"], organisation=org(LUND)).locked is False


# Capacity


def test_each_mentor_takes_one_group_by_default(mw):
    add_group(mw.round, "Österlen", [KRISTIANSTAD, SIMRISHAMN])

    rows = _rows(mentor_proposal(round=mw.round))

    assert {name: row.mentor.code for name, row in rows.items()} == {
        "Söderslätt": LUND,
        "Tornedalen": LULEA,
        "Österlen": HELSINGBORG,
    }
    assert max(Counter(row.mentor.code for row in rows.values()).values()) == 1


def test_a_mentor_with_capacity_two_takes_two_groups(mw):
    add_group(mw.round, "Österlen", [KRISTIANSTAD, SIMRISHAMN])
    participation_add(
        round=mw.round,
        organisation=org(LUND),
        role=Participation.Role.MENTOR,
        mentor_capacity=2,
    )

    proposal = mentor_proposal(round=mw.round)

    assert {c.organisation.code: c.capacity for c in proposal.candidates}[LUND] == 2
    assert {name: row.mentor.code for name, row in _rows(proposal).items()} == {
        "Söderslätt": LUND,
        "Tornedalen": LULEA,
        "Österlen": LUND,
    }


@pytest.mark.parametrize("capacity", [1, 2])
def test_setting_a_mentor_by_hand_respects_its_capacity(mw, capacity):
    osterlen = add_group(mw.round, "Österlen", [KRISTIANSTAD, SIMRISHAMN])
    participation_add(
        round=mw.round,
        organisation=org(LUND),
        role=Participation.Role.MENTOR,
        mentor_capacity=capacity,
    )
    mentor_set(group=mw.sod, organisation=org(LUND))

    if capacity == 1:
        with pytest.raises(DomainError) as excinfo:
            mentor_set(group=osterlen, organisation=org(LUND))
        assert excinfo.value.messages == ["Lund already mentors as many groups as it can (1)."]
        assert _mentor_of(osterlen) is None
    else:
        mentor_set(group=osterlen, organisation=org(LUND))
        assert _mentor_of(osterlen) == (LUND, False)
        with pytest.raises(DomainError):
            mentor_set(group=mw.tor, organisation=org(LUND))
        assert _mentor_of(mw.tor) is None
    assert _mentor_of(mw.sod) == (LUND, False)


# Distances and optimality


def test_the_nearest_eligible_mentor_is_proposed_with_the_runner_up(mw):
    sod, tor = members_of(mw.sod), members_of(mw.tor)

    proposal = mentor_proposal(round=mw.round)

    rows = _rows(proposal)
    assert (rows["Söderslätt"].mentor.code, rows["Söderslätt"].runner_up.code) == (
        LUND,
        HELSINGBORG,
    )
    assert (rows["Tornedalen"].mentor.code, rows["Tornedalen"].runner_up.code) == (
        LULEA,
        HELSINGBORG,
    )
    # The distance to a group is the mean of the distances to its members.
    assert rows["Söderslätt"].distance_km == pytest.approx(mentor_km(org(LUND), sod), abs=1e-6)
    assert rows["Söderslätt"].distance_km == pytest.approx(34.4, abs=0.05)
    assert rows["Söderslätt"].runner_up_distance_km == pytest.approx(
        mentor_km(org(HELSINGBORG), sod), abs=1e-6
    )
    assert rows["Tornedalen"].distance_km == pytest.approx(mentor_km(org(LULEA), tor), abs=1e-6)
    assert proposal.total_km == pytest.approx(
        mentor_km(org(LUND), sod) + mentor_km(org(LULEA), tor), abs=1e-6
    )
    assert proposal.unmatched == []
    assert [row.current for row in proposal.rows] == [None, None]


@pytest.mark.parametrize("lund_capacity", [1, 2])
def test_the_proposal_is_as_good_as_brute_force(mw, lund_capacity):
    add_group(mw.round, "Österlen", [KRISTIANSTAD, SIMRISHAMN])
    add_group(mw.round, "Mälardalen", [SODERTALJE, NORRTALJE])
    if lund_capacity != 1:
        participation_add(
            round=mw.round,
            organisation=org(LUND),
            role=Participation.Role.MENTOR,
            mentor_capacity=lund_capacity,
        )
    groups = {g.name: members_of(g) for g in mw.round.groups.all()}
    capacities = {org(code): 1 for code in CANDIDATES} | {org(LUND): lund_capacity}

    proposal = mentor_proposal(round=mw.round)

    matched, least = brute_force_mentors(groups, capacities)
    assert len(proposal.rows) - len(proposal.unmatched) == matched
    assert proposal.total_km == pytest.approx(least, abs=1e-6)
    assert proposal.total_km == pytest.approx(
        sum(mentor_km(row.mentor, groups[row.group.name]) for row in proposal.rows if row.mentor),
        abs=1e-6,
    )
    used = Counter(row.mentor.code for row in proposal.rows if row.mentor)
    assert all(used[code] <= capacities[org(code)] for code in used)


def test_with_fewer_mentors_than_groups_as_many_as_possible_get_one(mw):
    add_group(mw.round, "Österlen", [KRISTIANSTAD, SIMRISHAMN])
    add_group(mw.round, "Mälardalen", [SODERTALJE, NORRTALJE])

    proposal = mentor_proposal(round=mw.round)

    # Three municipalities may mentor four municipal groups; the farthest group goes without.
    assert [g.name for g in proposal.unmatched] == ["Mälardalen"]
    rows = _rows(proposal)
    assert rows["Mälardalen"].mentor is None
    assert rows["Mälardalen"].distance_km is None
    assert {rows[n].mentor.code for n in ("Söderslätt", "Tornedalen", "Österlen")} == {
        LUND,
        LULEA,
        HELSINGBORG,
    }
    assert proposal.as_json()["unmatched"] == ["Mälardalen"]


def test_a_group_no_allowed_mentor_is_left_for_is_listed_without_one(pool):
    world = current_round(
        kind=Round.Kind.REGIONAL,
        name="Modellregioner 2024",
        groups={
            "Väst": [REGION_HALLAND, VASTRA_GOTALAND],
            "Öst": ["01", "03"],
            "Mitt": ["04", "05"],
        },
    )

    proposal = mentor_proposal(round=world.round)

    # Two regions are willing; three regional groups.
    assert len(proposal.unmatched) == 1
    assert sorted(row.mentor.code for row in proposal.rows if row.mentor) == [
        REGION_SKANE,
        REGION_NORRBOTTEN,
    ]


# Locked pairs


def test_a_locked_pair_stays_when_the_proposal_is_made_again(mw):
    mentor_set(group=mw.sod, organisation=org(HELSINGBORG), locked=True)

    first = mentor_proposal(round=mw.round)
    again = mentor_proposal(round=mw.round)

    for proposal in (first, again):
        rows = _rows(proposal)
        assert (rows["Söderslätt"].mentor.code, rows["Söderslätt"].locked) == (HELSINGBORG, True)
        assert rows["Söderslätt"].current.code == HELSINGBORG
        assert rows["Tornedalen"].mentor.code == LULEA
        assert proposal.total_km == pytest.approx(
            mentor_km(org(HELSINGBORG), members_of(mw.sod))
            + mentor_km(org(LULEA), members_of(mw.tor)),
            abs=1e-6,
        )

    saved = mentor_proposal_accept(round=mw.round)

    assert [m.group.name for m in saved] == ["Tornedalen"]
    assert _mentor_of(mw.sod) == (HELSINGBORG, True)
    assert _mentor_of(mw.tor) == (LULEA, False)


def test_an_unlocked_pair_gives_way_to_a_better_proposal(mw):
    mentor_set(group=mw.sod, organisation=org(HELSINGBORG), locked=True)
    mentor_lock(group=mw.sod, locked=False)

    rows = _rows(mentor_proposal(round=mw.round))

    assert (rows["Söderslätt"].current.code, rows["Söderslätt"].locked) == (HELSINGBORG, False)
    assert rows["Söderslätt"].mentor.code == LUND
    mentor_proposal_accept(round=mw.round, group_ids=[mw.sod.pk])
    assert _mentor_of(mw.sod) == (LUND, False)
    assert _mentor_of(mw.tor) is None


def test_accepting_a_re_run_proposal_moves_an_unlocked_mentor(mw):
    # Lund was set by hand for Tornedalen, unlocked; the proposal moves it to Söderslätt.
    mentor_set(group=mw.tor, organisation=org(LUND))
    rows = _rows(mentor_proposal(round=mw.round))
    assert (rows["Söderslätt"].mentor.code, rows["Tornedalen"].mentor.code) == (LUND, LULEA)

    mentor_proposal_accept(round=mw.round)

    assert _mentor_of(mw.sod) == (LUND, False)
    assert _mentor_of(mw.tor) == (LULEA, False)


def test_a_locked_mentor_that_is_no_longer_willing_is_refused_with_the_reason(mw):
    mentor_set(group=mw.sod, organisation=org(HELSINGBORG), locked=True)
    # Helsingborg completes another earlier round and says it will not mentor again.
    completed_round(name="Modellkommuner 2022", year=2022, unwilling=[HELSINGBORG])
    before = _saved_state()

    with pytest.raises(DomainError) as excinfo:
        mentor_proposal(round=mw.round)
    assert excinfo.value.messages == [
        "The locked mentor of Söderslätt cannot stay: Helsingborg is not willing to mentor."
    ]
    with pytest.raises(DomainError) as excinfo:
        mentor_proposal_accept(round=mw.round)
    assert "Helsingborg is not willing to mentor." in excinfo.value.messages[0]
    with pytest.raises(DomainError) as excinfo:
        mentor_set(group=mw.sod, organisation=org(HELSINGBORG), locked=True)
    assert excinfo.value.messages == ["Helsingborg is not willing to mentor."]
    assert _saved_state() == before


def test_a_locked_mentor_that_became_a_participant_is_refused_with_the_reason(mw):
    mentor_set(group=mw.sod, organisation=org(LUND), locked=True)
    # The services never let an organisation of the round be enrolled twice, so the change
    # that makes the mentor a participant comes from outside them (the admin, a script).
    Participation.objects.filter(round=mw.round, organisation__code=LUND).update(
        role=Participation.Role.PARTICIPANT
    )
    before = _saved_state()

    with pytest.raises(DomainError) as excinfo:
        mentor_proposal(round=mw.round)

    assert excinfo.value.messages == [
        "The locked mentor of Söderslätt cannot stay: Lund is a participant of this round."
    ]
    with pytest.raises(DomainError):
        mentor_proposal_accept(round=mw.round)
    assert _saved_state() == before


# Missing coordinates


@pytest.fixture
def federation(sweden):
    """An organisation outside the reference list, without coordinates."""
    return organisation_create(code="9001", name="Förbundet Testkommuner", kind="other")


def test_a_member_without_coordinates_stops_the_mentor_proposal(mw, federation):
    participation_add(round=mw.round, organisation=federation)
    group_place(group=mw.sod, participation=participation(mw.round, "9001"))
    before = _saved_state()

    for propose in (mentor_proposal, mentor_proposal_accept):
        with pytest.raises(DomainError) as excinfo:
            propose(round=mw.round)
        assert "Förbundet Testkommuner" in excinfo.value.messages[0]
        assert "coordinates" in excinfo.value.messages[0]
    assert _saved_state() == before


def test_a_group_placed_by_hand_around_an_organisation_without_coordinates_stays(mw, federation):
    participation_add(round=mw.round, organisation=federation)
    group_place(group=mw.sod, participation=participation(mw.round, "9001"))

    proposal = group_proposal(round=mw.round)

    assert [o.code for o in proposal.left_out] == ["9001"]
    proposed = {o.code for group in proposal.groups for o in group}
    assert not proposed & {MALMO, TRELLEBORG, YSTAD, "9001"}  # Söderslätt is left as it is


def test_a_participant_without_coordinates_is_left_out_of_the_group_proposal(mw, federation):
    participation_add(round=mw.round, organisation=federation)

    proposal = group_proposal(round=mw.round)

    assert [o.name for o in proposal.left_out] == ["Förbundet Testkommuner"]
    assert "9001" not in {o.code for group in proposal.groups for o in group}
    assert proposal.groups


def test_a_mentor_candidate_without_coordinates_stops_the_mentor_proposal(mw, federation):
    completed_round(name="Modellkommuner 2020", year=2020, willing=["9001"])
    assert "9001" in _codes(mentor_candidates(round=mw.round))

    with pytest.raises(DomainError) as excinfo:
        mentor_proposal(round=mw.round)

    assert "Förbundet Testkommuner" in excinfo.value.messages[0]


def test_a_withdrawn_participant_without_coordinates_does_not_stop_the_group_proposal(
    pool, federation
):
    world = current_round(groups={})
    enrol(world.round, MALMO, LUND, YSTAD)
    (left,) = enrol(world.round, "9001")
    participation_withdraw(participation=left, on=dt.date(2024, 3, 1), reason="Avslutat")

    proposal = group_proposal(round=world.round)

    assert [sorted(o.code for o in g) for g in proposal.groups] == [[MALMO, LUND, YSTAD]]


# The group proposal

GROUP_ROUND = [MALMO, LUND, TRELLEBORG, YSTAD, KRISTIANSTAD, LULEA, PITEA, BODEN, STOCKHOLM]


@pytest.fixture
def gw(sweden):
    """A round of ten participants (Skåne, Norrbotten, Stockholm) and one that withdrew."""
    world = current_round(groups={}, slug="mk-2024")
    enrol(world.round, *GROUP_ROUND, SODERTALJE)
    (kalix,) = enrol(world.round, KALIX)
    participation_withdraw(participation=kalix, on=dt.date(2024, 3, 1), reason="Avslutat")
    world.active = [org(c) for c in [*GROUP_ROUND, SODERTALJE]]
    return world


def _check_partition(proposal, organisations):
    codes = [o.code for group in proposal.groups for o in group]
    assert sorted(codes) == sorted(o.code for o in organisations)  # all, each once
    assert {len(group) for group in proposal.groups} <= {2, 3}
    assert proposal.total_km == pytest.approx(
        sum(group_km(group) for group in proposal.groups), abs=1e-6
    )


def test_the_group_proposal_places_everyone_at_the_least_total_distance(gw):
    proposal = group_proposal(round=gw.round)

    _check_partition(proposal, gw.active)
    assert KALIX not in {o.code for group in proposal.groups for o in group}
    assert proposal.exact is True
    assert proposal.total_km == pytest.approx(brute_force_groups(gw.active), abs=1e-6)
    assert proposal.existing == {}
    assert {frozenset(o.code for o in g) for g in proposal.groups} >= {
        frozenset({LULEA, PITEA, BODEN}),
        frozenset({STOCKHOLM, SODERTALJE}),
    }


def test_organisations_already_placed_stay_together(gw):
    # The project leader put Malmö and Luleå together, far apart as they are.
    placed = group_create(
        round=gw.round,
        name="Handplockad",
        members=[participation(gw.round, MALMO), participation(gw.round, LULEA)],
    )

    proposal = group_proposal(round=gw.round)

    _check_partition(proposal, gw.active)
    (kept,) = [g for g in proposal.groups if {MALMO, LULEA} & {o.code for o in g}]
    assert {MALMO, LULEA} <= {o.code for o in kept}
    assert proposal.existing == {kept[0].code: placed}
    assert proposal.total_km == pytest.approx(
        brute_force_groups(gw.active, together=[{MALMO, LULEA}]), abs=1e-6
    )
    assert proposal.total_km > brute_force_groups(gw.active)


def test_accepting_the_group_proposal_fills_a_placed_group_instead_of_splitting_it(gw):
    placed = group_create(round=gw.round, name="Handplockad")
    group_place(group=placed, participation=participation(gw.round, LULEA))
    proposal = group_proposal(round=gw.round)

    groups = group_proposal_accept(
        round=gw.round, groups=[[o.code for o in g] for g in proposal.groups]
    )

    assert placed in groups
    assert BenchmarkingGroup.objects.filter(round=gw.round).count() == len(proposal.groups)
    saved = {
        frozenset(p.organisation.code for p in g.members.all())
        for g in BenchmarkingGroup.objects.filter(round=gw.round)
    }
    assert saved == {frozenset(o.code for o in g) for g in proposal.groups}
    filled = {p.organisation.code for p in placed.members.all()}
    assert LULEA in filled
    assert len(filled) in (2, 3)
    assert not participation(gw.round, KALIX).group_id


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([[MALMO, LUND], [YSTAD, "9999"]], "Not participants of the round: 9999."),
        ([[MALMO, LUND], [YSTAD, HELSINGBORG]], "Not participants of the round: 1283."),
        (
            [[MALMO, LUND], [YSTAD]],
            "A group must have two or three organisations: 1286.",
        ),
        (
            [[MALMO, LUND], [YSTAD, TRELLEBORG, LULEA, PITEA]],
            "A group must have two or three organisations: 1286, 1287, 2580, 2581.",
        ),
    ],
    ids=["unknown-code", "not-in-the-round", "group-of-one", "group-of-four"],
)
def test_accepting_groups_refuses_bad_input_and_saves_nothing(gw, groups, message):
    before = _saved_state()

    with pytest.raises(DomainError) as excinfo:
        group_proposal_accept(round=gw.round, groups=groups)

    assert excinfo.value.messages == [message]
    assert _saved_state() == before


def test_accepting_groups_refuses_a_mentor_of_the_round(gw):
    enrol(gw.round, HELSINGBORG, role=Participation.Role.MENTOR)
    before = _saved_state()

    with pytest.raises(DomainError) as excinfo:
        group_proposal_accept(round=gw.round, groups=[[MALMO, HELSINGBORG]])

    assert excinfo.value.messages == ["Not participants of the round: 1283."]
    assert _saved_state() == before


def test_accepting_groups_refuses_an_organisation_in_two_groups(gw):
    before = _saved_state()

    with pytest.raises(DomainError):
        group_proposal_accept(round=gw.round, groups=[[MALMO, LUND], [MALMO, YSTAD]])

    assert _saved_state() == before


def test_accepting_groups_refuses_to_grow_a_placed_group_beyond_three(gw):
    group_create(
        round=gw.round,
        name="Handplockad",
        members=[participation(gw.round, c) for c in (MALMO, LUND, YSTAD)],
    )
    before = _saved_state()

    with pytest.raises(DomainError):
        group_proposal_accept(round=gw.round, groups=[[MALMO, TRELLEBORG], [LUND, KRISTIANSTAD]])

    assert _saved_state() == before


# The mentor pool


def test_the_pool_lists_every_organisation_that_completed_a_round(mw):
    pool_ = {entry.organisation.code: entry for entry in mentor_pool()}

    assert set(pool_) == {
        HELSINGBORG,
        ESLOV,
        LUND,
        LULEA,
        KRISTIANSTAD,
        REGION_SKANE,
        REGION_NORRBOTTEN,
        LANDSKRONA,
    }
    assert pool_[HELSINGBORG].completed == [
        ("Modellkommuner 2019", dt.date(2020, 12, 31)),
        ("Modellkommuner 2021", dt.date(2022, 12, 31)),
    ]
    assert pool_[LANDSKRONA].completed == [("Modellkommuner 2026", dt.date(2027, 12, 31))]
    willing = {code: entry.willing for code, entry in pool_.items()}
    assert willing == {
        HELSINGBORG: True,
        ESLOV: False,
        LUND: True,
        LULEA: True,
        KRISTIANSTAD: False,
        REGION_SKANE: True,
        REGION_NORRBOTTEN: True,
        LANDSKRONA: True,
    }
    assert {entry.times_mentored for entry in pool_.values()} == {0}


def test_the_pool_counts_how_often_an_organisation_has_mentored(mw):
    mentor_set(group=mw.sod, organisation=org(LUND))
    mentor_set(group=mw.tor, organisation=org(LULEA), locked=True)
    later = current_round(
        name="Modellkommuner 2028", year=2028, groups={"Syd": [MALMO, TRELLEBORG]}
    )
    mentor_set(group=later.groups["Syd"], organisation=org(LUND))

    times = {entry.organisation.code: entry.times_mentored for entry in mentor_pool()}

    assert times[LUND] == 2
    assert times[LULEA] == 1
    assert times[HELSINGBORG] == 0


def test_the_pool_shows_each_organisations_own_mentor_history(mw):
    mentor_set(group=mw.sod, organisation=org(LUND))
    later = current_round(
        name="Modellkommuner 2028", year=2028, groups={"Syd": [MALMO, TRELLEBORG]}
    )
    mentor_set(group=later.groups["Syd"], organisation=org(LULEA))
    (lund,) = enrol(later.round, LUND, role=Participation.Role.MENTOR)
    mentor_assign(group=later.groups["Syd"], participation=lund, is_primary=False)

    history = {entry.organisation.code: entry.mentored for entry in mentor_pool()}

    assert history[LUND] == [
        (mw.sod.round.name, mw.sod.name, True),
        ("Modellkommuner 2028", "Syd", False),
    ]
    assert history[LULEA] == [("Modellkommuner 2028", "Syd", True)]
    assert history[HELSINGBORG] == []


def test_the_pool_has_a_fixed_number_of_queries(mw, django_assert_max_num_queries):
    mentor_set(group=mw.sod, organisation=org(LUND))
    with django_assert_max_num_queries(3):
        shown = [
            (e.organisation.name, e.completed, e.willing, e.times_mentored) for e in mentor_pool()
        ]

    assert ("Lund", [("Modellkommuner 2021", dt.date(2022, 12, 31))], True, 1) in shown
