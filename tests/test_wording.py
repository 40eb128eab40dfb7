"""Smaller things a reader sees (issue 12, point 5): the Swedish of a failed sign-in, English
dates in ISO form, a round's dash kept in a PDF's name, a signed movement, how many
organisations a group mean is of, no stray space before a comma."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from checklist.statistics import Movement
from reports.models import ReportJob
from reports.views import download_name
from rounds import services as round_services
from tests.accounts.factories import UserFactory
from tests.participants.test_views import main_of

pytestmark = pytest.mark.django_db


def test_a_failed_sign_in_says_en_korrekt_e_postadress(client):
    UserFactory(email="sara@example.se")

    response = client.post(
        reverse("accounts:login"), {"username": "sara@example.se", "password": "fel-losenord"}
    )

    (message,) = response.context["form"].non_field_errors()
    assert message.startswith("Ange en korrekt e-postadress och ett korrekt lösenord.")


def test_english_dates_are_iso_not_us():
    day = dt.date(2026, 12, 15)
    with translation.override("en"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "2026-12-15"
        assert formats.date_format(day, "DATE_FORMAT") == "2026-12-15"


def test_a_pdf_name_keeps_the_dash_of_the_rounds_name(world):
    round_ = round_services.round_create(
        name="Modellkommuner 2025–2026",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    job = ReportJob(
        kind=ReportJob.Kind.ROUND, round=round_, language="sv", created_at=timezone.now()
    )

    name = download_name(job)

    assert "modellkommuner-2025-2026-" in name
    assert "20252026" not in name


def test_movement_is_signed():
    assert Movement(first=15, latest=24).delta_display == "+9"
    assert Movement(first=24, latest=15).delta_display == "-9"
    assert Movement(first=15, latest=15).delta_display == "0"


def test_the_group_mean_says_how_many_organisations_it_is_of(client, world):
    client.force_login(world.strategist_a3)

    html = main_of(
        client.get(
            reverse("rounds:group_detail", args=["omgang-a", world.ga2.pk]),
            HTTP_ACCEPT_LANGUAGE="en",
        ).text
    )

    assert "The group mean is of 1 organisation's submitted self-assessment." in html


def test_no_space_before_the_comma_between_people(client, world):
    from participants import services as participant_services

    participant_services.function_assign(
        participation=world.a1, person=world.manager_a1, function="strateg"
    )
    client.force_login(world.strategist_a1)

    html = main_of(
        client.get(reverse("participants:participation_detail", args=["omgang-a", "9101"])).text
    )

    assert "Cecilia Chef," in html
    assert "Cecilia Chef\n" not in html.split("Sara Strateg")[0].split("Strateg")[-1]
    assert " ," not in html
