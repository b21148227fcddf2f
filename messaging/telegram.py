"""The Telegram channel: messages out through the outbox, updates in through the webhook.

Out (`TelegramChannel.send`, called by the outbox inside the send task): the kind's "chat"
builder gives a `ChatMessage`; it is rendered as HTML-escaped text with the link on its own line
and the kind's actions as inline buttons, and sent with sendMessage to the person's linked chat,
after a token from the shared rate limiter (`ratelimit.py`). What Telegram answers becomes the
outbox's vocabulary:

- 200: accepted; the row is recorded as sent (its `message_id` is "<chat>:<message>").
- 429: temporary, `retry_after` as Telegram asked.
- 403 (the person blocked the bot, or deleted their account): the link becomes inactive, the
  row fails for good, and the same message goes by email as a new row.
- any other 4xx (400: the chat does not exist, the text was refused): fails for good, and by
  email. No active link any more (unlinked after the row was made) or the bot no longer
  configured: the same.
- 5xx, refused, timed out: unreachable, for the breaker named "telegram".

In (`update_handle`, called by the webhook view with one Update):

- `/start <token>` links the chat to the token's person (`services.chat_link`) and says so;
- `/stop` unlinks it;
- a button press (callback_query) runs the kind's action as the person linked to the presser's
  account, only for the delivery's own recipient; the action checks the permission and is
  idempotent; the press is answered (answerCallbackQuery) and the message edited
  (editMessageText) to say who did it and when.

A WhatsApp Cloud API channel would be one module like this one: a `send` that renders the same
`ChatMessage` (actions as reply buttons), and its webhook calling the same services and
`action_run` below.
"""

import html
import logging
import math

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from coordination.models import Delivery, Person
from coordination.notifications import registry
from coordination.notifications.channels import DeliveryError
from coordination.notifications.chat import CHAT, ChatMessage, Done
from messaging import botapi, conf, ratelimit, services
from messaging.enums import TELEGRAM
from messaging.models import ChatLink
from pilkada.common import localtime

logger = logging.getLogger(__name__)

# Telegram refuses longer texts (4096 characters after entities are parsed).
TEXT_LIMIT = 3500
UPDATE_SEEN_SECONDS = 86400


# --- out ----------------------------------------------------------------------------------------


def render(message: ChatMessage, *, done: str = "") -> str:
    parts = [f"<b>{html.escape(message.title)}</b>"]
    parts += [html.escape(line) for line in message.lines if line]
    if message.url:
        parts.append(html.escape(message.url))
    text = "\n".join(parts)
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    if done:
        text += f"\n\n✅ {html.escape(done)}"
    return text


def keyboard(delivery: Delivery, message: ChatMessage, kind: registry.Kind) -> dict | None:
    buttons = []
    for name in message.actions:
        action = kind.action(name)
        if action is not None:
            buttons.append(
                {"text": str(action.label), "callback_data": f"{delivery.pk}:{action.name}"}
            )
    return {"inline_keyboard": [buttons]} if buttons else None


class TelegramChannel:
    name = TELEGRAM
    message_format = CHAT

    def send(self, delivery: Delivery, message: ChatMessage, *, accepted) -> None:
        delivery.subject = (message.subject or message.title)[:300]
        if not conf.telegram_enabled():
            self._give_up(delivery, "the Telegram bot is not configured")
        link = ChatLink.objects.filter(
            person_id=delivery.person_id, channel=TELEGRAM, is_active=True
        ).first()
        if link is None:
            self._give_up(delivery, "no linked Telegram account")
        wait = ratelimit.acquire(link.chat_id)
        if wait:
            raise DeliveryError("rate limit: waiting for a token", retry_after=math.ceil(wait))
        params = {
            "chat_id": link.chat_id,
            "text": render(message),
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        markup = keyboard(delivery, message, registry.kind_for(delivery.kind))
        if markup is not None:
            params["reply_markup"] = markup
        try:
            result = botapi.call("sendMessage", **params)
        except botapi.BotAPIError as exc:
            if exc.status == 429:
                raise DeliveryError(str(exc), retry_after=exc.retry_after or 1) from None
            if exc.unreachable:
                raise DeliveryError(str(exc), unreachable=True) from None
            if exc.status == 403:
                services.chat_blocked(link=link)
            self._give_up(delivery, str(exc))
        delivery.message_id = f"{link.chat_id}:{result.get('message_id', '')}"
        accepted()

    @staticmethod
    def _give_up(delivery: Delivery, reason: str):
        fallback = services.email_fallback(delivery=delivery)
        note = "; by email instead" if fallback else ""
        raise DeliveryError(f"{reason}{note}", permanent=True)


# --- in -----------------------------------------------------------------------------------------


def update_handle(update: dict) -> str:
    """Handle one webhook Update; returns what was done (for the log and the tests). Updates are
    handled once: Telegram sends one again when the webhook did not answer in time."""
    update_id = update.get("update_id")
    if update_id is not None and not cache.add(
        f"messaging:telegram:update:{update_id}", 1, UPDATE_SEEN_SECONDS
    ):
        return "repeated"
    if isinstance(update.get("callback_query"), dict):
        return _callback(update["callback_query"])
    message = update.get("message")
    if isinstance(message, dict):
        return _command(message)
    return "ignored"


def _reply(chat_id, text: str) -> None:
    try:
        botapi.call("sendMessage", chat_id=chat_id, text=text)
    except botapi.BotAPIError:
        logger.warning("could not answer Telegram chat", exc_info=True)


def _language(user: dict) -> str:
    code = str(user.get("language_code") or "")[:2]
    return "en" if code == "en" else "id"


def _command(message: dict) -> str:
    chat = message.get("chat") or {}
    sender = message.get("from") or {}
    text = str(message.get("text") or "").strip()
    if chat.get("type") != "private" or not text.startswith("/"):
        return "ignored"
    chat_id = str(chat.get("id"))
    command, _space, argument = text.partition(" ")
    command = command.split("@")[0]
    with translation.override(_language(sender)):
        if command == "/start":
            name = f"@{sender['username']}" if sender.get("username") else ""
            name = (
                name
                or " ".join(
                    str(sender.get(part) or "") for part in ("first_name", "last_name")
                ).strip()
            )
            person = (
                services.chat_link(
                    channel=TELEGRAM, token=argument.strip(), chat_id=chat_id, account_name=name
                )
                if argument.strip()
                else None
            )
            if person is None:
                _reply(
                    chat_id,
                    _(
                        "Tautan ini tidak berlaku (sudah dipakai atau kedaluwarsa). Buka profil "
                        "Anda di portal dan buat tautan baru."
                    ),
                )
                return "start refused"
            with translation.override(person.language or translation.get_language()):
                _reply(
                    chat_id,
                    _(
                        "Terhubung sebagai %(name)s. Notifikasi portal akan dikirim ke sini "
                        "sesuai pilihan Anda. Kirim /stop untuk berhenti."
                    )
                    % {"name": person.full_name},
                )
            return "linked"
        if command == "/stop":
            stopped = services.chat_stop(channel=TELEGRAM, chat_id=chat_id)
            _reply(
                chat_id,
                _("Akun Telegram ini tidak lagi terhubung dengan portal.")
                if stopped
                else _("Akun Telegram ini tidak terhubung dengan portal."),
            )
            return "stopped" if stopped else "not linked"
    return "ignored"


def _answer(callback_id: str, text: str, *, alert: bool = False) -> None:
    try:
        botapi.call(
            "answerCallbackQuery", callback_query_id=callback_id, text=text, show_alert=alert
        )
    except botapi.BotAPIError:
        logger.warning("could not answer a Telegram button press", exc_info=True)


def _callback(query: dict) -> str:
    callback_id = str(query.get("id") or "")
    sender = query.get("from") or {}
    message = query.get("message") or {}
    data = str(query.get("data") or "")
    delivery_id, _colon, name = data.partition(":")
    link = (
        ChatLink.objects.filter(channel=TELEGRAM, chat_id=str(sender.get("id")), is_active=True)
        .select_related("person")
        .first()
    )
    with translation.override(
        link.person.language if link and link.person.language else _language(sender)
    ):
        if link is None or not link.person.is_active:
            _answer(callback_id, _("Akun Telegram ini tidak terhubung dengan portal."), alert=True)
            return "not linked"
        outcome, text = action_run(
            person=link.person, delivery_id=delivery_id, name=name, channel=TELEGRAM
        )
        if outcome not in ("done", "done before"):
            _answer(callback_id, text, alert=True)
            return outcome
        _answer(callback_id, text)
        chat = message.get("chat") or {}
        if message.get("message_id") is not None and chat.get("id") is not None:
            _edit(chat["id"], message["message_id"], delivery_id=int(delivery_id), done=text)
        return outcome


def action_run(*, person: Person, delivery_id: str, name: str, channel: str) -> tuple[str, str]:
    """Run the action `name` of delivery `delivery_id` as `person` (pressed on `channel`).
    Returns (outcome, text to show): "done", "done before", "not yours", "not allowed",
    "unknown". Shared by every chat channel."""
    if not delivery_id.isdigit():
        return "unknown", _("Tombol ini tidak dikenal.")
    delivery = (
        Delivery.objects.filter(pk=int(delivery_id), channel=channel)
        .select_related("person", "meeting", "meeting__region")
        .first()
    )
    if delivery is None:
        return "unknown", _("Tombol ini tidak dikenal.")
    if delivery.person_id != person.pk:
        return "not yours", _("Tombol ini untuk penerima pesan ini saja.")
    try:
        kind = registry.kind_for(delivery.kind)
    except LookupError:
        return "unknown", _("Tombol ini tidak dikenal.")
    action = kind.action(name)
    if action is None:
        return "unknown", _("Tombol ini tidak dikenal.")
    try:
        done: Done = action.perform(delivery=delivery, person=person)
    except PermissionDenied:
        return "not allowed", _("Anda tidak berwenang melakukan ini.")
    text = str(action.done_text) % {
        "by": done.by,
        "when": localtime.datetime_text(done.at, done.place),
    }
    return ("done" if done.now else "done before"), text


def _edit(chat_id, message_id, *, delivery_id: int, done: str) -> None:
    """The message again, without its buttons, ending with who did it and when."""
    delivery = Delivery.objects.select_related("person").get(pk=delivery_id)
    kind = registry.kind_for(delivery.kind)
    if kind.related:
        delivery = Delivery.objects.select_related("person", *kind.related).get(pk=delivery_id)
    message = registry.builder_for(kind, TELEGRAM)(delivery)
    try:
        botapi.call(
            "editMessageText",
            chat_id=chat_id,
            message_id=message_id,
            text=render(message, done=done),
            parse_mode="HTML",
            link_preview_options={"is_disabled": True},
        )
    except botapi.BotAPIError:
        logger.warning("could not edit a Telegram message", exc_info=True)
