"""Forms of the integration pages: they turn input into service arguments and never write."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.enums import EventType, Scope
from coordination.selectors.people import agencies_manageable_by

EXPIRY_DAYS = [(30, _("30 hari")), (90, _("90 hari")), (180, _("180 hari")), (365, _("1 tahun"))]


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Nama kunci"),
        max_length=100,
        help_text=_('Sistem apa yang memakainya, misalnya "Sistem pelaporan Polres".'),
    )
    agency = forms.ModelChoiceField(label=_("Lembaga"), queryset=None)
    scopes = forms.MultipleChoiceField(
        label=_("Cakupan"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    days = forms.TypedChoiceField(
        label=_("Berlaku selama"), choices=EXPIRY_DAYS, coerce=int, initial=90
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_manageable_by(user=user).order_by(
            "region_id", "name"
        )

    def create_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "agency": data["agency"],
            "name": data["name"],
            "scopes": list(data["scopes"]),
            "expires_at": timezone.now() + dt.timedelta(days=data["days"]),
        }


SUBSCRIBABLE = [(value, label) for value, label in EventType.choices if value != EventType.TEST]


class SubscriptionForm(forms.Form):
    api_key = forms.ModelChoiceField(
        label=_("Kunci API"),
        queryset=None,
        help_text=_("Langganan hanya menerima peristiwa yang boleh dibaca kunci ini."),
    )
    url = forms.URLField(label=_("Alamat penerima"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Peristiwa"), choices=SUBSCRIBABLE, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, keys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["api_key"].queryset = keys

    def create_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"api_key": data["api_key"], "url": data["url"], "events": list(data["events"])}
