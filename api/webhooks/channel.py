"""The `webhook` channel: one HTTP POST per message, signed (Standard Webhooks), to the
subscription's address.

The address is resolved at send time and every address it resolves to must be public (no
loopback, private, link-local or reserved range), and the connection goes to the address that
was checked, so a name that resolves differently a moment later cannot redirect it
(PILKADA_WEBHOOK_ALLOW_PRIVATE_TARGETS lifts the check for tests and local runs). Redirects are
not followed. A 2xx is accepted (the outbox records it as sent at once); 410 Gone switches the
subscription off; anything else is a temporary failure, retried while the event is useful, with
the wait a 429 or 503 asks for. A connection refused, reset or timed out did not reach the far
end: it counts towards the endpoint's breaker (`breaker_key`: one per host and port), so a dead
system pauses only its own rows. Each failure is counted on the subscription, which is switched
off (and its owner told) when its endpoint keeps failing.
"""

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from api.enums import WEBHOOK_CHANNEL
from api.services.webhooks import (
    subscription_active_set,
    subscription_attempt_failed,
    subscription_attempt_succeeded,
)
from coordination.notifications.channels import DeliveryError, register_channel

RESPONSE_LIMIT = 4096


class TargetRefused(Exception):
    pass


def vetted_address(host: str, port: int) -> str:
    """The address to connect to, after checking every address the name resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DeliveryError(f"cannot resolve {host}: {exc}", unreachable=True) from exc
    addresses = [info[4][0] for info in infos]
    if not settings.PILKADA_WEBHOOK_ALLOW_PRIVATE_TARGETS:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise TargetRefused(f"{host} resolves to a non-public address ({address})")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: int | None


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    parts = urlsplit(url)
    allowed = {"https"} | ({"http"} if settings.PILKADA_WEBHOOK_ALLOW_PRIVATE_TARGETS else set())
    if parts.scheme not in allowed or not parts.hostname:
        raise TargetRefused(f"{parts.scheme}:// targets are not allowed")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = vetted_address(parts.hostname, port)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(parts.hostname, port, address=address, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_LIMIT)
        retry = response.getheader("Retry-After", "")
        return Answer(response.status, int(retry) if retry.isdigit() else None)
    finally:
        connection.close()


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}"


@dataclass(frozen=True)
class WebhookChannel:
    name: str = WEBHOOK_CHANNEL

    def breaker_key(self, delivery) -> str:
        return f"webhook:{_host_of(delivery.webhook_message.subscription.url)}"

    def send(self, delivery, message, *, accepted: Callable[[], None]) -> None:
        sub_id = message.subscription_id
        try:
            answer = post(
                message.url,
                message.body,
                message.headers,
                timeout=settings.PILKADA_WEBHOOK_TIMEOUT_SECONDS,
            )
        except TargetRefused as exc:
            subscription_attempt_failed(subscription_id=sub_id, error=str(exc))
            raise DeliveryError(str(exc), permanent=True) from exc
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            subscription_attempt_failed(subscription_id=sub_id, error=error)
            raise DeliveryError(error, unreachable=True) from exc
        if 200 <= answer.status < 300:
            accepted()
            subscription_attempt_succeeded(subscription_id=sub_id)
            return
        error = f"HTTP {answer.status}"
        if answer.status == 410:
            subscription = delivery.webhook_message.subscription
            subscription_active_set(
                actor=None, subscription=subscription, active=False, reason="410 Gone"
            )
            raise DeliveryError(error, permanent=True)
        subscription_attempt_failed(subscription_id=sub_id, error=error)
        raise DeliveryError(error, retry_after=answer.retry_after)


register_channel(WebhookChannel())
