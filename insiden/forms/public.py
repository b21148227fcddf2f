"""Forms of reports from the public: the "Lapor" form (a step-by-step place picker without
JavaScript and the abuse guards of pilkada.common.abuse), the tracking-code look-up, and the
three triage answers of the responsible agency."""

import datetime as dt
from itertools import groupby
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.enums import RegionLevel
from coordination.models import Region
from insiden.enums import MAX_TPS_NUMBER, PUBLIC_SEVERITY, PublicCategory, Severity
from insiden.forms.incidents import MultiplePhotoField
from insiden.services.public_reports import (
    MAX_CONTACT,
    MAX_DESCRIPTION,
    MAX_REASON,
    tracking_code_normalise,
)
from pilkada.common.abuse import PublicFormGuard

PLACE_FIELDS = ("wilayah_kab", "wilayah_kec", "wilayah_desa")


def _regency_choices() -> list:
    """Every kabupaten/kota, grouped by province (one query)."""
    rows = (
        Region.objects.filter(level=RegionLevel.REGENCY)
        .select_related("parent")
        .order_by("parent__name", "parent_id", "name")
    )
    groups = [
        (province.name, [(r.code, r.name) for r in regencies])
        for province, regencies in groupby(rows, key=lambda r: r.parent)
    ]
    return [("", "—"), *groups]


def _children(code: str, level: int) -> list:
    return list(
        Region.objects.filter(parent_id=code, level=level)
        .order_by("name")
        .values_list("code", "name")
    )


class PublicReportForm(PublicFormGuard, forms.Form):
    category = forms.ChoiceField(
        label=_("Jenis masalah"), choices=[("", "—"), *PublicCategory.choices]
    )
    wilayah_kab = forms.ChoiceField(label=_("Kabupaten/kota"))
    wilayah_kec = forms.ChoiceField(label=_("Kecamatan"))
    wilayah_desa = forms.ChoiceField(label=_("Desa/kelurahan"))
    tps_number = forms.IntegerField(
        label=_("Nomor TPS (pilihan)"), min_value=1, max_value=MAX_TPS_NUMBER, required=False
    )
    occurred_date = forms.DateField(
        label=_("Tanggal kejadian"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    occurred_time = forms.TimeField(
        label=_("Jam kejadian (pilihan)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    description = forms.CharField(
        label=_("Apa yang terjadi?"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_DESCRIPTION}),
        help_text=_("Tuliskan apa yang Anda lihat. Jangan menulis nama orang yang tidak terlibat."),
    )
    photos = MultiplePhotoField(
        label=_("Foto (pilihan, paling banyak 3)"),
        required=False,
        help_text=_("Lokasi dan data kamera di dalam foto dihapus sebelum disimpan."),
    )
    contact = forms.CharField(
        label=_("Kontak untuk tindak lanjut (pilihan)"),
        max_length=MAX_CONTACT,
        required=False,
        help_text=_("Nomor telepon atau email, bila lembaga perlu bertanya kepada Anda."),
    )

    field_order = [
        "category",
        *PLACE_FIELDS,
        "tps_number",
        "occurred_date",
        "occurred_time",
        "description",
        "photos",
        "contact",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else self.initial
        self.fields["wilayah_kab"].choices = _regency_choices()
        kab = str(data.get("wilayah_kab") or "")
        districts = _children(kab, RegionLevel.DISTRICT) if len(kab) == 5 else []
        kec = str(data.get("wilayah_kec") or "")
        villages = (
            _children(kec, RegionLevel.VILLAGE) if any(kec == c for c, _n in districts) else []
        )
        self.fields["wilayah_kec"].choices = [("", "—"), *districts]
        self.fields["wilayah_desa"].choices = [("", "—"), *villages]
        for name in PLACE_FIELDS:
            self.fields[name].widget.attrs["data-region-step"] = name

    def clean(self):
        data = super().clean()
        code = data.get("wilayah_desa")
        region = (
            Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first() if code else None
        )
        data["region"] = region
        day = data.get("occurred_date")
        if day is not None and region is not None:
            when = dt.datetime.combine(
                day, data.get("occurred_time") or dt.time(12, 0), tzinfo=ZoneInfo(region.timezone)
            )
            now = timezone.now()
            if when.date() > timezone.localtime(now, when.tzinfo).date():
                self.add_error("occurred_date", _("Tanggal kejadian belum terjadi."))
            elif data.get("occurred_time") and when > now + dt.timedelta(minutes=10):
                self.add_error("occurred_time", _("Jam kejadian belum terjadi."))
            elif when < now - dt.timedelta(days=366):
                self.add_error("occurred_date", _("Tanggal kejadian paling lama setahun lalu."))
            # Without a time, noon of that day (today: now at the latest).
            data["occurred_at"] = min(when, now)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "region": data["region"],
            "tps_number": data.get("tps_number"),
            "occurred_at": data["occurred_at"],
            "description": data["description"],
            "photos": data.get("photos") or [],
            "contact": data.get("contact") or "",
        }


def step_form(post) -> PublicReportForm:
    """The form shown again after "show the places": what was typed, without errors, keeping the
    time stamp of its first display (photos cannot be kept: a browser never refills them)."""
    initial = {name: post.get(name, "") for name in post if name != "csrfmiddlewaretoken"}
    return PublicReportForm(initial=initial)


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Kode pelacakan"),
        max_length=20,
        help_text=_("12 huruf dan angka, misalnya ACDE-FGH3-4679."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not tracking_code_normalise(code):
            raise forms.ValidationError(_("Kode ini tidak lengkap atau salah tulis."))
        return code


class VerifyForm(forms.Form):
    severity = forms.TypedChoiceField(
        label=_("Tingkat keparahan"),
        choices=Severity.choices,
        coerce=int,
        initial=PUBLIC_SEVERITY,
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan (dibaca pelapor)"),
        max_length=MAX_REASON,
        widget=forms.TextInput(),
    )


class MergeSuggestionForm(forms.Form):
    into = forms.IntegerField(label=_("Gabungkan ke"), min_value=1)
