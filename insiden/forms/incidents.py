"""The report form (phone-first, no JavaScript needed) and the forms of the incident page."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination import permissions as core
from coordination.enums import RegionLevel, TaskCategory
from coordination.models import Agency, Region
from insiden.enums import MAX_PHOTOS, MAX_TPS_NUMBER, Category, Severity, Status, Visibility
from insiden.models import Incident

VISIBILITY_HELP = _(
    "Terbatas: staf KPU wilayah dan lembaga di wilayah ini atau di atasnya. "
    "Rahasia: hanya staf KPU wilayah dan lembaga yang terlibat."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("Paling banyak %(n)s foto.") % {"n": MAX_PHOTOS})
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


def _scope_codes(user) -> list[str] | None:
    """Regions whose regencies the person may report in (None: everywhere): KPU staff their
    regions, members their agencies' provinces."""
    access = core.access_for(user)
    if access.is_superuser:
        return None
    return sorted({*access.staff_region_codes, *(c[:2] for c in access.agency_region_codes)})


def regency_choices(user) -> list[tuple[str, str]]:
    regencies = Region.objects.filter(level=RegionLevel.REGENCY)
    codes = _scope_codes(user)
    if codes is not None:
        regencies = regencies.filter(core.subtree_q(codes, field="code"))
    return [(r.code, r.name) for r in regencies.order_by("code")]


def _children(code: str, level: int) -> list[tuple[str, str]]:
    return list(
        Region.objects.filter(parent_id=code, level=level)
        .order_by("name")
        .values_list("code", "name")
    )


class LazyChoices:
    """A list of choices read from the database the first time it is needed, then kept."""

    def __init__(self, load):
        self._load, self._items = load, None

    def __iter__(self):
        if self._items is None:
            self._items = list(self._load())
        return iter(self._items)


_CODE = re.compile(r"[0-9][0-9.]{0,19}")


def _picked_chain(user, kab: str, kec: str, desa: str) -> dict[str, Region]:
    """The regions a post names, by code, as far as they form a chain that the person may
    report in (a regency in scope, a district of it, a village of that district)."""
    # Only what can be a region code reaches the query (a posted NUL byte would be refused by
    # PostgreSQL with an error, not by the form with a message).
    codes = [code for code in (kab, kec, desa) if code and _CODE.fullmatch(code)]
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)} if codes else {}
    chain: dict[str, Region] = {}
    scope = _scope_codes(user)
    for code, level, parent in (
        (kab, RegionLevel.REGENCY, None),
        (kec, RegionLevel.DISTRICT, kab),
        (desa, RegionLevel.VILLAGE, kec),
    ):
        region = regions.get(code)
        if region is None or region.level != level or (parent and region.parent_id != parent):
            break
        if parent is None and scope is not None and not core.region_code_in_scope(code, scope):
            break
        if parent is not None and parent not in chain:
            break
        chain[code] = region
    return chain


class RegionStepField(forms.ChoiceField):
    """One step of the region picker. A bound form checks the value against the regions the
    post names (`valid_codes`, read at once) instead of listing every choice."""

    valid_codes: set[str] | None = None

    def valid_value(self, value) -> bool:
        if self.valid_codes is not None:
            return value in self.valid_codes
        return super().valid_value(value)


class ReportForm(forms.Form):
    """Everything on one page, the quickest fields first. Three region selects (each lists only
    the children of the one above); without JavaScript "Tampilkan pilihan wilayah" loads the
    next step and keeps everything typed."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    category = forms.ChoiceField(label=_("Apa yang terjadi"), choices=Category.choices)
    severity = forms.TypedChoiceField(
        label=_("Tingkat keparahan"),
        choices=sorted(Severity.choices, reverse=True),
        coerce=int,
        widget=forms.RadioSelect,
        initial=Severity.MEDIUM,
    )
    title = forms.CharField(label=_("Judul singkat"), max_length=140)
    wilayah_kab = RegionStepField(label=_("Kabupaten/kota"))
    wilayah_kec = RegionStepField(label=_("Kecamatan"), required=False)
    wilayah_desa = RegionStepField(label=_("Desa/kelurahan"), required=False)
    tps_number = forms.IntegerField(
        label=_("Nomor TPS"),
        required=False,
        min_value=1,
        max_value=MAX_TPS_NUMBER,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    occurred_at = forms.DateTimeField(
        label=_("Waktu kejadian"),
        help_text=_("Waktu setempat di wilayah kejadian."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    description = forms.CharField(
        label=_("Uraian"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultiplePhotoField(
        label=_("Foto (paling banyak 3)"),
        required=False,
        help_text=_("Lokasi dan data kamera di dalam foto dihapus sebelum disimpan."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibilitas"),
        choices=Visibility.choices,
        initial=Visibility.RESTRICTED,
        widget=forms.RadioSelect,
        help_text=VISIBILITY_HELP,
    )
    reporter_agency = forms.ModelChoiceField(
        label=_("Melapor atas nama"), queryset=Agency.objects.none(), required=False
    )

    def __init__(self, data=None, files=None, *, user, initial=None, **kwargs):
        initial = dict(initial or {})
        initial.setdefault("key", Incident.new_key())
        super().__init__(data, files, initial=initial, **kwargs)
        access = core.access_for(user)
        agencies = Agency.objects.filter(pk__in=access.agency_ids, is_active=True).order_by("name")
        self.fields["reporter_agency"].queryset = agencies
        if len(access.agency_ids) <= 1:
            del self.fields["reporter_agency"]
        self._region_steps(user, data, initial)
        if "occurred_at" not in initial:
            self.initial["occurred_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def _region_steps(self, user, data, initial) -> None:
        def picked(name):
            return (data.get(name, "") if data is not None else initial.get(name, "")) or ""

        kab, kec = picked("wilayah_kab"), picked("wilayah_kec")
        self._picked: dict[str, Region] = {}
        if data is not None:
            # A posted report (hundreds a second on voting day) is checked against the three
            # regions it names, read at once; the full lists are read only when the form is
            # shown again (the choices are lazy).
            self._picked = _picked_chain(user, kab, kec, picked("wilayah_desa"))
        regencies = LazyChoices(lambda: regency_choices(user))
        districts = LazyChoices(
            lambda: (
                _children(kab, RegionLevel.DISTRICT) if any(kab == c for c, _n in regencies) else []
            )
        )
        villages = LazyChoices(
            lambda: (
                _children(kec, RegionLevel.VILLAGE) if any(kec == c for c, _n in districts) else []
            )
        )
        steps = (
            ("wilayah_kab", [("", "—")], regencies),
            ("wilayah_kec", [("", _("— seluruh kabupaten/kota —"))], districts),
            ("wilayah_desa", [("", _("— seluruh kecamatan —"))], villages),
        )
        for name, empty, options in steps:
            field = self.fields[name]
            field.choices = lambda empty=empty, options=options: [*empty, *options]
            # Each step accepts only its own posted code, and only when it is in the chain.
            field.valid_codes = {picked(name)} & set(self._picked) if data is not None else None
            field.widget.attrs["data-region-step"] = name

    def clean(self):
        data = super().clean()
        code = data.get("wilayah_desa") or data.get("wilayah_kec") or data.get("wilayah_kab")
        region = self._picked.get(code) if code else None
        data["region"] = region
        if data.get("tps_number") and region is not None and region.level != RegionLevel.VILLAGE:
            self.add_error("tps_number", _("Pilih desa/kelurahan untuk nomor TPS."))
        when = data.get("occurred_at")
        if isinstance(when, datetime) and region is not None:
            naive = timezone.make_naive(when) if timezone.is_aware(when) else when
            data["occurred_at"] = timezone.make_aware(naive, ZoneInfo(region.timezone))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "title": data["title"],
            "category": data["category"],
            "severity": data["severity"],
            "occurred_at": data["occurred_at"],
            "region": data["region"],
            "description": data.get("description", ""),
            "tps_number": data.get("tps_number"),
            "visibility": data["visibility"],
            "photos": data.get("photos") or [],
            "idempotency_key": data["key"],
        }
        if "reporter_agency" in self.fields:
            kwargs["reporter_agency"] = data.get("reporter_agency")
        return kwargs


def report_form(request, *, user) -> ReportForm:
    """Bound to a post, except a post of "Tampilkan pilihan wilayah" (the region picker's next
    step without JavaScript): everything typed so far, unchecked, the next step filled."""
    if request.method != "POST":
        return ReportForm(user=user)
    data = request.POST
    if "pilih_wilayah" in data:
        typed = {key: data.get(key) for key in data if key not in ("csrfmiddlewaretoken",)}
        return ReportForm(None, user=user, initial=typed)
    return ReportForm(data, request.FILES, user=user)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status baru"))
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, data=None, *, statuses, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["status"].choices = [(s, Status(s).label) for s in statuses]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan (boleh kosong)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Rujuk ke lembaga"), queryset=Agency.objects.none())
    note = forms.CharField(
        label=_("Alasan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data=None, *, agencies, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["agency"].queryset = agencies


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Nomor insiden utama"),
        min_value=1,
        max_value=2**62,
        help_text=_("Insiden ini dicatat sebagai duplikat dari insiden tersebut."),
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=2000)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Komentar"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PhotoForm(forms.Form):
    photos = MultiplePhotoField(label=_("Tambah foto"))


class RiskLinkForm(forms.Form):
    risk = forms.ModelChoiceField(label=_("Kerawanan"), queryset=None, required=False)

    def __init__(self, data=None, *, risks, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["risk"].queryset = risks


class RiskCreateForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Lembaga pemilik"), queryset=None)
    ikp = forms.ChoiceField(label=_("Dimensi IKP"))
    likelihood = forms.TypedChoiceField(
        label=_("Kemungkinan (1-5)"), choices=[(n, n) for n in range(1, 6)], coerce=int
    )
    impact = forms.TypedChoiceField(
        label=_("Dampak (1-5)"), choices=[(n, n) for n in range(1, 6)], coerce=int
    )

    def __init__(self, data=None, *, owners, ikp_choices, dimensions, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["ikp"].choices = [("", "—"), *ikp_choices]
        self._dimensions = dimensions

    def clean(self):
        data = super().clean()
        ikp = self._dimensions.filter(pk=data.get("ikp") or None).first()
        if ikp is None and "ikp" not in self.errors:
            self.add_error("ikp", _("Pilih dimensi IKP."))
        data["dimension"] = (ikp.parent if ikp and ikp.parent_id else ikp) if ikp else None
        data["subdimension"] = ikp if ikp and ikp.parent_id else None
        return data


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Judul tugas"), max_length=200)
    agency = forms.ModelChoiceField(label=_("Lembaga penanggung jawab"), queryset=None)
    due_on = forms.DateField(
        label=_("Tenggat"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    category = forms.ChoiceField(label=_("Kategori tugas"), choices=TaskCategory.choices)
    description = forms.CharField(
        label=_("Uraian"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, agencies, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["agency"].queryset = agencies


def agencies_q(ids) -> Q:
    return Q(pk__in=list(ids))
