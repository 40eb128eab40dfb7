"""What a page shows a reader: its words, without the random tokens in its markup.

A check that a short name ("Aby", "GA1") is absent from a page must not look inside the CSRF
token's value, the CSP nonce, a meta tag's content or a subresource hash: random letters contain
"Aby" now and then, and the test would fail by chance. `page_words` drops those attributes, and
`shown` looks for each name as a word of its own, not inside a longer word.
"""

from __future__ import annotations

import re

# The attributes that carry random or encoded values (a nonce, a CSRF token in a form or a meta
# tag, a hash): dropped where the value is one unbroken run of 16 characters or more, as a
# token is, so that a name in a field's value or a meta tag's text is still seen.
_TOKENS = re.compile(r'\s(?:nonce|value|content|integrity)="[^"\s]{16,}"')


def page_words(html: str) -> str:
    """The page without the attributes that carry random tokens."""
    return _TOKENS.sub("", html)


def shown(html: str, names) -> list[str]:
    """The names of `names` the page shows, each as a word of its own (not inside a longer word
    or a token)."""
    words = page_words(html)
    return [name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", words)]


def assert_not_shown(html: str, *names: str, where: str = "") -> None:
    """Fail, naming them, if the page shows any of `names`."""
    leaked = shown(html, names)
    assert not leaked, f"{where}: the page shows {leaked}" if where else f"the page shows {leaked}"
