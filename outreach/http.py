"""Conditional GET and caching of public pages and feeds.

Everything public is derived from the publication counter (PublicationState), the day (the
default views start "today") and the language. The ETag hashes those with the request's path and
query, so a 304 costs no database query while the counter is in the cache; the rendered body is
cached under the same key and dropped by the next change (a new counter makes a new key).

Anonymous visitors see pages without any per-request state (no CSRF token, no name, no
messages), so their whole response is kept under the same key and served without rendering;
the middleware still adds the security, CSP and language headers to every response.
"""

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.views.decorators.http import condition

from outreach import conf
from outreach.selectors.publication import publication_state, publication_state_forget


def _validators(request, scope: str) -> tuple[str, dt.datetime, str, bool]:
    """(ETag, Last-Modified, cache key, keep in process) of this request, computed once.

    The first call (the public_resource decorator's) fixes the key for the whole request, so the
    body cache and the stored response of one view always share it.
    """
    cached = getattr(request, "_outreach_validators", None)
    if cached is not None:
        return cached
    version, changed_at = publication_state()
    today = timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    user = getattr(request, "user", None)
    # Logged-in people see their own header; their pages never share a key with anyone else's.
    who = user.pk if user is not None and user.is_authenticated else 0
    # changed_at too: a counter that restarts (a restored database) never meets an old key.
    raw = (
        f"{scope}|{version}|{changed_at.isoformat()}|{today}|{get_language()}|{who}|"
        f"{request.get_full_path()}"
    )
    key = hashlib.sha256(raw.encode()).hexdigest()[:40]
    result = (
        key,
        max(changed_at, midnight).replace(microsecond=0),
        f"outreach:{scope}:{key}",
        version > 0,  # only a recorded publication makes a body safe to keep in the process
    )
    request._outreach_validators = result
    return result


def public_resource(scope: str, *, feed: bool = False):
    """Decorate a public GET view: ETag/Last-Modified, 304, cache headers.

    Feeds are the same for everyone (no cookies): shared caches may keep them for a while.
    Pages carry a per-person header (and, for logged-in people, CSRF tokens), so browsers keep
    them privately and revalidate them on every use.
    """

    def decorator(view: Callable):
        def etag(request, *args, **kwargs):
            return _validators(request, scope)[0]

        def last_modified(request, *args, **kwargs):
            return _validators(request, scope)[1]

        conditional = condition(etag_func=etag, last_modified_func=last_modified)(view)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            shared = not feed and _same_for_everyone(request)
            if shared:
                stored = _stored_response(request, scope)
                if stored is not None:
                    return stored
            response = conditional(request, *args, **kwargs)
            proxy_seconds = conf.get("OUTREACH_PROXY_CACHE_SECONDS")
            if response.status_code in (200, 304):
                if feed:
                    patch_cache_control(
                        response, public=True, max_age=conf.get("OUTREACH_FEED_MAX_AGE")
                    )
                    if proxy_seconds:
                        patch_cache_control(response, s_maxage=proxy_seconds)
                elif proxy_seconds and shared and _shareable(request, response):
                    # The page every anonymous visitor gets: nginx's microcache may keep it for
                    # a few seconds (deploy/nginx/pilkada.conf); browsers still revalidate.
                    patch_cache_control(response, public=True, max_age=0, s_maxage=proxy_seconds)
                else:
                    patch_cache_control(response, private=True, no_cache=True)
                # The language (cookie or Accept-Language) and, for pages, the person are in the
                # key; shared caches must keep the variants apart too.
                patch_vary_headers(response, ["Cookie", "Accept-Language"])
                if not response.has_header("Last-Modified"):
                    response["Last-Modified"] = http_date(
                        _validators(request, scope)[1].timestamp()
                    )
            if shared and response.status_code == 200:
                _store_response(request, scope, response)
            return response

        return wrapped

    return decorator


CSRF_FIELD = b'name="csrfmiddlewaretoken"'

# Bodies are immutable under their key (the key holds the publication version), so each process
# may keep the most requested ones in memory and skip the shared-cache round trip, the largest
# cost of a cached page after the page shell. Bounded by entries; the oldest go first.
LOCAL_BODIES_MAX = 128
_local_bodies: OrderedDict[str, bytes | str] = OrderedDict()
_local_lock = threading.Lock()


def _local_get(key: str):
    with _local_lock:
        body = _local_bodies.get(key)
        if body is not None:
            _local_bodies.move_to_end(key)
        return body


def _local_put(key: str, body) -> None:
    with _local_lock:
        _local_bodies[key] = body
        _local_bodies.move_to_end(key)
        while len(_local_bodies) > LOCAL_BODIES_MAX:
            _local_bodies.popitem(last=False)


def local_bodies_clear() -> None:
    """Forget the bodies and counter kept in this process (tests; benchmarks of an empty cache)."""
    with _local_lock:
        _local_bodies.clear()
    publication_state_forget()


def _same_for_everyone(request) -> bool:
    """An anonymous GET with no message waiting: the page it gets is the same for everyone."""
    if request.method != "GET":
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # Counting does not consume the messages: the rendered page still shows them.
    return len(get_messages(request)) == 0


def _stored_response(request, scope: str) -> HttpResponse | None:
    """The whole stored response (or a 304 built from it), without running the view."""
    _etag, modified, key, keep_locally = _validators(request, scope)
    key = f"{key}:response"
    stored = _local_get(key) if keep_locally else None
    if stored is None:
        stored = cache.get(key)
        if stored is None:
            return None
        if keep_locally:
            _local_put(key, stored)
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=int(modified.timestamp()),
        response=response,
    )


def _shareable(request, response) -> bool:
    # A page that asked for a CSRF token or set a cookie belongs to this visitor alone. A token in
    # a body that came from the body cache did not ask again, so the body is checked as well.
    return not (
        response.streaming
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or CSRF_FIELD in response.content
    )


def _store_response(request, scope: str, response) -> None:
    if not _shareable(request, response):
        return
    _etag, _modified, key, keep_locally = _validators(request, scope)
    key = f"{key}:response"
    stored = (response.content, list(response.items()))
    cache.set(key, stored, conf.get("OUTREACH_CACHE_SECONDS"))
    if keep_locally:
        _local_put(key, stored)


def cached_body(request, build: Callable[[], bytes | str]):
    """The body for this request from the process, then the shared cache; built on a miss.

    Only inside a view decorated with public_resource: the body is kept under that view's key.
    """
    _etag, _modified, key, keep_locally = request._outreach_validators
    body = _local_get(key) if keep_locally else None
    if body is not None:
        return body
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, conf.get("OUTREACH_CACHE_SECONDS"))
    if keep_locally:
        _local_put(key, body)
    return body
