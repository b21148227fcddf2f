from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KerawananConfig(AppConfig):
    name = "kerawanan"
    verbose_name = _("Kerawanan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What the register adds to coordination's pages and mail (coordination.extensions):
        # the dashboard column, the meeting and task sections, overdue reviews in the digests.
        from kerawanan import extensions

        extensions.register()
