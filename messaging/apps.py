from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Notifikasi obrolan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The Telegram channel in the outbox, the router that picks each person's channels
        # (coordination.notifications.channels), and the block on the profile page.
        from coordination.notifications.channels import register_channel, register_router
        from messaging import extensions, selectors
        from messaging.telegram import TelegramChannel

        register_channel(TelegramChannel())
        register_router(selectors.channels_for)
        extensions.register()
