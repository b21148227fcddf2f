from django.db import models
from django.utils.translation import gettext_lazy as _

TELEGRAM = "telegram"


class ChatChannel(models.TextChoices):
    """Chat apps a person can link (a WhatsApp channel would add itself here)."""

    TELEGRAM = TELEGRAM, _("Telegram")


class UnlinkReason(models.TextChoices):
    PERSON = "person", _("dilepas dari profil")
    STOP = "stop", _("/stop di obrolan")
    BLOCKED = "blocked", _("bot diblokir")
    RELINKED = "relinked", _("akun lain ditautkan")
