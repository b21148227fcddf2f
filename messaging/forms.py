from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.notifications import registry
from coordination.notifications.channels import EMAIL
from messaging.enums import TELEGRAM

BOTH = "both"


class PreferencesForm(forms.Form):
    """One choice per topic: email, Telegram or both."""

    def __init__(self, *args, initial_channels: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(EMAIL, _("Email")), (TELEGRAM, _("Telegram")), (BOTH, _("Keduanya"))]
        for value, topic in registry.TOPICS.items():
            current = initial_channels.get(value, [EMAIL])
            initial = BOTH if len(current) > 1 else current[0]
            self.fields[value] = forms.ChoiceField(
                label=topic.label, choices=choices, initial=initial, widget=forms.RadioSelect
            )

    def channels(self) -> dict[str, list[str]]:
        return {
            value: [EMAIL, TELEGRAM] if choice == BOTH else [choice]
            for value, choice in self.cleaned_data.items()
        }
