"""The round, group and meeting pages, and the round's group list and schedule: who may open
them, what they show, how many queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from rounds import services
from rounds.models import Meeting
from rounds.selectors import MEETING_LIST_PAGE_SIZE
from tests.pages import assert_not_shown
from tests.participants.test_views import grow_world, main_of

pytestmark = pytest.mark.django_db


def _in_swedish(text: str) -> str:
    with translation.override("sv"):
        return translation.gettext(text)


def _round(slug):
    return reverse("rounds:round_detail", args=[slug])


def _group(world, group, slug="omgang-a"):
    return reverse("rounds:group_detail", args=[slug, group.pk])


def _meeting(meeting, slug="omgang-a"):
    return reverse("rounds:meeting_detail", args=[slug, meeting.pk])


def _groups(slug):
    return reverse("rounds:group_list", args=[slug])


def _meetings(slug):
    return reverse("rounds:meeting_list", args=[slug])


# The list of rounds


def test_round_list_is_for_project_leaders(client, world):
    client.force_login(world.leader)
    response = client.get(reverse("rounds:round_list"))

    assert response.status_code == 200
    assert [r.slug for r in response.context["rounds"]] == ["omgang-a", "omgang-b"]
    round_a = next(r for r in response.context["rounds"] if r.slug == "omgang-a")
    assert (round_a.participant_count, round_a.group_count) == (4, 2)

    client.force_login(world.strategist_a1)
    assert client.get(reverse("rounds:round_list")).status_code == 403


# The round page


def test_project_leader_sees_every_group_and_organisation_of_the_round(client, world):
    client.force_login(world.leader)

    response = client.get(_round("omgang-a"))
    groups = client.get(_groups("omgang-a"))

    assert response.status_code == 200
    html = main_of(response.content.decode())
    # The round page: every organisation with its group, and the mentor organisations.
    for name in ("GA1", "GA2", "Aby", "Bby", "Cby", "Dby", "Mentorstad", "Stödstad"):
        assert name in html
    assert groups.status_code == 200
    assert [g.name for g in groups.context["page_obj"].object_list] == ["GA1", "GA2"]
    groups_html = main_of(groups.content.decode())
    for name in ("GA1", "GA2", "Aby", "Bby", "Cby", "Dby", "Mentorstad", "Stödstad"):
        assert name in groups_html
    assert_not_shown(html, "Eby", "Fby", "GB")
    assert_not_shown(groups_html, "Eby", "Fby", "GB")


def test_participant_sees_the_round_with_only_its_own_group(client, world):
    client.force_login(world.strategist_a1)

    response = client.get(_round("omgang-a"))

    assert response.status_code == 200
    assert [g.name for g in response.context["groups"]] == ["GA1"]
    assert {m.title for m in response.context["meetings"]} == {
        "Uppstartskonferens",
        "Lärandeträff 1 GA1",
    }
    html = main_of(response.content.decode())
    assert_not_shown(html, "GA2", "Cby", "Dby", "Stödstad", "Lärandeträff 1 GA2")
    assert _in_swedish("Your groups") in html


def test_mentor_sees_the_round_with_the_group_it_mentors(client, world):
    client.force_login(world.mentor_m1)

    response = client.get(_round("omgang-a"))

    assert [g.name for g in response.context["groups"]] == ["GA1"]
    assert_not_shown(main_of(response.content.decode()), "GA2")


@pytest.mark.parametrize(
    ("user_name", "own", "hidden"),
    [
        ("strategist_a1", "GA1", ("GA2", "Cby", "Dby", "Stödstad")),
        ("mentor_m2", "GA2", ("GA1", "Aby", "Bby", "Mentorstad")),
    ],
)
def test_the_group_list_shows_a_participant_or_mentor_only_their_own_groups(
    client, world, user_name, own, hidden
):
    client.force_login(getattr(world, user_name))

    response = client.get(_groups("omgang-a"))

    assert response.status_code == 200
    assert [g.name for g in response.context["page_obj"].object_list] == [own]
    html = main_of(response.content.decode())
    for name in hidden:
        assert name not in html


def test_the_schedule_shows_a_participant_the_rounds_meetings_and_their_groups(client, world):
    client.force_login(world.strategist_a3)

    response = client.get(_meetings("omgang-a"))

    assert response.status_code == 200
    assert [m.title for m in response.context["page_obj"].object_list] == [
        "Uppstartskonferens",
        "Lärandeträff 1 GA2",
    ]
    assert "Lärandeträff 1 GA1" not in main_of(response.content.decode())


def test_the_schedule_pages_fifty_meetings_at_a_time(client, world):
    start = world.startup.starts_at
    for number in range(MEETING_LIST_PAGE_SIZE):
        services.meeting_create(
            round=world.round_a,
            kind=Meeting.Kind.SEMINAR,
            title=f"Seminarium {number:02d}",
            starts_at=start + dt.timedelta(days=100 + number),
            ends_at=start + dt.timedelta(days=100 + number, hours=2),
        )
    client.force_login(world.leader)

    first = client.get(_meetings("omgang-a"))
    second = client.get(_meetings("omgang-a"), {"page": 2})
    hostile = client.get(_meetings("omgang-a"), {"page": "x' OR 1=1"})

    assert len(first.context["page_obj"].object_list) == MEETING_LIST_PAGE_SIZE
    assert [m.title for m in second.context["page_obj"].object_list] == [
        "Seminarium 47",
        "Seminarium 48",
        "Seminarium 49",
    ]
    assert "?page=2" in first.content.decode()
    assert hostile.status_code == 200
    assert hostile.context["page_obj"].number == 1


@pytest.mark.parametrize(
    ("user_name", "slug"),
    [("strategist_b1", "omgang-a"), ("strategist_a1", "omgang-b"), ("outsider", "omgang-a")],
)
def test_nobody_outside_a_round_sees_its_groups_or_schedule(client, world, user_name, slug):
    client.force_login(getattr(world, user_name))
    name = "Omgång A" if slug == "omgang-a" else "Omgång B"

    for url in (_groups(slug), _meetings(slug)):
        response = client.get(url)
        assert response.status_code == 404, url
        assert name not in response.content.decode()


@pytest.mark.parametrize(
    ("user_name", "slug"),
    [("strategist_b1", "omgang-a"), ("strategist_a1", "omgang-b"), ("outsider", "omgang-a")],
)
def test_nobody_outside_a_round_sees_it(client, world, user_name, slug):
    client.force_login(getattr(world, user_name))

    response = client.get(_round(slug))

    assert response.status_code == 404
    assert ("Omgång A" if slug == "omgang-a" else "Omgång B") not in response.content.decode()


# The group page


def test_group_page_shows_members_people_mentor_and_the_groups_assessments(client, world):
    client.force_login(world.strategist_a2)

    response = client.get(_group(world, world.ga1))

    assert response.status_code == 200
    assert [m.organisation.name for m in response.context["members"]] == ["Aby", "Bby"]
    assert [m.participation.organisation.name for m in response.context["mentors"]] == [
        "Mentorstad"
    ]
    # A2's own submitted assessment; A1's is a draft and stays hidden.
    assert [a.pk for a in response.context["assessments"]] == [world.submitted_a2.pk]
    html = main_of(response.content.decode())
    assert "Per Politiker" in html
    assert "Lärandeträff 1 GA1" in html


def test_an_assessment_off_the_groups_points_is_still_linked_from_the_group_page(client, world):
    # The meeting stopped needing a self-assessment after Bby had submitted one.
    Meeting.objects.filter(pk=world.meeting_ga1.pk).update(assessment_due=False)
    client.force_login(world.strategist_a2)

    response = client.get(_group(world, world.ga1))

    assert [a.pk for a, _url in response.context["other_assessments"]] == [world.submitted_a2.pk]
    html = main_of(response.content.decode())
    assert reverse("checklist:assessment", args=[world.submitted_a2.pk]) in html
    assert "Bby, Lärandeträff 1 GA1" in html


@pytest.mark.parametrize(
    ("user_name", "aby", "bby"),
    [
        ("strategist_a1", "draft", "20"),  # its own draft, and the other member's total
        ("strategist_a2", "–", "20"),  # another organisation's draft stays hidden
        ("mentor_m1", "–", "20"),
    ],
)
def test_the_group_history_links_the_assessments_the_user_may_open(
    client, world, user_name, aby, bby
):
    client.force_login(getattr(world, user_name))

    response = client.get(_group(world, world.ga1))

    assert [point for point, _meeting in response.context["columns"]] == [1]
    assert response.context["columns"][0][1] == world.meeting_ga1
    cells = {
        row.participation.organisation.name: row.cells[0] for row in response.context["history"]
    }
    assert str(cells["Aby"].label) == (_in_swedish(aby) if aby == "draft" else aby)
    assert str(cells["Bby"].label) == bby
    html = main_of(response.content.decode())
    assert reverse("checklist:assessment", args=[world.submitted_a2.pk]) in html
    assert (reverse("checklist:assessment", args=[world.draft_a1.pk]) in html) == (aby == "draft")


def test_mentor_reads_the_group_it_mentors(client, world):
    client.force_login(world.mentor_m1)

    response = client.get(_group(world, world.ga1))

    assert response.status_code == 200
    assert response.context["is_mentor"] is True
    assert [a.pk for a in response.context["assessments"]] == [world.submitted_a2.pk]
    assert _in_swedish("You follow this group as its mentor; the page is read-only.") in (
        response.content.decode()
    )
    assert client.get(_group(world, world.ga2)).status_code == 404


@pytest.mark.parametrize(
    ("user_name", "group_name", "slug"),
    [
        ("strategist_a3", "ga1", "omgang-a"),  # same round, other group
        ("mentor_m2", "ga1", "omgang-a"),  # mentors another group
        ("strategist_b1", "ga1", "omgang-a"),  # other round
        ("strategist_a1", "gb", "omgang-b"),
        ("strategist_a1", "ga1", "omgang-b"),  # own group under another round's address
        ("outsider", "ga1", "omgang-a"),
    ],
)
def test_group_is_hidden_from_everyone_else(client, world, user_name, group_name, slug):
    client.force_login(getattr(world, user_name))

    response = client.get(_group(world, getattr(world, group_name), slug))

    assert response.status_code == 404
    assert_not_shown(main_of(response.content.decode()), "Aby")


# Meetings


def test_meeting_pages_follow_the_group(client, world):
    client.force_login(world.strategist_a3)

    assert client.get(_meeting(world.startup)).status_code == 200  # the whole round's
    assert client.get(_meeting(world.meeting_ga2)).status_code == 200  # its own group's
    hidden = client.get(_meeting(world.meeting_ga1))
    assert hidden.status_code == 404
    assert "Lärandeträff 1 GA1" not in hidden.content.decode()
    assert client.get(_meeting(world.meeting_gb, "omgang-b")).status_code == 404
    assert client.get(_meeting(world.startup, "omgang-b")).status_code == 404


def test_meeting_page_shows_the_meeting(client, world):
    client.force_login(world.mentor_m1)

    response = client.get(_meeting(world.meeting_ga1))

    assert response.status_code == 200
    html = main_of(response.content.decode())
    assert "<h1>Lärandeträff 1 GA1</h1>" in html
    assert "GA1" in html


# Query counts do not grow with the data

QUERY_BOUNDS = {
    # (user, page): most queries, session and user included; the round page reads its SKR
    # contacts in one query, and for a project leader the groups to filter the dashboard by
    # and the checklist versions still to choose at each level (one query, with assessments),
    # and the result reports submitted.
    ("leader", "round"): 20,
    ("strategist_a1", "round"): 9,
    ("mentor_m1", "round"): 10,
    ("leader", "group"): 10,
    ("strategist_a1", "group"): 11,
    ("mentor_m1", "group"): 12,
    ("leader", "groups"): 7,
    ("strategist_a1", "groups"): 8,
    ("mentor_m1", "groups"): 9,
    ("leader", "meetings"): 5,
    ("strategist_a1", "meetings"): 6,
    ("mentor_m1", "meetings"): 7,
}


@pytest.mark.parametrize("user_name", ["leader", "strategist_a1", "mentor_m1"])
def test_round_and_group_pages_run_a_bounded_number_of_queries(
    client, world, user_name, django_assert_max_num_queries
):
    client.force_login(getattr(world, user_name))
    pages = {
        "round": _round("omgang-a"),
        "group": _group(world, world.ga1),
        "groups": _groups("omgang-a"),
        "meetings": _meetings("omgang-a"),
    }

    for page, url in pages.items():
        with django_assert_max_num_queries(QUERY_BOUNDS[user_name, page]):
            assert client.get(url).status_code == 200
    grow_world(world)
    for page, url in pages.items():
        with django_assert_max_num_queries(QUERY_BOUNDS[user_name, page]):
            response = client.get(url)
        assert response.status_code == 200
        if page == "group":
            assert len(response.context["members"]) == 4  # the page shows the grown group
            assert len(response.context["assessments"]) > 6
