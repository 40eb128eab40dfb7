"""Signing in and out, resetting a password, and the start page each role lands on."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import PASSWORD, UserFactory
from tests.pages import assert_not_shown

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/sign-in/"  # the public address people bookmark


def _in_swedish(text: str) -> str:
    """The text as the site shows it by default, whether or not it is translated yet."""
    with translation.override("sv"):
        return translation.gettext(text)


def _section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by the heading with this id."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


# Signing in and out


@pytest.mark.parametrize("typed", ["sara@example.se", "Sara@Example.SE", "SARA@EXAMPLE.SE"])
def test_sign_in_with_the_address_in_any_case_lands_on_the_start_page(client, typed):
    user = UserFactory(email="sara@example.se", full_name="Sara Strateg")

    response = client.post(LOGIN, {"username": typed, "password": PASSWORD}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert response.status_code == 200
    assert response.context["user"] == user
    assert response.wsgi_request.user.is_authenticated


def test_sign_in_with_a_wrong_password_is_refused(client):
    UserFactory(email="sara@example.se")

    response = client.post(LOGIN, {"username": "sara@example.se", "password": "fel-losenord"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_sign_in_with_an_address_longer_than_an_address_can_be_is_refused(client):
    address = "a" * 244 + "@example.se"  # 255 characters, one more than an address can have

    response = client.post(LOGIN, {"username": address, "password": PASSWORD})

    assert response.status_code == 200
    with translation.override("sv"):
        assert response.context["form"].errors["username"] == [
            "Säkerställ att detta värde har som mest 254 tecken (den har 255)."
        ]
    assert "_auth_user_id" not in client.session


def test_sign_in_follows_next(client, world):
    response = client.post(
        f"{LOGIN}?next=/rounds/omgang-a/",
        {"username": "strateg@aby.se", "password": PASSWORD, "next": "/rounds/omgang-a/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/rounds/omgang-a/"


@pytest.mark.parametrize(
    "path", ["/", "/rounds/", "/rounds/omgang-a/", "/rounds/omgang-a/organisations/9101/"]
)
def test_anonymous_visitor_is_sent_to_sign_in_with_next(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={path}"


def test_sign_in_page_is_public(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_sign_out_takes_a_post(client):
    user = UserFactory()
    client.force_login(user)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get("/").status_code == 200  # still signed in

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get("/")["Location"] == f"{LOGIN}?next=/"


# Password reset


def _ask_for_reset(client, email: str, capture):
    """Ask for a reset link as a browser does; what the request did at once, and what it left
    to run after the response (the tasks, queued on commit, not run)."""
    with CaptureQueriesContext(connection) as queries, capture(execute=False) as queued:
        response = client.post(reverse("accounts:password_reset"), {"email": email})
    return response, queries, queued


@pytest.mark.usefixtures("eager_tasks")
def test_asking_for_a_reset_sends_nothing_in_the_request_and_queues_the_task(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="glomsk@example.se")

    response, queries, queued = _ask_for_reset(
        client, "glomsk@example.se", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent while the browser waits
    assert [q["sql"] for q in queries] == []  # not even the account looked up
    assert len(queued) == 1

    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()  # what the worker does after the response (eager here)

    assert [m.to for m in mail.outbox] == [["glomsk@example.se"]]


@pytest.mark.usefixtures("eager_tasks")
def test_an_address_without_an_account_is_answered_alike_and_gets_nothing(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="glomsk@example.se")
    known = _ask_for_reset(Client(), "glomsk@example.se", django_capture_on_commit_callbacks)

    unknown = _ask_for_reset(client, "ingen@example.se", django_capture_on_commit_callbacks)

    assert unknown[0].status_code == known[0].status_code == 302
    assert unknown[0]["Location"] == known[0]["Location"]
    assert len(unknown[1]) == len(known[1])
    assert len(unknown[2]) == len(known[2]) == 1
    unknown[2][0]()
    assert mail.outbox == []


@pytest.mark.usefixtures("eager_tasks")
def test_password_reset_by_email_link(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="glomsk@example.se")

    with django_capture_on_commit_callbacks(execute=True):  # the task sends it, in-process
        response = client.post(reverse("accounts:password_reset"), {"email": "Glomsk@Example.se"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["glomsk@example.se"]
    link = re.search(r"https?://testserver(/accounts/password-reset/\S+/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    new_password = "Nytt-losenord-for-2026"
    done = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})

    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)
    signed_in = client.post(
        LOGIN, {"username": "glomsk@example.se", "password": new_password}, follow=True
    )
    assert signed_in.context["user"] == user
    assert client.get(link.group(1), follow=True).context["validlink"] is False


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "okand@example.se"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


# The start page by role


def test_project_leader_start_page_lists_the_rounds(client, world):
    client.force_login(world.leader)

    html = client.get("/").content.decode()

    assert "Omgång A" in html
    assert "Omgång B" in html
    assert reverse("rounds:round_detail", kwargs={"slug": "omgang-a"}) in html


def test_strategist_start_page_shows_organisation_group_and_due_assessment(client, world):
    client.force_login(world.strategist_a1)

    html = client.get("/").content.decode()

    assert "Aby" in html
    assert "GA1" in html
    assert "Mentorstad" in html  # the group's mentor
    due = _section(html, "due-heading")
    assert "Lärandeträff 1 GA1" in due
    assert "Aby" in due
    assert _in_swedish("draft") in due  # A1 has started its assessment
    # Nothing of other groups and rounds.
    assert_not_shown(html, "Cby", "GA2", "Lärandeträff 1 GA2", "Omgång B")


def test_politician_start_page_has_nothing_due(client, world):
    client.force_login(world.politician_a1)

    html = client.get("/").content.decode()

    assert "Aby" in html
    assert 'id="due-heading"' not in html  # only strategists fill in the assessment


def test_mentor_start_page_shows_their_groups(client, world):
    client.force_login(world.mentor_m1)

    html = client.get("/").content.decode()

    mentored = _section(html, "mentored-heading")
    assert "GA1" in mentored
    assert "Aby" in mentored
    assert "Bby" in mentored
    # Each name as a word of the page, not letters inside a token or nonce of its <head>.
    assert_not_shown(html, "GA2", "Cby", "Dby", "Stödstad")


def test_person_outside_every_round_sees_an_empty_start_page(client, world):
    client.force_login(world.outsider)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert _in_swedish("You are not part of any round yet.") in html
    assert_not_shown(html, "Omgång A", "Omgång B", "Aby", "GA1")


def test_session_lasts_a_working_day():
    assert settings.SESSION_COOKIE_AGE == 60 * 60 * 9
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
