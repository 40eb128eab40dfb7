"""Expressions of interest: the public form, and the project leader's decision on each."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from modellkoncept.celery import app as celery_app
from participants import services
from participants.models import Application, Invitation, Organisation, Participation
from rounds import services as round_services
from rounds.models import Round
from tests.participants.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def eager():
    """Tasks (the e-mails) run in-process even where a broker is configured."""
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old


@pytest.fixture
def open_round(world):
    """Round C, in planning and open for expressions of interest."""
    round_ = round_services.round_create(
        name="Omgång C",
        slug="omgang-c",
        starts_on=world.round_a.starts_on,
        ends_on=world.round_a.ends_on,
    )
    return round_services.round_update(round=round_, accepts_applications=True)


@pytest.fixture
def visitor():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _form(slug="omgang-c") -> str:
    return reverse("participants:application_create", args=[slug])


def _data(organisation: Organisation | None, domain: str, **changes) -> dict:
    data = {
        "organisation": organisation.pk if organisation else "",
        "organisation_name": "",
        "contact_name": "Kim Kontakt",
        "contact_email": f"kontakt@{domain}",
        "contact_phone": "010-123 45 67",
        "decision_on": "2024-05-14",
        "decision_kind": "cemr",
        "anchoring": "Kommunstyrelsen beslutade i oktober att ansöka.",
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


def _apply(organisation, domain="gby.se", **changes) -> Application:
    """An application made through the service, as the public form makes it."""
    fields = _data(organisation, domain, **changes)
    fields["organisation"] = organisation
    fields["decision_on"] = fields["decision_on"] or None
    return fields


def _decide(client, application, decision):
    client.cookies.pop("messages", None)
    return client.post(
        reverse("participants:application_decide", args=["omgang-c", application.pk]),
        {"decision": decision, "decline-reason": "Omgången är full."},
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# The public pages


def test_the_open_rounds_are_listed_for_a_visitor_signed_out(visitor, world, open_round):
    response = visitor.get(reverse("participants:application_rounds"))

    assert response.status_code == 200
    assert [r.slug for r, _closed in response.context["rounds"]] == ["omgang-c"]
    assert _form() in response.content.decode()


def test_a_visitor_signed_out_applies(
    visitor, world, open_round, eager, django_capture_on_commit_callbacks
):
    gby = OrganisationFactory(code="9401", name="Gby")
    assert visitor.get(_form()).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(_form(), _data(gby, "gby.se", willing_to_mentor="on"))

    assert response.status_code == 200
    assert "kontakt@gby.se" in response.content.decode()
    application = Application.objects.get(round=open_round)
    assert (application.organisation, application.status) == (gby, "pending")
    assert application.willing_to_mentor is True
    assert application.is_eligible
    assert [m.to for m in mail.outbox] == [["kontakt@gby.se"]]
    assert "Omgång C" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "change",
    [
        {"accepts_applications": False},  # closed
        {"status": Round.Status.ACTIVE},  # started
    ],
)
def test_a_round_not_open_for_applications_is_not_found(visitor, world, open_round, change):
    Round.objects.filter(pk=open_round.pk).update(**change)
    gby = OrganisationFactory(code="9401", name="Gby")

    assert visitor.get(_form()).status_code == 404
    assert visitor.post(_form(), _data(gby, "gby.se")).status_code == 404
    assert visitor.get(_form("omgang-a")).status_code == 404  # never opened
    assert not Application.objects.exists()


def test_the_form_names_what_is_missing(visitor, world, open_round):
    response = visitor.post(
        _form(),
        _data(None, "gby.se", decision_kind="", contact_email="inte-en-adress"),
    )

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["organisation"] == [
        "Choose your organisation, or give its name if it is not listed."
    ]
    assert errors["contact_email"] == ["Enter a valid email address."]
    assert not Application.objects.exists()


def test_a_decision_date_needs_its_kind(visitor, world, open_round):
    gby = OrganisationFactory(code="9401", name="Gby")

    response = visitor.post(_form(), _data(gby, "gby.se", decision_kind=""))

    assert response.status_code == 422
    assert response.context["form"].errors["decision_kind"] == [
        "Say what kind of decision was taken."
    ]


def test_a_second_pending_application_of_the_organisation_is_refused(visitor, world, open_round):
    gby = OrganisationFactory(code="9401", name="Gby")
    visitor.post(_form(), _data(gby, "gby.se"))
    visitor.raise_request_exception = False

    again = visitor.post(_form(), _data(gby, "gby.se", contact_name="Någon Annan"))

    assert again.status_code == 422
    assert "The organisation has already applied for this round." in again.content.decode()
    assert list(Application.objects.values_list("contact_name", flat=True)) == ["Kim Kontakt"]


def test_an_organisation_already_in_the_round_cannot_apply(visitor, world, open_round):
    gby = OrganisationFactory(code="9401", name="Gby")
    services.participation_add(round=open_round, organisation=gby)

    response = visitor.post(_form(), _data(gby, "gby.se"))

    assert response.status_code == 422
    assert "Gby already takes part in Omgång C." in response.content.decode()
    assert not Application.objects.exists()


# Not a relay for the site's e-mail: throttles, a fixed acknowledgement, a honeypot

SPAM = "Hej Your account is suspended! Verify now at https://phish.example/login"


def _stranger(number: int, **changes) -> dict:
    """An application for an organisation outside the list (any number of them may apply)."""
    return _data(
        None,
        f"nr{number}.example",
        organisation_name=f"Förbund {number}",
        contact_name=SPAM,
        message=SPAM,
        **changes,
    )


def _post(data, address="192.0.2.44", **headers):
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **headers).post(_form(), data)


def _refused_as_too_many(response) -> bool:
    names = [t.name for t in response.templates]
    return response.status_code == 429 and names[:2] == ["429.html", "base.html"]


def test_five_applications_an_hour_are_taken_from_one_address(
    world, open_round, eager, django_capture_on_commit_callbacks
):
    assert settings.APPLICATION_THROTTLE_PER_ADDRESS == (5, 60 * 60)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_post(_stranger(n)).status_code for n in range(5)]
    assert answers == [200] * 5
    assert Application.objects.count() == 5
    assert len(mail.outbox) == 5

    with django_capture_on_commit_callbacks(execute=True) as queued:
        sixth = _post(_stranger(5))

    assert _refused_as_too_many(sixth), sixth.status_code
    assert sixth["Retry-After"] == "3600"
    assert "Nothing was saved or sent" in sixth.content.decode()
    assert Application.objects.count() == 5
    assert len(mail.outbox) == 5
    assert queued == []
    # Another address is counted on its own.
    assert _post(_stranger(6), address="192.0.2.45").status_code == 200
    assert Application.objects.count() == 6


def test_three_applications_a_day_are_taken_for_one_contact_address(
    world, open_round, eager, django_capture_on_commit_callbacks
):
    assert settings.APPLICATION_THROTTLE_PER_EMAIL == (3, 24 * 60 * 60)
    same = {"contact_email": "Offer@Example.se"}
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            assert _post(_stranger(n, **same), address=f"192.0.2.{n}").status_code == 200

    fourth = _post(
        _stranger(3, contact_email="offer@example.se"), address="192.0.2.3"
    )  # the same address in another case

    assert _refused_as_too_many(fourth), fourth.status_code
    assert Application.objects.count() == 3
    assert [m.to for m in mail.outbox] == [["Offer@Example.se"]] * 3


def test_behind_the_trusted_proxy_each_client_is_counted_on_its_own(
    world, open_round, eager, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    for n in range(5):
        assert (
            _post(_stranger(n), "10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.66").status_code == 200
        )
    assert _refused_as_too_many(
        _post(_stranger(5), "10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.66")
    )

    other = _post(_stranger(6), "10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert other.status_code == 200
    assert Application.objects.count() == 6


def test_the_count_starts_again_after_its_window(world, open_round, eager, settings):
    settings.APPLICATION_THROTTLE_PER_ADDRESS = (1, 1)  # one a second
    assert _post(_stranger(0)).status_code == 200
    assert _post(_stranger(1)).status_code == 429

    time.sleep(1.1)

    assert _post(_stranger(2)).status_code == 200
    assert sorted(Application.objects.values_list("organisation_name", flat=True)) == [
        "Förbund 0",
        "Förbund 2",
    ]


def test_a_form_with_errors_is_not_counted(world, open_round):
    for _ in range(8):
        assert _post(_stranger(0, contact_email="inte-en-adress")).status_code == 422

    assert _post(_stranger(0)).status_code == 200


def test_the_acknowledgement_repeats_nothing_typed_into_the_form(
    world, open_round, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(_stranger(1, contact_phone="https://phish.example"))
    assert response.status_code == 200
    assert Application.objects.get().contact_name == SPAM  # kept for the project leader

    (sent,) = mail.outbox
    text = sent.subject + sent.body

    assert sent.subject == "Your expression of interest for Omgång C"
    assert "We have received an expression of interest for Omgång C from this e-mail" in text
    for typed in ("Verify", "phish", "suspended", "Förbund 1", "nr1.example", "Kim"):
        assert typed not in text


def test_the_honeypot_is_hidden_from_people(visitor, world, open_round):
    page = visitor.get(_form()).content.decode()

    trap = re.search(
        r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>\s*<button', page, re.S
    )
    assert trap, "the honeypot sits in a visually hidden, aria-hidden container"
    field = re.search(r"<input[^>]*name=\"leave_empty\"[^>]*>", trap.group(1)).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    assert "required" not in field


def test_a_filled_honeypot_is_answered_as_accepted_and_nothing_is_saved_or_sent(
    world, open_round, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = _post(_stranger(1, leave_empty="https://spam.example"))

    assert response.status_code == 200
    assert "Thank you for your expression of interest" in response.content.decode()
    assert not Application.objects.exists()
    assert mail.outbox == []
    assert queued == []


# The project leader's decision


def test_the_list_shows_eligibility_at_a_glance(client, world, open_round):
    for code, name, changes in [
        ("9401", "Gby", {}),
        ("9402", "Hby", {"decision_on": "", "decision_kind": ""}),
        ("9403", "Iby", {"strategist_email": ""}),
    ]:
        services.application_submit(
            round=open_round, **_apply(OrganisationFactory(code=code, name=name), **changes)
        )
    client.force_login(world.leader)

    response = client.get(reverse("participants:application_list", args=["omgang-c"]))

    assert response.status_code == 200
    glance = {
        a.applicant_name: (a.has_political_decision, a.names_all_functions, a.is_eligible)
        for a in response.context["applications"]
    }
    assert glance == {
        "Gby": (True, True, True),
        "Hby": (False, True, False),
        "Iby": (True, False, False),
    }


def test_accepting_enrols_the_organisation_and_invites_its_people(
    client, world, open_round, eager, django_capture_on_commit_callbacks
):
    gby = OrganisationFactory(code="9401", name="Gby")
    # The manager is also the strategist: one person, two functions, one invitation.
    application = services.application_submit(
        round=open_round,
        **_apply(gby, strategist_name="Carl Chef", strategist_email="Chef@Gby.se"),
    )
    client.force_login(world.leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, application, "accept")

    assert response.status_code == 302
    participation = Participation.objects.get(round=open_round, organisation=gby)
    assert sorted(participation.function_assignments.values_list("person__email", "function")) == [
        ("chef@gby.se", "chef"),
        ("chef@gby.se", "strateg"),
        ("politiker@gby.se", "politiker"),
    ]
    assert Invitation.objects.filter(participation=participation).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chef@gby.se",
        "kontakt@gby.se",
        "politiker@gby.se",
    ]
    gby.refresh_from_db()
    assert (gby.political_decision_kind, str(gby.political_decision_on)) == ("cemr", "2024-05-14")


def test_an_applicant_not_in_the_list_becomes_an_organisation_of_kind_other(
    client, world, open_round, visitor
):
    visitor.post(
        _form(),
        _data(None, "fnk.se", organisation_name="Förbundet Norrbottens Kommuner"),
    )
    application = Application.objects.get()
    assert application.organisation is None
    client.force_login(world.leader)

    _decide(client, application, "accept")

    organisation = Organisation.objects.get(name="Förbundet Norrbottens Kommuner")
    assert organisation.kind == Organisation.Kind.OTHER
    assert organisation.code == f"A{application.pk:05d}"
    application.refresh_from_db()
    assert (application.status, application.organisation) == ("accepted", organisation)
    assert Participation.objects.filter(round=open_round, organisation=organisation).exists()


def test_declining_enrols_nobody(
    client, world, open_round, eager, django_capture_on_commit_callbacks
):
    gby = OrganisationFactory(code="9401", name="Gby")
    application = services.application_submit(round=open_round, **_apply(gby))
    client.force_login(world.leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, application, "decline")

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("declined", world.leader)
    assert not Participation.objects.filter(organisation=gby).exists()
    assert not Invitation.objects.exists()
    assert [m.to for m in mail.outbox] == [["kontakt@gby.se"]]


@pytest.mark.parametrize("second", ["accept", "decline"])
def test_an_application_is_decided_once(client, world, open_round, second):
    gby = OrganisationFactory(code="9401", name="Gby")
    application = services.application_submit(round=open_round, **_apply(gby))
    client.force_login(world.leader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    _decide(client, application, "accept")

    response = _decide(client, application, second)

    assert _messages(response) == ["The application has already been decided."]
    application.refresh_from_db()
    assert application.status == "accepted"
    assert Participation.objects.filter(round=open_round).count() == 1
    assert Invitation.objects.count() == 3


def test_only_project_leaders_see_and_decide_applications(client, world, open_round):
    gby = OrganisationFactory(code="9401", name="Gby")
    application = services.application_submit(round=open_round, **_apply(gby))
    # Aby's strategist takes part in round C, so the round is visible but not theirs to run.
    services.participation_add(round=open_round, organisation=world.a1.organisation)
    services.function_assign(
        participation=Participation.objects.get(round=open_round, organisation__code="9101"),
        person=world.strategist_a1,
        function="strateg",
    )
    listing = reverse("participants:application_list", args=["omgang-c"])

    client.force_login(world.strategist_a1)
    assert client.get(listing).status_code == 403
    assert _decide(client, application, "accept").status_code == 403
    client.force_login(world.strategist_b1)
    assert client.get(listing).status_code == 404
    assert _decide(client, application, "accept").status_code == 404
    client.logout()
    assert _decide(client, application, "accept").status_code == 302  # to sign in

    application.refresh_from_db()
    assert application.status == "pending"
    assert not Participation.objects.filter(organisation=gby).exists()
    assert not Invitation.objects.exists()


def test_an_unknown_decision_changes_nothing(client, world, open_round):
    application = services.application_submit(
        round=open_round, **_apply(OrganisationFactory(code="9401", name="Gby"))
    )
    client.force_login(world.leader)

    assert _decide(client, application, "maybe").status_code == 400
    application.refresh_from_db()
    assert application.status == "pending"


def test_declining_asks_first_and_says_what_follows(client, world, open_round):
    application = services.application_submit(
        round=open_round, **_apply(OrganisationFactory(code="9401", name="Gby"))
    )
    client.force_login(world.leader)
    url = reverse("participants:application_decide", args=["omgang-c", application.pk])
    listing = client.get(reverse("participants:application_list", args=["omgang-c"]))
    assert f'href="{url}"' in listing.text  # a link to the question, not a one-click decline

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Gby is not enrolled in Omgång C and nobody is invited." in response.text
    application.refresh_from_db()
    assert application.status == "pending"


def test_the_public_link_is_shown_only_while_the_call_is_open(client, world, open_round):
    client.force_login(world.leader)
    listing = reverse("participants:application_list", args=["omgang-c"])
    form = reverse("participants:application_create", args=["omgang-c"])
    assert form in client.get(listing).text

    round_services.round_activate(round=open_round)

    html = client.get(listing, HTTP_ACCEPT_LANGUAGE="en").text
    assert form not in html
    assert "The call for expressions of interest is closed." in html
