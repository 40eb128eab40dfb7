"""The matching pages in the browser: the mentor proposal (accept, set, lock), the group
proposal, the mentor pool, all for project leaders only; and the mentor's workspace, which shows
a mentor its groups and nothing else."""

import datetime as dt
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Participation
from participants.services import function_assign, organisation_create, participation_add
from rounds.models import BenchmarkingGroup, GroupMentor, Meeting
from rounds.services import group_place, meeting_create, mentor_add, mentor_set
from tests.accounts.factories import UserFactory
from tests.conftest import module_data

# The `*_fixture` names are fixtures, which pytest finds as "people", "pool" and "sweden"; `mw`
# is built once for the module (below).
from tests.rounds.matching_world import (
    HELSINGBORG,
    KRISTIANSTAD,
    LULEA,
    LUND,
    MALMO,
    NORRTALJE,
    PITEA,
    REGION_SKANE,
    SODERTALJE,
    STOCKHOLM,
    TRELLEBORG,
    YSTAD,
    _reference_extract,
    assess,
    build_mw,
    build_pool,
    current_round,
    enrol,
    learning_meeting,
    load_sweden,
    members_of,
    mentor_km,
    org,
    participation,
    people_fixture,  # noqa: F401
    pool_fixture,  # noqa: F401
    sweden_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db


def _matching_world():
    """matching_world's `sweden`, `pool` and `mw`, built once for the module's tests
    (tests/conftest.py, `module_data`)."""
    temporary = SimpleNamespace(mktemp=lambda name: Path(tempfile.mkdtemp(prefix=name)))
    load_sweden(_reference_extract(temporary))
    return build_mw(build_pool())


mw = module_data("mw", _matching_world)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _url(name: str, **kwargs) -> str:
    return reverse(f"rounds:{name}", kwargs=kwargs)


def _proposal_url(world) -> str:
    return _url("mentor_proposal", round_slug=world.round.slug)


def _set_url(world, group) -> str:
    return _url("mentor_set", round_slug=world.round.slug, pk=group.pk)


def _mentors() -> set[tuple[str, str, bool, bool]]:
    return set(
        GroupMentor.objects.values_list(
            "group__name", "participation__organisation__code", "is_primary", "locked"
        )
    )


def _saved_state():
    return (
        sorted(_mentors()),
        sorted(Participation.objects.values_list("round_id", "organisation__code", "role")),
        sorted(Participation.objects.values_list("organisation__code", "group_id")),
        BenchmarkingGroup.objects.count(),
    )


def _km(value: float) -> str:
    """A distance as the Swedish page shows it: one decimal, decimal comma."""
    return f"{value:.1f}".replace(".", ",")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# The mentor proposal page


def test_project_leader_sees_each_group_its_mentor_distance_and_runner_up(client, mw, leader):
    client.force_login(leader)

    response = client.get(_proposal_url(mw))

    assert response.status_code == 200
    html = response.content.decode()
    sod, tor = members_of(mw.sod), members_of(mw.tor)
    for text in (
        "Söderslätt",
        "Tornedalen",
        "Malmö",  # a member
        f"{_km(mentor_km(org(LUND), sod))} km",
        f"{_km(mentor_km(org(LULEA), tor))} km",
        f"Helsingborg ({_km(mentor_km(org(HELSINGBORG), sod))} km)",
        f"Helsingborg ({_km(mentor_km(org(HELSINGBORG), tor))} km)",
    ):
        assert text in html
    assert "34,4 km" in html
    rows = {row.group.name: row for row in response.context["proposal"].rows}
    assert (rows["Söderslätt"].mentor.name, rows["Tornedalen"].mentor.name) == ("Lund", "Luleå")
    assert f'id="accept-{mw.sod.pk}"' in html  # a checkbox to accept the group's proposal


def test_the_proposal_page_names_an_organisation_without_coordinates(client, mw, leader):
    federation = organisation_create(code="9001", name="Förbundet Testkommuner", kind="other")
    group_place(
        group=mw.sod, participation=participation_add(round=mw.round, organisation=federation)
    )
    client.force_login(leader)

    response = client.get(_proposal_url(mw))

    assert response.status_code == 200
    assert response.context["proposal"] is None
    assert "Förbundet Testkommuner" in response.content.decode()


def test_accepting_the_chosen_groups_saves_only_them(client, mw, leader):
    client.force_login(leader)

    response = client.post(_proposal_url(mw), {"accept": "selected", "group": [mw.tor.pk]})

    assert response.status_code == 302
    assert response.url == _proposal_url(mw)
    assert _mentors() == {("Tornedalen", LULEA, True, False)}


def test_accepting_the_whole_proposal_saves_every_group(client, mw, leader):
    client.force_login(leader)

    response = client.post(_proposal_url(mw), {"accept": "all"}, follow=True, **EN)

    assert _mentors() == {("Söderslätt", LUND, True, False), ("Tornedalen", LULEA, True, False)}
    assert "The mentors of 2 groups were saved." in _messages(response)


def test_accepting_nothing_chosen_saves_nothing(client, mw, leader):
    client.force_login(leader)

    response = client.post(_proposal_url(mw), {"accept": "selected"}, follow=True, **EN)

    assert _mentors() == set()
    assert "Choose at least one group to accept." in _messages(response)


def test_setting_a_mentor_by_hand_locks_the_pair(client, mw, leader):
    client.force_login(leader)

    response = client.post(
        _set_url(mw, mw.sod), {"action": "set", "organisation": HELSINGBORG}, follow=True, **EN
    )

    assert response.redirect_chain == [(_proposal_url(mw), 302)]
    assert _mentors() == {("Söderslätt", HELSINGBORG, True, True)}
    assert "Helsingborg now mentors Söderslätt; the pair is locked." in _messages(response)
    # The re-run proposal on the page keeps the pair.
    rows = {row.group.name: row for row in response.context["proposal"].rows}
    assert (rows["Söderslätt"].mentor.code, rows["Söderslätt"].locked) == (HELSINGBORG, True)


def test_locking_and_unlocking_a_pair(client, mw, leader):
    mentor_set(group=mw.sod, organisation=org(LUND))
    client.force_login(leader)

    client.post(_set_url(mw, mw.sod), {"action": "lock"})
    assert _mentors() == {("Söderslätt", LUND, True, True)}

    client.post(_set_url(mw, mw.sod), {"action": "unlock"})
    assert _mentors() == {("Söderslätt", LUND, True, False)}


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (KRISTIANSTAD, "Kristianstad is not willing to mentor."),
        (MALMO, "Malmö is a participant of this round."),
        (STOCKHOLM, "Stockholm withdrew from its round and has not completed one."),
        (REGION_SKANE, "Region Skåne"),
        ("0000", "Choose a mentor organisation."),
        ("", "Choose a mentor organisation."),
        (HELSINGBORG + "\x00", "Choose a mentor organisation."),  # PostgreSQL refuses NUL
    ],
    ids=[
        "not-willing",
        "participant",
        "withdrawn",
        "region-for-municipal-group",
        "unknown",
        "none",
        "nul-character",
    ],
)
def test_setting_an_ineligible_mentor_shows_why_and_changes_nothing(
    client, mw, leader, code, reason
):
    mentor_set(group=mw.sod, organisation=org(LUND))
    before = _saved_state()
    client.force_login(leader)

    response = client.post(
        _set_url(mw, mw.sod), {"action": "set", "organisation": code}, follow=True, **EN
    )

    assert response.status_code == 200
    (message,) = _messages(response)
    assert reason in message
    assert reason in response.content.decode()
    assert _saved_state() == before


def test_an_unknown_action_is_a_bad_request(client, mw, leader):
    client.force_login(leader)

    response = client.post(_set_url(mw, mw.sod), {"action": "delete"})

    assert response.status_code == 400
    assert _mentors() == set()


def test_a_group_of_another_round_cannot_be_set_through_this_round(client, mw, leader):
    other = current_round(name="Modellkommuner 2025", year=2025, groups={"Väst": [MALMO, LUND]})
    client.force_login(leader)

    response = client.post(
        _set_url(mw, other.groups["Väst"]), {"action": "set", "organisation": HELSINGBORG}
    )

    assert response.status_code == 404
    assert _mentors() == set()


def test_the_proposal_page_shows_why_a_locked_pair_cannot_stay(client, mw, leader):
    mentor_set(group=mw.sod, organisation=org(LUND), locked=True)
    Participation.objects.filter(round=mw.round, organisation__code=LUND).update(
        role=Participation.Role.PARTICIPANT
    )
    client.force_login(leader)

    response = client.get(_proposal_url(mw), **EN)

    assert response.status_code == 200
    assert response.context["proposal"] is None
    assert (
        "The locked mentor of Söderslätt cannot stay: Lund is a participant of this round."
        in response.content.decode()
    )


# The group proposal and the mentor pool


def test_project_leader_sees_and_saves_the_group_proposal(client, mw, leader):
    enrol(mw.round, STOCKHOLM, SODERTALJE, NORRTALJE)
    client.force_login(leader)

    page = client.get(_url("group_proposal", round_slug=mw.round.slug))

    assert page.status_code == 200
    html = page.content.decode()
    for name in ("Stockholm", "Södertälje", "Norrtälje", "Malmö", "Kalix"):
        assert name in html
    assert page.context["proposal"].exact is True

    response = client.post(_url("group_proposal", round_slug=mw.round.slug))

    assert response.status_code == 302
    assert response.url == _url("round_detail", slug=mw.round.slug)
    groups = {
        g.name: {p.organisation.code for p in g.members.all()}
        for g in BenchmarkingGroup.objects.filter(round=mw.round)
    }
    assert len(groups) == 3
    assert groups["Söderslätt"] == {MALMO, TRELLEBORG, YSTAD}
    assert {STOCKHOLM, SODERTALJE, NORRTALJE} in groups.values()


def test_the_group_proposal_leaves_out_an_organisation_without_coordinates(client, mw, leader):
    federation = organisation_create(code="9001", name="Förbundet Testkommuner", kind="other")
    participation_add(round=mw.round, organisation=federation)
    participation_add(round=mw.round, organisation=org(SODERTALJE))
    participation_add(round=mw.round, organisation=org(NORRTALJE))
    client.force_login(leader)

    page = client.get(_url("group_proposal", round_slug=mw.round.slug))

    assert page.status_code == 200
    proposal = page.context["proposal"]
    assert proposal is not None
    assert [o.code for o in proposal.left_out] == ["9001"]
    assert "9001" not in {o.code for group in proposal.groups for o in group}
    edit = reverse(
        "participants:organisation_update",
        kwargs={"round_slug": mw.round.slug, "code": "9001"},
    )
    assert f'<a href="{edit}">Förbundet Testkommuner</a>' in page.content.decode()

    # Coordinates set in the site: the next proposal includes it.
    response = client.post(
        edit,
        {
            "name": "Förbundet Testkommuner",
            "county_code": "12",
            "county_name": "Skåne län",
            "latitude": "55.60587",
            "longitude": "13.00073",
        },
    )
    assert response.status_code == 302
    proposal = client.get(_url("group_proposal", round_slug=mw.round.slug)).context["proposal"]
    assert proposal.left_out == []
    assert "9001" in {o.code for group in proposal.groups for o in group}


def test_project_leader_sees_the_mentor_pool(client, mw, leader):
    mentor_set(group=mw.sod, organisation=org(LUND))
    client.force_login(leader)

    response = client.get(_url("mentor_pool"))

    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Lund", "Luleå", "Kristianstad", "Region Skåne", "Landskrona"):
        assert text in html
    assert "Modellkommuner 2021 (2022-12-31)" in html
    assert "Stockholm" not in html  # withdrew, never completed
    entries = {e.organisation.code: e for e in response.context["pool"]}
    assert entries[LUND].times_mentored == 1


# Nobody but a project leader


def _matching_requests(world):
    return [
        ("get", _proposal_url(world), {}),
        ("post", _proposal_url(world), {"accept": "all"}),
        ("post", _set_url(world, world.tor), {"action": "set", "organisation": HELSINGBORG}),
        ("post", _set_url(world, world.sod), {"action": "lock"}),
        ("get", _url("group_proposal", round_slug=world.round.slug), {}),
        ("post", _url("group_proposal", round_slug=world.round.slug), {}),
        ("get", _url("mentor_pool"), {}),
    ]


@pytest.mark.parametrize(
    ("who", "round_status"),
    [("strategist", 403), ("mentor", 403), ("idle_mentor", 403), ("outsider", 404)],
)
def test_only_project_leaders_reach_the_matching_pages(client, mw, people, who, round_status):
    enrol(mw.round, STOCKHOLM, SODERTALJE)  # something for the group proposal to save
    before = _saved_state()
    client.force_login(getattr(people, who))

    for method, url, data in _matching_requests(mw):
        response = getattr(client, method)(url, data)
        expected = 403 if url == _url("mentor_pool") else round_status
        assert response.status_code == expected, (method, url)

    assert _saved_state() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, mw):
    before = _saved_state()

    for method, url, data in _matching_requests(mw):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("accounts:login"))

    assert _saved_state() == before


# The mentor's workspace


@pytest.fixture
def ws(mw, people):
    """Lund mentors Söderslätt: Malmö and Trelleborg have submitted, Ystad has a draft.
    Tornedalen, mentored by Helsingborg, has its own meeting, people and a submitted assessment."""
    startup = meeting_create(
        round=mw.round,
        kind=Meeting.Kind.STARTUP_CONFERENCE,
        title="Uppstartskonferens 2024",
        starts_at=timezone.now() + dt.timedelta(days=10),
        ends_at=timezone.now() + dt.timedelta(days=10, hours=6),
        place="Sveriges Kommuner och Regioner",
    )
    sod_meeting = learning_meeting(
        mw.round, mw.sod, "Lärandeträff Söderslätt", 40, place="Malmö stadshus"
    )
    tor_meeting = learning_meeting(
        mw.round, mw.tor, "Lärandeträff Tornedalen", 41, place="Bodens rådhus"
    )
    mentor_set(group=mw.tor, organisation=org(HELSINGBORG))
    malmo, trelleborg, ystad = (participation(mw.round, c) for c in (MALMO, TRELLEBORG, YSTAD))
    pitea = participation(mw.round, PITEA)
    people.trelleborg = UserFactory(email="chef@trelleborg.se", full_name="Tove Trelle")
    function_assign(participation=trelleborg, person=people.trelleborg, function="chef")
    people.ystad = UserFactory(email="strateg@ystad.se", full_name="Yngve Ystadsson")
    function_assign(participation=ystad, person=people.ystad, function="strateg")
    people.pitea = UserFactory(email="strateg@pitea.se", full_name="Petra Norrlund")
    function_assign(participation=pitea, person=people.pitea, function="strateg")
    assess(malmo, sod_meeting, {}, by=people.strategist)  # 20
    assess(trelleborg, sod_meeting, {1: 3}, by=people.trelleborg)  # 21: item 1 mean 2,5
    assess(ystad, sod_meeting, dict.fromkeys(range(1, 11), 3), by=people.ystad, submit=False)
    assess(pitea, tor_meeting, dict.fromkeys(range(1, 11), 1), by=people.pitea)
    return SimpleNamespace(
        world=mw, people=people, startup=startup, sod_meeting=sod_meeting, tor_meeting=tor_meeting
    )


def _progress(item) -> dict[str, tuple]:
    """organisation code → (latest point, its total, movement, next one submitted)."""
    return {
        m.participation.organisation.code: (
            m.latest_point,
            m.latest_total,
            m.movement.delta if m.movement else None,
            m.next_submitted,
        )
        for m in item.members
    }


def test_a_mentor_sees_its_groups_members_next_meeting_and_latest_assessments(client, ws):
    client.force_login(ws.people.mentor)

    response = client.get(_url("mentor_workspace"))

    assert response.status_code == 200
    (item,) = response.context["page_obj"].object_list
    assert item.group == ws.world.sod
    assert item.next_meeting == ws.startup
    assert item.next_assessment == ws.sod_meeting
    # Ystad's assessment is a draft: neither its score nor the assessment counts.
    assert _progress(item) == {
        MALMO: (1, 20, None, True),
        TRELLEBORG: (1, 21, None, True),
        YSTAD: (None, None, None, False),
    }
    html = response.content.decode()
    for text in (
        "Söderslätt",
        "Malmö",
        "Trelleborg",
        "Ystad",
        "Uppstartskonferens 2024",
        "Lärandeträff Söderslätt",
        timezone.localtime(ws.startup.starts_at).strftime("%Y-%m-%d %H:%M"),
        _url("group_detail", round_slug=ws.world.round.slug, pk=ws.world.sod.pk),
        _url("meeting_detail", round_slug=ws.world.round.slug, pk=ws.startup.pk),
    ):
        assert text in html, text
    # The people and the comparison item by item are on the group page.
    assert "Mia Malmström" not in html


def test_a_mentor_sees_nothing_of_a_group_it_does_not_mentor(client, ws):
    client.force_login(ws.people.mentor)

    html = client.get(_url("mentor_workspace")).content.decode()

    for text in (
        "Tornedalen",
        "Piteå",
        "Boden",
        "Kalix",
        "Petra Norrlund",
        "Lärandeträff Tornedalen",
        "Bodens rådhus",
    ):
        assert text not in html, text
    slug = ws.world.round.slug
    assert client.get(_url("group_detail", round_slug=slug, pk=ws.world.tor.pk)).status_code == 404
    assert (
        client.get(_url("meeting_detail", round_slug=slug, pk=ws.tor_meeting.pk)).status_code == 404
    )
    assert client.get(_url("group_detail", round_slug=slug, pk=ws.world.sod.pk)).status_code == 200


def test_a_mentor_sees_the_movement_from_the_first_assessment_to_the_latest(client, ws):
    second = learning_meeting(ws.world.round, None, "Lärandeträff 2", 80)
    malmo = participation(ws.world.round, MALMO)
    assess(malmo, second, {1: 3, 2: 3, 3: 3}, by=ws.people.strategist)  # 23, up 3
    client.force_login(ws.people.mentor)

    response = client.get(_url("mentor_workspace"))

    (item,) = response.context["page_obj"].object_list
    assert item.next_assessment == ws.sod_meeting
    assert _progress(item)[MALMO] == (2, 23, 3, True)
    assert _progress(item)[TRELLEBORG] == (1, 21, None, True)
    assert ">+3<" in response.content.decode().replace(" ", "").replace("\n", "")


@pytest.mark.parametrize("who", ["strategist", "idle_mentor", "outsider"])
def test_someone_who_mentors_no_group_has_no_workspace(client, ws, who):
    client.force_login(getattr(ws.people, who))

    response = client.get(_url("mentor_workspace"))

    assert response.status_code == 403
    assert "Söderslätt" not in response.content.decode()


def test_a_project_leader_sees_every_mentored_group(client, ws, leader):
    client.force_login(leader)

    response = client.get(_url("mentor_workspace"))

    assert response.status_code == 200
    groups = [item.group.name for item in response.context["page_obj"].object_list]
    assert groups == ["Söderslätt", "Tornedalen"]


@pytest.mark.parametrize("size", ["small", "bigger", "more groups"])
def test_the_workspace_queries_do_not_grow_with_the_groups(
    client, pool, size, django_assert_max_num_queries
):
    """Small: one group of two members with one person each and one submitted assessment each.
    Bigger: three members with three people each, and two assessments each. More groups: the
    mentor follows three groups of two."""
    names = ["Mälardalen", "Roslagen", "Södertörn"] if size == "more groups" else ["Mälardalen"]
    codes = [STOCKHOLM, SODERTALJE] + ([NORRTALJE] if size == "bigger" else [])
    others = [KRISTIANSTAD, HELSINGBORG, YSTAD, TRELLEBORG]
    world = current_round(
        groups={
            name: codes if number == 0 else others[2 * number - 2 : 2 * number]
            for number, name in enumerate(names)
        }
    )
    mentor = UserFactory(email="mentor@lund.se")
    mentor_set(group=world.groups[names[0]], organisation=org(LUND))
    for name in names[1:]:  # beyond Lund's capacity as a primary mentor: supporting
        mentor_add(group=world.groups[name], organisation=org(LUND))
    function_assign(
        participation=participation(world.round, LUND), person=mentor, function="strateg"
    )
    functions = ["strateg"] + (["politiker", "chef"] if size == "bigger" else [])
    for name in names:
        group = world.groups[name]
        meetings = [learning_meeting(world.round, group, f"Lärandeträff 1 {name}", 40)]
        if size == "bigger":
            meetings.append(learning_meeting(world.round, None, "Lärandeträff 2", 80))
        for i, member in enumerate(group.members.all()):
            for function in functions:
                person = UserFactory(email=f"{function}{i}.{group.pk}@example.se")
                function_assign(participation=member, person=person, function=function)
            for n, meeting in enumerate(meetings):
                assess(member, meeting, {1: 1 + (i + n) % 3}, by=person)
    client.force_login(mentor)

    with django_assert_max_num_queries(WORKSPACE_QUERIES):
        response = client.get(_url("mentor_workspace"))

    items = response.context["page_obj"].object_list
    assert [item.group.name for item in items] == names
    assert [len(item.members) for item in items] == [len(codes)] + [2] * (len(names) - 1)
    points = 2 if size == "bigger" else 1
    for item in items:
        assert [m.latest_point for m in item.members] == [points] * len(item.members)
        assert all(m.next_submitted for m in item.members)
    if size == "bigger":  # item 1 went from 1 + i % 3 to 1 + (i + 1) % 3
        deltas = [m.movement.delta for m in items[0].members]
        assert sorted(deltas) == sorted([1, 1, -2])


# What the workspace costs for one small group; a bigger group or more groups must not cost more.
WORKSPACE_QUERIES = 9  # 8, and the mentor's role text the project leaders wrote


def test_replacing_a_mentor_by_hand_replaces_it(client, mw, leader):
    """Accept the proposal (Lund for Söderslätt), then set and lock Helsingborg: Lund is no
    longer attached to the group nor to the round, and the history shows it removed."""
    from rounds import actions
    from rounds.selectors import round_audit, round_figures

    client.force_login(leader)
    client.post(_proposal_url(mw), {"accept": "all"})
    assert ("Söderslätt", LUND, True, False) in _mentors()

    response = client.post(
        _set_url(mw, mw.sod), {"action": "set", "organisation": HELSINGBORG}, follow=True, **EN
    )

    assert {m for m in _mentors() if m[0] == "Söderslätt"} == {
        ("Söderslätt", HELSINGBORG, True, True)
    }
    assert not Participation.objects.filter(round=mw.round, organisation__code=LUND).exists()
    assert round_figures(round=mw.round).mentors == 2  # Helsingborg and Luleå
    removed = [
        e
        for e in round_audit(round=mw.round)
        if e.action_type == actions.MENTOR_REMOVED and e.data["organisation"] == org(LUND).pk
    ]
    assert removed, "the audit trail shows Lund's removal"
    # The runner-up compares with Helsingborg, the mentor chosen: another organisation, and
    # its distance is not Helsingborg's own.
    row = {r.group.name: r for r in response.context["proposal"].rows}["Söderslätt"]
    assert row.mentor.code == HELSINGBORG
    assert row.runner_up is not None
    assert row.runner_up.code != HELSINGBORG
    assert row.runner_up_distance_km == pytest.approx(
        mentor_km(row.runner_up, members_of(mw.sod)), abs=0.1
    )
