"""Forms of outreach requests: the public "Minta sosialisasi" form (a step-by-step place picker
without JavaScript, the abuse guards) and the three answers of KPU staff."""

import datetime as dt
from itertools import groupby
from zoneinfo import ZoneInfo

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from coordination.enums import AgencyKind, RegionLevel
from coordination.models import Agency, Region
from outreach import permissions
from outreach.enums import FACE_TO_FACE_METHODS, AudienceSegment, OutreachMethod, RequesterKind
from outreach.services.requests import MAX_NOTE, MAX_PARTICIPANTS
from pilkada.common.abuse import PublicFormGuard

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PLACE_FIELDS = ("wilayah_kab", "wilayah_kec", "wilayah_desa")


def _regency_choices() -> list:
    """Every kabupaten/kota, grouped by province (one query; ~514 options nationally)."""
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


class RequestForm(PublicFormGuard, forms.Form):
    requester_name = forms.CharField(
        label=_("Nama lembaga, kelompok, atau pemohon"),
        max_length=150,
        help_text=_("Misalnya Pemerintah Desa Suka Maju, SMA Negeri 2, Pesantren Al-Falah."),
    )
    requester_kind = forms.ChoiceField(
        label=_("Jenis pemohon"), choices=[("", "—"), *RequesterKind.choices]
    )
    segment = forms.ChoiceField(
        label=_("Segmen sasaran"), choices=[("", "—"), *AudienceSegment.choices]
    )
    wilayah_kab = forms.ChoiceField(label=_("Kabupaten/kota"))
    wilayah_kec = forms.ChoiceField(label=_("Kecamatan"))
    wilayah_desa = forms.ChoiceField(label=_("Desa/kelurahan"))
    date_1 = forms.DateField(label=_("Tanggal yang diinginkan"), widget=DATE_WIDGET)
    date_2 = forms.DateField(label=_("Tanggal lain (pilihan)"), required=False, widget=DATE_WIDGET)
    date_3 = forms.DateField(label=_("Tanggal lain (pilihan)"), required=False, widget=DATE_WIDGET)
    participants = forms.IntegerField(
        label=_("Perkiraan jumlah peserta"), min_value=1, max_value=MAX_PARTICIPANTS
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Kami mengirim tautan konfirmasi dan setiap jawaban ke alamat ini."),
    )
    phone = forms.CharField(
        label=_("Nomor telepon (pilihan)"),
        max_length=20,
        required=False,
        validators=[
            RegexValidator(r"^\+?[0-9 \-]{6,19}$", _("Hanya angka, spasi, tanda - atau +."))
        ],
    )
    note = forms.CharField(
        label=_("Catatan (pilihan)"),
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_NOTE}),
        help_text=_("Tempat yang diusulkan, kebutuhan khusus peserta, atau hal lain."),
    )

    field_order = [
        "requester_name",
        "requester_kind",
        "segment",
        *PLACE_FIELDS,
        "date_1",
        "date_2",
        "date_3",
        "participants",
        "email",
        "phone",
        "note",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else self.initial
        self.fields["wilayah_kab"].choices = _regency_choices()
        kab = str(data.get("wilayah_kab") or "")
        districts = (
            list(
                Region.objects.filter(parent_id=kab, level=RegionLevel.DISTRICT)
                .order_by("name")
                .values_list("code", "name")
            )
            if len(kab) == 5
            else []
        )
        kec = str(data.get("wilayah_kec") or "")
        villages = (
            list(
                Region.objects.filter(parent_id=kec, level=RegionLevel.VILLAGE)
                .order_by("name")
                .values_list("code", "name", "is_remote")
            )
            if any(kec == code for code, _name in districts)
            else []
        )
        self.fields["wilayah_kec"].choices = [("", "—"), *districts]
        self.fields["wilayah_desa"].choices = [
            ("", "—"),
            *(
                (code, f"{name} ({_('terpencil')})" if remote else name)
                for code, name, remote in villages
            ),
        ]
        for name in PLACE_FIELDS:
            self.fields[name].widget.attrs["data-region-step"] = name

    def clean(self):
        data = super().clean()
        code = data.get("wilayah_desa")
        data["region"] = (
            Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first() if code else None
        )
        data["dates"] = [data.get(n) for n in ("date_1", "date_2", "date_3") if data.get(n)]
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "requester_name": data["requester_name"],
            "requester_kind": data["requester_kind"],
            "segment": data["segment"],
            "region": data["region"],
            "dates": data["dates"],
            "participants": data["participants"],
            "email": data["email"],
            "phone": data["phone"],
            "note": data["note"],
        }


def step_form(post) -> RequestForm:
    """The form shown again after "show the places": what was typed, without errors, keeping the
    time stamp of its first display."""
    initial = {name: post.get(name, "") for name in post if name != "csrfmiddlewaretoken"}
    return RequestForm(initial=initial)


class AcceptForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Mulai"), widget=TIME_WIDGET, initial=dt.time(9, 0))
    end = forms.TimeField(label=_("Selesai"), widget=TIME_WIDGET, initial=dt.time(11, 0))
    method = forms.ChoiceField(
        label=_("Metode"),
        choices=[(m.value, m.label) for m in OutreachMethod if m in FACE_TO_FACE_METHODS],
        initial=OutreachMethod.FORUM_WARGA,
    )
    venue = forms.CharField(label=_("Tempat / alamat"), max_length=300)
    organiser = forms.ModelChoiceField(label=_("Penyelenggara"), queryset=Agency.objects.none())

    def __init__(self, *args, user, request, **kwargs):
        kwargs.setdefault("prefix", "terima")
        super().__init__(*args, **kwargs)
        self.request_row = request
        organisers = (
            Agency.objects.filter(permissions.manageable_agencies_q(user), is_active=True)
            .select_related("region")
            .order_by("region_id", "name")
        )
        self.fields["organiser"].queryset = organisers
        first = request.proposed_date if request.proposed_date else request.first_date
        self.initial.setdefault("date", first)
        self.initial.setdefault("venue", _("Balai desa %s") % request.region.name)
        kpu = next(
            (
                a
                for a in organisers
                if a.region_id == request.regency_code and a.kind == AgencyKind.KPU
            ),
            None,
        )
        if kpu is not None:
            self.initial.setdefault("organiser", kpu.pk)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start") and data.get("end"):
            zone = ZoneInfo(self.request_row.region.timezone)
            data["starts_at"] = dt.datetime.combine(data["date"], data["start"], tzinfo=zone)
            data["ends_at"] = dt.datetime.combine(data["date"], data["end"], tzinfo=zone)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("Waktu selesai harus setelah waktu mulai."))
        return data


class ProposeForm(forms.Form):
    date = forms.DateField(label=_("Tanggal usulan"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("Pesan untuk pemohon (pilihan)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "usul")
        super().__init__(*args, **kwargs)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan (dibaca pemohon)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "tolak")
        super().__init__(*args, **kwargs)
