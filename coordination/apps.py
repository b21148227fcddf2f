from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Koordinasi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the file clean-up receivers, and registers coordination's delivery kinds with
        # the outbox (each kind module registers itself when imported).
        from coordination import signals  # noqa: F401
        from coordination.notifications import accounts, digests, meetings, reminders  # noqa: F401
