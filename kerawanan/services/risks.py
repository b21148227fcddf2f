"""Writes of the register: recording a risk, changing it, and the history entry every change
appends (who, when, which fields from what to what)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coordination.enums import RegionLevel
from coordination.models import Agency, Person, Region
from kerawanan import permissions
from kerawanan.enums import (
    MAX_TPS_NUMBER,
    MAX_TPS_PER_RISK,
    RiskChangeKind,
    RiskStatus,
    Visibility,
    risk_level,
)
from kerawanan.models import IkpDimension, Risk, RiskChange
from pilkada.common.validation import full_clean_or_raise

# The fields a change may touch, in the order the history lists them.
FIELDS = (
    "title",
    "description",
    "category",
    "dimension",
    "subdimension",
    "likelihood",
    "impact",
    "level",
    "source",
    "region",
    "tps_numbers",
    "owner",
    "acting_agencies",
    "status",
    "visibility",
    "review_on",
)
EDITABLE = set(FIELDS) - {"level"}


def parse_tps(text: str) -> list[int]:
    """ "3, 7;12" -> [3, 7, 12]; ValidationError for anything that is not TPS numbers."""
    numbers = set()
    for token in text.replace(";", ",").replace(" ", ",").split(","):
        if not token:
            continue
        if not token.isascii() or not token.isdigit() or not 1 <= int(token) <= MAX_TPS_NUMBER:
            raise ValidationError(
                _("Nomor TPS harus angka 1-%(max)s, dipisah koma: %(v)s.")
                % {"max": MAX_TPS_NUMBER, "v": token[:20]}
            )
        numbers.add(int(token))
    return sorted(numbers)


def _check(risk: Risk, acting: list[Agency], actor: Person | None, changed: set[str]) -> None:
    """The register's own rules on top of the model's; `acting` are the agencies being named
    now, `changed` the fields being set (some checks only apply to what changes)."""
    errors: dict[str, list[str]] = {}
    region = risk.region if risk.region_id else None
    if region is not None and region.level < RegionLevel.REGENCY:
        errors["region"] = [_("Pilih kabupaten/kota, kecamatan, atau desa/kelurahan.")]
    if risk.tps_numbers:
        if region is not None and region.level != RegionLevel.VILLAGE:
            errors["tps_numbers"] = [_("Nomor TPS hanya untuk kerawanan di desa/kelurahan.")]
        elif len(risk.tps_numbers) > MAX_TPS_PER_RISK:
            errors["tps_numbers"] = [
                _("Paling banyak %(n)s TPS per kerawanan.") % {"n": MAX_TPS_PER_RISK}
            ]
    if risk.dimension_id:
        if risk.dimension.parent_id is not None:
            errors["dimension"] = [_("Pilih dimensi utama; subdimensi di kolomnya sendiri.")]
        elif not risk.dimension.is_active and "dimension" in changed:
            errors["dimension"] = [_("Dimensi ini tidak dipakai lagi.")]
    if risk.subdimension_id and risk.subdimension.parent_id != risk.dimension_id:
        errors["subdimension"] = [_("Subdimensi ini bukan bagian dari dimensi yang dipilih.")]
    elif risk.subdimension_id and not risk.subdimension.is_active and "subdimension" in changed:
        errors["subdimension"] = [_("Subdimensi ini tidak dipakai lagi.")]
    if risk.owner_id and not risk.owner.is_active:
        errors["owner"] = [_("Lembaga ini tidak aktif.")]
    inactive = [a.name for a in acting if not a.is_active]
    if inactive:
        errors["acting_agencies"] = [
            _("Lembaga tidak aktif: %(names)s.") % {"names": ", ".join(inactive)}
        ]
    if (
        actor is not None
        and changed & {"owner", "region"}
        and region is not None
        and risk.owner_id
        and not permissions.can_record_risk_for(actor, owner=risk.owner, region=region)
    ):
        errors.setdefault("region", []).append(
            _("Anda tidak dapat mencatat kerawanan lembaga ini di wilayah tersebut.")
        )
    full_clean_or_raise(risk, errors, exclude=["created_by", "level"])


@transaction.atomic
def risk_create(
    *,
    actor: Person | None,
    title: str,
    category: str,
    dimension: IkpDimension,
    likelihood: int,
    impact: int,
    source: str,
    region: Region,
    owner: Agency,
    description: str = "",
    subdimension: IkpDimension | None = None,
    tps_numbers: list[int] | None = None,
    acting_agencies: list[Agency] | None = None,
    status: str = RiskStatus.IDENTIFIED,
    visibility: str = Visibility.RESTRICTED,
    review_on: date | None = None,
    note: str = "",
    kind: str = RiskChangeKind.CREATED,
) -> Risk:
    """Record a risk and the first entry of its history. KPU staff record for any agency in
    their regions; a liaison for their own agency, in that agency's region."""
    if actor is not None and not permissions.can_record_risk(actor):
        raise PermissionDenied(_("Anda tidak dapat mencatat kerawanan."))
    acting = list(acting_agencies or [])
    risk = Risk(
        title=title.strip(),
        description=description.strip(),
        category=category,
        dimension=dimension,
        subdimension=subdimension,
        likelihood=likelihood,
        impact=impact,
        source=source,
        region=region,
        tps_numbers=sorted(set(tps_numbers or [])),
        owner=owner,
        status=status,
        visibility=visibility,
        review_on=review_on,
        created_by=actor,
    )
    _set_level(risk)
    _check(risk, acting, actor, changed=set(FIELDS))
    risk.save()
    risk.acting_agencies.set(acting)
    RiskChange.objects.create(risk=risk, author=actor, kind=kind, note=note.strip())
    return Risk.objects.get(pk=risk.pk)


def _set_level(risk: Risk) -> None:
    # Out-of-range scores are left for full_clean to name on their own fields.
    if 1 <= (risk.likelihood or 0) <= 5 and 1 <= (risk.impact or 0) <= 5:
        risk.level = risk_level(risk.likelihood, risk.impact)


def _shown(risk: Risk, name: str):
    """A field's value as the history keeps it: choices by value (shown in the reader's
    language later), related rows by name (as they were called at the time)."""
    if name == "acting_agencies":
        return sorted(a.name for a in risk.acting_agencies.all())
    value = getattr(risk, name)
    if name in ("dimension", "subdimension", "region", "owner"):
        return str(value) if value is not None else ""
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def risk_update(*, actor: Person | None, risk: Risk, note: str = "", **fields) -> Risk:
    """Change a risk; the history gets one entry naming each field that changed (none when
    nothing did). The level follows likelihood and impact."""
    if actor is not None and not permissions.can_edit_risk(actor, risk):
        raise PermissionDenied(_("Kerawanan ini di luar kewenangan Anda."))
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"risk_update() got unexpected fields {sorted(unknown)}")
    locked = (
        Risk.objects.select_for_update(of=("self",))
        .select_related("region", "owner", "dimension", "subdimension")
        .get(pk=risk.pk)
    )
    before = {name: _shown(locked, name) for name in FIELDS}
    acting = fields.pop("acting_agencies", None)
    for name, value in fields.items():
        if name == "tps_numbers":
            value = sorted(set(value or []))
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _set_level(locked)
    previous = {agency.pk for agency in locked.acting_agencies.all()}
    acting_list = list(acting) if acting is not None else []
    # Only agencies newly named are checked: one deactivated since stays on the risk's record.
    added = [agency for agency in acting_list if agency.pk not in previous]
    changed = {
        name
        for name in FIELDS
        if name != "acting_agencies" and _shown(locked, name) != before[name]
    }
    _check(locked, added, actor, changed)
    locked.save()
    if acting is not None:
        locked.acting_agencies.set(acting_list)
    entries = [
        {"field": name, "from": before[name], "to": _shown(locked, name)}
        for name in FIELDS
        if _shown(locked, name) != before[name]
    ]
    if entries or note.strip():
        RiskChange.objects.create(
            risk=locked,
            author=actor,
            kind=RiskChangeKind.UPDATED,
            changes=entries,
            note=note.strip(),
        )
    return locked
