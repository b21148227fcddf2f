"""One active `celery beat`, however many are started: a lease in Redis.

Two beats would send every periodic job twice. The jobs are safe against that (each delivery is
a row under a unique constraint, reminder slots are locked with SKIP LOCKED), but it is wasted
work and a future job might not be. With this scheduler (CELERY_BEAT_SCHEDULER, set whenever
REDIS_URL is) a beat sends jobs only while it holds a lease in Redis; it renews the lease every
third of PILKADA_BEAT_LOCK_SECONDS. Another beat stands by, checks the lease just as often, and
takes over within PILKADA_BEAT_LOCK_SECONDS after the holder stops (killed, machine lost), so
beat may run on two machines for availability.
"""

import logging
import os
import socket
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

# Renew the lease only if it is still ours; delete it only if it is ours.
RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"  # noqa: E501
RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"  # noqa: E501


def lock_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX') or 'pilkada'}:beat-lock"


class SingleBeatScheduler(PersistentScheduler):
    """The default file-backed schedule, sending only while this beat holds the lease."""

    def __init__(self, *args, **kwargs):
        self.lease_seconds = settings.PILKADA_BEAT_LOCK_SECONDS
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.key = lock_key()
        self.redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
        self.holding = False
        self.said_standby = False
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs) -> float:
        check_every = self.lease_seconds / 3
        if not self._hold():
            return check_every
        return min(super().tick(*args, **kwargs), check_every)

    def _hold(self) -> bool:
        milliseconds = int(self.lease_seconds * 1000)
        try:
            if self.holding:
                if self.redis.eval(RENEW, 1, self.key, self.token, milliseconds):
                    return True
                self.holding = False
                logger.warning("beat %s lost the lease; standing by", self.token)
            if self.redis.set(self.key, self.token, nx=True, px=milliseconds):
                self.holding, self.said_standby = True, False
                logger.warning("beat %s holds the lease: sending periodic jobs", self.token)
                return True
        except redis.RedisError as exc:
            # Without Redis no job could be sent anyway (it is the broker).
            logger.warning("beat %s cannot reach Redis: %s", self.token, exc)
            self.holding = False
            return False
        if not self.said_standby:
            holder = self.redis.get(self.key)
            logger.warning("beat %s standing by: the lease is held by %s", self.token, holder)
            self.said_standby = True
        return False

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.holding:
                try:
                    self.redis.eval(RELEASE, 1, self.key, self.token)
                except redis.RedisError:
                    logger.warning("beat %s could not release the lease", self.token)
                self.holding = False
