"""The situation version: a counter that every incident write raises.

The situation room answers a conditional request (If-None-Match) with 304 when the version is
the one its ETag was made from: one cache lookup, no SQL on incidents. The counter lives in the
shared cache and starts from the clock, so a counter lost from the cache never comes back to a
number an old ETag carries.
"""

import time

from django.core.cache import cache
from django.db import transaction

KEY = "insiden:situation-version"


def situation_version() -> int | None:
    """The current version, or None when no cache keeps it (then every request recomputes)."""
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, time.time_ns(), timeout=None)
        version = cache.get(KEY)
    return version


def situation_changed() -> None:
    """Raise the version now and again after the commit (a page read in between must not be
    kept under the new number)."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(KEY)
    except ValueError:
        cache.set(KEY, time.time_ns(), timeout=None)
