"""What the hostile-input tests share: the Hypothesis settings, what a request may change, the
registry of form cases and the strategies they draw from, and posting in a savepoint."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import transaction
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import client_in, new_session
from tests.hostile import field as either
from tests.hostile import fingerprint, hostile_numbers, hostile_text, hostile_value, valid

EXAMPLES_PER_FORM = 25
EXAMPLES_PER_PROPERTY = 25

HYPOTHESIS = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
PROPERTY = settings(HYPOTHESIS, max_examples=EXAMPLES_PER_PROPERTY)


# What a request may change


def _shows_errors(response) -> bool:
    """The page came back with a form's errors or a list of problems."""
    contexts = response.context
    if contexts is None:
        return False
    if not isinstance(contexts, list):
        contexts = [contexts]
    for context in contexts:
        for key, value in context.flatten().items():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                return True
            if (
                isinstance(value, BaseFormSet)
                and value.is_bound
                and (value.non_form_errors() or any(value.errors))
            ):
                return True
            if key in ("problems", "conflict", "invalid", "error") and value:
                return True
    return False


def refused(response) -> bool:
    """Whether the site said no: a 4xx, the form again with its errors, or a redirect that
    carries an error (or a warning without a success)."""
    if response.status_code >= 400:
        return True
    if 300 <= response.status_code < 400:
        levels = {m.level for m in get_messages(response.wsgi_request)}
        return message_levels.ERROR in levels or (
            message_levels.WARNING in levels and message_levels.SUCCESS not in levels
        )
    return _shows_errors(response)


# The form cases


@dataclass
class Post:
    url: str
    data: dict
    headers: dict = field(default_factory=dict)
    # Run first with the same client (a GET that puts a token in the session, say).
    prepare: Callable[[Client], object] | None = None
    # What the case chose, for `known_bug`.
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FormCase:
    name: str
    endpoint: str  # the URL name
    user: str | None  # the attribute of `world` who posts; None: an anonymous visitor
    build: Callable  # (world, draw) -> Post
    writes: frozenset[str]  # the tables an accepted post may change


FORM_CASES: dict[str, FormCase] = {}


def form_case(name: str, endpoint: str, *, user: str | None, writes=()):
    """Register a form case: its name, the URL name it posts to, who posts, what it writes."""

    def register(build):
        writes_ = frozenset(m.__name__ for m in writes)
        FORM_CASES[name] = FormCase(name, endpoint, user, build, writes_)
        return build

    return register


def pks(objects) -> st.SearchStrategy[str]:
    return valid(*[o.pk for o in objects])


def a_pk(objects) -> st.SearchStrategy[str]:
    """A primary key: one of these objects, or a hostile number."""
    return either(pks(objects), hostile_numbers())


def some_pks(objects) -> st.SearchStrategy:
    """A multiple choice: several of these objects' keys, or hostile numbers among them."""
    return st.one_of(
        st.lists(pks(objects), max_size=4),
        st.lists(st.one_of(pks(objects), hostile_numbers()), max_size=4),
        hostile_text(),
        st.none(),
    )


@functools.cache  # made once, as the strategies of tests/hostile.py
def boolean() -> st.SearchStrategy:
    return either(valid("on", "true", "1"), hostile_text())


@functools.cache
def anything() -> st.SearchStrategy[dict]:
    """For a POST view that reads no form: any hostile fields at all."""
    return st.dictionaries(
        st.sampled_from(["action", "confirm", "decision", "data", "id", "pk", "next"])
        | hostile_text(20).filter(bool),
        hostile_value(),
        max_size=4,
    )


def htmx(draw) -> dict:
    return draw(st.sampled_from([{}, {"HX-Request": "true"}]))


def known_bug(case: FormCase, post: Post) -> str | None:
    """The test that pins the bug this input would hit, if any (see the pinned bugs in
    `test_forms`).
    None is open now."""
    return None


def baseline(w) -> dict:
    """The fingerprint every example starts from: each is rolled back to it, so it is taken
    once per test."""
    if getattr(w, "baseline", None) is None:
        w.baseline = fingerprint()
    return w.baseline


def session_of(w, user: str) -> str:
    """The key of a session in which `user` is signed in, made once per test: each example's
    savepoint is rolled back, which restores the session's row if a post changed it."""
    sessions = w.__dict__.setdefault("sessions", {})
    if user not in sessions:
        sessions[user] = new_session(getattr(w, user))
    return sessions[user]


def attempt(w, user: str | None, post: Post):
    """Post in a savepoint that is rolled back; the response and the fingerprints."""
    before = baseline(w)
    session = session_of(w, user) if user is not None else None
    with transaction.atomic():
        client = Client() if session is None else client_in(session, getattr(w, user))
        if post.prepare is not None:
            post.prepare(client)
        response = client.post(post.url, post.data, headers=post.headers)
        after = fingerprint()
        transaction.set_rollback(True)
    return response, before, after


# Known bugs: each pinned by a strict xfail test in `test_forms`, and kept out of the properties
# (none is open now; the bugs pinned there are fixed and their tests stay).


def known_bug_in_query(url: str, params: dict) -> str | None:
    return None


def known_bug_in_path(route: str, segment: str) -> str | None:
    return None
