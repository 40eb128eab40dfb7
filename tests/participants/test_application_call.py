"""The round's call as SKR runs it (seeds 000, 001, 003): a last day to apply and a day of
decision on the public form, which closes after the deadline; the application says how the
participation is anchored and names the political decision; accepting an application that breaks
the round's rules takes a reason kept in the action log; a declined applicant is sent the
project leader's reason; the round's SKR contacts are named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from modellkoncept.actions import show
from modellkoncept.errors import DomainError
from modellkoncept.models import LogEntry
from participants import services
from participants.models import Application, Invitation, Organisation, Participation
from rounds import services as round_services
from rounds.models import Round
from tests.accounts.factories import ProjectLeaderFactory
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# The tests run on 2026-11-24 (tests/conftest.py).
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def eager(eager_tasks):
    return eager_tasks


@pytest.fixture
def call(world):
    """Round C, a municipal round in planning, open for applications until 8 December with
    SKR's decision by 18 December, with an SKR contact."""
    contact = ProjectLeaderFactory(email="asa.kontakt@skr.se", full_name="Åsa Kontakt")
    round_ = round_services.round_create(
        name="Omgång C",
        slug="omgang-c",
        starts_on=dt.date(2027, 2, 1),
        ends_on=dt.date(2029, 1, 31),
        accepts_applications=True,
        application_deadline=dt.date(2026, 12, 8),
        decision_by=dt.date(2026, 12, 18),
        contacts=[contact],
    )
    return round_


def _form(slug="omgang-c") -> str:
    return reverse("participants:application_create", args=[slug])


def _decide_url(application) -> str:
    return reverse("participants:application_decide", args=[application.round.slug, application.pk])


def _data(organisation, domain="gby.se", **changes) -> dict:
    data = {
        "organisation": organisation.pk if organisation else "",
        "organisation_name": "",
        "contact_name": "Kim Kontakt",
        "contact_email": f"kontakt@{domain}",
        "contact_phone": "",
        "decision_on": "2024-05-14",
        "decision_kind": "cemr",
        "decision_reference": "",
        "anchoring": "Kommunstyrelsen beslutade den 3 november 2026 att ansöka.",
        "politician_name": "Pia Politiker",
        "politician_email": f"politiker@{domain}",
        "manager_name": "Carl Chef",
        "manager_email": f"chef@{domain}",
        "strategist_name": "Stella Strateg",
        "strategist_email": f"strateg@{domain}",
        "message": "",
    }
    data.update(changes)
    return data


def _submit(round_, organisation, **changes) -> Application:
    fields = _data(organisation, **changes)
    fields["organisation"] = organisation
    fields["decision_on"] = fields["decision_on"] or None
    return services.application_submit(round=round_, **fields)


# The call's dates, costs and contacts on the public pages


def test_the_public_form_states_the_deadline_the_decision_day_costs_and_contact(world, call):
    visitor = Client(HTTP_ACCEPT_LANGUAGE="sv")

    for url in (reverse("participants:application_rounds"), _form()):
        html = visitor.get(url).text
        assert "Sista dag att ansöka" in html, url
        assert "2026-12-08" in html, url  # Swedish dates
        assert "2026-12-18" in html, url
        assert "resor och boende" in html, url  # what participants pay for themselves
        assert "lärandeträff" in html, url
        assert 'href="mailto:asa.kontakt@skr.se"' in html, url


def test_the_form_takes_applications_on_the_last_day(world, call, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 8, 22, 30, tzinfo=dt.UTC))  # 23.30 in Stockholm
    gby = OrganisationFactory(code="9401", name="Gby")

    response = Client().post(_form(), _data(gby))

    assert response.status_code == 200
    assert Application.objects.filter(round=call).count() == 1


def test_after_the_deadline_the_form_says_the_call_is_closed(world, call, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 9, 8, 0, tzinfo=dt.UTC))
    gby = OrganisationFactory(code="9401", name="Gby")
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")

    page = visitor.get(_form())
    posted = visitor.post(_form(), _data(gby))

    for response in (page, posted):
        assert response.status_code == 200  # a page that says so, not an error
        assert "The call for Omgång C is closed" in response.text
        with translation.override("en"):
            assert formats.date_format(dt.date(2026, 12, 8), "DATE_FORMAT") in response.text
        assert 'name="contact_email"' not in response.text
    assert not Application.objects.exists()
    listing = visitor.get(reverse("participants:application_rounds")).text
    assert "The call is closed" in listing
    assert f'href="{_form()}"' not in listing


def test_the_service_refuses_an_application_after_the_deadline(world, call, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.UTC))

    with translation.override("en"), pytest.raises(DomainError, match="closed"):
        _submit(call, OrganisationFactory(code="9401", name="Gby"))
    assert not Application.objects.exists()


def test_the_decision_day_cannot_come_before_the_deadline(world):
    with pytest.raises(ValidationError) as error:
        round_services.round_create(
            name="Omgång D",
            starts_on=dt.date(2027, 2, 1),
            ends_on=dt.date(2029, 1, 31),
            application_deadline=dt.date(2026, 12, 8),
            decision_by=dt.date(2026, 12, 1),
        )
    assert "decision_by" in error.value.message_dict
    assert not Round.objects.filter(name="Omgång D").exists()


def test_the_round_form_sets_the_call_dates(client, world):
    client.force_login(world.leader)
    url = reverse("rounds:round_update", args=[world.round_a.slug])
    data = {
        "name": "Omgång A",
        "kind": "municipal",
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "current_year": "1",
        "description": "",
        "accepts_applications": "on",
        "application_deadline": "2026-12-08",
        "decision_by": "2026-12-01",
        "reminder_days": "7, 2",
        "meeting_notice_days": "14",
        "contacts": [world.leader.pk],
    }

    refused = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "The decision cannot be announced before the last day to apply." in refused.text
    world.round_a.refresh_from_db()
    assert world.round_a.application_deadline is None

    client.post(url, {**data, "decision_by": "2026-12-18"})
    world.round_a.refresh_from_db()
    assert (world.round_a.application_deadline, world.round_a.decision_by) == (
        dt.date(2026, 12, 8),
        dt.date(2026, 12, 18),
    )


# What the application asks


def test_the_application_asks_how_the_participation_is_anchored(world, call):
    gby = OrganisationFactory(code="9401", name="Gby")

    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(_form(), _data(gby, anchoring=""))

    assert response.status_code == 422
    assert response.context["form"].errors["anchoring"] == ["This field is required."]
    assert not Application.objects.exists()
    Client().post(_form(), _data(gby))
    assert Application.objects.get().anchoring.startswith("Kommunstyrelsen beslutade")


def test_a_reference_names_the_political_decision_without_a_date(world, call):
    gby = OrganisationFactory(code="9401", name="Gby")

    Client().post(
        _form(),
        _data(gby, decision_on="", decision_reference="CEMR-deklarationen undertecknad 2019"),
    )

    application = Application.objects.get()
    assert application.decision_on is None
    assert application.has_political_decision
    assert application.acceptance_problems() == []


def test_a_reference_needs_the_kind_of_decision(world, call):
    gby = OrganisationFactory(code="9401", name="Gby")

    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        _form(), _data(gby, decision_on="", decision_kind="", decision_reference="KF § 12")
    )

    assert response.status_code == 422
    assert response.context["form"].errors["decision_kind"] == [
        "Say what kind of decision was taken."
    ]


# Accepting against the round's rules takes a reason


@pytest.fixture
def undecided(world, call):
    """An application without a political decision."""
    return _submit(
        call, OrganisationFactory(code="9401", name="Gby"), decision_on="", decision_kind=""
    )


@pytest.fixture
def region(world, call):
    """A region applying for the municipal round."""
    return _submit(
        call, OrganisationFactory(code="97", name="Region Test", kind=Organisation.Kind.REGION)
    )


def test_the_problems_are_named_for_an_application_breaking_the_rules(undecided, region):
    assert (undecided.acceptance_problem_codes(), region.acceptance_problem_codes()) == (
        ["no_decision"],
        ["kind"],
    )
    with translation.override("en"):
        assert undecided.acceptance_problems() == [
            "Gby gives no political decision on gender mainstreaming."
        ]
        assert region.acceptance_problems() == [
            "Region Test is a region; Omgång C is a municipal round."
        ]


@pytest.mark.parametrize("kind", ["regional", "mixed"])
def test_a_region_is_no_problem_in_a_regional_or_mixed_round(world, call, kind):
    Round.objects.filter(pk=call.pk).update(kind=kind)
    region = _submit(
        Round.objects.get(pk=call.pk),
        OrganisationFactory(code="97", name="Region Test", kind=Organisation.Kind.REGION),
    )
    assert region.acceptance_problems() == []


def test_a_municipality_is_a_problem_in_a_regional_round(world, call):
    Round.objects.filter(pk=call.pk).update(kind="regional")
    application = _submit(Round.objects.get(pk=call.pk), OrganisationFactory(code="9401"))
    assert len(application.acceptance_problems()) == 1


@pytest.mark.parametrize("fixture", ["undecided", "region"])
def test_accepting_without_a_reason_changes_nothing(client, world, fixture, request):
    application = request.getfixturevalue(fixture)
    client.force_login(world.leader)

    listing = client.get(reverse("participants:application_list", args=["omgang-c"])).text
    assert f'href="{_decide_url(application)}"' in listing  # no one-click accept
    response = client.post(
        _decide_url(application), {"decision": "accept"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 422
    form = response.context["accept_form"]
    assert form.errors["override_reason"] == ["This field is required."]
    with translation.override("en"):
        assert application.acceptance_problems()[0] in response.text  # beside the field
    application.refresh_from_db()
    assert application.status == "pending"
    assert not Participation.objects.filter(round=application.round).exists()
    assert not LogEntry.objects.filter(action_type="participants.application.accepted").exists()
    with translation.override("en"), pytest.raises(DomainError, match="needs a reason"):
        services.application_accept(application=application, by=world.leader)


def test_accepting_with_a_reason_enrols_and_logs_the_override(client, world, undecided):
    client.force_login(world.leader)
    reason = "Beslut i kommunfullmäktige väntas i januari; SKR har sett underlaget."

    response = client.post(
        _decide_url(undecided), {"decision": "accept", "accept-override_reason": reason}
    )

    assert response.status_code == 302
    undecided.refresh_from_db()
    assert (undecided.status, undecided.decision_reason) == ("accepted", reason)
    assert Participation.objects.filter(round=undecided.round, organisation__code="9401").exists()
    entry = LogEntry.objects.get(action_type="participants.application.accepted")
    assert entry.data["override_reason"] == reason
    assert entry.data["problems"] == ["no_decision"]
    assert entry.user == world.leader
    with translation.override("sv"):
        text = show([entry])[0].text
    assert text == (
        f"Intresseanmälan från Gby godkändes trots: inget politiskt beslut angivet. Skäl: {reason}"
    )


def test_an_application_meeting_the_rules_is_accepted_in_one_click(client, world, call):
    application = _submit(call, OrganisationFactory(code="9401", name="Gby"))
    client.force_login(world.leader)

    response = client.post(_decide_url(application), {"decision": "accept"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == ("accepted", "")
    entry = LogEntry.objects.get(action_type="participants.application.accepted")
    assert "override_reason" not in entry.data


# Declining sends the project leader's reason


def test_declining_takes_a_reason_and_sends_it_to_the_applicant(
    client, world, call, eager, django_capture_on_commit_callbacks
):
    application = _submit(call, OrganisationFactory(code="9401", name="Gby"))
    client.force_login(world.leader)
    reason = "Omgången är full; vi hör av oss inför nästa omgång hösten 2027."

    without = client.post(_decide_url(application), {"decision": "decline", "decline-reason": "  "})
    assert without.status_code == 422
    assert without.context["decline_form"].errors["reason"]
    application.refresh_from_db()
    assert application.status == "pending"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _decide_url(application), {"decision": "decline", "decline-reason": reason}
        )

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == ("declined", reason)
    assert not Invitation.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["kontakt@gby.se"]
    assert reason in message.body
    assert "Åsa Kontakt <asa.kontakt@skr.se>" in message.body  # the round's SKR contact
    entry = LogEntry.objects.get(action_type="participants.application.declined")
    assert entry.data["reason"] == reason
    listing = client.get(reverse("participants:application_list", args=["omgang-c"])).text
    assert reason in listing


def test_the_decline_service_needs_a_reason(world, call):
    application = _submit(call, OrganisationFactory(code="9401", name="Gby"))

    with pytest.raises(DomainError):
        services.application_decline(application=application, by=world.leader, reason=" ")
    application.refresh_from_db()
    assert application.status == "pending"


def test_the_decision_page_shows_the_anchoring_and_the_decision(client, world, call):
    application = _submit(
        call,
        OrganisationFactory(code="9401", name="Gby"),
        decision_on="",
        decision_reference="KF 2019-03-25 § 41",
    )
    client.force_login(world.leader)

    page = client.get(_decide_url(application), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert "Kommunstyrelsen beslutade den 3 november 2026 att ansöka." in page.text
    assert "KF 2019-03-25 § 41" in page.text
    assert 'name="decline-reason"' in page.text
