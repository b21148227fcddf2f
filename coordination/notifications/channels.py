"""Channels: how a built message leaves the portal. Email is built in; other apps register more
(a Telegram bot, webhooks to an agency's system) with `register_channel`.

A channel's `send(delivery, message, *, accepted)` delivers one message and calls `accepted()` the
moment the far end has taken it (the SMTP server's reply to DATA, an HTTP 2xx), before any
clean-up such as QUIT: the outbox records the row as sent inside that call, which keeps the
window for a duplicate as small as the channel allows. A failure is a `DeliveryError`, permanent
(the far end refused for good: a 5xx to the recipient, a blocked bot) or temporary (retried;
`retry_after` when the far end said how long to wait). A temporary failure that never reached
the far end (connection refused, a timeout, the server hanging up) is `unreachable`: it counts
towards the channel's circuit breaker (`breaker.py`), which pauses the whole channel instead of
letting every queued row spend its attempts on a server that is down.

One breaker per channel by default. A channel whose messages go to many far ends (webhooks to
each agency's system) defines `breaker_key(delivery)`, for example the target host, so one
agency's dead server pauses only the rows for it.
"""

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.core.mail import get_connection

from coordination.notifications.breaker import Breaker

logger = logging.getLogger(__name__)

EMAIL = "email"


class DeliveryError(Exception):
    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: int | None = None,
        unreachable: bool = False,
    ):
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.unreachable = unreachable and not permanent


class Channel(Protocol):
    name: str

    def send(self, delivery, message, *, accepted: Callable[[], None]) -> None: ...


@dataclass(frozen=True)
class EmailChannel:
    name: str = EMAIL

    def send(self, delivery, message, *, accepted: Callable[[], None]) -> None:
        connection = get_connection()
        try:
            connection.open()
            connection.send_messages([message])
            accepted()
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"{type(exc).__name__}: {exc}",
                permanent=smtp_permanent(exc),
                unreachable=smtp_unreachable(exc),
            ) from exc
        finally:
            try:
                connection.close()
            except (smtplib.SMTPException, OSError):
                logger.debug("closing the mail connection failed", exc_info=True)


def smtp_permanent(exc: Exception) -> bool:
    """A 5xx refusal (of every recipient) will not change by retrying."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def smtp_unreachable(exc: Exception) -> bool:
    """The server could not be reached or would not talk: no message got a verdict.

    Connection refused, timeouts and resets are OSErrors; a server that hangs up or greets with
    421 ("service not available") is down for everyone, not refusing one message."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    return isinstance(exc, OSError)


_CHANNELS: dict[str, Channel] = {EMAIL: EmailChannel()}


def register_channel(channel: Channel) -> Channel:
    _CHANNELS[channel.name] = channel
    return channel


def channels() -> list[Channel]:
    return list(_CHANNELS.values())


def breaker_for(channel: Channel, delivery) -> Breaker:
    """The circuit breaker this delivery waits on: the channel's, or its far end's."""
    key = getattr(channel, "breaker_key", None)
    return Breaker(key(delivery) if key is not None else channel.name)


def channel_for(name: str) -> Channel:
    try:
        return _CHANNELS[name]
    except KeyError as exc:
        raise LookupError(f"no delivery channel {name!r} is registered") from exc
