from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsidenConfig(AppConfig):
    name = "insiden"
    verbose_name = _("Insiden")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The escalation delivery kind (coordination.notifications.registry) and its chat
        # action ("Terima"); the routing rules' cache, dropped when a rule changes.
        from insiden.notifications import escalation  # noqa: F401
        from insiden.services import chat, routing  # noqa: F401
