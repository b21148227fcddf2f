"""The publication counter as the public pages read it: shared cache, then this process.

Every public page and feed asks for the counter on each request. The shared cache holds it for a
minute; each process also keeps the value it read for PUBLICATION_LOCAL_SECONDS, so a page served
whole from the process (see outreach.http) needs no round trip at all. A publication in this
process forgets the local copy at once; other processes follow within that second.
"""

import datetime as dt
import time

from django.core.cache import cache

from outreach.models import PublicationState

CACHE_KEY = "outreach:publication-state"
EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
# A reader can race a writer and put the old counter back just after the writer dropped it; the
# short lifetime bounds how long that stale copy can live.
STATE_SECONDS = 60
PUBLICATION_LOCAL_SECONDS = 1.0

# (valid until, generation, state); a forget raises the generation, so a reader that fetched the
# old value while the forget ran cannot keep it.
_memo: list = [None]
_generation = [0]


def publication_state() -> tuple[int, dt.datetime]:
    """(version, changed_at) of the last publication; (0, EPOCH) before the first."""
    now = time.monotonic()
    memo = _memo[0]
    if memo is not None and memo[0] > now and memo[1] == _generation[0]:
        return memo[2]
    generation = _generation[0]
    state = cache.get(CACHE_KEY)
    if state is None:
        row = PublicationState.objects.filter(pk=1).values_list("version", "changed_at").first()
        state = tuple(row) if row else (0, EPOCH)
        cache.set(CACHE_KEY, state, STATE_SECONDS)
    _memo[0] = (now + PUBLICATION_LOCAL_SECONDS, generation, state)
    return state


def publication_state_forget() -> None:
    """Drop this process's copies of the counter (after a publication, and between tests)."""
    _generation[0] += 1
    _memo[0] = None
    cache.delete(CACHE_KEY)
