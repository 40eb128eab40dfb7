"""Fees: differentiated per organisation (seed 001), recorded by a project leader with whether
they are invoiced, logged, in the round's exports, and on no page a participant sees."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from modellkoncept.actions import show
from modellkoncept.errors import DomainError
from modellkoncept.models import LogEntry
from participants import services
from participants.models import Participation
from reports import exports

pytestmark = pytest.mark.django_db


def _fees_url(world) -> str:
    return reverse("participants:participation_fees", args=[world.round_a.slug])


def _post(world, **fees) -> dict:
    """The fee page's fields for round A's participants: {"a1": (fee, invoiced)}."""
    data = {}
    for name in ("a1", "a2", "a3", "a4"):
        participation = getattr(world, name)
        fee, invoiced = fees.get(name, (None, False))
        data[f"p{participation.pk}-fee"] = "" if fee is None else str(fee)
        if invoiced:
            data[f"p{participation.pk}-fee_invoiced"] = "on"
    return data


def test_a_project_leader_records_each_organisations_fee_and_it_is_logged(client, world):
    client.force_login(world.leader)

    page = client.get(_fees_url(world))
    assert page.status_code == 200
    assert [f.participation.organisation.name for f in page.context["forms"]] == [
        "Aby",
        "Bby",
        "Cby",
        "Dby",
    ]  # the participants, not the mentors
    response = client.post(_fees_url(world), _post(world, a1=(45000, True), a2=(30000, False)))

    assert response.status_code == 302
    fees = dict(
        Participation.objects.filter(round=world.round_a, role="participant").values_list(
            "organisation__code", "fee"
        )
    )
    assert fees == {"9101": 45000, "9102": 30000, "9103": None, "9104": None}
    world.a1.refresh_from_db()
    assert world.a1.fee_invoiced is True
    entries = LogEntry.objects.filter(action_type="participants.participation.fee_set")
    assert entries.count() == 2
    assert {e.user for e in entries} == {world.leader}
    entry = entries.get(object_id=world.a1.pk)
    assert entry.round_id == world.round_a.pk
    with translation.override("sv"):
        assert show([entry])[0].text == "Avgift för Aby: ingen avgift → 45\xa0000 kr, fakturerad"


def test_saving_the_same_fees_again_logs_nothing(client, world):
    client.force_login(world.leader)
    client.post(_fees_url(world), _post(world, a1=(45000, False)))

    client.post(_fees_url(world), _post(world, a1=(45000, False)))

    assert LogEntry.objects.filter(action_type="participants.participation.fee_set").count() == 1


@pytest.mark.parametrize(
    ("fee", "invoiced", "error"),
    [
        ("", True, "Give the fee before marking it invoiced."),
        ("-5", False, "Ensure this value is greater than or equal to 0."),
        ("tolv", False, "Enter a whole number."),
    ],
)
def test_a_bad_fee_is_shown_beside_its_field_and_nothing_is_saved(
    client, world, fee, invoiced, error
):
    client.force_login(world.leader)
    data = _post(world, a2=(30000, False))
    data[f"p{world.a1.pk}-fee"] = fee
    if invoiced:
        data[f"p{world.a1.pk}-fee_invoiced"] = "on"

    response = client.post(_fees_url(world), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    form = next(f for f in response.context["forms"] if f.participation.pk == world.a1.pk)
    assert form.errors["fee"] == [error]
    assert error in response.text
    assert not Participation.objects.filter(fee__isnull=False).exists()  # not even Bby's
    assert not LogEntry.objects.filter(action_type="participants.participation.fee_set").exists()


def test_the_service_takes_only_the_rounds_participants(world):
    with pytest.raises(DomainError):
        services.participation_fees_set(
            round=world.round_a, fees={world.b1.pk: (1000, False)}, by=world.leader
        )
    with pytest.raises(DomainError):
        services.participation_fees_set(
            round=world.round_a, fees={world.m1.pk: (1000, False)}, by=world.leader
        )
    assert not Participation.objects.filter(fee__isnull=False).exists()


def test_only_project_leaders_see_the_fee_page(client, world):
    for person, status in (
        (world.strategist_a1, 403),
        (world.mentor_m1, 403),
        (world.strategist_b1, 404),
    ):
        client.force_login(person)
        assert client.get(_fees_url(world)).status_code == status
        assert client.post(_fees_url(world), _post(world, a1=(1, False))).status_code == status
    assert not Participation.objects.filter(fee__isnull=False).exists()


def test_the_fees_are_in_the_rounds_exports(client, world):
    services.participation_fees_set(
        round=world.round_a,
        fees={world.a1.pk: (45000, True), world.a2.pk: (30000, False)},
        by=world.leader,
    )
    client.force_login(world.leader)

    with translation.override("sv"):
        rows = exports.fee_rows(round=world.round_a)
    assert [(r.organisation, r.fee, r.fee_invoiced) for r in rows] == [
        ("9101", 45000, True),
        ("9102", 30000, False),
        ("9103", None, False),
        ("9104", None, False),
    ]
    as_csv = client.get(
        reverse("reports:round_fees_csv", args=[world.round_a.slug]), HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert as_csv.status_code == 200
    lines = as_csv.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "9101;Aby;;45000;ja"
    assert lines[2] == "9102;Bby;;30000;nej"
    workbook = load_workbook(
        io.BytesIO(
            client.get(reverse("reports:round_scores_xlsx", args=[world.round_a.slug])).content
        )
    )
    sheet = workbook["Avgifter"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:5] == ["9101", "Aby", None, 45000, "ja"]


def test_an_organisations_own_export_has_no_fees(client, world):
    services.participation_fees_set(
        round=world.round_a, fees={world.a1.pk: (45000, True)}, by=world.leader
    )
    client.force_login(world.strategist_a1)
    url = reverse("reports:organisation_scores_xlsx", args=[world.round_a.slug, "9101"])

    workbook = load_workbook(io.BytesIO(client.get(url).content))

    assert "Avgifter" not in workbook.sheetnames
    assert client.get(reverse("reports:round_fees_csv", args=[world.round_a.slug])).status_code in (
        403,
        404,
    )
