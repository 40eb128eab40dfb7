"""`{% url_once 'rounds:group_list' round_slug=round.slug %}`: the address `{% url %}` gives,
reversed once per process for each view, arguments, URLconf, script prefix, language and
application namespace, the things it depends on (`modellkoncept.links.reverse_once`)."""

from django import template

from modellkoncept.links import reverse_once

register = template.Library()


@register.simple_tag(takes_context=True)
def url_once(context, viewname: str, **kwargs) -> str:
    """As `{% url viewname key=value … %}` (keyword arguments only)."""
    request = context.get("request")
    current_app = None
    if request is not None:
        current_app = getattr(request, "current_app", None)
        if current_app is None and getattr(request, "resolver_match", None) is not None:
            current_app = request.resolver_match.namespace
    return reverse_once(viewname, current_app=current_app, **kwargs)
