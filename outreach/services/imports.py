"""CSV import of outreach events: every row is checked first; nothing is saved unless all pass."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from coordination.models import Agency, Person, Region
from outreach import permissions
from outreach.enums import AudienceSegment, EventStatus, OutreachMethod
from outreach.services.events import event_create
from pilkada.common.csvio import read_rows
from pilkada.common.params import query_id

COLUMNS = [
    "judul",
    "deskripsi",
    "metode",
    "segmen",
    "kode_wilayah",
    "tempat",
    "saluran",
    "tautan",
    "mulai",
    "selesai",
    "penyelenggara",
    "mitra",
    "status",
]
REQUIRED_COLUMNS = {
    "judul",
    "metode",
    "segmen",
    "kode_wilayah",
    "mulai",
    "selesai",
    "penyelenggara",
}
MAX_ROWS = 1000
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M")
STATUS_WORDS = {
    "": EventStatus.DRAFT,
    "draft": EventStatus.DRAFT,
    "draf": EventStatus.DRAFT,
    "published": EventStatus.PUBLISHED,
    "terbit": EventStatus.PUBLISHED,
}


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    created: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_template_rows() -> list[list[str]]:
    """The header and one example row, as the import expects them (CSV or XLSX)."""
    return [
        list(COLUMNS),
        [
            "Forum warga Pilkada damai",
            "Diskusi bersama warga",
            "forum_warga",
            "masyarakat_umum;perempuan",
            "17.02.01.2001",
            "Balai desa",
            "",
            "",
            "2024-11-10 09:00",
            "2024-11-10 11:00",
            "KPU Kabupaten Rejang Lebong",
            "",
            "draf",
        ],
    ]


def _lookup(choices) -> dict[str, str]:
    table = {}
    for value, label in choices:
        table[value.lower()] = value
        table[str(label).lower()] = value
    return table


def _parse_time(text: str, zone: ZoneInfo) -> dt.datetime:
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ValueError(text)


def _agency_index(names: set[str]) -> dict[str, list[Agency]]:
    index: dict[str, list[Agency]] = {}
    agencies = Agency.objects.filter(is_active=True).annotate(
        lname=Lower("name"), lshort=Lower("short_name")
    )
    ids = {int(n) for n in names if query_id(n) is not None}
    lowered = {n.lower() for n in names}
    for agency in (
        agencies.filter(lname__in=lowered)
        | agencies.filter(lshort__in=lowered)
        | agencies.filter(pk__in=ids)
    ):
        for key in {agency.lname, agency.lshort, str(agency.pk)}:
            if key:
                index.setdefault(key, []).append(agency)
    return index


def events_import_csv(*, actor: Person | None, text: str) -> ImportResult:
    """Check every row of the CSV, then create all events in one transaction, or none.

    Columns (first row, Indonesian headers): see COLUMNS. `metode` and `segmen` take a code or its
    label; several segments and partners are separated by ";". Times are local to the region
    (YYYY-MM-DD HH:MM). Agencies are named by name, short name or id.
    """
    result = ImportResult()
    try:
        rows = read_rows(text, required=sorted(REQUIRED_COLUMNS), known=COLUMNS, max_rows=MAX_ROWS)
    except ValidationError as exc:
        result.errors.append(RowError(1, "", exc.messages[0]))
        return result
    result.rows = len(rows)

    regions = {
        r.code: r for r in Region.objects.filter(code__in={r["kode_wilayah"] for _l, r in rows})
    }
    names = set()
    for _line, row in rows:
        names.add(row["penyelenggara"])
        names.update(n.strip() for n in row.get("mitra", "").split(";") if n.strip())
    agencies = _agency_index(names)
    methods = _lookup(OutreachMethod.choices)
    segments = _lookup(AudienceSegment.choices)

    def agency(name: str, line: int, column: str) -> Agency | None:
        found = agencies.get(name.lower(), [])
        if len(found) == 1:
            return found[0]
        message = (
            _('Lembaga "%s" tidak ditemukan.')
            if not found
            else _('Nama lembaga "%s" tidak unik; pakai nomor id-nya.')
        )
        result.errors.append(RowError(line, column, message % name))
        return None

    prepared = []
    for line, row in rows:
        before = len(result.errors)
        kwargs = {"title": row["judul"], "description": row.get("deskripsi", "")}
        if not row["judul"]:
            result.errors.append(RowError(line, "judul", _("Judul wajib diisi.")))
        method = methods.get(row["metode"].lower())
        if method is None:
            result.errors.append(
                RowError(line, "metode", _('Metode "%s" tidak dikenal.') % row["metode"])
            )
        kwargs["method"] = method
        chosen = []
        for token in [t.strip() for t in row["segmen"].split(";") if t.strip()]:
            value = segments.get(token.lower())
            if value is None:
                result.errors.append(
                    RowError(line, "segmen", _('Segmen "%s" tidak dikenal.') % token)
                )
            chosen.append(value)
        if not chosen:
            result.errors.append(RowError(line, "segmen", _("Isi sedikitnya satu segmen.")))
        kwargs["segments"] = chosen
        region = regions.get(row["kode_wilayah"])
        if region is None:
            result.errors.append(
                RowError(
                    line,
                    "kode_wilayah",
                    _('Kode wilayah "%s" tidak dikenal.') % row["kode_wilayah"],
                )
            )
        elif actor is not None and not permissions.can_manage_outreach_in(actor, region):
            result.errors.append(
                RowError(
                    line, "kode_wilayah", _("Wilayah %s di luar kewenangan Anda.") % region.code
                )
            )
            region = None
        kwargs["region"] = region
        zone = ZoneInfo(region.timezone) if region else None
        for column, key in (("mulai", "starts_at"), ("selesai", "ends_at")):
            try:
                kwargs[key] = _parse_time(row[column], zone or ZoneInfo("UTC"))
            except ValueError:
                result.errors.append(
                    RowError(
                        line,
                        column,
                        _('Waktu "%s" tidak dikenali; pakai TTTT-BB-HH JJ:MM.') % row[column],
                    )
                )
        kwargs["organiser"] = (
            agency(row["penyelenggara"], line, "penyelenggara") if row["penyelenggara"] else None
        )
        if not row["penyelenggara"]:
            result.errors.append(RowError(line, "penyelenggara", _("Penyelenggara wajib diisi.")))
        kwargs["partners"] = [
            a
            for a in (
                agency(n.strip(), line, "mitra")
                for n in row.get("mitra", "").split(";")
                if n.strip()
            )
            if a
        ]
        status = STATUS_WORDS.get(row.get("status", "").lower())
        if status is None:
            result.errors.append(
                RowError(
                    line,
                    "status",
                    _('Status "%s" tidak dikenal (draf atau terbit).') % row["status"],
                )
            )
        kwargs["status"] = status
        kwargs.update(
            venue=row.get("tempat", ""),
            channel=row.get("saluran", ""),
            online_url=row.get("tautan", ""),
        )
        if len(result.errors) == before:
            prepared.append((line, kwargs))

    if result.errors:
        return result
    # Every row looks right; the services check the rest. One failure undoes the whole file.
    try:
        with transaction.atomic():
            for line, kwargs in prepared:
                try:
                    result.created.append(event_create(actor=actor, **kwargs))
                except ValidationError as exc:
                    for column, messages in _error_items(exc):
                        for message in messages:
                            result.errors.append(RowError(line, column, message))
                except PermissionDenied as exc:
                    result.errors.append(RowError(line, "kode_wilayah", str(exc)))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = []
    return result


class _Rollback(Exception):
    pass


FIELD_COLUMNS = {
    "title": "judul",
    "method": "metode",
    "segments": "segmen",
    "region": "kode_wilayah",
    "venue": "tempat",
    "channel": "saluran",
    "online_url": "tautan",
    "starts_at": "mulai",
    "ends_at": "selesai",
    "organiser": "penyelenggara",
    "partners": "mitra",
}


def _error_items(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            yield FIELD_COLUMNS.get(name, ""), [m for e in errors for m in e.messages]
    else:
        yield "", exc.messages
