"""Import of risks (Bawaslu's IKP results, TPS rawan lists) from CSV or XLSX, and the export of
any filtered list in the same columns, so an exported file can be corrected and imported again.

All or nothing: every row is checked first; if any row fails, nothing is saved and the report
lists each failing row (its line in the file) with its reasons. The owning agency is chosen for
the whole file on the form.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext as _

from coordination.enums import RegionLevel, TaskStatus
from coordination.models import Agency, Person, Region
from kerawanan import permissions
from kerawanan.enums import (
    RiskCategory,
    RiskChangeKind,
    RiskLevel,
    RiskSource,
    RiskStatus,
    Visibility,
)
from kerawanan.models import IkpDimension, Mitigation, Risk
from kerawanan.services.risks import parse_tps, risk_create
from pilkada.common.csvio import read_rows
from pilkada.common.xlsx import decode_table_upload

COLUMNS = [
    "kode_wilayah",
    "tps",
    "judul",
    "uraian",
    "kategori",
    "dimensi",
    "subdimensi",
    "kemungkinan",
    "dampak",
    "sumber",
    "visibilitas",
    "status",
    "tinjauan",
    "lembaga_bertindak",
]
REQUIRED = ["kode_wilayah", "judul", "kategori", "dimensi", "kemungkinan", "dampak", "sumber"]
EXPORT_EXTRA = ["tingkat", "lembaga_pemilik", "nama_wilayah", "mitigasi_selesai", "mitigasi"]
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
EXAMPLE = [
    "17.02.01.2001",
    "3;7",
    "TPS di tepi sungai rawan banjir",
    "Dua TPS tergenang saat hujan lebat pekan lalu.",
    "bencana",
    "Penyelenggaraan pemilu",
    "Pelaksanaan pemungutan suara",
    "3",
    "4",
    "ikp_bawaslu",
    "terbatas",
    "teridentifikasi",
    "",
    "",
]


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_risk_file(upload) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded CSV or XLSX file (told apart by their first bytes)."""
    text = decode_table_upload(upload, max_bytes=MAX_BYTES)
    return read_rows(text, required=REQUIRED, known=COLUMNS, max_rows=MAX_ROWS)


def _choice(value: str, choices) -> str | None:
    needle = value.strip().lower()
    for stored, label in choices.choices:
        if needle in (str(stored).lower(), str(label).lower()):
            return stored
    return None


def _date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


class _Lookups:
    """Everything the rows name, read in a few queries for the whole file."""

    def __init__(self, rows: list[dict[str, str]]):
        self.regions = Region.objects.in_bulk({r.get("kode_wilayah", "") for r in rows})
        dimensions = list(IkpDimension.objects.filter(is_active=True))
        self.dimensions = {d.name.lower(): d for d in dimensions if d.parent_id is None}
        self.subdimensions = {
            (d.parent_id, d.name.lower()): d for d in dimensions if d.parent_id is not None
        }
        names = {
            n.strip().lower()
            for r in rows
            for n in r.get("lembaga_bertindak", "").split(";")
            if n.strip()
        }
        self.agencies: dict[str, list[Agency]] = {}
        matches = Agency.objects.annotate(lname=Lower("name"), lshort=Lower("short_name"))
        for agency in matches.filter(Q(lname__in=names) | Q(lshort__in=names), is_active=True):
            for key in {agency.lname, agency.lshort} & names:
                self.agencies.setdefault(key, []).append(agency)


def _check_row(row: dict, actor, owner, found: _Lookups) -> tuple[list[str], dict]:
    messages = [
        _("Kolom %(col)s kosong.") % {"col": column} for column in REQUIRED if not row.get(column)
    ]
    if messages:
        return messages, {}
    values: dict = {"title": row["judul"][:200], "description": row.get("uraian", "")}
    region = found.regions.get(row["kode_wilayah"])
    if region is None or region.level < RegionLevel.REGENCY:
        messages.append(
            _("Kode wilayah bukan kabupaten/kota, kecamatan, atau desa: %(v)s.")
            % {"v": row["kode_wilayah"][:20]}
        )
    elif actor is not None and not permissions.can_record_risk_for(
        actor, owner=owner, region=region
    ):
        messages.append(_("Wilayah %(v)s di luar kewenangan Anda.") % {"v": region.name})
    values["region"] = region
    if row.get("tps"):
        try:
            values["tps_numbers"] = parse_tps(row["tps"])
        except ValidationError as exc:
            messages.extend(exc.messages)
    for column, enum, key in (
        ("kategori", RiskCategory, "category"),
        ("sumber", RiskSource, "source"),
        ("visibilitas", Visibility, "visibility"),
        ("status", RiskStatus, "status"),
    ):
        if row.get(column):
            value = _choice(row[column], enum)
            if value is None:
                messages.append(
                    _("Nilai %(col)s tidak dikenal: %(v)s.")
                    % {"col": column, "v": row[column][:40]}
                )
            values[key] = value
    dimension = found.dimensions.get(row["dimensi"].lower())
    if dimension is None:
        messages.append(_("Dimensi IKP tidak dikenal: %(v)s.") % {"v": row["dimensi"][:60]})
    values["dimension"] = dimension
    if row.get("subdimensi") and dimension is not None:
        sub = found.subdimensions.get((dimension.pk, row["subdimensi"].lower()))
        if sub is None:
            messages.append(
                _("Subdimensi tidak dikenal di dimensi %(d)s: %(v)s.")
                % {"d": dimension.name, "v": row["subdimensi"][:60]}
            )
        values["subdimension"] = sub
    for column, key in (("kemungkinan", "likelihood"), ("dampak", "impact")):
        if re.fullmatch(r"[1-5]", row[column]):
            values[key] = int(row[column])
        else:
            messages.append(
                _("%(col)s harus angka 1-5: %(v)s.") % {"col": column, "v": row[column][:20]}
            )
    if row.get("tinjauan"):
        try:
            values["review_on"] = _date(row["tinjauan"])
        except ValueError:
            messages.append(
                _("Tanggal tinjauan harus TTTT-BB-HH: %(v)s.") % {"v": row["tinjauan"][:20]}
            )
    acting = []
    for name in (n.strip() for n in row.get("lembaga_bertindak", "").split(";")):
        if not name:
            continue
        candidates = found.agencies.get(name.lower(), [])
        if len(candidates) != 1:
            message = (
                _("Lembaga tidak ditemukan: %(v)s.")
                if not candidates
                else _("Nama lembaga tidak unik: %(v)s.")
            )
            messages.append(message % {"v": name[:60]})
        else:
            acting.append(candidates[0])
    values["acting_agencies"] = acting
    return messages, values


class _Rollback(Exception):
    pass


def risks_import(*, actor: Person | None, owner: Agency, rows) -> ImportReport:
    """Check every row, then create all risks in one transaction, or none of them."""
    if actor is not None and not permissions.can_import_risks(actor):
        raise PermissionDenied(_("Anda tidak dapat mengimpor kerawanan."))
    report = ImportReport(rows=len(rows))
    found = _Lookups([row for _line, row in rows])
    prepared = []
    for line, row in rows:
        messages, values = _check_row(row, actor, owner, found)
        if messages:
            report.errors.append(RowError(line=line, messages=messages))
        else:
            prepared.append((line, values))
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for line, values in prepared:
                try:
                    risk_create(actor=actor, owner=owner, kind=RiskChangeKind.IMPORTED, **values)
                except ValidationError as exc:
                    report.errors.append(RowError(line=line, messages=exc.messages))
                except PermissionDenied as exc:
                    report.errors.append(RowError(line=line, messages=[str(exc)]))
            if report.errors:
                raise _Rollback
    except _Rollback:
        return report
    report.created = len(prepared)
    return report


# --- export -----------------------------------------------------------------------------------


def export_header() -> list[str]:
    return ["id", *COLUMNS, *EXPORT_EXTRA]


def export_rows(risks: QuerySet[Risk]):
    """The rows of an already filtered (and visibility-scoped) queryset, in the import's format."""

    def count(condition: Q) -> Coalesce:
        subquery = (
            Mitigation.objects.filter(condition, risk_id=OuterRef("pk"))
            .values("risk_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(subquery, output_field=IntegerField()), 0)

    qs = (
        risks.select_related("region", "owner", "dimension", "subdimension")
        .prefetch_related("acting_agencies")
        .annotate(
            mitigations_total=count(Q()), mitigations_done=count(Q(task__status=TaskStatus.DONE))
        )
    )
    for risk in qs.iterator(chunk_size=1000):
        yield [
            risk.pk,
            risk.region_id,
            ";".join(str(n) for n in risk.tps_numbers or []),
            risk.title,
            risk.description,
            risk.category,
            risk.dimension.name,
            risk.subdimension.name if risk.subdimension else "",
            risk.likelihood,
            risk.impact,
            risk.source,
            risk.visibility,
            risk.status,
            risk.review_on.isoformat() if risk.review_on else "",
            ";".join(sorted(a.name for a in risk.acting_agencies.all())),
            str(RiskLevel(risk.level).label),
            risk.owner.name,
            risk.region.name,
            risk.mitigations_done,
            risk.mitigations_total,
        ]


def template_rows() -> list[list[str]]:
    return [EXAMPLE]
