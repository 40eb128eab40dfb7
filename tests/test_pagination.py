"""The pagination control (`templates/_pagination.html`) links each page at the address
`{% querystring page=n %}` gives, the request's other parameters kept in their order."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory

QUERIES = ["", "?q=a", "?page=4&q=a&x=%3Cb%3E", "?q=%C3%A5&page=2&page=5&group=none", "?x=1&x=2"]


def _control(query: str, number: int, elided: bool) -> str:
    paginator = Paginator(range(100), 10)
    page = paginator.page(number)
    page_range = paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)
    return render_to_string(
        "_pagination.html",
        {"page_obj": page, "page_range": list(page_range) if elided else None},
        request=RequestFactory().get(f"/list/{query}"),
    )


def _querystring(query: str, number: int) -> str:
    template = engines["django"].from_string("{% querystring page=number %}")
    return html.unescape(
        template.render({"number": number}, RequestFactory().get(f"/list/{query}"))
    )


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(("number", "elided"), [(1, True), (5, True), (10, True), (5, False)])
def test_each_page_is_linked_at_the_address_querystring_gives(query, number, elided):
    control = _control(query, number, elided)

    links = re.findall(r'<a class="page-link" href="([^"]*)"[^>]*>(.*?)</a>', control)
    linked = []
    for href, _label in links:
        address = html.unescape(href)
        page = int(parse_qs(urlsplit(address).query)["page"][-1])
        assert address == _querystring(query, page)
        # escaped
        assert "<" not in href
        assert "&" not in href.replace("&amp;", "")
        linked.append(page)
    ends = ([1, number - 1] if number > 1 else []) + ([number + 1, 10] if number < 10 else [])
    numbers = {1: [2, 10], 5: [1, 4, 6, 10], 10: [1, 9]}[number] if elided else []
    assert sorted(linked) == sorted(ends + numbers)
    if elided:
        assert control.count("…") == (1 if number in (1, 10) else 2)
        assert f'aria-current="page"><span class="visually-hidden">Sida</span> {number}' in control
