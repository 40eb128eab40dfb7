"""`{% page_links page_obj page_range as pages %}`: the addresses of a list's pages, as
`{% querystring page=n %}` gives each (the request's other parameters kept, in their order),
from one copy of the query string for the whole control instead of one per link."""

from __future__ import annotations

from typing import NamedTuple

from django import template

register = template.Library()


class PageLinks(NamedTuple):
    first: str
    previous: str
    next: str
    last: str
    # (number, address) of each entry of the page range; no address for the page shown and
    # for an ellipsis
    numbers: tuple[tuple[object, str], ...]


@register.simple_tag(takes_context=True)
def page_links(context, page_obj, page_range=None) -> PageLinks:
    """The addresses of the first, previous, next and last page (those there are) and of the
    numbers of `page_range`."""
    params = context.request.GET.copy()
    params["page"] = 0  # where `page` is, or last: the one piece `page=0` of the query string
    pieces = params.urlencode().split("&")
    at = pieces.index("page=0")
    head = "".join(f"{piece}&" for piece in pieces[:at])
    tail = "".join(f"&{piece}" for piece in pieces[at + 1 :])

    def link(number) -> str:
        return f"?{head}page={number}{tail}"

    number = page_obj.number
    before, after = page_obj.has_previous(), page_obj.has_next()
    return PageLinks(
        first=link(1) if before else "",
        previous=link(number - 1) if before else "",
        next=link(number + 1) if after else "",
        last=link(page_obj.paginator.num_pages) if after else "",
        # A number is an int, an ellipsis the paginator's (lazy) text: told apart by type, as
        # comparing with it would translate it each time.
        numbers=tuple(
            (n, link(n) if isinstance(n, int) and n != number else "") for n in page_range or ()
        ),
    )
