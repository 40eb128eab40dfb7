"""`{% pagecache "name" %}…{% endpagecache %}`: the content between, kept in the cache until the
data changes (see `modellkoncept/pagecache.py` for when it is kept and when it is renewed)."""

import logging

from django import template
from django.conf import settings
from django.core.cache import cache

from modellkoncept import pagecache

register = template.Library()
logger = logging.getLogger(__name__)


class PageCacheNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        request = context.get("request")
        try:
            key = pagecache.fragment_key(request, self.name.resolve(context))
            html = cache.get(key) if key else None
        except Exception:  # a cache that is down: render as if nothing were kept
            logger.exception("The page cache could not be read.")
            key = html = None
        if html is not None:
            return html
        html = self.nodelist.render(context)
        if key:
            try:
                cache.set(key, html, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("The page cache could not be written.")
        return html


@register.tag("pagecache")
def do_pagecache(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes one argument: the fragment's name.")
    nodelist = parser.parse(("endpagecache",))
    parser.delete_first_token()
    return PageCacheNode(nodelist, parser.compile_filter(bits[1]))
