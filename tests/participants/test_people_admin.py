"""A project leader corrects a person (name, e-mail address, functions) and follows their
invitation: its state (sent, accepted, expired, revoked), sending it again and revoking it. An
erased person no longer holds a function; the person page names functions and rounds."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.services import person_erase
from modellkoncept.celery import app as celery_app
from participants import services
from participants.models import FunctionAssignment, Invitation
from tests.participants.test_views import main_of

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _eager():
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


def _page(client, world, code="9101"):
    url = reverse("participants:participation_detail", args=["omgang-a", code])
    return main_of(client.get(url, **EN).text)


def _edit_url(world, person, code="9101"):
    return reverse(
        "participants:person_update",
        kwargs={"round_slug": "omgang-a", "code": code, "person_pk": person.pk},
    )


def test_a_project_leader_corrects_a_persons_name_address_and_functions(client, world):
    client.force_login(world.leader)
    url = _edit_url(world, world.manager_a1)
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "full_name": "Cecilia Chefsdotter",
            "email": "Cecilia@Aby.se",
            "functions": ["chef", "ekonom"],
        },
    )

    assert response.status_code == 302
    world.manager_a1.refresh_from_db()
    assert (world.manager_a1.full_name, world.manager_a1.email) == (
        "Cecilia Chefsdotter",
        "cecilia@aby.se",
    )
    assert set(
        FunctionAssignment.objects.filter(
            participation=world.a1, person=world.manager_a1
        ).values_list("function", flat=True)
    ) == {"chef", "ekonom"}


def test_an_address_someone_else_has_is_refused_beside_the_field(client, world):
    client.force_login(world.leader)

    response = client.post(
        _edit_url(world, world.manager_a1),
        {"full_name": "Cecilia Chef", "email": "strateg@aby.se", "functions": ["chef"]},
        **EN,
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Another person already has the address strateg@aby.se."
    ]
    world.manager_a1.refresh_from_db()
    assert world.manager_a1.email == "chef@aby.se"


def test_only_people_of_the_organisation_are_edited_there(client, world):
    client.force_login(world.leader)
    assert client.get(_edit_url(world, world.strategist_b1)).status_code == 404
    client.force_login(world.strategist_a1)
    assert client.get(_edit_url(world, world.manager_a1)).status_code == 403


def test_an_invitation_shows_its_state_and_can_be_sent_again_or_revoked(
    client, world, django_capture_on_commit_callbacks
):
    invitation = services.person_invite(
        participation=world.a1,
        email="ny@aby.se",
        full_name="Nils Ny",
        functions=["strateg"],
        invited_by=world.leader,
    )
    client.force_login(world.leader)
    action = reverse(
        "participants:invitation_action",
        kwargs={"round_slug": "omgang-a", "code": "9101", "pk": invitation.pk},
    )
    assert "Sent" in _page(client, world)

    client.post(action, {"action": "revoke"})
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    assert not invitation.is_usable
    assert "Revoked" in _page(client, world)

    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40),
        expires_at=timezone.now() - dt.timedelta(days=10),
        revoked_at=None,
    )
    assert "Expired" in _page(client, world)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"action": "resend"})

    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.SENT
    assert invitation.expires_at > timezone.now()
    assert [m.to for m in mail.outbox] == [["ny@aby.se"]]


def test_an_erased_person_no_longer_holds_the_function(client, world):
    client.force_login(world.leader)
    assert "Missing functions:" not in _page(client, world)

    person_erase(person=world.strategist_a1, by=world.leader)

    page = _page(client, world)
    assert "Missing functions:" in page
    assert "strategist/key person" in page.split("Missing functions:")[1].split("</div>")[0]


def test_the_person_page_names_functions_and_rounds(client, world):
    client.force_login(world.leader)

    html = main_of(client.get(reverse("accounts:person", args=[world.strategist_a1.pk]), **EN).text)

    assert "Aby · Omgång A · Strategist/key person" in html
    assert "omgang-a" not in html.split("<h2>")[1]
    assert "· strateg<" not in html
