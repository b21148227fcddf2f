"""What every delivered mail has in common: the envelope, a stable Message-ID, the headers.

Kinds (`meetings.py`, `digests.py`, other apps' modules) render their own subject and bodies and
call `email_message` to wrap them.

Mail that many people receive with the same content (a meeting's invitation to 200 invitees) is
built once (`SharedMail`, by `meeting_mail.py`): the bodies with a stand-in where the recipient's
name goes, and the whole message's bytes, made once by the email package from a stand-in
recipient and cut at everything that differs per recipient (To, Message-ID, Date, the name in
the text and HTML parts, the calendar's ATTENDEE line and the calendar attachment). Each
recipient's message is then the `EmailMessage` (for the delivery log, other backends and the
tests) and, for SMTP, the same bytes filled in (`PreparedEmail.wire`), which is what the email
package would have produced for that recipient (the MIME boundary is shared). Whenever a
recipient's values could not be put in verbatim (a name or address that would need encoding,
folding or a line break), `wire` is None and the message is generated the usual way.
"""

import base64
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

# Stand-ins for the recipient's name in bodies built once for many recipients: characters of
# Unicode's private use area, which no template or name carries.
NAME_TEXT = "\ue000"
NAME_HTML = "\ue001"
_STAND_IN_TO = "recipient@recipient.invalid"
_STAND_IN_ID = "<stand-in@message.invalid>"
_STAND_IN_DATE = "Sat, 01 Jan 2000 00:00:00 -0000"
# A header line the email package would fold, or a body line near the limit of 998 octets, is
# left to the email package.
_HEADER_LIMIT = 78
_NAME_LIMIT = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


class PreparedEmail(EmailMultiAlternatives):
    """An email whose SMTP bytes may already be made (`wire`, see the module docstring)."""

    wire: bytes | None = None


def message_id(delivery) -> str:
    # The same for every attempt, so a resend after a lost worker is recognisably one message.
    domain = urlsplit(settings.SITE_URL).hostname or "pilkada.localhost"
    return f"<delivery-{delivery.pk}@{domain}>"


def email_message(delivery, *, subject: str, text: str, html: str) -> EmailMultiAlternatives:
    """The message for `delivery` (to its address, in the active language); records the subject
    and Message-ID on the row for the delivery log."""
    delivery.subject = subject[:300]
    delivery.message_id = message_id(delivery)
    message = PreparedEmail(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        reply_to=[settings.PILKADA_REPLY_TO] if settings.PILKADA_REPLY_TO else None,
        headers={
            "Message-ID": delivery.message_id,
            "Auto-Submitted": "auto-generated",
            "Content-Language": translation.get_language(),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def lead_time(minutes: int) -> str:
    """'24 jam', '1 hari 2 jam', '30 menit'."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days and (hours or mins or days != 1):
        parts.append(ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days})
    elif days:
        hours += 24
    if hours:
        parts.append(ngettext("%(n)d jam", "%(n)d jam", hours) % {"n": hours})
    if mins:
        parts.append(ngettext("%(n)d menit", "%(n)d menit", mins) % {"n": mins})
    return " ".join(parts)


# --- one content, many recipients ---------------------------------------------------------------


@dataclass(frozen=True)
class SharedMail:
    """One message's content for every recipient: `text` and `html` carry NAME_TEXT/NAME_HTML
    where the name goes, `calendar` is an `ics.attendee_template` (or None), `wire` the message
    bytes cut at the per-recipient values (None: no fast path for this content)."""

    subject: str
    text: str
    html: str
    calendar: tuple[bytes, ...] | None
    method: str
    language: str
    wire: tuple[bytes | str, ...] | None


def shared_mail(
    *,
    subject: str,
    text: str,
    html: str,
    calendar: tuple[bytes, ...] | None,
    method: str,
    stand_in_attendee: bytes,
    attach: Callable,
) -> SharedMail:
    """Build the shared content and its cut bytes (see the module docstring). `attach(message,
    calendar_bytes)` adds the calendar parts; `stand_in_attendee` is the ATTENDEE line of the
    stand-in that `calendar` was cut from."""
    language = translation.get_language()
    shared = SharedMail(subject, text, html, calendar, method, language, None)
    try:
        wire = _wire_template(shared, stand_in_attendee, attach)
    except ValueError:
        logger.info("content built without its fast path", exc_info=True)
        wire = None
    return SharedMail(subject, text, html, calendar, method, language, wire)


def _wire_template(shared: SharedMail, stand_in_attendee: bytes, attach) -> tuple:
    message = EmailMultiAlternatives(
        subject=shared.subject,
        body=shared.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[_STAND_IN_TO],
        reply_to=[settings.PILKADA_REPLY_TO] if settings.PILKADA_REPLY_TO else None,
        headers={
            "Date": _STAND_IN_DATE,
            "Message-ID": _STAND_IN_ID,
            "Auto-Submitted": "auto-generated",
            "Content-Language": shared.language,
        },
    )
    message.attach_alternative(shared.html, "text/html")
    calendar = stand_in_attendee.join(shared.calendar) if shared.calendar is not None else None
    if calendar is not None:
        attach(message, calendar)
    data = message.message().as_bytes(linesep="\r\n")
    stand_ins = {
        "to": f"\r\nTo: {_STAND_IN_TO}".encode(),
        "id": f"\r\nMessage-ID: {_STAND_IN_ID}".encode(),
        "date": f"\r\nDate: {_STAND_IN_DATE}".encode(),
        "text": NAME_TEXT.encode(),
        "html": NAME_HTML.encode(),
    }
    expected = {
        "to": 1,
        "id": 1,
        "date": 1,
        "text": shared.text.count(NAME_TEXT),
        "html": shared.html.count(NAME_HTML),
    }
    if calendar is not None:
        attendees = len(shared.calendar) - 1
        stand_ins["attendee"] = stand_in_attendee
        stand_ins["ics"] = base64.encodebytes(calendar).replace(b"\n", b"\r\n")
        # Once in the text/calendar part; the base64 attachment holds it encoded.
        expected.update(attendee=attendees, ics=1)
    by_bytes = {value: name for name, value in stand_ins.items()}
    pattern = re.compile(b"|".join(re.escape(value) for value in stand_ins.values()))
    pieces: list[bytes | str] = []
    found = dict.fromkeys(stand_ins, 0)
    start = 0
    for match in pattern.finditer(data):
        name = by_bytes[match.group()]
        found[name] += 1
        pieces += [data[start : match.start()], name]
        start = match.end()
    pieces.append(data[start:])
    if found != expected:
        raise ValueError(f"stand-ins not found verbatim: {found} (expected {expected})")
    return tuple(pieces)


def shared_wire(
    shared: SharedMail, *, delivery, name: str, attendee: bytes, calendar: bytes | None
) -> bytes | None:
    """The SMTP bytes of `shared` for one recipient, or None when the email package must make
    them (see the module docstring)."""
    if shared.wire is None:
        return None
    to = f"To: {delivery.email}"
    message_id = f"Message-ID: {delivery.message_id}"
    if (
        len(to) > _HEADER_LIMIT
        or len(message_id) > _HEADER_LIMIT
        or not (to + message_id).isascii()
        or _UNSAFE.search(to + message_id + name)
        or len(name.encode()) > _NAME_LIMIT
    ):
        return None
    values = {
        "to": f"\r\n{to}".encode(),
        "id": f"\r\n{message_id}".encode(),
        "date": f"\r\nDate: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}".encode(),
        "text": name.encode(),
        "html": str(escape(name)).encode(),
        "attendee": attendee,
    }
    if calendar is not None:
        values["ics"] = base64.encodebytes(calendar).replace(b"\n", b"\r\n")
    return b"".join(piece if isinstance(piece, bytes) else values[piece] for piece in shared.wire)


class ContentCache:
    """A small per-process cache of built content (least recently used out, entries at most
    `seconds` old). Keys carry every value the content is made of, so a changed meeting is a
    new key and is never served from an old entry; the age limit keeps DTSTAMP recent."""

    def __init__(self, *, size: int, seconds: float):
        self.size, self.seconds = size, seconds
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key, build: Callable):
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and now - entry[0] < self.seconds:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[1]
        value = build()
        with self._lock:
            self.misses += 1
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0
