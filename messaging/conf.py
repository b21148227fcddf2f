"""The Telegram bot's settings. Without the token, the webhook secret and the bot's username
the channel is off: nobody is offered it, every message goes by email, the webhook answers 404.
"""

import hashlib
import hmac

from django.conf import settings


def telegram_enabled() -> bool:
    return bool(
        settings.PILKADA_TELEGRAM_BOT_TOKEN
        and settings.PILKADA_TELEGRAM_WEBHOOK_SECRET
        and settings.PILKADA_TELEGRAM_BOT_USERNAME
    )


def webhook_path_token() -> str:
    """The secret part of the webhook's URL, derived from the secret (so it is not the header
    value itself, and changes with it)."""
    secret = settings.PILKADA_TELEGRAM_WEBHOOK_SECRET.encode()
    return hmac.new(secret, b"telegram-webhook-path", hashlib.sha256).hexdigest()[:40]


def bot_username() -> str:
    return settings.PILKADA_TELEGRAM_BOT_USERNAME.lstrip("@")
