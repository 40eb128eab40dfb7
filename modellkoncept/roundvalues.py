"""Values of a round that are the same for everyone who sees them (the round dashboard's key
figures, its mentors and groups, the spread of improvement work), kept in the cache under a key
that the services which change them renew on commit, as pretix keeps its object caches.

How it stays right: every service that writes logs what it did with `log_action`, in its own
transaction, with the round it belongs to (`tests/test_action_log.py` holds every service to
it). `log_action` calls `renew_on_commit`, which renews the round's stamp at once and again once
the transaction commits (an action of no round renews every round's); a value is kept under its
name, the round's id and creation time, and both stamps, so a renewed stamp leaves the old value
unread (it expires). The creation time keeps two databases' rounds of the same id apart (a test
database made afresh, say).

Why not on every write: a national round's strategists autosave every few seconds; an action
that changes none of these values (an answer, a remark, a submission) is declared by its app
with `leaves_round_values(...)`, so a burst of autosaves keeps the figures, where the page
cache this replaces lost everything on every write. What changes outside the services (SKR's
reference list loaded, the admin) shows when the value expires, after `SECONDS` at most.

Never a person's page: only values every viewer of the round sees alike. A value kept is
read back by whichever code runs next, a new release during a deployment included: give it a
new name when its shape changes.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction

T = TypeVar("T")

SECONDS = 300
_EVERY_ROUND = "*"
_quiet: set[str] = set()
_pending = threading.local()


def leaves_round_values(*action_types: str) -> None:
    """Declare action types that change none of a round's kept values."""
    _quiet.update(action_types)


def _prefix() -> str:
    """Two databases that share a cache (a benchmark beside a load test, staging beside
    production) number their rounds alike: the database's name keeps their keys apart."""
    return f"round-values:{connection.settings_dict['NAME']}"


def _stamp_key(round_id) -> str:
    return f"{_prefix()}:stamp:{round_id}"


def _flush() -> None:
    """Renew the stamps of the rounds changed by what was committed (once per commit: the
    later callbacks of the same commit find nothing left)."""
    ids = getattr(_pending, "ids", None)
    if not ids:
        return
    _pending.ids = set()
    cache.set_many({_stamp_key(i): secrets.token_hex(4) for i in ids}, timeout=None)


def renew_on_commit(round_id: int | None, action_type: str) -> None:
    """The round's values (every round's, for an action of no round) are read afresh: at once,
    for what reads them in the same transaction (a test, a service reading after writing), and
    again once the transaction commits, since another request may have kept a value read before
    the commit in between. An action declared quiet changes nothing. A transaction rolled back
    leaves its rounds to be renewed by the next commit, which costs only a fresh read."""
    if action_type in _quiet:
        return
    round_key = _EVERY_ROUND if round_id is None else round_id
    cache.set(_stamp_key(round_key), secrets.token_hex(4), timeout=None)
    ids = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = set()
    ids.add(round_key)
    transaction.on_commit(_flush)


def _stamps(*round_keys) -> list[str]:
    keys = [_stamp_key(k) for k in round_keys]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:  # never renewed, or evicted: a stamp no value was kept under
            cache.add(key, secrets.token_hex(4), timeout=None)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def _kept(key: str, compute: Callable[[], T]) -> T:
    kept = cache.get(key)  # (value,), so that a value of None is kept too
    if kept is None:
        kept = (compute(),)
        cache.set(key, kept, timeout=SECONDS)
    return kept[0]


def round_value(name: str, round, compute: Callable[[], T]) -> T:
    """`compute()`, kept for the round under `name` until a service changes the round."""
    own, every = _stamps(round.pk, _EVERY_ROUND)
    created = round.created_at.timestamp()
    return _kept(f"{_prefix()}:{name}:{round.pk}:{created}:{own}:{every}", compute)


def site_value(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept for the whole site (the mentor's role, say) until an action of no
    round."""
    (every,) = _stamps(_EVERY_ROUND)
    return _kept(f"{_prefix()}:{name}:site:{every}", compute)
