"""Irreversible steps ask first and can be undone: starting and completing a round, removing a
group or a meeting each show what will follow before they happen; a completed round can be
reopened with a reason, which takes back the mentor-pool entries its completion created."""

import datetime as dt

import pytest
from django.urls import reverse

from modellkoncept.errors import DomainError
from participants.models import Participation
from rounds import services
from rounds.models import BenchmarkingGroup, Meeting, Round
from rounds.selectors import mentor_pool
from tests.participants.test_views import main_of

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _status_url(round_, action=None):
    url = reverse("rounds:round_status", kwargs={"round_slug": round_.slug})
    return f"{url}?action={action}" if action else url


def _pool_names() -> set[str]:
    return {entry.organisation.name for entry in mentor_pool()}


def test_round_page_links_to_the_confirmation_not_a_one_click_button(client, world):
    services.round_activate(round=world.round_a)
    client.force_login(world.leader)

    html = main_of(client.get(reverse("rounds:round_detail", args=["omgang-a"]), **EN).text)

    assert f'href="{_status_url(world.round_a, "complete")}"'.replace("&", "&amp;") in html
    assert 'value="complete"' not in html  # no form that completes in one click


def test_completing_asks_first_and_says_what_follows(client, world):
    services.round_activate(round=world.round_a)
    client.force_login(world.leader)

    response = client.get(_status_url(world.round_a, "complete"), **EN)

    assert response.status_code == 200
    html = main_of(response.text)
    assert (
        "4 organisations have completed the round and enter the pool of possible mentors: "
        "Aby, Bby, Cby, Dby." in html
    )
    # The world's meetings are all ahead: the page warns that the round never met.
    assert "No meeting of the round has been held yet." in html
    assert "3 meetings are still ahead." in html
    assert Round.objects.get(pk=world.round_a.pk).status == Round.Status.ACTIVE


def test_reopening_takes_back_only_the_completions_it_created(client, world):
    services.round_activate(round=world.round_a)
    # Aby completed on a day of its own before the round was completed: that stays.
    Participation.objects.filter(pk=world.a1.pk).update(completed_on=dt.date(2027, 6, 1))
    client.force_login(world.leader)
    client.post(_status_url(world.round_a), {"action": "complete"})
    assert Round.objects.get(pk=world.round_a.pk).status == Round.Status.COMPLETED
    assert _pool_names() >= {"Aby", "Bby", "Cby", "Dby"}

    page = main_of(client.get(_status_url(world.round_a, "reopen"), **EN).text)
    assert (
        "The completion of 3 organisations is taken back and they leave the pool of possible "
        "mentors: Bby, Cby, Dby." in page
    )
    refused = client.post(_status_url(world.round_a), {"action": "reopen", "reason": " "}, **EN)
    assert refused.status_code == 422
    assert Round.objects.get(pk=world.round_a.pk).status == Round.Status.COMPLETED

    client.post(
        _status_url(world.round_a),
        {"action": "reopen", "reason": "Completed by mistake before the result conference."},
    )

    round_ = Round.objects.get(pk=world.round_a.pk)
    assert round_.status == Round.Status.ACTIVE
    assert round_.reopen_reason == "Completed by mistake before the result conference."
    assert _pool_names() == {"Aby"}
    assert Participation.objects.get(pk=world.a1.pk).completed_on == dt.date(2027, 6, 1)
    # Completing again puts them back.
    services.round_complete(round=round_)
    assert _pool_names() >= {"Aby", "Bby", "Cby", "Dby"}


def test_reopen_needs_a_reason_and_a_completed_round(world):
    with pytest.raises(DomainError):
        services.round_reopen(round=world.round_a, reason="Oops")
    services.round_activate(round=world.round_a)
    services.round_complete(round=world.round_a)
    with pytest.raises(DomainError):
        services.round_reopen(round=world.round_a, reason="  ")


def test_starting_asks_first(client, world):
    client.force_login(world.leader)

    html = main_of(client.get(_status_url(world.round_a, "activate"), **EN).text)

    assert "Meeting invitations and self-assessment reminders are e-mailed from now on." in html
    assert Round.objects.get(pk=world.round_a.pk).status == Round.Status.PLANNING
    assert client.get(_status_url(world.round_a, "nonsense")).status_code == 400


def test_removing_a_group_asks_first_and_names_what_follows(client, world):
    group = services.group_create(round=world.round_a, name="GA3")
    client.force_login(world.leader)
    url = reverse("rounds:group_delete", kwargs={"round_slug": "omgang-a", "pk": world.ga2.pk})

    html = main_of(client.get(url, **EN).text)

    assert "Its members are left without a group and stay in the round: Cby, Dby." in html
    assert "Its mentors no longer mentor it: Stödstad." in html
    assert "Its 1 meeting is removed: Lärandeträff 1 GA2." in html
    assert BenchmarkingGroup.objects.filter(pk=world.ga2.pk).exists()
    url = reverse("rounds:group_delete", kwargs={"round_slug": "omgang-a", "pk": group.pk})
    client.post(url)
    assert not BenchmarkingGroup.objects.filter(pk=group.pk).exists()


def test_removing_a_meeting_asks_first(client, world):
    client.force_login(world.leader)
    url = reverse(
        "rounds:meeting_delete", kwargs={"round_slug": "omgang-a", "pk": world.startup.pk}
    )

    html = main_of(client.get(url, **EN).text)

    assert "Uppstartskonferens" in html
    assert "It leaves the calendars of the 7 people invited." in html
    assert Meeting.objects.filter(pk=world.startup.pk).exists()
    client.post(url)
    assert not Meeting.objects.filter(pk=world.startup.pk).exists()
