from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Sosialisasi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox kind that mails people who asked for a sosialisasi.
        from outreach import notifications  # noqa: F401
