"""`match_mentors` and `propose_groups`: the proposal as JSON, saved without --dry-run."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from participants.models import Participation
from participants.services import organisation_create, participation_add, participation_withdraw
from rounds.models import BenchmarkingGroup, GroupMentor
from rounds.services import group_create, group_place, mentor_set

# The `*_fixture` names are fixtures, which pytest finds as "mw", "pool", and so on.
from tests.rounds.matching_world import (
    BODEN,
    HELSINGBORG,
    KALIX,
    KRISTIANSTAD,
    LULEA,
    LUND,
    MALMO,
    PITEA,
    SIMRISHAMN,
    SODERTALJE,
    STOCKHOLM,
    TRELLEBORG,
    YSTAD,
    add_group,
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
    with translation.override("en"):
        yield


def _run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def _saved_state():
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


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# match_mentors


def test_match_mentors_dry_run_prints_the_proposal_and_saves_nothing(mw):
    before = _saved_state()

    document = _run("match_mentors", "mk-2024", "--dry-run")

    assert set(document) == {"assignments", "unmatched", "total_km"}
    assert [set(a) for a in document["assignments"]] == [{"group", "mentor", "distance_km"}] * 2
    assert all(_is_number(a["distance_km"]) for a in document["assignments"])
    assert _is_number(document["total_km"])
    by_group = {a["group"]: a for a in document["assignments"]}
    assert {name: a["mentor"] for name, a in by_group.items()} == {
        "Söderslätt": LUND,
        "Tornedalen": LULEA,
    }
    sod = mentor_km(org(LUND), members_of(mw.sod))
    tor = mentor_km(org(LULEA), members_of(mw.tor))
    assert by_group["Söderslätt"]["distance_km"] == pytest.approx(sod, abs=0.051)
    assert by_group["Tornedalen"]["distance_km"] == pytest.approx(tor, abs=0.051)
    assert document["total_km"] == pytest.approx(sod + tor, abs=0.051)
    assert document["unmatched"] == []
    assert _saved_state() == before


def test_match_mentors_lists_groups_left_without_a_mentor(mw):
    add_group(mw.round, "Mälardalen", [SODERTALJE, STOCKHOLM])
    add_group(mw.round, "Österlen", [KRISTIANSTAD, SIMRISHAMN])

    document = _run("match_mentors", "mk-2024", "--dry-run")

    assert document["unmatched"] == ["Mälardalen"]
    assert sorted(a["group"] for a in document["assignments"]) == [
        "Söderslätt",
        "Tornedalen",
        "Österlen",
    ]


def test_match_mentors_keeps_and_prints_a_locked_pair(mw):
    mentor_set(group=mw.sod, organisation=org(HELSINGBORG), locked=True)

    document = _run("match_mentors", "mk-2024", "--dry-run")

    assert {a["group"]: a["mentor"] for a in document["assignments"]} == {
        "Söderslätt": HELSINGBORG,
        "Tornedalen": LULEA,
    }


def test_match_mentors_saves_the_proposal_without_dry_run(mw):
    document = _run("match_mentors", "mk-2024")

    assert {a["group"]: a["mentor"] for a in document["assignments"]} == {
        "Söderslätt": LUND,
        "Tornedalen": LULEA,
    }
    saved = {
        (m.group.name, m.participation.organisation.code, m.is_primary)
        for m in GroupMentor.objects.select_related("group", "participation__organisation")
    }
    assert saved == {("Söderslätt", LUND, True), ("Tornedalen", LULEA, True)}
    mentors = Participation.objects.filter(round=mw.round, role=Participation.Role.MENTOR)
    assert sorted(mentors.values_list("organisation__code", flat=True)) == [LUND, LULEA]


def test_match_mentors_refuses_an_unknown_round():
    with pytest.raises(CommandError) as excinfo:
        call_command("match_mentors", "finns-inte", "--dry-run", stdout=StringIO())

    assert "finns-inte" in str(excinfo.value)


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "save"])
def test_match_mentors_names_an_organisation_without_coordinates(mw, dry_run):
    federation = organisation_create(code="9001", name="Förbundet Testkommuner", kind="other")
    group_place(
        group=mw.sod, participation=participation_add(round=mw.round, organisation=federation)
    )
    before = _saved_state()

    with pytest.raises(CommandError) as excinfo:
        call_command(
            "match_mentors", "mk-2024", *(["--dry-run"] if dry_run else []), stdout=StringIO()
        )

    assert "Förbundet Testkommuner" in str(excinfo.value)
    assert _saved_state() == before


def test_match_mentors_refuses_an_invalid_locked_pair(mw):
    mentor_set(group=mw.sod, organisation=org(LUND), locked=True)
    Participation.objects.filter(round=mw.round, organisation__code=LUND).update(
        role=Participation.Role.PARTICIPANT
    )
    before = _saved_state()

    with pytest.raises(CommandError) as excinfo:
        call_command("match_mentors", "mk-2024", stdout=StringIO())

    assert "Lund is a participant of this round" in str(excinfo.value)
    assert _saved_state() == before


# propose_groups


@pytest.fixture
def gw(sweden):
    world = current_round(groups={}, slug="mk-2024")
    enrol(world.round, MALMO, LUND, TRELLEBORG, YSTAD, LULEA, PITEA, BODEN)
    (kalix,) = enrol(world.round, KALIX)
    participation_withdraw(participation=kalix, on=dt.date(2024, 3, 1), reason="Avslutat")
    return world


def test_propose_groups_dry_run_prints_the_groups_and_saves_nothing(gw):
    before = _saved_state()

    document = _run("propose_groups", "mk-2024", "--dry-run")

    assert set(document) == {"groups", "total_km"}
    assert _is_number(document["total_km"])
    assert all(isinstance(code, str) for group in document["groups"] for code in group)
    assert sorted(frozenset(g) for g in document["groups"]) == sorted(
        [frozenset({MALMO, LUND}), frozenset({TRELLEBORG, YSTAD}), frozenset({LULEA, PITEA, BODEN})]
    )
    assert document["total_km"] == pytest.approx(
        sum(group_km([org(c) for c in group]) for group in document["groups"]), abs=0.051
    )
    assert _saved_state() == before


def test_propose_groups_saves_the_groups_without_dry_run(gw):
    document = _run("propose_groups", "mk-2024")

    saved = {
        frozenset(p.organisation.code for p in group.members.all())
        for group in BenchmarkingGroup.objects.filter(round=gw.round)
    }
    assert saved == {frozenset(g) for g in document["groups"]}
    assert len(saved) == 3
    assert participation(gw.round, KALIX).group_id is None


def test_propose_groups_keeps_a_placed_group(gw):
    placed = group_create(
        round=gw.round,
        name="Handplockad",
        members=[participation(gw.round, MALMO), participation(gw.round, LULEA)],
    )

    document = _run("propose_groups", "mk-2024")

    assert any({MALMO, LULEA} <= set(group) for group in document["groups"])
    assert {MALMO, LULEA} <= {p.organisation.code for p in placed.members.all()}
    assert BenchmarkingGroup.objects.filter(round=gw.round).count() == len(document["groups"])


def test_propose_groups_refuses_an_unknown_round():
    with pytest.raises(CommandError) as excinfo:
        call_command("propose_groups", "finns-inte", stdout=StringIO())

    assert "finns-inte" in str(excinfo.value)


def test_propose_groups_leaves_out_and_names_an_organisation_without_coordinates(gw):
    federation = organisation_create(code="9001", name="Förbundet Testkommuner", kind="other")
    participation_add(round=gw.round, organisation=federation)
    out, err = StringIO(), StringIO()

    call_command("propose_groups", "mk-2024", "--dry-run", stdout=out, stderr=err)

    assert "Förbundet Testkommuner (9001)" in err.getvalue()
    document = json.loads(out.getvalue())
    assert document["groups"]
    assert "9001" not in {code for group in document["groups"] for code in group}
