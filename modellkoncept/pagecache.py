"""The main pages' content, kept in the cache until the data changes.

The round dashboard, the group, organisation and self-assessment pages and the mentor
workspace each read a dozen queries and render hundreds of template nodes, and the person who
asks again sees the same thing until something is written. Their templates wrap that content in
`{% pagecache "name" %}…{% endpagecache %}` (`modellkoncept/templatetags/pagecache.py`) and
their views hand the template lazy selectors (`lazy`, `lazy_items`), so a page found in the
cache runs neither.

Freshness does not rest on anyone remembering to invalidate. The cache holds one *data
generation*; every INSERT, UPDATE, DELETE or TRUNCATE on a table of the apps whose data the
pages show (but the time of a sign-in, which no page shows) gives it a new value, at once and
again when the transaction commits. That is
watched at the database cursor (`watch_writes`, installed on every connection), so a change
made in any way counts: a form, the admin, a bulk update, a task, a raw statement. A fragment's
key names the generation it was rendered under, so after a change no one is shown the old one.
(The new value at once covers the writer's own next read inside a transaction; the one at
commit covers a reader who rendered the old rows while the write was not yet committed.)

Time passing changes pages as well (the next meeting, attendance once a meeting has begun):
a fragment lives at most `PAGE_CACHE_SECONDS` (0 keeps nothing).

A fragment belongs to one person, language, address (with its query string), kind of request
(htmx or not) and CSRF secret (the forms inside carry a token), and only GET and HEAD keep or
reuse one. Every process that writes must reach the same cache for this to hold across
processes: a deployment with more than one process sets `CACHE_URL` to Redis (a system check
says so in production).

A cache that fails is passed by: the page is rendered as if nothing were kept, and a failed
new generation is logged (fragments then live out their `PAGE_CACHE_SECONDS`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from functools import cache as memoize

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# The apps whose rows the cached pages show. Sessions, sign-in attempts and report jobs are
# written on their own schedule and shown on no cached page: they leave the generation alone.
WATCHED_APPS = ("accounts", "participants", "checklist", "rounds")

# The table a data-changing statement writes, as Django writes them (quoted names).
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|(TRUNCATE))\s+"?(\w+)', re.I)
# Writes to a watched table that no page shows: the time of a person's last sign-in (else every
# sign-in would renew everyone's pages).
_UNSEEN = ('UPDATE "accounts_user" SET "last_login" = %s WHERE ',)


@memoize
def watched_tables() -> frozenset[str]:
    """The database tables of the watched apps, their history and many-to-many tables too."""
    return frozenset(
        model._meta.db_table
        for label in WATCHED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    )


def changes_data(sql: str) -> bool:
    """Whether a statement writes a watched table (a TRUNCATE empties several at once)."""
    match = _WRITE.match(sql)
    if match is None:
        return False
    truncate, table = match.groups()
    return bool(truncate) or (table in watched_tables() and not sql.startswith(_UNSEEN))


def new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.exception("The page cache's data generation could not be renewed.")


def data_changed(using: str = "default") -> None:
    """Give the cache a new data generation now, and again when the transaction commits."""
    new_generation()
    connection = connections[using]
    if connection.in_atomic_block and not any(
        callback is new_generation for _savepoints, callback, _robust in connection.run_on_commit
    ):
        connection.on_commit(new_generation)


def watch_writes(execute, sql, params, many, context):
    """A cursor wrapper: after a statement that changes data, a new data generation."""
    result = execute(sql, params, many, context)
    if changes_data(sql):
        data_changed(context["connection"].alias)
    return result


def install(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: watch the new connection's writes (once: the wrapper
    list outlives a reconnection)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def fragment_key(request, name: str) -> str | None:
    """The cache key of fragment `name` of this request's page, or None when it is not to be
    kept (caching off, not a GET, no request)."""
    if not settings.PAGE_CACHE_SECONDS or request is None or request.method not in ("GET", "HEAD"):
        return None
    user = getattr(request, "user", None)
    # The forms inside carry a token of the CSRF secret, so a new secret (a new sign-in) needs
    # the fragment rendered afresh. Asking for a token makes the secret (and its cookie) for a
    # browser that has none yet.
    get_token(request)
    parts = (
        generation(),
        str(user.pk if user is not None and user.is_authenticated else ""),
        get_language() or "",
        request.get_full_path(),
        "htmx" if request.headers.get("HX-Request") else "",
        request.META.get("CSRF_COOKIE", ""),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"pagecache:{name}:{digest}"


def lazy(function, /, *args, **kwargs) -> SimpleLazyObject:
    """`function(*args, **kwargs)`, called when the template first uses the result (never, if
    the content that uses it is found in the cache)."""
    return SimpleLazyObject(lambda: function(*args, **kwargs))


def lazy_items(function, keys, /, *args, **kwargs) -> dict[str, SimpleLazyObject]:
    """Context entries `keys` of the dict `function(*args, **kwargs)` returns, each lazy; the
    function runs at most once, when the template first uses one of them."""
    result = lazy(function, *args, **kwargs)
    return {key: SimpleLazyObject(lambda key=key: result[key]) for key in keys}


def check_shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A deployment check: pages kept in each process's own memory would not learn of the other
    processes' changes."""
    if settings.PAGE_CACHE_SECONDS and isinstance(caches["default"], LocMemCache):
        return [
            checks.Warning(
                "Pages are cached in each process's own memory: a change made by another "
                "process shows only after PAGE_CACHE_SECONDS.",
                hint="Set CACHE_URL to a shared cache (redis://host:6379/1), or "
                "PAGE_CACHE_SECONDS=0.",
                id="modellkoncept.W001",
            )
        ]
    return []
