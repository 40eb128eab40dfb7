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


# The calls that mark a string for translation in the project's Python code.
GETTEXT_KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
APPS = ("accounts", "checklist", "modellkoncept", "participants", "reports", "rounds")


def test_every_string_the_code_marks_is_in_the_swedish_catalogue():
    """A string marked in the code but missing from the catalogue is shown in English to a
    Swedish reader: run `make messages` and translate it."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for app in APPS:
        for filename, line, message, _comments, context in extract_from_dir(
            Path(settings.BASE_DIR) / app,
            method_map=[("**/migrations/**", "ignore"), ("**.py", "python")],
            keywords=GETTEXT_KEYWORDS,
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if not msgid:
                continue
            entry = catalogue.get(msgid, context=context)
            translated = entry is not None and (
                all(entry.string) if isinstance(entry.string, tuple) else entry.string
            )
            if not translated:
                missing.append(f"{app}/{filename}:{line}: {msgid}")
    assert missing == []
