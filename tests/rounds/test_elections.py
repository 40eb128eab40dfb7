"""A round that starts within six months after a Swedish general election is created with a
warning (report 004: do not start a round right after an election), never refused."""

import datetime as dt

import pytest
from django.contrib.messages import constants
from django.urls import reverse
from django.utils import translation

from checklist.models import DEFAULT_CHECKLIST_SLUG, ChecklistVersion
from rounds.elections import election_just_before, general_election, leadership_warning
from rounds.models import Round


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2014, dt.date(2014, 9, 14)),
        (2018, dt.date(2018, 9, 9)),
        (2022, dt.date(2022, 9, 11)),
        (2026, dt.date(2026, 9, 13)),
        (2030, dt.date(2030, 9, 8)),
        (2027, None),
        (2028, None),
    ],
)
def test_the_general_election_is_the_second_sunday_of_september_every_fourth_year(year, day):
    assert general_election(year) == day


@pytest.mark.parametrize(
    ("starts_on", "election"),
    [
        (dt.date(2026, 9, 13), dt.date(2026, 9, 13)),
        (dt.date(2026, 11, 1), dt.date(2026, 9, 13)),
        (dt.date(2027, 3, 12), dt.date(2026, 9, 13)),
        (dt.date(2027, 3, 13), None),
        (dt.date(2026, 9, 12), None),
        (dt.date(2027, 9, 1), None),
        (dt.date(2031, 1, 15), dt.date(2030, 9, 8)),
    ],
)
def test_the_election_within_six_months_before_the_start(starts_on, election):
    assert election_just_before(starts_on) == election


def test_no_warning_far_from_an_election():
    assert leadership_warning(dt.date(2028, 2, 1)) == ""


def _round_data(**changes) -> dict:
    data = {
        "name": "Modellkoncept 2026–2028",
        "slug": "mk-2026",
        "kind": Round.Kind.MUNICIPAL,
        "starts_on": "2026-11-01",
        "ends_on": "2028-10-31",
        "current_year": "1",
        "checklist_version": ChecklistVersion.objects.get(slug=DEFAULT_CHECKLIST_SLUG).pk,
        "description": "",
        "reminder_days": "7, 2",
        "meeting_notice_days": "14",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_creating_a_round_just_after_an_election_saves_it_and_warns(client, leader):
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post(reverse("rounds:round_create"), _round_data(), follow=True)

    assert Round.objects.filter(slug="mk-2026").exists()
    warnings = [str(m) for m in response.context["messages"] if m.level == constants.WARNING]
    assert len(warnings) == 1
    assert "less than six months after the general election of 2026-09-13" in warnings[0]
    html = response.content.decode()
    assert html.count("A new political leadership may not carry the work") == 1


@pytest.mark.django_db
def test_creating_a_round_far_from_an_election_does_not_warn(client, leader):
    client.force_login(leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post(
        reverse("rounds:round_create"),
        _round_data(starts_on="2027-09-01", ends_on="2029-08-31"),
        follow=True,
    )

    assert Round.objects.filter(slug="mk-2026").exists()
    assert "general election" not in response.content.decode()


def test_the_warning_is_in_swedish_on_swedish_pages():
    with translation.override("sv"):
        text = leadership_warning(dt.date(2026, 11, 1))
    assert "riksdagsval" in text or "allmänna valet" in text
