"""A person's chat accounts, the one-time tokens that link them, and where each topic of
notifications goes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from messaging.enums import ChatChannel, UnlinkReason


class ChatLink(models.Model):
    """A person's account on a chat app (one per app). Kept when unlinked (inactive, with the
    reason), so linking again updates the same row."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("orang"),
        on_delete=models.CASCADE,
        related_name="chat_links",
    )
    channel = models.CharField(_("saluran"), max_length=16, choices=ChatChannel.choices)
    # The chat the bot writes to (Telegram: the private chat's id, the user's id).
    chat_id = models.CharField(_("ID obrolan"), max_length=64)
    # What the app calls the account ("@budi", "Budi Santoso"), shown on the profile.
    account_name = models.CharField(_("nama akun"), max_length=200, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    linked_at = models.DateTimeField(_("ditautkan"))
    unlinked_at = models.DateTimeField(_("dilepas"), null=True, blank=True)
    unlink_reason = models.CharField(
        _("alasan dilepas"), max_length=10, choices=UnlinkReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("akun obrolan")
        verbose_name_plural = _("akun obrolan")
        constraints = [
            models.UniqueConstraint(fields=["person", "channel"], name="chatlink_person_channel"),
            # One chat account speaks for one person at a time.
            models.UniqueConstraint(
                fields=["channel", "chat_id"],
                condition=Q(is_active=True),
                name="chatlink_active_chat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.chat_id} ({'aktif' if self.is_active else 'dilepas'})"


class LinkToken(models.Model):
    """A one-time token in a deep link (`https://t.me/<bot>?start=<token>`). Only its hash is
    stored; it works once, until `expires_at`."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_link_tokens"
    )
    channel = models.CharField(max_length=16, choices=ChatChannel.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "channel"], name="linktoken_person_idx")]

    def __str__(self) -> str:
        return f"{self.channel} token of person {self.person_id}"


class ChannelPreference(models.Model):
    """Where a person wants one topic of notifications (`registry.TOPICS`); without a row the
    topic's default applies (urgent topics: every linked channel; the others: email)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="channel_preferences",
    )
    topic = models.CharField(_("topik"), max_length=40)
    # Channel names, for example ["email", "telegram"].
    channels = models.JSONField(_("saluran"), default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "topic"], name="channelpref_person_topic")
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {', '.join(self.channels)}"
