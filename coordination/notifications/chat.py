"""Messages for chat channels (Telegram now, WhatsApp later): short, plain, one link.

A kind that may go to a chat app registers a "chat" builder beside its "email" one; it returns a
`ChatMessage` in the active language (the recipient's), with times already in the region's zone.
Every chat channel (`channels.Channel.message_format == "chat"`) renders the same message its
own way, so adding a chat channel changes no kind.

One-tap actions: the app that owns a kind registers `Action`s for it
(`registry.register_action(kind, action)`, from the layer of its services) and the kind's chat
builder names the ones a message offers (`ChatMessage.actions`: none once the incident is
acknowledged). The channel
shows them as buttons; when someone presses one, the channel finds the person linked to that
chat account, checks it is the delivery's recipient, and calls `action.perform(delivery=...,
person=...)`, which is the app's own service: it checks the permission (raising
`PermissionDenied`), writes idempotently and answers a `Done` saying who did it and when, even
when somebody had done it before. The channel then edits the message to say so.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

CHAT = "chat"


@dataclass(frozen=True)
class ChatMessage:
    title: str
    lines: tuple[str, ...] = ()
    url: str = ""
    # Names of the kind's actions to offer as buttons under this message.
    actions: tuple[str, ...] = ()
    # For the delivery log (Delivery.subject).
    subject: str = ""


@dataclass(frozen=True)
class Done:
    """An action's result: who did it, when, and where (anything with `timezone` and
    `zone_abbreviation`, for the time). `now` is False when it had been done before."""

    by: str
    at: datetime
    place: object
    now: bool = True


@dataclass(frozen=True)
class Action:
    # Short, [a-z_]: it travels in the button's callback data (64 bytes on Telegram).
    name: str
    label: str
    # perform(*, delivery, person) -> Done; raises PermissionDenied when the person may not.
    perform: Callable[..., Done]
    # "Diterima oleh %(by)s, %(when)s": the line the edited message ends with.
    done_text: str = _("Dilakukan oleh %(by)s, %(when)s")
