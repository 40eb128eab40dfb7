"""Values of a round that are the same for everyone who sees them (the round dashboard's key
figures, its mentors and groups, the spread of improvement work), kept in the cache under a key
that the services which change them renew on commit, as pretix keeps its object caches.

How it stays right: every service that writes logs what it did with `log_action`, in its own
transaction, with the round it belongs to (`tests/test_action_log.py` holds every service to
it). `log_action` calls `renew_on_commit`, which renews stamps of the round at once and again
once the transaction commits (an action of no round renews the stamps every round's values read
too); a value is kept under its name, the round's id and creation time, and the stamps it
reads, so a renewed stamp leaves the old value unread (it expires). The creation time keeps two
databases' rounds of the same id apart (a test database made afresh, say).

Which stamps: a round's data comes in a few aspects (`ASPECTS`: who takes part, the groups,
the meetings, …), each with a stamp per round. An app declares what each of its action types
changes (`changes_round_values({WORK_UPDATED: [IMPROVEMENT_WORK], ...})` in `<app>/actions.py`)
and a kept value declares what it reads (`round_value(..., reads=[IMPROVEMENT_WORK,
PARTICIPANTS])`), so that renaming an improvement work renews the spread of improvement work
and leaves the round's groups and meetings kept. An action type nobody declared renews every
aspect, and a value that declares nothing reads every aspect: forgetting a declaration costs a
fresh read, never a stale page. What a declaration must hold is tested action type by action
type (`tests/test_roundvalues.py`).

Why not on every write: a national round's strategists autosave every few seconds; an action
that changes none of these values (an answer, a remark, a submission) is declared by its app
as changing no aspect (`checklist.actions`), so a burst of autosaves keeps the figures, where
the page cache this replaces lost everything on every write. What changes outside the services
(SKR's reference list loaded, the admin) shows when the value expires, after `SECONDS` at most.

Never a person's page: only values every viewer of the round sees alike. A value kept is
read back by whichever code runs next, a new release during a deployment included: give it a
new name when its shape changes.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction

T = TypeVar("T")

SECONDS = 300
_EVERY_ROUND = "*"

# What a round's data is made of, as its kept values read it and its actions change it. The
# names live here, below every app, so that the app that writes a thing and the app that reads
# it (the dashboard reads improvement work, the participants' pages read groups) name it alike.
PARTICIPANTS = "participants"  # who takes part, in which role, withdrawn; organisations' names
GROUPS = "groups"  # benchmarking groups, their members, their mentors and what is written to them
MEETINGS = "meetings"  # the schedule: meetings, their agendas and files
PEOPLE = "people"  # people, their names and the functions they hold; invitations
ATTENDANCE = "attendance"
ASSESSMENTS = "assessments"  # which self-assessments exist, of which level (not their answers)
CHECKLISTS = "checklists"  # checklist versions and the round's choice of them
IMPROVEMENT_WORK = "improvement_work"  # the work, its sharing, approval and progress
RESULT_REPORTS = "result_reports"  # which result reports exist, their status, the due dates
PROGRAMME = "programme"  # what the programme gives every round: the mentor's role, material
ASPECTS = frozenset(
    {
        PARTICIPANTS,
        GROUPS,
        MEETINGS,
        PEOPLE,
        ATTENDANCE,
        ASSESSMENTS,
        CHECKLISTS,
        IMPROVEMENT_WORK,
        RESULT_REPORTS,
        PROGRAMME,
    }
)

_changes: dict[str, frozenset[str]] = {}  # action type → the aspects it changes


def _known(aspects: Iterable[str]) -> frozenset[str]:
    aspects = frozenset(aspects)
    if unknown := aspects - ASPECTS:
        raise ValueError(f"Unknown aspects of a round: {', '.join(sorted(unknown))}")
    return aspects


def changes_round_values(changes: Mapping[str, Collection[str]]) -> None:
    """Declare what each action type changes of a round's data: {action type: aspects}. An
    action type declared with no aspects changes none of the kept values."""
    for action_type, aspects in changes.items():
        aspects = _known(aspects)
        if _changes.get(action_type, aspects) != aspects:
            raise ValueError(f"{action_type} is declared twice, with other aspects.")
        _changes[action_type] = aspects


def renewed_aspects(action_type: str) -> frozenset[str]:
    """The aspects an action of this type renews: those declared, or every one."""
    return _changes.get(action_type, ASPECTS)


def _prefix() -> str:
    """Two databases that share a cache (a benchmark beside a load test, staging beside
    production) number their rounds alike: the database's name keeps their keys apart."""
    return f"round-values:{connection.settings_dict['NAME']}"


def _stamp_keys(round_keys, aspects) -> list[str]:
    prefix = _prefix()
    return [f"{prefix}:stamp:{k}:{a}" for a in sorted(aspects) for k in round_keys]


def _renew(keys) -> None:
    cache.set_many({key: secrets.token_hex(4) for key in keys}, timeout=None)


def renew_on_commit(round_id: int | None, action_type: str) -> None:
    """The round's values that read what the action changes (every round's, for an action of
    no round) are read afresh: at once, for what reads them in the same transaction (a test, a
    service reading after writing), and again once the transaction commits, since another
    request may have kept a value read before the commit in between. An action declared to
    change none of them changes nothing. A transaction rolled back renews nothing more: its
    stamps were renewed at once, which costs only a fresh read."""
    aspects = renewed_aspects(action_type)
    if not aspects:
        return
    round_key = _EVERY_ROUND if round_id is None else round_id
    keys = frozenset(_stamp_keys([round_key], aspects))
    _renew(keys)

    # Each action's own callback, which Django drops with the transaction (or savepoint) if it
    # is rolled back: nothing is left over for a later transaction to renew.
    def renew_committed():
        _renew(keys)

    transaction.on_commit(renew_committed)


def _stamps(keys: Collection[str]) -> dict[str, str]:
    """The stamps under `keys`, read in one request to the cache."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:  # never renewed, or evicted: a stamp no value was kept under
            cache.add(key, secrets.token_hex(4), timeout=None)
            found[key] = cache.get(key)
    return found


def _digest(stamps: dict[str, str], keys: list[str]) -> str:
    """The stamps under `keys`, as one short text (a key's length is limited)."""
    return hashlib.blake2b("".join(stamps[key] for key in keys).encode(), digest_size=8).hexdigest()


def _kept(values: dict[str, Callable[[], object]]) -> dict[str, object]:
    """{key: value} of {key: compute}: the values kept, read in one request to the cache, and
    the others computed and kept, written in another."""
    kept = cache.get_many(list(values))  # (value,), so that a value of None is kept too
    result, computed = {}, {}
    for key, compute in values.items():
        if key in kept:
            result[key] = kept[key][0]
        else:
            result[key] = compute()
            computed[key] = (result[key],)
    if computed:
        cache.set_many(computed, timeout=SECONDS)
    return result


def round_values(
    round, values: Mapping[str, tuple[Callable[[], object], Collection[str]]]
) -> dict[str, object]:
    """{name: value} of {name: (compute, reads)}: each as `round_value(name, round, compute,
    reads=reads)` gives it, for a page that shows several, read in two requests to the cache
    (the stamps, the values) instead of two each."""
    round_keys = (round.pk, _EVERY_ROUND)
    stamp_keys = {
        name: _stamp_keys(round_keys, _known(reads)) for name, (_, reads) in values.items()
    }
    stamps = _stamps({key for keys in stamp_keys.values() for key in keys})
    prefix, created = _prefix(), round.created_at.timestamp()
    keys = {
        name: f"{prefix}:{name}:{round.pk}:{created}:{_digest(stamps, stamp_keys[name])}"
        for name in values
    }
    kept = _kept({keys[name]: compute for name, (compute, _) in values.items()})
    return {name: kept[key] for name, key in keys.items()}


def round_value(
    name: str, round, compute: Callable[[], T], *, reads: Collection[str] = ASPECTS
) -> T:
    """`compute()`, kept for the round under `name` until an action changes an aspect of the
    round's data it `reads` (every aspect, unless told)."""
    return round_values(round, {name: (compute, reads)})[name]


def site_value(name: str, compute: Callable[[], T], *, reads: Collection[str] = ASPECTS) -> T:
    """`compute()`, kept for the whole site (the mentor's role, say) until an action of no
    round changes an aspect it `reads`."""
    keys = _stamp_keys([_EVERY_ROUND], _known(reads))
    key = f"{_prefix()}:{name}:site:{_digest(_stamps(keys), keys)}"
    return _kept({key: compute})[key]
