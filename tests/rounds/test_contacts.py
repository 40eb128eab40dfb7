"""Each round names its SKR contacts (project leaders): the round form sets them (the creator by
default), and the round's page, its e-mails and the page refusing access name them."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from checklist.models import DEFAULT_CHECKLIST_SLUG, ChecklistVersion
from modellkoncept.actions import show
from modellkoncept.errors import DomainError
from modellkoncept.models import LogEntry
from participants import services as participant_services
from rounds import actions, services
from rounds.models import Round, SentNotice
from tests.accounts.factories import ProjectLeaderFactory

pytestmark = pytest.mark.django_db


def _round_data(**changes) -> dict:
    data = {
        "name": "Modellkoncept 2027–2029",
        "slug": "mk-2027",
        "kind": Round.Kind.MUNICIPAL,
        "starts_on": "2027-09-01",
        "ends_on": "2029-08-31",
        "current_year": "1",
        "checklist_version": ChecklistVersion.objects.get(slug=DEFAULT_CHECKLIST_SLUG).pk,
        "description": "",
        "reminder_days": "7, 2",
        "meeting_notice_days": "14",
    }
    data.update(changes)
    return data


def test_the_creator_is_the_contact_when_nobody_is_named(client, leader):
    client.force_login(leader)

    form = client.get(reverse("rounds:round_create"))
    response = client.post(reverse("rounds:round_create"), _round_data())

    assert form.context["form"]["contacts"].initial == [leader]
    assert response.status_code == 302
    assert list(Round.objects.get(slug="mk-2027").contacts.all()) == [leader]


def test_the_form_names_other_project_leaders(client, leader):
    other = ProjectLeaderFactory(email="asa@skr.se", full_name="Åsa Projektledare")
    client.force_login(leader)

    client.post(reverse("rounds:round_create"), _round_data(contacts=[other.pk]))

    assert list(Round.objects.get(slug="mk-2027").contacts.all()) == [other]


def test_only_project_leaders_can_be_contacts(client, world):
    client.force_login(world.leader)

    response = client.post(
        reverse("rounds:round_create"), _round_data(contacts=[world.strategist_a1.pk])
    )

    assert response.status_code == 200
    assert "contacts" in response.context["form"].errors
    assert not Round.objects.filter(slug="mk-2027").exists()
    with pytest.raises(DomainError):
        services.round_update(round=world.round_a, contacts=[world.strategist_a1])
    assert not world.round_a.contacts.exists()


def test_the_round_page_names_its_contacts(client, world):
    services.round_update(round=world.round_a, contacts=[world.leader])
    client.force_login(world.strategist_a1)

    html = client.get(reverse("rounds:round_detail", args=[world.round_a.slug])).content.decode()

    assert '<a href="mailto:pl@skr.se">Pia Projektledare</a>' in html


def test_the_dashboard_names_the_contacts_as_they_are_changed(client, world):
    """The project leader's page keeps the contacts with the round's values: changing them
    renews those, and the round's history says who they were and are."""
    other = ProjectLeaderFactory(email="berit@skr.se", full_name="Berit Projektledare")
    services.round_update(round=world.round_a, contacts=[world.leader])
    client.force_login(world.leader)
    url = reverse("rounds:round_detail", args=[world.round_a.slug])
    assert '<a href="mailto:pl@skr.se">Pia Projektledare</a>' in client.get(url).content.decode()

    services.round_update(round=world.round_a, contacts=[other, world.leader])
    html = client.get(url).content.decode()
    assert (
        '<a href="mailto:berit@skr.se">Berit Projektledare</a>, '
        '<a href="mailto:pl@skr.se">Pia Projektledare</a>'
    ) in html
    entry = LogEntry.objects.filter(action_type=actions.ROUND_UPDATED).latest("id")
    with translation.override("en"):
        assert show([entry])[0].text == (
            "Round changed: SKR contacts: Pia Projektledare → "
            "Pia Projektledare, Berit Projektledare"
        )
    services.round_update(round=world.round_a, contacts=[world.leader, other])  # the same
    assert LogEntry.objects.filter(action_type=actions.ROUND_UPDATED).latest("id") == entry


def test_the_invitation_names_the_contacts(world):
    services.round_update(round=world.round_a, contacts=[world.leader])
    invitation = participant_services.person_invite(
        participation=world.a1, email="ny@aby.se", full_name="Ny Person", functions=["chef"]
    )
    mail.outbox.clear()

    participant_services.invitation_send(invitation=invitation, language="en")

    assert "Your contact at SKR: Pia Projektledare <pl@skr.se>" in mail.outbox[-1].body


def test_the_meeting_notice_names_the_contacts(world, settings):
    settings.LANGUAGE_CODE = "en"
    services.round_update(round=world.round_a, contacts=[world.leader])
    mail.outbox.clear()

    services.notice_email_send(
        kind=SentNotice.Kind.MEETING_NOTICE, meeting=world.meeting_ga1, person=world.strategist_a1
    )
    services.notice_email_send(
        kind=SentNotice.Kind.ASSESSMENT_REMINDER,
        meeting=world.meeting_ga1,
        person=world.strategist_a1,
        participation=world.a1,
    )

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "Your contact at SKR: Pia Projektledare <pl@skr.se>" in message.body


def test_the_page_refusing_access_names_the_contacts_of_ones_rounds(client, world):
    services.round_update(round=world.round_a, contacts=[world.leader])
    client.force_login(world.strategist_a1)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.get(reverse("rounds:round_list"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "contact the SKR project leader for your round:" in html
    assert 'Omgång A: <a href="mailto:pl@skr.se">Pia Projektledare</a>' in html
    # Someone of round B, whose round names nobody, gets the general sentence.
    client.force_login(world.strategist_b1)
    html = client.get(reverse("rounds:round_list")).content.decode()
    assert "Pia Projektledare" not in html
    assert "contact the SKR project leader for your round." in html


def test_a_round_created_without_contacts_in_a_service_has_none():
    created = services.round_create(
        name="Arkivomgång", starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2020, 12, 31)
    )
    assert not created.contacts.exists()
