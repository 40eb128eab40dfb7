"""Swedish first: the default language, the switch to English, Swedish dates and decimals,
and a complete Swedish catalogue."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from tests.accounts.factories import UserFactory

PO = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
LOGIN = "/accounts/sign-in/"  # the public address people bookmark


@pytest.mark.django_db
def test_the_site_is_in_swedish_by_default(client):
    html = client.get(LOGIN).content.decode()

    assert '<html lang="sv"' in html
    with translation.override("sv"):
        assert translation.gettext("Sign in") in html


@pytest.mark.django_db
def test_a_visitor_switches_to_english_before_signing_in(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN}, follow=True)

    assert response.redirect_chain[-1][0] == LOGIN
    assert '<html lang="en"' in response.content.decode()
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en"' in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_a_signed_in_person_switches_language_back_and_forth(client):
    client.force_login(UserFactory())

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    swedish = client.get("/").content.decode()

    assert '<html lang="en"' in english
    assert "Next meetings" in english
    assert '<html lang="sv"' in swedish


@pytest.mark.django_db
def test_an_unknown_language_is_ignored(client):
    client.post(reverse("set_language"), {"language": "de", "next": LOGIN})

    assert '<html lang="sv"' in client.get(LOGIN).content.decode()


def test_swedish_dates_are_written_year_month_day():
    with translation.override("sv"):
        assert formats.date_format(date(2026, 2, 5), "SHORT_DATE_FORMAT") == "2026-02-05"
        assert formats.date_format(date(2026, 2, 5), "DATE_FORMAT") == "2026-02-05"
    # English too: ISO, not the United States' 02/05/2026 (modellkoncept/formats/en).
    with translation.override("en"):
        assert formats.date_format(date(2026, 2, 5), "SHORT_DATE_FORMAT") == "2026-02-05"


def test_swedish_decimals_take_a_comma():
    with translation.override("sv"):
        assert formats.number_format(Decimal("2.7"), 1) == "2,7"
        assert formats.number_format(Decimal("27"), 1) == "27,0"
    with translation.override("en"):
        assert formats.number_format(Decimal("2.7"), 1) == "2.7"


def test_swedish_dates_are_parsed_from_the_iso_form():
    with translation.override("sv"):
        assert "%Y-%m-%d" in formats.get_format("DATE_INPUT_FORMATS")


@pytest.mark.skipif(not PO.exists(), reason="the Swedish catalogue is not written yet")
def test_the_swedish_catalogue_is_complete():
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    messages = [m for m in catalogue if m.id]

    untranslated = [
        m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert len(messages) > 100
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.skipif(
    not MO.exists(), reason="the Swedish catalogue is not compiled: run `make translations`"
)
def test_the_compiled_swedish_catalogue_is_used():
    with translation.override("sv"):
        assert translation.gettext("Page not found") == "Sidan finns inte"
        assert translation.gettext("Sign in") != "Sign in"
