from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    """The site shell: home, health, language switch, navigation, demo seeding, `runportal`.

    It links to every app and no app imports it (import-linter checks this; docs/architecture.md).
    """

    name = "pilkada"
    verbose_name = _("Portal")
