"""The public calendar's filter form (GET): invalid values are reported and ignored."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from outreach.enums import AudienceSegment
from outreach.selectors.filters import EventFilters, valid_method


class CalendarFilterForm(forms.Form):
    prov = forms.CharField(required=False, validators=[RegexValidator(r"^\d{2}$")])
    kab = forms.CharField(required=False, validators=[RegexValidator(r"^\d{2}\.\d{2}$")])
    kec = forms.CharField(required=False, validators=[RegexValidator(r"^\d{2}\.\d{2}\.\d{2}$")])
    metode = forms.CharField(required=False, max_length=24)
    segmen = forms.ChoiceField(required=False, choices=[("", "")] + AudienceSegment.choices)
    dari = forms.DateField(label=_("Dari tanggal"), required=False)
    sampai = forms.DateField(label=_("Sampai tanggal"), required=False)
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)

    def clean_metode(self):
        value = self.cleaned_data["metode"]
        if value and not valid_method(value):
            raise forms.ValidationError(_("Metode tidak dikenal."))
        return value

    def clean(self):
        data = super().clean()
        dari, sampai = data.get("dari"), data.get("sampai")
        if dari and sampai and sampai < dari:
            self.add_error("sampai", _("Tanggal akhir sebelum tanggal awal."))
        kab, kec = data.get("kab"), data.get("kec")
        if kab and kec and not kec.startswith(kab + "."):
            data["kec"] = ""  # a district left over from another regency: drop it quietly
        return data

    def filters(self) -> EventFilters:
        """The valid part of the filters (a bad date does not discard the others)."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if data.get("kec") and not data.get("kab"):
            data["kab"] = data["kec"][:5]
        if data.get("kab") and not data.get("prov"):
            data["prov"] = data["kab"][:2]
        if "q" in data:
            data["q"] = " ".join(data["q"].split())
        return EventFilters(**data)
