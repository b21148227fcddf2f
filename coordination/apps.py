from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Koordinasi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from coordination import signals  # noqa: F401  (connects the file clean-up receivers)
