"""The shared XLSX writer and reader (pilkada/common/xlsx.py)."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from pilkada.common.xlsx import MAX_UNPACKED_BYTES, read_xlsx_rows, xlsx_bytes, xlsx_response

pytestmark = pytest.mark.unit

LIMITS = {"required": ["judul"], "known": ["judul", "tanggal"], "max_rows": 3}


def _sheet(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_text_that_looks_like_a_formula_is_stored_as_neutralised_text():
    raw = xlsx_bytes(["judul"], [['=HYPERLINK("http://x")'], ["+1"], ["biasa"], [42], [None]])
    sheet = load_workbook(io.BytesIO(raw)).active
    cells = [sheet.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.value for c in cells] == ['\'=HYPERLINK("http://x")', "'+1", "biasa", 42, None]
    assert [c.data_type for c in cells[:3]] == ["s", "s", "s"]
    sheet_xml = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml  # no formula anywhere
    assert sheet.cell(row=1, column=1).font.bold


def test_characters_xml_cannot_carry_are_dropped_and_dates_stay_dates():
    raw = xlsx_bytes(["judul", "tanggal"], [["a\x00b\x07c", dt.date(2024, 11, 27)]])
    sheet = load_workbook(io.BytesIO(raw)).active
    assert sheet.cell(row=2, column=1).value == "abc"
    assert sheet.cell(row=2, column=2).value == dt.datetime(2024, 11, 27)


def test_response_is_an_attachment_with_a_safe_name():
    response = xlsx_response("kerawanan 17/02", ["a"], [[1]])
    assert response["Content-Disposition"] == 'attachment; filename="kerawanan-17-02.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_reading_gives_line_numbers_and_strings_like_csvio():
    raw = _sheet(
        [
            [" Judul ", "TANGGAL", None],
            ["Satu", dt.datetime(2024, 11, 27), "x"],
            [None, None],
            ["Dua", 3.0],
            ["Tiga"],
        ]
    )
    assert read_xlsx_rows(raw, **LIMITS) == [
        (2, {"judul": "Satu", "tanggal": "2024-11-27"}),
        (4, {"judul": "Dua", "tanggal": "3"}),
        (5, {"judul": "Tiga", "tanggal": ""}),
    ]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "empty"),
        (b"judul\nsatu\n", "xlsx"),  # a zip magic would be needed; this is a CSV
        (b"PK\x03\x04 bukan zip", "xlsx"),
        (_sheet([["nama"], ["x"]]), "columns"),
        (_sheet([["judul"]]), "empty"),
        (_sheet([["judul"], ["1"], ["2"], ["3"], ["4"]]), "rows"),
        (b"x" * (2 * 1024 * 1024 + 1), "too_large"),
    ],
)
def test_bad_files_are_clear_validation_errors(raw, code):
    with pytest.raises(ValidationError) as caught:
        read_xlsx_rows(raw, **LIMITS)
    assert caught.value.code == code


def test_a_zip_that_would_unpack_too_large_is_refused_before_parsing():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"0" * (MAX_UNPACKED_BYTES + 1))
    with pytest.raises(ValidationError) as caught:
        read_xlsx_rows(out.getvalue(), **LIMITS)
    assert caught.value.code == "too_large"
