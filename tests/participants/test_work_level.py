"""The default level of new improvement work follows the round's year (issue 16): year one
works organisation-wide, year two at committee/department level."""

import pytest
from django.urls import reverse

from participants import services as participant_services
from rounds import services as round_services
from rounds.models import Round

pytestmark = pytest.mark.django_db


def _chosen_level(client, world) -> str:
    client.force_login(world.strategist_a1)
    response = client.get(
        reverse(
            "participants:improvement_work_create",
            kwargs={"round_slug": "omgang-a", "code": "9101"},
        )
    )
    assert response.status_code == 200
    return response.context["form"]["level"].value()


def test_new_improvement_work_starts_organisation_wide_in_year_one(client, world):
    assert _chosen_level(client, world) == "organisation"


def test_new_improvement_work_starts_at_committee_level_in_year_two(client, world):
    round_services.round_update(round=world.round_a, current_year=Round.Year.TWO)

    assert _chosen_level(client, world) == "committee"


def test_improvement_work_recorded_without_a_level_takes_the_years(world):
    first = participant_services.improvement_work_create(participation=world.a1, title="År ett")
    round_services.round_update(round=world.round_a, current_year=Round.Year.TWO)
    world.a1.refresh_from_db()
    second = participant_services.improvement_work_create(participation=world.a1, title="År två")
    chosen = participant_services.improvement_work_create(
        participation=world.a1, title="Vald", level="organisation"
    )

    assert (first.level, second.level, chosen.level) == (
        "organisation",
        "committee",
        "organisation",
    )
