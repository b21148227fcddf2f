"""Telegram's rate limits, kept for every worker process at once: a token bucket in the shared
Redis for all messages (PILKADA_TELEGRAM_RATE_PER_SECOND, Telegram allows about 30 per second)
and one per chat (one message per second).

`take(chat)` takes one token from both buckets, atomically (a Lua script that reads the clock of
Redis itself, so workers on different machines agree), or none and answers how many seconds to
wait until both have one. When the shared cache is not Redis (a local run, most tests) the
buckets live in the process.
"""

import threading
import time

from django.conf import settings
from django.core.cache import caches

CHAT_PER_SECOND = 1.0
# The longest wait a sender sleeps through; beyond that the message is retried later.
SLEEP_AT_MOST = 2.0

_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function level(key, rate, capacity)
  local state = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(state[1])
  local ts = tonumber(state[2])
  if tokens == nil then return capacity end
  return math.min(capacity, tokens + (now - ts) * rate)
end
local rate_all, cap_all = tonumber(ARGV[1]), tonumber(ARGV[2])
local rate_chat, cap_chat = tonumber(ARGV[3]), tonumber(ARGV[4])
local all = level(KEYS[1], rate_all, cap_all)
local chat = level(KEYS[2], rate_chat, cap_chat)
local wait = 0
if all < 1 then wait = math.max(wait, (1 - all) / rate_all) end
if chat < 1 then wait = math.max(wait, (1 - chat) / rate_chat) end
if wait == 0 then
  all = all - 1
  chat = chat - 1
end
redis.call('HSET', KEYS[1], 'tokens', all, 'ts', now)
redis.call('EXPIRE', KEYS[1], 60)
redis.call('HSET', KEYS[2], 'tokens', chat, 'ts', now)
redis.call('EXPIRE', KEYS[2], 60)
return tostring(wait)
"""

_local: dict[str, tuple[float, float]] = {}
_local_lock = threading.Lock()
_script = None


def _rate() -> float:
    return float(settings.PILKADA_TELEGRAM_RATE_PER_SECOND)


def take(chat: str, *, prefix: str = "telegram") -> float:
    """Take a token for one message to `chat`; 0 when taken, else the seconds to wait."""
    backend = caches["default"]
    keys = [
        backend.make_key(f"ratelimit:{prefix}:all"),
        backend.make_key(f"ratelimit:{prefix}:{chat}"),
    ]
    args = [_rate(), _rate(), CHAT_PER_SECOND, 1]
    client = _redis()
    if client is not None:
        global _script
        if _script is None:
            _script = client.register_script(_SCRIPT)
        return float(_script(keys=keys, args=args, client=client))
    return _take_locally(keys, args)


def acquire(chat: str, *, prefix: str = "telegram") -> float:
    """Wait for a token (sleeping at most SLEEP_AT_MOST); 0 when taken, else the seconds still
    to wait, for a retry later."""
    slept = 0.0
    while True:
        wait = take(chat, prefix=prefix)
        if wait <= 0:
            return 0.0
        if slept + wait > SLEEP_AT_MOST:
            return wait
        time.sleep(wait)
        slept += wait


def _redis():
    """The shared cache's Redis client, or None when the cache is not Redis."""
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)


def _take_locally(keys: list[str], args: list[float]) -> float:
    now = time.monotonic()
    rate_all, cap_all, rate_chat, cap_chat = args
    with _local_lock:
        levels = []
        for key, rate, capacity in ((keys[0], rate_all, cap_all), (keys[1], rate_chat, cap_chat)):
            tokens, ts = _local.get(key, (capacity, now))
            levels.append((key, min(capacity, tokens + (now - ts) * rate), rate))
        wait = max([(1 - level) / rate for _key, level, rate in levels if level < 1] or [0])
        for key, level, _unused in levels:
            _local[key] = (level - 1 if wait == 0 else level, now)
    return wait


def local_reset() -> None:
    """Empty the in-process buckets (between tests)."""
    with _local_lock:
        _local.clear()
