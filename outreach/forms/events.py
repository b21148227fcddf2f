"""Staff forms: an event (with the step-by-step region picker), its report, status, duplication
and CSV import."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination import permissions as core_permissions
from coordination.enums import RegionLevel
from coordination.models import Agency, Region
from outreach import permissions
from outreach.enums import AudienceSegment, EventStatus, method_groups
from outreach.models import EventReport
from pilkada.common.bounds import BoundedModelMultipleChoiceField, BoundedMultipleChoiceField
from pilkada.common.xlsx import decode_table_upload

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _region_label(region: Region) -> str:
    if region.level == RegionLevel.PROVINCE:
        return _("%(name)s (seluruh provinsi)") % {"name": region.name}
    return f"{region.name} ({region.code})"


class RegionPickerMixin:
    """Three selects (kabupaten/kota, kecamatan, desa/kelurahan); each lists only the children of
    the one above, so the page stays small at any scale. Without JavaScript the person presses
    "Tampilkan pilihan wilayah" to load the next step; a small script fills it in place."""

    def setup_region_fields(self, user, data, initial_region: Region | None):
        roots = permissions.managed_root_codes(user)
        top = Region.objects.filter(level__lte=RegionLevel.REGENCY)
        if roots:
            scope = Q(pk__in=[])
            for code in roots:
                scope |= Q(code=code) | Q(code__startswith=code + ".")
            top = top.filter(scope)
        top_choices = [(r.code, _region_label(r)) for r in top.order_by("code")]

        def picked(name, fallback):
            if data is not None:
                return data.get(name, "")
            return fallback

        path = initial_region.code.split(".") if initial_region else []
        kab = picked("wilayah_kab", ".".join(path[:2]) if len(path) >= 2 else "".join(path[:1]))
        kec = picked("wilayah_kec", ".".join(path[:3]) if len(path) >= 3 else "")
        district_choices = (
            [
                (r.code, r.name)
                for r in Region.objects.filter(parent_id=kab, level=RegionLevel.DISTRICT).order_by(
                    "name"
                )
            ]
            if kab and len(kab) == 5
            else []
        )
        village_choices = (
            [
                (r.code, r.name)
                for r in Region.objects.filter(parent_id=kec, level=RegionLevel.VILLAGE).order_by(
                    "name"
                )
            ]
            if kec and any(kec == c for c, _n in district_choices)
            else []
        )
        self.fields["wilayah_kab"] = forms.ChoiceField(
            label=_("Kabupaten/kota"), choices=[("", "—")] + top_choices
        )
        self.fields["wilayah_kec"] = forms.ChoiceField(
            label=_("Kecamatan"),
            required=False,
            choices=[("", _("— seluruh kabupaten/kota —"))] + district_choices,
        )
        self.fields["wilayah_desa"] = forms.ChoiceField(
            label=_("Desa/kelurahan"),
            required=False,
            choices=[("", _("— seluruh kecamatan —"))] + village_choices,
        )
        if data is None and initial_region is not None:
            self.initial.update(
                wilayah_kab=kab,
                wilayah_kec=kec,
                wilayah_desa=initial_region.code
                if initial_region.level == RegionLevel.VILLAGE
                else "",
            )
        for name in ("wilayah_kab", "wilayah_kec", "wilayah_desa"):
            self.fields[name].widget.attrs["data-region-step"] = name

    def picked_region(self) -> Region | None:
        """The innermost region chosen in the three selects (not a field: clean() calls it)."""
        code = (
            self.cleaned_data.get("wilayah_desa")
            or self.cleaned_data.get("wilayah_kec")
            or self.cleaned_data.get("wilayah_kab")
        )
        return Region.objects.filter(code=code).first() if code else None


class EventForm(RegionPickerMixin, forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(
        label=_("Deskripsi"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    method = forms.ChoiceField(label=_("Metode"))
    segments = BoundedMultipleChoiceField(
        label=_("Segmen sasaran"),
        choices=AudienceSegment.choices,
        max_values=len(AudienceSegment.choices),
        widget=forms.CheckboxSelectMultiple,
    )
    venue = forms.CharField(
        label=_("Tempat / alamat"),
        max_length=300,
        required=False,
        help_text=_("Wajib untuk kegiatan tatap muka."),
    )
    channel = forms.CharField(
        label=_("Saluran"),
        max_length=200,
        required=False,
        help_text=_(
            "Stasiun dan program, akun media sosial, atau nama media; "
            "wajib untuk kegiatan melalui media."
        ),
    )
    online_url = forms.URLField(label=_("Tautan"), required=False, assume_scheme="https")
    starts_at = forms.DateTimeField(
        label=_("Mulai"),
        widget=DATETIME_WIDGET,
        help_text=_("Waktu setempat di wilayah kegiatan (WIB, WITA, atau WIT)."),
    )
    ends_at = forms.DateTimeField(label=_("Selesai"), widget=DATETIME_WIDGET)
    organiser = forms.ModelChoiceField(label=_("Penyelenggara"), queryset=Agency.objects.none())
    partners = BoundedModelMultipleChoiceField(
        label=_("Lembaga mitra"),
        max_values=200,
        required=False,
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (EventStatus.DRAFT, EventStatus.DRAFT.label),
            (EventStatus.PUBLISHED, _("Terbitkan sekarang")),
        ],
        initial=EventStatus.DRAFT,
    )

    field_order = [
        "title",
        "description",
        "method",
        "segments",
        "wilayah_kab",
        "wilayah_kec",
        "wilayah_desa",
        "venue",
        "channel",
        "online_url",
        "starts_at",
        "ends_at",
        "organiser",
        "partners",
        "status",
    ]

    def __init__(self, *args, user, event=None, **kwargs):
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(event)
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["method"].choices = [("", "—")] + method_groups()
        self.setup_region_fields(
            user, self.data if self.is_bound else None, event.region if event else None
        )
        organisers = (
            Agency.objects.filter(permissions.manageable_agencies_q(user), is_active=True)
            .select_related("region")
            .order_by("region_id", "name")
        )
        self.fields["organiser"].queryset = organisers
        provinces = {code[:2] for code in permissions.managed_root_codes(user)}
        partners = Agency.objects.filter(is_active=True).select_related("region")
        if provinces:
            partners = partners.filter(core_permissions.subtree_q(provinces))
        self.fields["partners"].queryset = partners.order_by("region_id", "name")
        if event is not None:
            del self.fields["status"]

    @staticmethod
    def initial_from(event) -> dict:
        zone = ZoneInfo(event.region.timezone)
        return {
            "title": event.title,
            "description": event.description,
            "method": event.method,
            "segments": list(event.segments),
            "venue": event.venue,
            "channel": event.channel,
            "online_url": event.online_url,
            # Wall-clock times in the region's zone, as the person typed them.
            "starts_at": timezone.localtime(event.starts_at, zone).replace(tzinfo=None),
            "ends_at": timezone.localtime(event.ends_at, zone).replace(tzinfo=None),
            "organiser": event.organiser_id,
            "partners": [p.pk for p in event.partners.all()],
        }

    def clean(self):
        data = super().clean()
        region = self.picked_region()
        data["region"] = region
        if region is not None:
            zone = ZoneInfo(region.timezone)
            for name in ("starts_at", "ends_at"):
                value = data.get(name)
                if value is not None:
                    # The widget's value is wall-clock time where the event happens.
                    data[name] = timezone.make_naive(value).replace(tzinfo=zone)
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("wilayah_kab", "wilayah_kec", "wilayah_desa"):
            data.pop(name, None)
        return data


class ReportForm(forms.ModelForm):
    class Meta:
        model = EventReport
        fields = ["participants", "women", "people_with_disabilities", "first_time_voters", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean()
        total = data.get("participants")
        if total is not None:
            for name in ("women", "people_with_disabilities", "first_time_voters"):
                if (data.get(name) or 0) > total:
                    self.add_error(name, _("Tidak boleh melebihi jumlah peserta."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=EventStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Alasan pembatalan"), max_length=300, required=False)


_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class DuplicateForm(forms.Form):
    districts = BoundedMultipleChoiceField(
        label=_("Kecamatan di kabupaten/kota yang sama"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    codes = forms.CharField(
        label=_("Kode wilayah lain"),
        required=False,
        max_length=2000,
        help_text=_("Kode resmi dipisah spasi atau koma, misalnya 17.02.01.2001 17.05."),
    )
    keep_region = forms.BooleanField(label=_("Juga di wilayah yang sama"), required=False)
    dates = forms.CharField(
        label=_("Tanggal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Satu atau beberapa tanggal (TTTT-BB-HH), dipisah spasi, koma, atau baris baru. "
            "Jam mulai dan lama kegiatan mengikuti aslinya."
        ),
    )

    def __init__(self, *args, user, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.event = event
        regency = event.regency_code
        self.fields["districts"].choices = (
            [(r.code, r.name) for r in Region.objects.filter(parent_id=regency).order_by("name")]
            if regency
            else []
        )
        self.fields["districts"].max_values = max(1, len(self.fields["districts"].choices))

    def clean_dates(self):
        raw = self.cleaned_data["dates"]
        tokens = [t for t in re.split(r"[\s,;]+", raw) if t]
        dates, bad = [], []
        for token in tokens:
            try:
                if not _DATE_RE.fullmatch(token):
                    raise ValueError
                dates.append(dt.date.fromisoformat(token))
            except ValueError:
                bad.append(token)
        if bad:
            raise forms.ValidationError(_("Tanggal tidak dikenali: %s") % ", ".join(bad[:10]))
        if not dates:
            raise forms.ValidationError(_("Isi sedikitnya satu tanggal."))
        return dates

    def clean(self):
        data = super().clean()
        codes = list(data.get("districts") or [])
        codes += [c for c in re.split(r"[\s,;]+", data.get("codes") or "") if c]
        if data.get("keep_region"):
            codes.append(self.event.region_id)
        found = {r.code: r for r in Region.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            self.add_error("codes", _("Kode wilayah tidak dikenal: %s") % ", ".join(unknown[:10]))
        outside = [c for c in found if not permissions.can_manage_outreach_in(self.user, c)]
        if outside:
            self.add_error(
                "codes", _("Di luar kewenangan Anda: %s") % ", ".join(sorted(outside)[:10])
            )
        if not codes and not self.errors:
            self.add_error(None, _("Pilih sedikitnya satu wilayah."))
        data["regions"] = [found[c] for c in dict.fromkeys(codes) if c in found]
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas CSV atau Excel (XLSX)"),
        help_text=_(
            "CSV UTF-8 atau .xlsx (lembar pertama), paling besar 1 MB, paling banyak 1.000 baris."
        ),
    )

    def clean_file(self):
        """The file's text: too large, empty, binary or non-UTF-8 files are refused here."""
        return decode_table_upload(self.cleaned_data["file"], max_bytes=1024 * 1024)
