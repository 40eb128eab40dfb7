"""The round, group and meeting pages: who may open them, what they show, how many queries."""

import pytest
from django.urls import reverse
from django.utils import translation

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

    assert response.status_code == 200
    assert [g.name for g in response.context["groups"]] == ["GA1", "GA2"]
    html = main_of(response.content.decode())
    for name in ("GA1", "GA2", "Aby", "Bby", "Cby", "Dby", "Mentorstad", "Stödstad"):
        assert name in html
    for other_round in ("Eby", "Fby", "GB"):
        assert other_round not in html


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
    for hidden in ("GA2", "Cby", "Dby", "Stödstad", "Lärandeträff 1 GA2"):
        assert hidden not in html
    assert _in_swedish("Your groups") in html


def test_mentor_sees_the_round_with_the_group_it_mentors(client, world):
    client.force_login(world.mentor_m1)

    response = client.get(_round("omgang-a"))

    assert [g.name for g in response.context["groups"]] == ["GA1"]
    assert "GA2" not in main_of(response.content.decode())


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
    assert "Aby" not in main_of(response.content.decode())


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
    # (user, page): most queries, session and user included
    ("leader", "round"): 21,
    ("strategist_a1", "round"): 8,
    ("mentor_m1", "round"): 9,
    ("leader", "group"): 15,
    ("strategist_a1", "group"): 18,
    ("mentor_m1", "group"): 19,
}


@pytest.mark.parametrize("user_name", ["leader", "strategist_a1", "mentor_m1"])
def test_round_and_group_pages_run_a_bounded_number_of_queries(
    client, world, user_name, django_assert_max_num_queries
):
    client.force_login(getattr(world, user_name))
    pages = {"round": _round("omgang-a"), "group": _group(world, world.ga1)}

    for page, url in pages.items():
        with django_assert_max_num_queries(QUERY_BOUNDS[user_name, page]):
            assert client.get(url).status_code == 200
    grow_world(world)
    for page, url in pages.items():
        with django_assert_max_num_queries(QUERY_BOUNDS[user_name, page]):
            response = client.get(url)
        assert response.status_code == 200
    assert len(response.context["members"]) == 4  # the group page shows the grown group
    assert len(response.context["assessments"]) > 6
