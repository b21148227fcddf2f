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

Email keeps one SMTP connection per worker process (per thread) and sends message after message
over it (`KeptSMTP`): MAIL, RCPT and DATA for each, no QUIT in between. A kept connection that
the server has closed meanwhile (an idle timeout, a restart) fails at MAIL, before any of the
message was sent, so the message goes out on a fresh connection at once; a failure from DATA on
is the message's own (nothing is resent blindly, the outbox decides). After any failure that
leaves the connection in doubt it is dropped, and the next message opens a new one. Other
backends (the in-memory one of the tests, the console) get one message at a time as before.

Channels are chosen per person: `outbox.rows_create` asks `route(person_ids, kind)` which
channels each person gets a kind's message on. Without a router (no chat channel is configured)
that is email for everyone; an app that adds a channel registers one router (`register_router`) that
knows the people's choices and linked accounts (`messaging`). A channel says which builder of a
kind it sends (`message_format`: "email", or "chat" for short text any chat app can show), so a
second chat channel (WhatsApp) needs no change to any kind.

One breaker per channel by default. A channel whose messages go to many far ends (webhooks to
each agency's system) defines `breaker_key(delivery)`, for example the target host, so one
agency's dead server pauses only the rows for it.
"""

import functools
import logging
import os
import re
import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Protocol

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

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
    # Which builder of a kind makes its messages (registry.builder_for): "email" or "chat".
    message_format: str

    def send(self, delivery, message, *, accepted: Callable[[], None]) -> None: ...


@dataclass(frozen=True)
class EmailChannel:
    name: str = EMAIL
    message_format: str = EMAIL

    def send(self, delivery, message, *, accepted: Callable[[], None]) -> None:
        connection = get_connection()
        if isinstance(connection, SMTPBackend):
            try:
                KEPT.send(connection, message, accepted=accepted)
            except (smtplib.SMTPException, OSError) as exc:
                raise _delivery_error(exc) from exc
            return
        try:
            connection.open()
            connection.send_messages([message])
            accepted()
        except (smtplib.SMTPException, OSError) as exc:
            raise _delivery_error(exc) from exc
        finally:
            try:
                connection.close()
            except (smtplib.SMTPException, OSError):
                logger.debug("closing the mail connection failed", exc_info=True)


def _delivery_error(exc: Exception) -> DeliveryError:
    return DeliveryError(
        f"{type(exc).__name__}: {exc}",
        permanent=smtp_permanent(exc),
        unreachable=smtp_unreachable(exc),
    )


class _Stale(Exception):
    """A kept connection turned out closed before any of the message was sent."""


class KeptSMTP:
    """The SMTP connection kept open by this process (one per thread), see the module docstring.

    `sends` and `connects` count what it did, for the benchmark and the tests."""

    # Closed and opened again when unused this long, before the server's own idle timeout
    # (five minutes for Postfix and aiosmtpd) would close it under us.
    IDLE_SECONDS = 30.0

    def __init__(self):
        self._local = threading.local()

    def _state(self):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            # A forked child never talks over its parent's socket.
            local.pid, local.backend, local.key, local.used = os.getpid(), None, None, 0.0
            local.sends = local.connects = 0
        return local

    @property
    def sends(self) -> int:
        return self._state().sends

    @property
    def connects(self) -> int:
        return self._state().connects

    def send(self, template: SMTPBackend, message, *, accepted: Callable[[], None]) -> None:
        state = self._state()
        key = _settings_key(template)
        if state.backend is not None and (
            state.key != key or time.monotonic() - state.used > self.IDLE_SECONDS
        ):
            self.close()
        fresh = state.backend is None
        if fresh:
            self._open(state, template, key)
        encoding = message.encoding or settings.DEFAULT_CHARSET
        sender = _sender(message.from_email, encoding)
        recipients = [_address(address, encoding) for address in message.recipients()]
        data = getattr(message, "wire", None) or message.message().as_bytes(linesep="\r\n")
        try:
            try:
                self._envelope(state.backend.connection, sender, recipients, len(data), fresh)
            except _Stale:
                self.close()
                self._open(state, template, key)
                self._envelope(state.backend.connection, sender, recipients, len(data), True)
            smtp = state.backend.connection
            code, reply = smtp.data(data)
            if code != 250:
                self._after_refusal(smtp, code)
                raise smtplib.SMTPDataError(code, reply)
        except smtplib.SMTPResponseException:
            raise  # answered: the connection is still in step (or closed on a 421)
        except (smtplib.SMTPException, OSError):
            self.close()
            raise
        state.used = time.monotonic()
        state.sends += 1
        accepted()

    def _open(self, state, template: SMTPBackend, key) -> None:
        backend = SMTPBackend(
            host=template.host,
            port=template.port,
            username=template.username,
            password=template.password,
            use_tls=template.use_tls,
            use_ssl=template.use_ssl,
            timeout=template.timeout,
            ssl_keyfile=template.ssl_keyfile,
            ssl_certfile=template.ssl_certfile,
        )
        try:
            backend.open()
        except BaseException:
            if backend.connection is not None:
                backend.connection.close()
            raise
        state.backend, state.key, state.used = backend, key, time.monotonic()
        state.connects += 1

    def _envelope(self, smtp, sender: str, recipients: list[str], size: int, fresh: bool) -> None:
        """MAIL and RCPT, as `smtplib.SMTP.sendmail` does them. On a kept connection a server
        that is gone shows here, before the message: raised as _Stale."""
        try:
            smtp.ehlo_or_helo_if_needed()
            options = [f"size={size}"] if smtp.does_esmtp and smtp.has_extn("size") else []
            code, reply = _command(smtp, "mail", "FROM", sender, options)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            if fresh:
                raise
            raise _Stale() from exc
        if code == 421 and not fresh:
            raise _Stale()
        if code != 250:
            self._after_refusal(smtp, code)
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        refused = {}
        for recipient in recipients:
            code, reply = _command(smtp, "rcpt", "TO", recipient, [])
            if code not in (250, 251):
                refused[recipient] = (code, reply)
            if code == 421:
                self.close()
                raise smtplib.SMTPRecipientsRefused(refused)
        if len(refused) == len(recipients):
            self._after_refusal(smtp, 0)
            raise smtplib.SMTPRecipientsRefused(refused)

    def _after_refusal(self, smtp, code: int) -> None:
        """The server answered no: on 421 it is closing; else RSET puts the session back."""
        if code == 421:
            self.close()
            return
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        """Drop the connection (no QUIT: a server that is gone would keep us waiting for its
        answer; servers take a closed connection as the end of the session)."""
        state = self._state()
        backend, state.backend, state.key = state.backend, None, None
        if backend is not None and backend.connection is not None:
            try:
                backend.connection.close()
            except OSError:
                logger.debug("closing the kept mail connection failed", exc_info=True)
            backend.connection = None


# An address that needs no quoting or encoding: what `sanitize_address` and smtplib's quoting
# would give back unchanged (the usual case), so neither has to parse it.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def _address(address: str, encoding: str) -> str:
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return sanitize_address(address, encoding)


@functools.lru_cache(maxsize=16)
def _sender(address: str, encoding: str) -> str:
    """The envelope sender (the same for every message): the address without its name."""
    sanitized = sanitize_address(address, encoding)
    return parseaddr(sanitized)[1] or sanitized


def _command(smtp, verb: str, word: str, address: str, options: list[str]):
    """`smtp.mail` / `smtp.rcpt`, without parsing a plain address again."""
    if not _PLAIN_ADDRESS.fullmatch(address):
        return smtp.mail(address, options) if verb == "mail" else smtp.rcpt(address, options)
    return smtp.docmd(verb, f"{word}:<{address}>" + "".join(f" {o}" for o in options))


def _settings_key(backend: SMTPBackend) -> tuple:
    return (
        backend.host,
        backend.port,
        backend.username,
        backend.password,
        backend.use_tls,
        backend.use_ssl,
        backend.timeout,
        backend.ssl_keyfile,
        backend.ssl_certfile,
    )


KEPT = KeptSMTP()


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


def message_format(name: str) -> str:
    channel = _CHANNELS.get(name)
    return getattr(channel, "message_format", name) if channel is not None else name


# Which channels each person gets a kind's message on: router(person_ids, kind) -> {person id:
# channel names}; without one, email for everyone.
_ROUTER: list[Callable] = []


def register_router(router: Callable) -> Callable:
    """Set the one router (registering again replaces it: one app decides the channels)."""
    _ROUTER[:] = [router]
    return router


def route(person_ids: list[int], kind: str) -> dict[int, tuple[str, ...]]:
    """The channels of each person for a message of `kind` (email for anyone not named)."""
    chosen = _ROUTER[0](person_ids, kind) if _ROUTER and person_ids else {}
    return {pk: tuple(chosen.get(pk) or (EMAIL,)) for pk in person_ids}


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
