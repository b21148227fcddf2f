"""The readiness version: a counter that every write to readiness tasks raises.

Figures computed from all tasks at once (the national summary reads half a million rows) are
cached under the current version, so a change makes a new key and the old figures are never
served again. The counter lives in the shared cache; it starts from the clock rather than from
zero, so a counter lost from the cache can never come back to a number an old entry is kept under.
"""

import time

from django.core.cache import cache
from django.db import transaction

KEY = "coordination:readiness-version"


def readiness_version() -> int | None:
    """The current version, or None when no cache keeps it (then nothing may be cached)."""
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, time.time_ns(), timeout=None)
        version = cache.get(KEY)
    return version


def readiness_changed() -> None:
    """Raise the version now (this process sees its own change at once) and again after the
    commit (another request may have cached figures from before the commit in between)."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not in the cache (evicted, flushed): a fresh start from the clock
        cache.set(KEY, time.time_ns(), timeout=None)
