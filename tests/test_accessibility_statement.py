"""The accessibility statement (tillgänglighetsredogörelse): public, in Swedish and English,
linked from the footer of every page; and the scroll boxes of wide tables, which a keyboard
reaches and a screen reader names."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import translation

from modellkoncept.views import ACCESSIBILITY_ASSESSED_ON

STATEMENT = "/accessibility/"


def test_the_statement_has_a_stable_public_address():
    assert reverse("accessibility") == STATEMENT


@pytest.mark.django_db
def test_the_statement_is_public_and_in_swedish(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@skr.example"
    response = client.get(STATEMENT)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Tillgänglighetsredogörelse – Modellkoncept</title>" in html
    assert "<h1>Tillgänglighetsredogörelse</h1>" in html
    assert "Webbplatsen är delvis förenlig med lagen" in html
    assert "Rapporterna i PDF är inte taggade för skärmläsare" in html
    assert '<a href="mailto:tillganglighet@skr.example">tillganglighet@skr.example</a>' in html
    assert '<a href="https://www.digg.se/tdosanmalan">anmäla det till Digg</a>' in html
    assert f"granskades senast den {ACCESSIBILITY_ASSESSED_ON:%Y-%m-%d} av" in html


@pytest.mark.django_db
def test_the_statement_in_english(client):
    client.cookies.load({"django_language": "en"})
    html = client.get(STATEMENT).content.decode()

    assert '<html lang="en"' in html
    assert "<h1>Accessibility statement</h1>" in html
    assert "The site is partly compliant with the law" in html
    assert "mailto:info@skr.se" in html  # the default contact
    assert '<a href="https://www.digg.se/tdosanmalan">report it to Digg</a>' in html


@pytest.mark.django_db
def test_every_page_links_to_the_statement_in_its_footer(client, leader):
    pages = [
        reverse("accounts:login"),
        reverse("about"),
        reverse("participants:application_rounds"),
    ]
    for address in pages:
        footer = client.get(address).content.decode().split('<footer class="site-footer')[1]
        assert f'<a href="{STATEMENT}"' in footer, address
    client.force_login(leader)
    footer = client.get(reverse("home")).content.decode().split('<footer class="site-footer')[1]
    assert '<a href="/accessibility/"' in footer
    with translation.override("sv"):
        assert "Tillgänglighetsredogörelse</a>" in footer


def _render(source: str, **context) -> str:
    return Template("{% load scrollregion %}" + source).render(Context(context))


def test_a_scroll_box_is_focusable_and_named_by_its_tables_caption():
    html = _render(
        "{% scrollregion %}<table><caption>Poäng</caption></table>{% endscrollregion %}"
        '{% scrollregion %}<table><caption class="visually-hidden">Möten</caption></table>'
        "{% endscrollregion %}"
    )

    assert html == (
        '<div class="table-responsive" tabindex="0" role="region" '
        'aria-labelledby="scroll-region-1"><table><caption id="scroll-region-1">Poäng'
        "</caption></table></div>"
        '<div class="table-responsive" tabindex="0" role="region" '
        'aria-labelledby="scroll-region-2"><table><caption id="scroll-region-2" '
        'class="visually-hidden">Möten</caption></table></div>'
    )


def test_a_scroll_box_keeps_its_captions_own_id_or_takes_a_label():
    kept = _render(
        '{% scrollregion %}<table><caption id="totals">Summor</caption></table>'
        "{% endscrollregion %}"
    )
    labelled = _render(
        "{% scrollregion label=name %}<table></table>{% endscrollregion %}", name="A<b>"
    )

    assert kept.startswith(
        '<div class="table-responsive" tabindex="0" role="region" '
        'aria-labelledby="totals"><table><caption id="totals">'
    )
    assert labelled == (
        '<div class="table-responsive" tabindex="0" role="region" aria-label="A&lt;b&gt;">'
        "<table></table></div>"
    )


def test_a_scroll_box_without_a_name_is_refused():
    with pytest.raises(TemplateSyntaxError, match="needs a table with a <caption>"):
        _render("{% scrollregion %}<table></table>{% endscrollregion %}")
