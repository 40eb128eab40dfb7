"""Links at a fraction of the cost of a `reverse` each: to many objects of one kind
(`url_maker`), and to the same few pages on every request (`reverse_once`, `addresses`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLAIN = re.compile(r"[A-Za-z0-9_-]+")


def url_maker(viewname: str, key: str = "pk", **kwargs) -> Callable[[object], str]:
    """`reverse(viewname, kwargs={**kwargs, key: value})` for many values at the cost of one
    reverse (once per process, `reverse_once`), for pages that link a few hundred objects of
    one kind, where reversing each would cost more than the rest of the page. A value that
    would need quoting is reversed."""
    marker = "2147483647"  # fits the int, str and slug converters alike
    url = reverse_once(viewname, **{**kwargs, key: marker})
    head, found, tail = url.partition(marker)
    if not found or marker in tail:  # the marker is part of another argument too

        def make(value) -> str:
            return reverse(viewname, kwargs={**kwargs, key: value})

    else:

        def make(value) -> str:
            if type(value) is int:  # an id, the most common: digits need no quoting
                return f"{head}{value}{tail}"
            text = str(value)
            if _PLAIN.fullmatch(text):
                return f"{head}{text}{tail}"
            return reverse(viewname, kwargs={**kwargs, key: value})

    return make


# Reversing costs some twenty microseconds (the resolver is asked per language and namespace,
# the result checked against the pattern), and the round dashboard links some twenty of the
# round's pages on every request. Each address is reversed once per process for each view,
# arguments, URLconf, script prefix, language and application namespace, the things it depends
# on; a process of the site reverses some hundreds of distinct addresses in all, so the memory
# is bounded and small.
@lru_cache(maxsize=4096)
def _reverse(viewname, kwargs, urlconf, prefix, language, current_app) -> str:
    # `prefix` and `language` are part of the key only: `reverse` reads them itself.
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs), current_app=current_app)


def _setting() -> tuple[str, str, str]:
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language()


def reverse_once(viewname: str, *, current_app: str | None = None, **kwargs) -> str:
    """`reverse(viewname, kwargs=kwargs, current_app=current_app)`, reversed once per process
    for what the address depends on."""
    return _reverse(viewname, tuple(sorted(kwargs.items())), *_setting(), current_app)


def addresses(viewnames: Iterable[str], *, current_app: str | None = None, **kwargs) -> dict:
    """{name: address} of views that take the same arguments, each as `reverse_once` gives it,
    by the view's name without its namespace (`"rounds:group_list"` → `"group_list"`): the few
    pages a page links on every request, at the cost of a dictionary lookup each."""
    key = tuple(sorted(kwargs.items()))
    setting = _setting()
    return {
        viewname.rpartition(":")[2]: _reverse(viewname, key, *setting, current_app)
        for viewname in viewnames
    }
