"""XLSX in and out, beside the CSV helper and with the same safety against formula injection.

Writing: numbers stay numbers, dates are dates (with a date format, so Excel sorts and filters
them), datetimes keep the wall-clock time they were given in (a spreadsheet cell has no zone),
text goes through the same `spreadsheet_safe` as CSV and is stored as a string, never as a
formula; the header row is bold and frozen, columns are as wide as their content.

Reading: an uploaded workbook becomes the CSV text the CSV reader already checks (headers, row
limit, line numbers), so both formats share one validation path and one error report. Only the
first sheet is read, values only (a formula gives its last computed value), and the archive is
checked for its unpacked size before it is opened.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pilkada.common.csvio import attachment_filename, csv_response, decode_csv, spreadsheet_safe

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH = 6, 60

# --- writing ----------------------------------------------------------------------------------


def _cell_value(value):
    """The typed value of one cell and its number format (or None)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float | Decimal):
        return value, None
    if isinstance(value, dt.datetime):
        # The wall-clock time as given (already in the region's zone); Excel has no zones.
        return value.replace(tzinfo=None, microsecond=0), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    # Control characters make an invalid workbook; CSV keeps them, a cell cannot.
    return ILLEGAL_CHARACTERS_RE.sub("", spreadsheet_safe(value)), None


class XlsxWriter:
    """Rows into one worksheet; `content()` gives the finished workbook.

    Rows are kept until `content()`: the column widths come from the whole content and a
    write-only workbook (streamed XML, the fastest openpyxl has) needs them before the first row.
    """

    def __init__(self, *, sheet_title: str = "Data", text_columns: Iterable[str] = ()):
        # Sheet names: at most 31 characters, none of []:*?/\ .
        self._title = "".join(c for c in sheet_title if c not in "[]:*?/\\")[:31] or "Data"
        self._rows: list[list] = []
        self._widths: list[int] = []
        # Columns of codes ("17.10", "0812...") are formatted as text, so what a person types
        # there later is not turned into a number.
        self._text_columns = set(text_columns)

    def writerow(self, row: Sequence) -> None:
        values = [_cell_value(raw) for raw in row]
        for column, (value, _format) in enumerate(values):
            width = _display_width(value)
            if column >= len(self._widths):
                self._widths.append(width)
            elif width > self._widths[column]:
                self._widths[column] = width
        self._rows.append(values)

    def content(self) -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(self._title)
        header = [value for value, _format in self._rows[0]] if self._rows else []
        for column, width in enumerate(self._widths, start=1):
            dimension = sheet.column_dimensions[get_column_letter(column)]
            dimension.width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
            if column <= len(header) and header[column - 1] in self._text_columns:
                dimension.number_format = "@"
        if self._rows:
            sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        for index, values in enumerate(self._rows):
            cells = []
            for value, number_format in values:
                if index == 0 or number_format:
                    cell = WriteOnlyCell(sheet, value=value)
                    if index == 0:
                        cell.font = bold
                    if number_format:
                        cell.number_format = number_format
                    cells.append(cell)
                else:
                    # Text never starts with "=" here (spreadsheet_safe), so it stays text.
                    cells.append(value)
            sheet.append(cells)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """An attachment response for a workbook (`filename` without .xlsx)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{attachment_filename(filename)}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def table_response(
    fmt: str,
    filename: str,
    rows: Iterable[Sequence],
    *,
    sheet_title: str = "Data",
    text_columns: Iterable[str] = (),
) -> HttpResponse:
    """The rows (header first) as a CSV or XLSX download: one export, two formats."""
    if fmt == "xlsx":
        writer = XlsxWriter(sheet_title=sheet_title, text_columns=text_columns)
        for row in rows:
            writer.writerow(row)
        return xlsx_response(filename, writer.content())
    response, csv_writer = csv_response(filename)
    for row in rows:
        csv_writer.writerow([_csv_value(v) for v in row])
    return response


def _csv_value(value):
    """Dates as ISO 8601 in CSV, as the CSV exports always wrote them."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def export_format(request, *, param: str = "format") -> str | None:
    """`csv` or `xlsx` when the query string asks for a download, otherwise None."""
    value = request.GET.get(param)
    return value if value in FORMATS else None


# --- reading ----------------------------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) container
MAX_UNPACKED_FACTOR = 20  # a sheet's XML packs about 5-10 times; more is a zip bomb
MAX_COLUMNS = 100


def decode_table_upload(upload, *, max_bytes: int) -> str:
    """The CSV text of an uploaded CSV or XLSX file, or a ValidationError saying what is wrong."""
    if upload.size is not None and upload.size > max_bytes:
        raise _too_large(max_bytes)
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise _too_large(max_bytes)
    if raw.startswith(XLSX_MAGIC):
        return xlsx_to_csv_text(raw, max_bytes=max_bytes)
    if raw.startswith(OLE_MAGIC):
        raise ValidationError(
            _("Berkas Excel lama (.xls) tidak didukung; simpan sebagai .xlsx atau CSV UTF-8."),
            code="xls",
        )
    return decode_csv(raw, max_bytes=max_bytes)


def xlsx_to_csv_text(raw: bytes, *, max_bytes: int, max_rows: int = 100_000) -> str:
    """The first sheet of a workbook as CSV text (every cell quoted, dates in ISO 8601)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > max_bytes * MAX_UNPACKED_FACTOR:
            raise _too_large(max_bytes)
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken archive is the uploader's problem, said plainly
        raise ValidationError(
            _("Berkas tidak dapat dibaca sebagai .xlsx; simpan ulang dari Excel atau sebagai CSV."),
            code="xlsx",
        ) from exc
    out = io.StringIO()
    # Quoting every cell keeps the CSV reader's delimiter sniffing on ",", even when the
    # cells hold ";"-separated lists.
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    try:
        sheet = book.worksheets[0]
        for count, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)):
            if count >= max_rows:
                break
            cells = [_text(value) for value in row]
            while cells and not cells[-1]:  # max_col pads every row with empty cells
                cells.pop()
            writer.writerow(cells)
    finally:
        book.close()
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time.min:
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).replace("\x00", "")


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("Berkas lebih dari %(n)s KB.") % {"n": max_bytes // 1024}, code="too_large"
    )
