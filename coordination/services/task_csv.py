"""CSV import and export of readiness tasks.

Import is all-or-nothing: every row is checked first, and if any row fails, nothing is saved and
the report lists each failing row with its reasons. The export uses the same columns, so an
exported file can be corrected and imported again elsewhere.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.enums import TaskCategory, TaskPriority, TaskStatus
from coordination.models import Agency, Election, Person, Region
from coordination.services.readiness import task_create
from pilkada.common.csvio import decode_csv, read_rows

COLUMNS = [
    "judul",
    "keterangan",
    "kategori",
    "tahapan",
    "wilayah",
    "lembaga",
    "tenggat",
    "prioritas",
    "status",
    "kemajuan",
]
REQUIRED = ["judul", "kategori", "wilayah", "lembaga", "tenggat"]
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class ImportReport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _choice(value: str, choices) -> str | None:
    """Accept the stored value or the label in any case ("logistik", "Logistik", "Berjalan")."""
    needle = value.strip().lower()
    for stored, label in choices.choices:
        if needle in (str(stored).lower(), str(label).lower()):
            return stored
    return None


def _read(content: bytes | str) -> list[tuple[int, dict[str, str]]]:
    text = content if isinstance(content, str) else decode_csv(content, max_bytes=MAX_BYTES)
    return read_rows(text, required=REQUIRED, known=COLUMNS, max_rows=MAX_ROWS)


def tasks_import_csv(*, actor: Person, election: Election, content: bytes | str) -> ImportReport:
    """Validate every row, then create all tasks in one transaction, or none of them."""
    if not permissions.can_create_task(actor):
        raise PermissionDenied(_("Hanya staf KPU yang dapat mengimpor tugas."))
    numbered = _read(content)
    rows = [row for _line, row in numbered]
    regions = Region.objects.in_bulk({r.get("wilayah", "") for r in rows})
    stages = {s.name.lower(): s for s in election.stages.all()}
    agency_names = {r.get("lembaga", "").lower() for r in rows}
    agencies: dict[str, list[Agency]] = {}
    matches = Agency.objects.annotate(lname=Lower("name"), lshort=Lower("short_name")).filter(
        Q(lname__in=agency_names) | Q(lshort__in=agency_names), is_active=True
    )
    for agency in matches:
        for key in {agency.lname, agency.lshort} & agency_names:
            agencies.setdefault(key, []).append(agency)

    report = ImportReport()
    prepared: list[dict] = []
    for line, row in numbered:
        messages, values = _check_row(row, actor, regions, stages, agencies)
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
                    task_create(actor=actor, election=election, **values)
                except ValidationError as exc:
                    report.errors.append(RowError(line=line, messages=exc.messages))
            if report.errors:
                raise _Rollback
    except _Rollback:
        return report
    report.created = len(prepared)
    return report


class _Rollback(Exception):
    pass


def _check_row(row, actor, regions, stages, agencies) -> tuple[list[str], dict]:
    messages: list[str] = []
    for column in REQUIRED:
        if not row.get(column):
            messages.append(_("Kolom %(col)s kosong.") % {"col": column})
    if messages:
        return messages, {}
    values: dict = {"title": row["judul"], "description": row.get("keterangan", "")}
    category = _choice(row["kategori"], TaskCategory)
    if category is None:
        messages.append(_("Kategori tidak dikenal: %(v)s.") % {"v": row["kategori"]})
    values["category"] = category
    region = regions.get(row["wilayah"])
    if region is None:
        messages.append(_("Kode wilayah tidak dikenal: %(v)s.") % {"v": row["wilayah"]})
    elif not permissions.can_manage_region(actor, region):
        messages.append(_("Wilayah %(v)s di luar kewenangan Anda.") % {"v": region.name})
    values["region"] = region
    candidates = agencies.get(row["lembaga"].lower(), [])
    if region is not None and len(candidates) > 1:
        candidates = [a for a in candidates if a.region_id == region.pk] or candidates
    if not candidates:
        messages.append(_("Lembaga tidak ditemukan: %(v)s.") % {"v": row["lembaga"]})
    elif len(candidates) > 1:
        messages.append(_("Nama lembaga tidak unik: %(v)s.") % {"v": row["lembaga"]})
    else:
        values["agency"] = candidates[0]
    try:
        values["due_on"] = date.fromisoformat(row["tenggat"])
    except ValueError:
        messages.append(
            _("Tanggal tenggat harus berbentuk TTTT-BB-HH: %(v)s.") % {"v": row["tenggat"]}
        )
    if row.get("tahapan"):
        stage = stages.get(row["tahapan"].lower())
        if stage is None:
            messages.append(_("Tahapan tidak dikenal: %(v)s.") % {"v": row["tahapan"]})
        values["stage"] = stage
    for column, enum, key in (
        ("prioritas", TaskPriority, "priority"),
        ("status", TaskStatus, "status"),
    ):
        if row.get(column):
            value = _choice(row[column], enum)
            if value is None:
                messages.append(
                    _("Nilai %(col)s tidak dikenal: %(v)s.") % {"col": column, "v": row[column]}
                )
            values[key] = value
    if row.get("kemajuan"):
        try:
            progress = int(row["kemajuan"].rstrip("%"))
            if not 0 <= progress <= 100:
                raise ValueError
            values["progress"] = progress
        except ValueError:
            messages.append(_("Kemajuan harus angka 0-100: %(v)s.") % {"v": row["kemajuan"]})
    return messages, values


def task_export_rows(*, tasks):
    """The header and one row per task (an already filtered queryset), with the import's
    columns, for CSV or XLSX: due dates are dates, progress a number."""
    yield ["id", *COLUMNS, "terlambat"]
    today = timezone.localdate()
    for task in tasks.select_related("stage", "agency").iterator(chunk_size=2000):
        yield [
            task.pk,
            task.title,
            task.description,
            task.category,
            task.stage.name if task.stage else "",
            task.region_id,
            task.agency.name,
            task.due_on,
            task.priority,
            task.status,
            task.progress,
            "ya" if task.due_on < today and task.status != TaskStatus.DONE else "",
        ]


def task_template_rows() -> list[list[str]]:
    """The import template: the header alone (the same in CSV and XLSX)."""
    return [list(COLUMNS)]
