"""The risk form (phone-first, works without JavaScript) and its region picker."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination.enums import RegionLevel
from coordination.models import Agency, Region
from kerawanan.enums import (
    IMPACT_CHOICES,
    LIKELIHOOD_CHOICES,
    RiskCategory,
    RiskSource,
    RiskStatus,
    Visibility,
)
from kerawanan.forms.choices import (
    acting_agency_choices,
    ikp_choices,
    owner_agencies,
    regency_choices,
)
from kerawanan.models import IkpDimension, Risk
from kerawanan.services.risks import parse_tps

VISIBILITY_HELP = _(
    "Terbatas: staf KPU wilayah dan lembaga di wilayah ini atau di atasnya. "
    "Rahasia: hanya staf KPU wilayah, lembaga pemilik, dan lembaga yang harus bertindak. "
    "Dapat diringkas publik: seperti terbatas; jumlahnya boleh tampil di ringkasan publik, "
    "isinya tidak."
)


class RiskForm(forms.Form):
    """Three region selects (kabupaten/kota, kecamatan, desa/kelurahan): each lists only the
    children of the one above, so the page stays small at any scale. Without JavaScript the
    person presses "Tampilkan pilihan wilayah" to load the next step."""

    owner = forms.ModelChoiceField(label=_("Lembaga pemilik"), queryset=None)
    wilayah_kab = forms.ChoiceField(label=_("Kabupaten/kota"))
    wilayah_kec = forms.ChoiceField(label=_("Kecamatan"), required=False)
    wilayah_desa = forms.ChoiceField(label=_("Desa/kelurahan"), required=False)
    tps = forms.CharField(
        label=_("Nomor TPS"),
        required=False,
        max_length=300,
        help_text=_("Untuk TPS rawan di desa: nomor TPS, dipisah koma (misalnya 3, 7)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(
        label=_("Uraian"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ChoiceField(label=_("Kategori"), choices=RiskCategory.choices)
    ikp = forms.ChoiceField(label=_("Dimensi IKP"))
    likelihood = forms.TypedChoiceField(
        label=_("Kemungkinan"), choices=LIKELIHOOD_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    impact = forms.TypedChoiceField(
        label=_("Dampak"), choices=IMPACT_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    source = forms.ChoiceField(label=_("Sumber"), choices=RiskSource.choices)
    visibility = forms.ChoiceField(
        label=_("Visibilitas"),
        choices=Visibility.choices,
        initial=Visibility.RESTRICTED,
        widget=forms.RadioSelect,
        help_text=VISIBILITY_HELP,
    )
    acting_agencies = forms.ModelMultipleChoiceField(
        label=_("Lembaga yang harus bertindak"),
        queryset=None,
        required=False,
        help_text=_("Pilih satu atau lebih (tahan Ctrl atau ketuk beberapa di ponsel)."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=RiskStatus.choices, initial=RiskStatus.IDENTIFIED
    )
    review_on = forms.DateField(
        label=_("Tinjauan berikutnya"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Catatan perubahan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, data=None, *, user, risk: Risk | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if risk is not None:
            initial = {**_initial_of(risk), **initial}
        super().__init__(data, initial=initial, **kwargs)
        self.risk = risk
        owners, acting = owner_agencies(user), acting_agency_choices(user)
        if risk is not None:  # what the risk already has stays choosable
            owners = _with(owners, Q(pk=risk.owner_id))
            acting = _with(acting, Q(pk__in=risk.acting_agencies.values("pk")))
        self.fields["owner"].queryset = owners
        self.fields["acting_agencies"].queryset = acting
        self.fields["ikp"].choices = [("", "—"), *ikp_choices(_current_ikp(risk))]
        self._region_steps(user, data, initial)
        if risk is None:
            del self.fields["note"]

    def _region_steps(self, user, data, initial) -> None:
        def picked(name):
            return (data.get(name, "") if data is not None else initial.get(name, "")) or ""

        kab, kec = picked("wilayah_kab"), picked("wilayah_kec")
        self.fields["wilayah_kab"].choices = [("", "—"), *regency_choices(user)]
        districts = _children(kab, RegionLevel.DISTRICT) if len(kab) == 5 else []
        villages = (
            _children(kec, RegionLevel.VILLAGE) if any(kec == c for c, _n in districts) else []
        )
        self.fields["wilayah_kec"].choices = [("", _("— seluruh kabupaten/kota —")), *districts]
        self.fields["wilayah_desa"].choices = [("", _("— seluruh kecamatan —")), *villages]
        for name in ("wilayah_kab", "wilayah_kec", "wilayah_desa"):
            self.fields[name].widget.attrs["data-region-step"] = name

    def clean_tps(self) -> list[int]:
        return parse_tps(self.cleaned_data.get("tps", ""))

    def clean(self):
        data = super().clean()
        code = data.get("wilayah_desa") or data.get("wilayah_kec") or data.get("wilayah_kab")
        data["region"] = Region.objects.filter(code=code).first() if code else None
        ikp = IkpDimension.objects.filter(pk=data.get("ikp") or None).first()
        if ikp is None and "ikp" not in self.errors:
            self.add_error("ikp", _("Pilih dimensi IKP."))
        data["dimension"] = (ikp.parent if ikp and ikp.parent_id else ikp) if ikp else None
        data["subdimension"] = ikp if ikp and ikp.parent_id else None
        if data.get("tps") and data["region"] and data["region"].level != RegionLevel.VILLAGE:
            self.add_error("tps", ValidationError(_("Pilih desa/kelurahan untuk nomor TPS.")))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            key: data[key]
            for key in (
                "owner",
                "title",
                "description",
                "category",
                "dimension",
                "subdimension",
                "likelihood",
                "impact",
                "source",
                "region",
                "status",
                "visibility",
                "review_on",
            )
        }
        kwargs["tps_numbers"] = data["tps"]
        kwargs["acting_agencies"] = list(data["acting_agencies"])
        if "note" in self.fields:
            kwargs["note"] = data.get("note", "")
        return kwargs


def risk_form(data, *, user, risk: Risk | None = None, initial=None) -> RiskForm:
    """The form for a request: bound to a post, except a post of "Tampilkan pilihan wilayah"
    (the region picker's next step without JavaScript), which shows everything typed so far,
    unchecked, with the next region step filled."""
    if data is not None and "pilih_wilayah" in data:
        typed = {key: data.get(key) for key in data if key != "acting_agencies"}
        typed["acting_agencies"] = data.getlist("acting_agencies")
        return RiskForm(None, user=user, risk=risk, initial=typed)
    return RiskForm(data, user=user, risk=risk, initial=initial)


def _with(agencies, extra: Q):
    return (
        Agency.objects.filter(Q(pk__in=agencies.values("pk")) | extra)
        .select_related("region")
        .order_by("region_id", "kind", "name")
    )


def _children(code: str, level: int) -> list[tuple[str, str]]:
    return list(
        Region.objects.filter(parent_id=code, level=level)
        .order_by("name")
        .values_list("code", "name")
    )


def _current_ikp(risk: Risk | None) -> IkpDimension | None:
    if risk is None:
        return None
    return risk.subdimension or risk.dimension


def _initial_of(risk: Risk) -> dict:
    code = risk.region_id
    return {
        "owner": risk.owner_id,
        "wilayah_kab": code[:5],
        "wilayah_kec": code[:8] if len(code) >= 8 else "",
        "wilayah_desa": code if len(code) > 8 else "",
        "tps": risk.tps_text,
        "title": risk.title,
        "description": risk.description,
        "category": risk.category,
        "ikp": str((risk.subdimension_id or risk.dimension_id) or ""),
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "source": risk.source,
        "visibility": risk.visibility,
        "acting_agencies": [a.pk for a in risk.acting_agencies.all()],
        "status": risk.status,
        "review_on": risk.review_on,
    }
