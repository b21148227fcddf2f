"""CSV in and out, the same way everywhere the portal reads or writes it.

Reading: uploads are checked for size and UTF-8 (a byte-order mark is fine: spreadsheet programs
write one), the delimiter is sniffed (Indonesian spreadsheets often save with ";"), headers are
compared without case or surrounding spaces, and a broken file is a clear ValidationError, never a
500. Writing: every text cell that a spreadsheet would run as a formula is neutralised, and the
file starts with a byte-order mark so spreadsheet programs read the letters right.
"""

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

# --- writing ----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection, OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class SafeWriter:
    """A csv.writer whose text cells are neutralised; numbers pass untouched."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow(
            [v if isinstance(v, int | float) and not isinstance(v, bool) else spreadsheet_safe(v)
             for v in row]
        )  # fmt: skip


def attachment_filename(name: str) -> str:
    """A download name safe inside a Content-Disposition header: letters, digits, . _ - only."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned or "unduhan"


def csv_response(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """An attachment response (`filename` without .csv) and a safe writer into it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{attachment_filename(filename)}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response.write("\ufeff")
    return response, SafeWriter(response)


# --- reading ----------------------------------------------------------------------------------


def decode_upload(upload, *, max_bytes: int) -> str:
    """The text of an uploaded CSV file, or a ValidationError saying what is wrong with it."""
    if upload.size is not None and upload.size > max_bytes:
        raise _too_large(max_bytes)
    return decode_csv(upload.read(max_bytes + 1), max_bytes=max_bytes)


def decode_csv(raw: bytes, *, max_bytes: int) -> str:
    if len(raw) > max_bytes:
        raise _too_large(max_bytes)
    if not raw.strip():
        raise ValidationError(_("Berkas kosong."), code="empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("Berkas harus CSV dengan penyandian UTF-8."),
            code="encoding",
        ) from exc
    if "\x00" in text:
        raise ValidationError(
            _("Berkas ini bukan CSV teks (mungkin berkas Excel); simpan sebagai CSV UTF-8."),
            code="binary",
        )
    return text


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("Berkas lebih dari %(n)s KB.") % {"n": max_bytes // 1024}, code="too_large"
    )


def read_rows(text: str, *, required, known, max_rows: int) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every non-empty row, keys lower-cased; ValidationError otherwise."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = []
    try:
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise ValidationError(
                _("Kolom wajib tidak ada: %(cols)s. Kolom yang dikenal: %(all)s.")
                % {"cols": ", ".join(missing), "all": ", ".join(known)},
                code="columns",
            )
        reader.fieldnames = header
        for raw in reader:
            # A short row leaves cells None; extra cells land under None (dropped).
            row = {k: (v if isinstance(v, str) else "").strip() for k, v in raw.items() if k}
            if not any(row.values()):
                continue
            if len(rows) >= max_rows:
                raise ValidationError(
                    _("Paling banyak %(n)s baris per impor.") % {"n": max_rows}, code="rows"
                )
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        # A stray quote or an enormous cell: say where, rather than fail the whole page.
        raise ValidationError(
            _("Baris %(line)s tidak dapat dibaca sebagai CSV: %(error)s")
            % {"line": reader.line_num, "error": exc},
            code="syntax",
        ) from exc
    if not rows:
        raise ValidationError(_("Berkas tidak berisi baris data."), code="empty")
    return rows
