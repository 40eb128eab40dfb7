"""`{% url_once 'rounds:group_list' round_slug=round.slug %}`: the address `{% url %}` gives,
reversed once per process for each view, arguments, URLconf, script prefix, language and
application namespace, the things it depends on. Reversing costs some twenty microseconds (the
resolver is asked per language and namespace, the result checked against the pattern), and the
round dashboard links thirty of the round's pages on every request; a process of the site
reverses some hundreds of distinct addresses in all, so the memory is bounded and small.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=4096)
def _reverse(viewname, kwargs, urlconf, prefix, language, current_app) -> str:
    # `prefix` and `language` are part of the key only: `reverse` reads them itself.
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs), current_app=current_app)


@register.simple_tag(takes_context=True)
def url_once(context, viewname: str, **kwargs) -> str:
    """As `{% url viewname key=value … %}` (keyword arguments only)."""
    request = context.get("request")
    current_app = None
    if request is not None:
        current_app = getattr(request, "current_app", None)
        if current_app is None and getattr(request, "resolver_match", None) is not None:
            current_app = request.resolver_match.namespace
    return _reverse(
        viewname,
        tuple(sorted(kwargs.items())),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
        current_app,
    )
