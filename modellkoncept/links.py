"""Links to many objects of one kind at the cost of one `reverse`."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import reverse

_PLAIN = re.compile(r"[A-Za-z0-9_-]+")


def url_maker(viewname: str, key: str = "pk", **kwargs) -> Callable[[object], str]:
    """`reverse(viewname, kwargs={**kwargs, key: value})` for many values at the cost of one
    reverse, for pages that link a few hundred objects of one kind, where reversing each would
    cost more than the rest of the page. A value that would need quoting is reversed."""
    marker = "2147483647"  # fits the int, str and slug converters alike
    url = reverse(viewname, kwargs={**kwargs, key: marker})
    head, found, tail = url.partition(marker)
    if not found or marker in tail:  # the marker is part of another argument too

        def make(value) -> str:
            return reverse(viewname, kwargs={**kwargs, key: value})

    else:

        def make(value) -> str:
            text = str(value)
            if _PLAIN.fullmatch(text):
                return f"{head}{text}{tail}"
            return reverse(viewname, kwargs={**kwargs, key: value})

    return make
