"""`{% url_once %}` gives the address `{% url %}` gives, whatever it depends on."""

from django.template import engines
from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from modellkoncept.links import addresses, url_maker

SOURCE = (
    "{% load url_once %}"
    "{% url 'rounds:group_list' round_slug=slug %}"
    " {% url_once 'rounds:group_list' round_slug=slug %}"
    " {% url 'rounds:meeting_detail' round_slug=slug pk=7 %}"
    " {% url_once 'rounds:meeting_detail' pk=7 round_slug=slug %}"
)


def _render(slug: str) -> list[str]:
    return engines["django"].from_string(SOURCE).render({"slug": slug}).split()


def test_the_address_is_urls_for_each_round_prefix_and_language():
    assert _render("omgang-a") == [
        "/rounds/omgang-a/groups/",
        "/rounds/omgang-a/groups/",
        "/rounds/omgang-a/meetings/7/",
        "/rounds/omgang-a/meetings/7/",
    ]
    first, once, *_ = _render("omgang-b")
    assert first == once == "/rounds/omgang-b/groups/"
    set_script_prefix("/modellkoncept/")
    try:
        first, once, *_ = _render("omgang-a")
    finally:
        clear_script_prefix()
    assert first == once == "/modellkoncept/rounds/omgang-a/groups/"
    with translation.override("en"):
        first, once, *_ = _render("omgang-a")
    assert first == once


@override_settings(ROOT_URLCONF="tests.url_once_urls")
def test_another_urlconf_gives_its_own_address():
    first, once, *_ = _render("omgang-a")
    assert first == once == "/elsewhere/rounds/omgang-a/groups/"


def test_addresses_are_reverses_by_name_for_each_prefix():
    names = ("rounds:group_list", "rounds:meeting_list", "checklist:assessment_import")

    def expected():
        return {
            name.rpartition(":")[2]: reverse(name, kwargs={"round_slug": "omgang-a"})
            for name in names
        }

    assert addresses(names, round_slug="omgang-a") == expected()
    assert addresses(names, round_slug="omgang-b")["group_list"] == "/rounds/omgang-b/groups/"
    set_script_prefix("/modellkoncept/")
    try:
        assert addresses(names, round_slug="omgang-a") == expected()
        assert addresses(names, round_slug="omgang-a")["group_list"].startswith("/modellkoncept/")
    finally:
        clear_script_prefix()


def test_url_maker_gives_reverses_address_for_each_value_and_prefix():
    def expected(code):
        return reverse(
            "participants:participation_detail", kwargs={"round_slug": "omgang-a", "code": code}
        )

    for prefix in ("/", "/modellkoncept/"):
        set_script_prefix(prefix)
        try:
            make = url_maker("participants:participation_detail", "code", round_slug="omgang-a")
            for code in (1234, "0180", "2147483647"):
                assert make(code) == expected(code)
            assert make(1234).startswith(f"{prefix}rounds/omgang-a/")
        finally:
            clear_script_prefix()
