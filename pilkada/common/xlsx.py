"""XLSX (Excel) in and out, mirroring `csvio`: staff keep their lists in Excel.

Writing (`xlsx_response`): one sheet, a bold header row, every text cell stored as text, never
as a formula, and neutralised like `csvio.spreadsheet_safe` (a cell that starts with "=" stays
harmless even after the sheet is saved again as CSV); characters XML cannot carry are dropped.

Reading (`read_xlsx_rows`): the first sheet, the first row as the header (compared without case
or surrounding spaces), every later non-empty row as a dict of strings, with the sheet's row
number; dates come as YYYY-MM-DD and whole numbers without ".0". A file that is not an XLSX
workbook, too large, or (once unpacked) too large is a clear ValidationError, never a 500.
"""

import datetime as dt
import io
import zipfile

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from pilkada.common.csvio import attachment_filename, spreadsheet_safe

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# An XLSX is a zip of XML: a small upload may unpack to gigabytes (a zip bomb). Refuse before
# parsing when the parts would unpack to more than this.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

# --- writing ----------------------------------------------------------------------------------


def _cell(sheet, value):
    if value is None:
        return WriteOnlyCell(sheet, value="")
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float | dt.date):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)  # Excel has no time zones; callers pass local time
        return WriteOnlyCell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", spreadsheet_safe(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text, even when it looks like a formula
    return cell


def xlsx_bytes(header, rows, *, title: str = "Data") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = _cell(sheet, name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(filename: str, header, rows) -> HttpResponse:
    """An attachment response (`filename` without .xlsx) holding one sheet: header, then rows."""
    response = HttpResponse(xlsx_bytes(header, rows), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{attachment_filename(filename)}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- reading ----------------------------------------------------------------------------------


def is_xlsx(raw: bytes) -> bool:
    """An XLSX file is a zip archive; a CSV never starts like one."""
    return raw[:4] == b"PK\x03\x04"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _open(raw: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ValidationError(_("Berkas ini bukan XLSX yang dapat dibaca."), code="xlsx") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(_("Isi berkas XLSX terlalu besar."), code="too_large")
    try:
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise ValidationError(_("Berkas ini bukan XLSX yang dapat dibaca."), code="xlsx") from exc


def read_xlsx_rows(
    upload, *, required, known, max_rows: int, max_bytes: int = DEFAULT_MAX_BYTES
) -> list[tuple[int, dict[str, str]]]:
    """(row number, row) for every non-empty row of the first sheet, keys lower-cased, like
    `csvio.read_rows`; ValidationError otherwise. `upload` is a file or the file's bytes."""
    raw = upload if isinstance(upload, bytes) else upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValidationError(
            _("Berkas lebih dari %(n)s KB.") % {"n": max_bytes // 1024}, code="too_large"
        )
    if not raw.strip():
        raise ValidationError(_("Berkas kosong."), code="empty")
    workbook = _open(raw)
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        lines = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
        header = [_text(value).lower() for value in next(lines, ())]
        missing = [c for c in required if c not in header]
        if missing:
            raise ValidationError(
                _("Kolom wajib tidak ada: %(cols)s. Kolom yang dikenal: %(all)s.")
                % {"cols": ", ".join(missing), "all": ", ".join(known)},
                code="columns",
            )
        rows = []
        for number, values in enumerate(lines, start=2):
            row = {key: _text(value) for key, value in zip(header, values, strict=False) if key}
            if not any(row.values()):
                continue
            if len(rows) >= max_rows:
                raise ValidationError(
                    _("Paling banyak %(n)s baris per impor.") % {"n": max_rows}, code="rows"
                )
            for key in filter(None, header):
                row.setdefault(key, "")  # a short row: its missing cells are empty
            rows.append((number, row))
    finally:
        workbook.close()
    if not rows:
        raise ValidationError(_("Berkas tidak berisi baris data."), code="empty")
    return rows
