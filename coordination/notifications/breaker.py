"""A circuit breaker per far end, kept in the shared cache (Redis in production), so every worker
process stops knocking on a server that is down and one of them at a time finds out when it is
back.

States, for one breaker name (a channel, or one far end of a channel: see `channels.breaker_for`):
- closed (no state in the cache): messages go out. Each send that could not reach the far end
  (connection refused, timeout, the server closing on us) counts; PILKADA_BREAKER_FAILURES of
  them in a row, each within PILKADA_BREAKER_COOLDOWN_SECONDS of the last, open the breaker. A
  send that reaches the far end resets the count.
- open: nothing is sent; the outbox parks the rows (status ``waiting``) without spending an
  attempt. After PILKADA_BREAKER_COOLDOWN_SECONDS one sender may probe: `allow` answers PROBE to
  exactly one caller (an atomic add of a probe key that expires after PROBE_SECONDS, so a probe
  whose worker died does not block the next one) and OPEN to everyone else.
- the probe reached the far end: closed again, and the outbox gives the parked rows back to the
  queue. The probe failed: open for another cooldown.

The cache is advisory: when it cannot be read or written, the breaker counts as closed and mail
is sent as if there were no breaker (each row then spends its own attempts).
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

CLOSED, PROBE, OPEN = "closed", "probe", "open"
# Longer than the send task's hard time limit (90 s): a probe still running holds its key.
PROBE_SECONDS = 120
# An open state is dropped after a day even if nobody closes it, so a cache left over from a long
# gone outage cannot pause mail for good.
STATE_SECONDS = 86400


@dataclass(frozen=True)
class BreakerState:
    name: str
    open: bool
    opened_at: float | None = None
    retry_at: float | None = None


@dataclass(frozen=True)
class Breaker:
    name: str

    @property
    def _key(self) -> str:
        return f"breaker:{self.name}"

    @property
    def _failures_key(self) -> str:
        return f"breaker:{self.name}:failures"

    @property
    def _probe_key(self) -> str:
        return f"breaker:{self.name}:probe"

    def allow(self) -> str:
        """CLOSED: send. PROBE: send, you are the one probe. OPEN: do not send now."""
        try:
            state = cache.get(self._key)
            if state is None:
                return CLOSED
            if time.time() < state["retry_at"]:
                return OPEN
            return PROBE if cache.add(self._probe_key, 1, timeout=PROBE_SECONDS) else OPEN
        except Exception:  # noqa: BLE001 - an unreadable cache must not stop the mail
            logger.warning("breaker %s: cache unavailable, treated as closed", self.name)
            return CLOSED

    def succeeded(self, *, probe: bool = False) -> bool:
        """The far end took a message. True when this closed an open breaker (resume the
        parked rows)."""
        try:
            was_open = probe or cache.get(self._key) is not None
            if was_open:
                cache.delete_many([self._key, self._probe_key, self._failures_key])
                logger.warning("breaker %s closed: the far end answers again", self.name)
            else:
                cache.delete(self._failures_key)
            return was_open
        except Exception:  # noqa: BLE001
            return False

    def failed(self, *, probe: bool = False) -> bool:
        """The far end could not be reached. True when the breaker is open afterwards."""
        now = time.time()
        cooldown = settings.PILKADA_BREAKER_COOLDOWN_SECONDS
        try:
            state = cache.get(self._key)
            if probe or state is not None:
                opened_at = state["opened_at"] if state else now
                self._store(opened_at, now + cooldown)
                if probe:  # a send that started before the breaker opened holds no probe
                    cache.delete(self._probe_key)
                return True
            cache.add(self._failures_key, 0, timeout=cooldown)
            count = cache.incr(self._failures_key)
            cache.touch(self._failures_key, cooldown)
            if count >= settings.PILKADA_BREAKER_FAILURES:
                self._store(now, now + cooldown)
                logger.warning(
                    "breaker %s open: %s sends in a row could not reach the far end",
                    self.name,
                    count,
                )
                return True
            return False
        except Exception:  # noqa: BLE001
            return False

    def _store(self, opened_at: float, retry_at: float) -> None:
        cache.set(self._key, {"opened_at": opened_at, "retry_at": retry_at}, STATE_SECONDS)

    def release_probe(self) -> None:
        """The probe did not send after all (its row was obsolete): let another row probe."""
        try:
            cache.delete(self._probe_key)
        except Exception:  # noqa: BLE001
            logger.warning("breaker %s: cache unavailable", self.name)

    def state(self) -> BreakerState:
        try:
            state = cache.get(self._key)
        except Exception:  # noqa: BLE001
            state = None
        if state is None:
            return BreakerState(name=self.name, open=False)
        return BreakerState(
            name=self.name, open=True, opened_at=state["opened_at"], retry_at=state["retry_at"]
        )

    def probe_due(self) -> bool:
        """Open, and its cooldown is over: a parked row may be sent as the probe."""
        state = self.state()
        return state.open and time.time() >= (state.retry_at or 0)

    def retry_now(self) -> None:
        """End the cooldown: the next sender probes (an operator who knows the server is back)."""
        state = self.state()
        if state.open:
            self._store(state.opened_at or time.time(), time.time())

    def reset(self) -> None:
        cache.delete_many([self._key, self._probe_key, self._failures_key])
