"""Writes: linking a chat account with a one-time token, unlinking it (from the profile, by
/stop in the chat, or because the bot was blocked), the choices per topic, and the fall back to
email of a chat message that could not be delivered."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.models import Delivery, Person
from coordination.notifications import outbox, registry
from coordination.notifications.channels import EMAIL
from messaging import permissions
from messaging.enums import UnlinkReason
from messaging.models import ChannelPreference, ChatLink, LinkToken
from messaging.selectors import enabled_chat_channels


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def link_token_create(*, actor: Person, channel: str) -> str:
    """A fresh one-time token for the deep link; earlier unused ones stop working."""
    if not permissions.can_link_chat(actor):
        raise PermissionDenied
    if channel not in enabled_chat_channels():
        raise ValidationError(_("Saluran ini tidak tersedia."))
    now = timezone.now()
    LinkToken.objects.filter(person=actor, channel=channel, used_at__isnull=True).update(
        expires_at=now
    )
    # 32 characters of [A-Za-z0-9_-]: what Telegram allows in a start parameter (64 at most).
    token = secrets.token_urlsafe(24)
    LinkToken.objects.create(
        person=actor,
        channel=channel,
        token_hash=token_hash(token),
        expires_at=now + timedelta(minutes=settings.PILKADA_TELEGRAM_LINK_MINUTES),
    )
    return token


def chat_link(*, channel: str, token: str, chat_id: str, account_name: str = "") -> Person | None:
    """The chat presented a token (`/start <token>`): link it to the token's person. None when
    the token is unknown, used or expired. A system write: the token is the proof."""
    now = timezone.now()
    with transaction.atomic():
        spent = LinkToken.objects.filter(
            token_hash=token_hash(token),
            channel=channel,
            used_at__isnull=True,
            expires_at__gt=now,
        )
        row = spent.select_for_update().first()
        if row is None or not spent.update(used_at=now):
            return None
        person = Person.objects.get(pk=row.person_id)
        if not person.is_active:
            return None
        # The chat spoke for someone else until now: that link ends.
        ChatLink.objects.filter(channel=channel, chat_id=chat_id, is_active=True).exclude(
            person=person
        ).update(is_active=False, unlinked_at=now, unlink_reason=UnlinkReason.RELINKED)
        try:
            with transaction.atomic():
                ChatLink.objects.update_or_create(
                    person=person,
                    channel=channel,
                    defaults={
                        "chat_id": chat_id,
                        "account_name": account_name[:200],
                        "is_active": True,
                        "linked_at": now,
                        "unlinked_at": None,
                        "unlink_reason": "",
                    },
                )
        except IntegrityError:
            return None
    return person


def chat_unlink(*, actor: Person, channel: str) -> bool:
    """The person unlinks their account from the profile. False when nothing was linked."""
    if not permissions.can_link_chat(actor):
        raise PermissionDenied
    return _deactivate(
        ChatLink.objects.filter(person=actor, channel=channel), reason=UnlinkReason.PERSON
    )


def chat_stop(*, channel: str, chat_id: str) -> bool:
    """`/stop` in the chat: the account is unlinked. False when it was not linked."""
    return _deactivate(
        ChatLink.objects.filter(channel=channel, chat_id=chat_id), reason=UnlinkReason.STOP
    )


def chat_blocked(*, link: ChatLink) -> bool:
    """The app refused for good (the person blocked the bot): the link is inactive."""
    return _deactivate(ChatLink.objects.filter(pk=link.pk), reason=UnlinkReason.BLOCKED)


def _deactivate(links, *, reason: str) -> bool:
    return bool(
        links.filter(is_active=True).update(
            is_active=False, unlinked_at=timezone.now(), unlink_reason=reason
        )
    )


@transaction.atomic
def preferences_set(*, actor: Person, choices: dict[str, list[str]]) -> None:
    """Store the person's channels per topic (`registry.TOPICS`); each list holds email or a
    chat channel of this server, at least one."""
    if not permissions.can_link_chat(actor):
        raise PermissionDenied
    allowed = {EMAIL, *enabled_chat_channels()}
    for topic, names in choices.items():
        names = list(dict.fromkeys(names))
        if topic not in registry.TOPICS or not names or not set(names) <= allowed:
            raise ValidationError(_("Pilihan saluran tidak sah."))
        ChannelPreference.objects.update_or_create(
            person=actor, topic=topic, defaults={"channels": names}
        )


def email_fallback(*, delivery: Delivery) -> list[int]:
    """The chat message could not be delivered: the same message by email, as a new row (none
    when the person already gets this one by email)."""
    if delivery.person is None or not delivery.person.email:
        return []
    return outbox.deliveries_create(
        people=[delivery.person],
        kind=delivery.kind,
        key=delivery.key,
        meeting=delivery.meeting,
        channel=EMAIL,
    )
