from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    label = "api"
    verbose_name = _("API integrasi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # How the schema describes the two ways in (a key, the browser's session); the webhook
        # channel and delivery kinds, registered with the outbox when imported; the receivers
        # that record webhook events with each change; the tasks, so the fan-out can be enqueued
        # by name.
        from api import signals, tasks  # noqa: F401
        from api.rest import schema  # noqa: F401
        from api.webhooks import channel, kinds  # noqa: F401
