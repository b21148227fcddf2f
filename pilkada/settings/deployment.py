"""Running behind a reverse proxy, on several machines: whom to trust, how long to wait.

See deploy/ (nginx, systemd, the environment template) and docs/deployment.md.
"""

from .base import CACHES, DATABASES, MIDDLEWARE
from .env import env_int, env_list, env_str

# Addresses (or networks) of the reverse proxies in front of gunicorn. Only a request whose
# connection comes from one of them may set the client's address (X-Forwarded-For) and scheme
# (X-Forwarded-Proto); see pilkada/common/proxy.py. The default fits nginx on the same machine.
PILKADA_TRUSTED_PROXIES = env_list("PILKADA_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# The shared-response compression comes next: the last to touch a response on its way out.
MIDDLEWARE = [
    "pilkada.common.proxy.TrustedProxyMiddleware",
    "pilkada.common.compression.SharedGzipMiddleware",
    *MIDDLEWARE,
]
# allauth's login rate limit reads REMOTE_ADDR, which the middleware above has already set to the
# real client. allauth's own X-Forwarded-For reading would believe the header from anybody who
# reaches gunicorn, so it stays off.
ALLAUTH_TRUSTED_PROXY_COUNT = 0

# A database that does not answer (a failover in progress, a host gone) must not hold a web worker
# for minutes: give up connecting after this many seconds and answer 503 (pilkada/outage.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 5
    )

# Seconds a shared cache (nginx's microcache) may keep an anonymous public page or feed
# (`s-maxage`); browsers still revalidate every use. A publication reaches the proxy's visitors
# within this plus one second. 0: public pages stay private and feeds carry no s-maxage.
OUTREACH_PROXY_CACHE_SECONDS = env_int("OUTREACH_PROXY_CACHE_SECONDS", 5)

# A national deployment keeps the cache in a Redis of its own that may evict (allkeys-lru), apart
# from the broker and the beat lease in REDIS_URL, which must never lose a key (noeviction,
# persistence on). Unset: REDIS_URL holds both (a provincial deployment).
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL")
if REDIS_CACHE_URL and CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"]["LOCATION"] = REDIS_CACHE_URL
