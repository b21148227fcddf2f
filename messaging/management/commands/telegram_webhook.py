"""Point the bot's webhook at this portal (setWebhook), with the secret token Telegram then
sends in every update's X-Telegram-Bot-Api-Secret-Token header."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from messaging import botapi, conf


class Command(BaseCommand):
    help = "Register the portal's webhook with the Telegram bot (setWebhook)."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove the webhook instead.")

    def handle(self, *args, delete: bool = False, **options):
        if not conf.telegram_enabled():
            raise CommandError(
                "Set PILKADA_TELEGRAM_BOT_TOKEN, PILKADA_TELEGRAM_BOT_USERNAME and "
                "PILKADA_TELEGRAM_WEBHOOK_SECRET first."
            )
        try:
            me = botapi.call("getMe")
            if delete:
                botapi.call("setWebhook", url="")
                self.stdout.write(f"Webhook of @{me.get('username')} removed.")
                return
            url = settings.SITE_URL + reverse(
                "messaging:telegram_webhook", args=[conf.webhook_path_token()]
            )
            botapi.call(
                "setWebhook",
                url=url,
                secret_token=settings.PILKADA_TELEGRAM_WEBHOOK_SECRET,
                allowed_updates=["message", "callback_query"],
                drop_pending_updates=False,
            )
        except botapi.BotAPIError as exc:
            raise CommandError(f"The Bot API refused: {exc}") from exc
        if me.get("username", "").lower() != conf.bot_username().lower():
            self.stderr.write(
                f"Note: the token belongs to @{me.get('username')}, but "
                f"PILKADA_TELEGRAM_BOT_USERNAME says @{conf.bot_username()}."
            )
        # The path holds a secret: print only its start.
        self.stdout.write(f"Webhook of @{me.get('username')} set to {url[:-30]}…")
