"""The test helper that reads a page's words (tests/pages.py): a name inside a random token is
not shown, a name in the page's text or a field's value is."""

import pytest

from tests.pages import assert_not_shown, shown

# A token with the names between the characters of base64 that are not letters.
TOKEN = "q7X+Aby/k2-GA2-mZ9+Cby=0pLdT4wRs8vN1eH"
HEAD = (
    f'<meta name="csrf-token" content="{TOKEN}"><script nonce="{TOKEN[:22]}"></script>'
    f'<link integrity="sha384-{TOKEN}">'
)
FORM = f'<input type="hidden" name="csrfmiddlewaretoken" value="{TOKEN}">'


def test_a_name_inside_a_token_is_not_shown():
    assert shown(HEAD + FORM + "<p>Gruppens sida</p>", ["Aby", "GA2", "Cby"]) == []
    assert_not_shown(HEAD + FORM, "Aby", "GA2", "Cby")


@pytest.mark.parametrize(
    "page",
    [
        "<p>Aby kommun</p>",
        "<td>Aby</td>",
        '<input name="name" value="Aby">',
        '<meta name="description" content="Aby och Bby">',
        "<p>(Aby)</p>",
    ],
)
def test_a_name_in_the_text_or_a_short_value_is_shown(page):
    assert shown(HEAD + page, ["Aby"]) == ["Aby"]
    with pytest.raises(AssertionError, match="Aby"):
        assert_not_shown(HEAD + page, "Aby", where="the page")


def test_a_name_inside_a_longer_word_is_not_shown():
    assert shown("<p>Abyssinien, GA21</p>", ["Aby", "GA2"]) == []
