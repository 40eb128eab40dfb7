"""Counting requests in Django's cache (Redis in production), in fixed windows.

A public form that saves and sends e-mail must not be usable as a relay: it allows a few
submissions per client address and per e-mail address in a window. Counters live in the cache,
not in a table of their own: losing them (a cache restart) forgets at most one window.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, value: str) -> str:
    # Hashed: cache keys hold no addresses, and any text makes a valid key.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"throttle:{scope}:{digest}"


def throttle_allows(*, scope: str, value: str, limit: int, seconds: int) -> bool:
    """Count one more use of `scope` by `value`; false once more than `limit` were counted in
    the current window of `seconds` (which starts with the first use)."""
    key = _key(scope, value)
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit
