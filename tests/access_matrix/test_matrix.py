"""Every URL of `targets.TARGETS`, asked by every kind of user (see the package's description)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix.conftest import prints
from tests.access_matrix.targets import BUGS, FEE_MARKERS, PUBLIC, ROLES, TARGETS
from tests.conftest import client_in
from tests.pages import assert_not_shown

pytestmark = pytest.mark.django_db


def _cases():
    cases = []
    for key, target in TARGETS.items():
        for method in target.methods:
            for role in ROLES:
                marks = ()
                reason = BUGS.get((key, method, role))
                if reason:
                    marks = (pytest.mark.xfail(strict=True, reason=f"BUG: {reason}"),)
                cases.append(
                    pytest.param(key, method, role, id=f"{key}-{method}-{role}", marks=marks)
                )
    return cases


# PUT and DELETE: no URL takes them from someone who may not write there (Django's form views
# treat PUT as POST, so a view's own permission check is what stops it).
PROBE_METHODS = ("PUT", "DELETE")
PROBE_ROLES = ("anonymous", "strategist_a2")


def _probes():
    return [
        pytest.param(key, method, role, id=f"{key}-{method}-{role}")
        for key in TARGETS
        for method in PROBE_METHODS
        for role in PROBE_ROLES
    ]


CASE_PARAMS = _cases()
PROBE_PARAMS = _probes()
CASES = len(CASE_PARAMS) + len(PROBE_PARAMS)
CASES_BY_METHOD = dict(Counter(p.values[1] for p in CASE_PARAMS + PROBE_PARAMS))
_GETS, _POSTS = CASES_BY_METHOD.get("GET", 0), CASES_BY_METHOD.get("POST", 0)
_OTHERS = CASES - _GETS - _POSTS
# Removing a URL, a method or a role from the matrix must show: the count may only grow.
MINIMUM_CASES = 1561


# Asking.


def _body(response) -> str:
    # Reading a streamed response to the end closes it; closing it again here would fire
    # request_finished and close the database connection the module's data lives in.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _is_login_redirect(response, url: str) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response["Location"])
    return location.path == reverse("accounts:login") and parse_qs(location.query).get("next") == [
        url
    ]


def _url(key: str, w) -> str:
    target = TARGETS[key]
    url = reverse(key.split("#")[0], kwargs=target.kwargs(w))
    return f"{url}?{target.query}" if target.query else url


def _client(w, role: str) -> Client:
    if role == "anonymous":
        return Client(HTTP_ACCEPT_LANGUAGE="sv")
    return client_in(w.sessions[role], getattr(w, role), HTTP_ACCEPT_LANGUAGE="sv")


def _ask(client: Client, w, key: str, method: str):
    target = TARGETS[key]
    url = _url(key, w)
    headers = {"HTTP_HX_REQUEST": "true"} if target.htmx else {}
    if method == "GET":
        return url, client.get(url, **headers)
    return url, client.post(url, target.data(w), **headers)


@pytest.mark.parametrize(("key", "method", "role"), CASE_PARAMS)
def test_access(w, key, method, role):
    target = TARGETS[key]
    allowed = role in target.who_may(method)
    client = _client(w, role)
    before = prints() if method != "GET" and not allowed else None

    url, response = _ask(client, w, key, method)
    status = response.status_code
    body = _body(response)

    if role != "leader":
        shown = [marker for marker in FEE_MARKERS if marker in body]
        assert not shown, f"{role} on {method} {url} sees A1's fee"
    if allowed:
        if method == "GET":
            assert status in target.get_ok, (
                f"{role} may GET {url}: expected {target.get_ok}, got {status}"
            )
            html = response.get("Content-Type", "").startswith("text/html")
            if status == 200 and html and target.markers and target.shows_marker:
                assert target.markers[0] in body, f"{url} does not show {target.markers[0]!r}"
        else:
            assert status < 400 or status in (409, 422), f"{role} may POST {url}: got {status}"
        return

    if role == "anonymous":
        assert _is_login_redirect(response, url), (
            f"anonymous on {method} {url}: expected the sign-in redirect, got {status} "
            f"{response.get('Location', '')}"
        )
    else:
        assert status in (403, 404), f"{role} on {method} {url}: expected 403/404, got {status}"
    # A marker as words of the page, not letters inside a random token or nonce of its <head>.
    assert_not_shown(body, *target.markers, where=f"{role} on {method} {url}: the denial")
    if before is not None:
        after = prints()
        changed = sorted(label for label in before if before[label] != after[label])
        assert not changed, f"{role} on {method} {url} changed {changed}"


@pytest.mark.parametrize(("key", "method", "role"), PROBE_PARAMS)
def test_put_and_delete(w, key, method, role):
    target = TARGETS[key]
    may_write = "POST" in target.methods and role in target.who_may("POST")
    client = _client(w, role)
    before = prints()
    url = _url(key, w)
    headers = {"HTTP_HX_REQUEST": "true"} if target.htmx else {}
    response = getattr(client, method.lower())(url, **headers)
    status = response.status_code
    body = _body(response)

    assert status < 500, f"{role} on {method} {url}: {status}"
    if may_write or target.allowed == PUBLIC:
        return
    if role in target.allowed:
        pass  # may read: a read-only view may answer any method, but must change nothing
    elif role == "anonymous":
        assert _is_login_redirect(response, url), f"anonymous on {method} {url}: {status}"
    else:
        assert status in (403, 404, 405), (
            f"{role} on {method} {url}: expected 403/404/405, got {status}"
        )
    assert_not_shown(body, *target.markers, where=f"{role} on {method} {url}")
    after = prints()
    changed = sorted(label for label in before if before[label] != after[label])
    assert not changed, f"{role} on {method} {url} changed {changed}"


# The matrix covers the URL configuration.


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner == "admin":
                continue  # Django's admin: its own staff check, tested below
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from _url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    names = set(_url_names())
    covered = {key.split("#")[0] for key in TARGETS}
    assert not names - covered, f"URLs missing from the access matrix: {sorted(names - covered)}"
    assert not covered - names, f"Stale entries in the access matrix: {sorted(covered - names)}"


@pytest.mark.parametrize(
    "count",
    [CASES],
    ids=[f"{CASES}-url-role-cases-{_GETS}-GET-{_POSTS}-POST-{_OTHERS}-PUT-DELETE"],
)
def test_case_count(count):
    assert count == len(CASE_PARAMS) + len(PROBE_PARAMS)
    assert count >= MINIMUM_CASES, (
        f"The matrix has {count} URL × role cases, fewer than {MINIMUM_CASES}"
    )
    assert set(ROLES) >= {
        "anonymous",
        "outsider",
        "politician_a1",
        "manager_a1",
        "strategist_a2",
        "strategist_a3",
        "mentor_m2",
        "strategist_b1",
        "leader",
    }


@pytest.mark.parametrize("role", ["outsider", "strategist_a1", "leader"])
def test_the_admin_is_for_staff_only(w, role):
    """Neither a participant nor a project leader without staff status gets into the admin."""
    client = Client()
    client.force_login(getattr(w, role))
    assert not getattr(w, role).is_staff
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert urlsplit(response["Location"]).path == "/admin/login/"
    response = client.get(f"/admin/accounts/user/{w.person_a1.pk}/change/")
    assert response.status_code in (302, 403)
    assert "Anna Analytiker" not in _body(response)


def test_calendar_feed_with_an_unknown_key_is_not_found(w):
    response = Client().get(reverse("rounds:calendar_feed", args=["ingen-sadan-nyckel"]))
    assert response.status_code == 404
    assert "Lärandeträff" not in _body(response)
