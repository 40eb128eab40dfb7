"""Sign-in protection: lock-out after repeated failed sign-ins (django-axes, keyed on the account
and the address together, with a cool-off), sessions that last a working day and end when the
browser closes, secure cookies in production, password rules on the invitation page, and
invitation and password-reset links that expire and work once."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from participants import services as participant_services
from participants.models import Invitation
from tests.accounts.factories import PASSWORD, UserFactory
from tests.test_deploy import REPO_ROOT, SETTINGS_VARIABLES

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/sign-in/"
HOME = "/"
OFFICE = "192.0.2.10"  # a whole municipality signs in from one address
ELSEWHERE = "198.51.100.20"
LOCKED_STATUSES = (429,)  # django-axes 8 answers a lock-out with 429


@pytest.fixture
def eva(db):
    return UserFactory(email="eva@aby.se", full_name="Eva Ekonom")


@pytest.fixture
def olle(db):
    return UserFactory(email="olle@aby.se", full_name="Olle Controller")


def _sign_in(email: str, password: str, address: str = OFFICE):
    """One sign-in attempt from `address`, on a fresh browser; the response and the client."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": email, "password": password})
    return response, client


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail(email: str, times: int, address: str = OFFICE):
    for _ in range(times):
        response, client = _sign_in(email, "fel-losenord", address)
        assert not _signed_in(client)
    return response


def _locked(response) -> bool:
    return response.status_code in LOCKED_STATUSES and "registration/locked_out.html" in [
        t.name for t in response.templates
    ]


# Lock-out


def test_five_failed_sign_ins_lock_the_account_from_that_address(eva):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    _fail("eva@aby.se", 4)
    response, client = _sign_in("eva@aby.se", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client), "four failures do not lock"

    AccessAttempt.objects.all().delete()  # start counting afresh
    fifth = _fail("eva@aby.se", 5)
    assert _locked(fifth), fifth.status_code

    response, client = _sign_in("eva@aby.se", PASSWORD)

    assert _locked(response), response.status_code
    assert not _signed_in(client)
    assert "Eva Ekonom" not in response.content.decode()


def test_the_lock_out_counts_the_address_in_any_case(eva):
    for typed in ("Eva@Aby.se", "EVA@ABY.SE", "eva@aby.se", " eva@aby.se", "Eva@aby.se"):
        _sign_in(typed, "fel-losenord")

    response, client = _sign_in("eva@aby.se", PASSWORD)

    assert _locked(response)
    assert not _signed_in(client)


def test_another_account_from_the_same_address_is_not_locked(eva, olle):
    _fail("eva@aby.se", 5)

    response, client = _sign_in("olle@aby.se", PASSWORD, OFFICE)

    assert response.status_code == 302

    assert _signed_in(client)


def test_the_same_account_from_another_address_is_not_locked(eva):
    _fail("eva@aby.se", 5, OFFICE)

    response, client = _sign_in("eva@aby.se", PASSWORD, ELSEWHERE)

    assert response.status_code == 302

    assert _signed_in(client)
    locked, _ = _sign_in("eva@aby.se", PASSWORD, OFFICE)
    assert _locked(locked), "the success elsewhere does not lift the lock at the office"


def test_after_the_cool_off_the_account_signs_in_again(eva):
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    _fail("eva@aby.se", 5)
    assert _locked(_sign_in("eva@aby.se", PASSWORD)[0])

    # Fourteen minutes later it is still locked …
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
    assert _locked(_sign_in("eva@aby.se", PASSWORD)[0])
    # … sixteen minutes later it is not.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    response, client = _sign_in("eva@aby.se", PASSWORD)

    assert response.status_code == 302

    assert _signed_in(client)


def test_a_successful_sign_in_resets_the_count(eva):
    _fail("eva@aby.se", 4)
    response, client = _sign_in("eva@aby.se", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)
    assert not AccessAttempt.objects.filter(username="eva@aby.se", failures_since_start__gt=0)

    _fail("eva@aby.se", 4)
    response, client = _sign_in("eva@aby.se", PASSWORD)

    assert response.status_code == 302

    assert _signed_in(client), "4 + 4 failures, reset between"


# Behind the reverse proxy (DJANGO_TRUSTED_PROXIES)

PROXY = "10.0.0.5"
ATTACKER = "203.0.113.66"
CECILIA_AT_HOME = "198.51.100.7"


@pytest.fixture
def cecilia(db):
    return UserFactory(email="cecilia.nordin@karlskrona.se", full_name="Cecilia Nordin")


def _via_proxy(email: str, password: str, forwarded_for: str):
    """One sign-in through the proxy, which appends the address it got the request from."""
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    response = client.post(LOGIN, {"username": email, "password": password})
    return response, client


def test_behind_a_trusted_proxy_an_attacker_does_not_lock_out_the_real_person(cecilia, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for _ in range(5):
        _via_proxy("cecilia.nordin@karlskrona.se", "fel-losenord", ATTACKER)
    attempt = AccessAttempt.objects.get()
    assert (attempt.ip_address, attempt.failures_since_start) == (ATTACKER, 5)
    assert _locked(_via_proxy("cecilia.nordin@karlskrona.se", PASSWORD, ATTACKER)[0])

    response, client = _via_proxy("cecilia.nordin@karlskrona.se", PASSWORD, CECILIA_AT_HOME)

    assert response.status_code == 302
    assert _signed_in(client)


def test_a_forged_forwarded_address_does_not_lock_out_the_person_it_names(cecilia, settings):
    """The attacker writes Cecilia's address into X-Forwarded-For; the proxy appends the
    attacker's own, and only that right-most entry is believed."""
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(5):
        _via_proxy("cecilia.nordin@karlskrona.se", "fel", f"{CECILIA_AT_HOME}, {ATTACKER}")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]
    response, client = _via_proxy("cecilia.nordin@karlskrona.se", PASSWORD, CECILIA_AT_HOME)
    assert response.status_code == 302
    assert _signed_in(client)


def test_a_client_that_is_not_a_trusted_proxy_cannot_choose_its_address(cecilia, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(5):
        Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=CECILIA_AT_HOME).post(
            LOGIN, {"username": "cecilia.nordin@karlskrona.se", "password": "fel"}
        )

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]
    response, client = _via_proxy("cecilia.nordin@karlskrona.se", PASSWORD, CECILIA_AT_HOME)
    assert response.status_code == 302
    assert _signed_in(client)


def test_without_trusted_proxies_every_sign_in_counts_as_the_proxys(cecilia, settings):
    """The documented behaviour without the setting: X-Forwarded-For is ignored, so behind a
    proxy the lock-out is keyed on the proxy's address and one attacker locks the account for
    everyone. That is why docs/deployment.md makes DJANGO_TRUSTED_PROXIES part of the setup."""
    settings.TRUSTED_PROXIES = []
    for _ in range(5):
        _via_proxy("cecilia.nordin@karlskrona.se", "fel-losenord", ATTACKER)

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]
    response, client = _via_proxy("cecilia.nordin@karlskrona.se", PASSWORD, CECILIA_AT_HOME)
    assert _locked(response), response.status_code
    assert not _signed_in(client)


# Sessions


def test_the_session_lasts_a_working_day_and_ends_with_the_browser(eva):
    assert settings.SESSION_COOKIE_AGE == 9 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True

    response, _ = _sign_in("eva@aby.se", PASSWORD)

    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # A browser-session cookie: no lifetime of its own, gone when the browser closes.
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert dt.timedelta(hours=8, minutes=59) < lifetime <= dt.timedelta(hours=9)


def test_after_a_working_day_the_session_no_longer_signs_in(eva):
    response, client = _sign_in("eva@aby.se", PASSWORD)
    assert client.get(HOME).status_code == 200

    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


PRODUCTION_SETTINGS = """
import json
import environ
environ.Env.read_env = lambda *args, **kwargs: None
import django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in (
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "AXES_FAILURE_LIMIT",
    "AXES_LOCKOUT_PARAMETERS", "AXES_CLIENT_IP_CALLABLE", "TRUSTED_PROXIES",
)}))
import modellkoncept.settings as ours
print(json.dumps([name for name in vars(ours) if name.startswith("AXES_IPWARE")]))
"""


def test_production_cookies_are_secure_and_sessions_short():
    import json

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "AXES_")) and key not in SETTINGS_VARIABLES
    }
    env.update(
        DJANGO_SETTINGS_MODULE="modellkoncept.settings",
        DJANGO_PRODUCTION="true",
        DJANGO_SECRET_KEY="matris-" + "x" * 60,
        DJANGO_ALLOWED_HOSTS="modellkoncept.example.se",
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed program
        [sys.executable, "-c", PRODUCTION_SETTINGS],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    *_, line, ipware = result.stdout.strip().splitlines()
    production = json.loads(line)

    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_AGE"] == 9 * 60 * 60
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert production["AXES_FAILURE_LIMIT"] == 5
    assert production["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    # Behind the proxy the client's own address, not the proxy's, is what is locked out; no
    # proxy is trusted unless DJANGO_TRUSTED_PROXIES names it.
    assert production["AXES_CLIENT_IP_CALLABLE"] == "modellkoncept.client.client_address"
    assert production["TRUSTED_PROXIES"] == []
    # django-ipware is not installed, so settings of ours for it would only mislead.
    assert json.loads(ipware) == []


# Invitation links


@pytest.fixture
def invitation(world):
    """A pending invitation to A1 with a link whose token is known."""
    person = UserFactory(email="ny@aby.se", full_name="Nora Ny")
    person.set_unusable_password()
    person.save()
    invitation = participant_services.invitation_create(participation=world.a1, person=person)
    token = "inbjudan-" + "k" * 40
    Invitation.objects.filter(pk=invitation.pk).update(
        token_hash=hashlib.sha256(token.encode()).hexdigest()
    )
    invitation.refresh_from_db()
    invitation.link = reverse("participants:invitation_accept", args=[token])
    return invitation


@pytest.mark.parametrize(
    "weak",
    [
        "password123",  # common
        "Kort-1a",  # shorter than ten characters
        "1234567890123",  # only digits
        "ny@aby.se-ny",  # like the person's own address
    ],
)
def test_the_invitation_page_refuses_a_weak_password(client, invitation, weak):
    response = client.post(invitation.link, {"password1": weak, "password2": weak})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not _signed_in(client)
    invitation.refresh_from_db()
    invitation.person.refresh_from_db()
    assert invitation.accepted_at is None
    assert not invitation.person.has_usable_password()


def test_the_invitation_link_works_once(client, invitation):
    strong = "Jamstalld-styrning-2026"
    response = client.post(invitation.link, {"password1": strong, "password2": strong})
    assert response.status_code == 302
    assert _signed_in(client)

    again = Client()
    assert again.get(invitation.link).status_code == 410
    second = again.post(
        invitation.link, {"password1": "Annat-losen-2026", "password2": "Annat-losen-2026"}
    )

    assert second.status_code == 410
    assert not _signed_in(again)
    invitation.person.refresh_from_db()
    assert invitation.person.check_password(strong)


def test_an_expired_invitation_link_does_not_work(client, invitation):
    long_ago = timezone.now() - dt.timedelta(days=15)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=long_ago, expires_at=long_ago + dt.timedelta(days=14)
    )

    assert client.get(invitation.link).status_code == 410
    strong = "Jamstalld-styrning-2026"
    response = client.post(invitation.link, {"password1": strong, "password2": strong})

    assert response.status_code == 410
    assert not _signed_in(client)
    invitation.person.refresh_from_db()
    assert not invitation.person.has_usable_password()


def test_an_unknown_invitation_link_does_not_work(client, invitation):
    assert client.get(reverse("participants:invitation_accept", args=["gissad"])).status_code == 410


# Password-reset links


def _reset_link(client, email: str) -> str:
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task that sends the e-mail
        response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302
    found = re.search(
        r"https?://testserver(/accounts/password-reset/\S+/\S+/)", mail.outbox[0].body
    )
    assert found, mail.outbox[0].body
    return found.group(1)


def test_a_password_reset_link_works_once(eva):
    browser = Client()
    link = _reset_link(browser, "eva@aby.se")
    form_page = browser.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    first = "Forsta-nya-losenordet-2026"
    done = browser.post(set_url, {"new_password1": first, "new_password2": first})
    assert done.status_code == 302

    other = Client()
    second = other.get(link, follow=True)

    assert second.status_code == 200
    assert second.context["validlink"] is False
    attempt = other.post(
        link, {"new_password1": "Andra-losenordet-2026", "new_password2": "Andra-losenordet-2026"}
    )
    assert attempt.status_code == 200
    eva.refresh_from_db()
    assert eva.check_password(first)


def test_a_password_reset_link_expires(eva, settings):
    browser = Client()
    link = _reset_link(browser, "eva@aby.se")
    assert settings.PASSWORD_RESET_TIMEOUT == 3 * 24 * 60 * 60

    settings.PASSWORD_RESET_TIMEOUT = -1  # the link is older than the timeout
    response = browser.get(link, follow=True)

    assert response.context["validlink"] is False


def test_the_password_reset_page_refuses_a_weak_password(eva):
    browser = Client()
    link = _reset_link(browser, "eva@aby.se")
    set_url = browser.get(link, follow=True).redirect_chain[-1][0]

    response = browser.post(
        set_url, {"new_password1": "password123", "new_password2": "password123"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    eva.refresh_from_db()
    assert eva.check_password(PASSWORD)
