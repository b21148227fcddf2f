"""XLSX beside CSV: every staff export and import template in both formats, typed cells, the same
formula safety as CSV, and every CSV import also reading a workbook."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from coordination.enums import AgencyKind
from coordination.models import Agency, ReadinessTask, Region
from outreach.models import OutreachEvent
from pilkada.common.xlsx import XLSX_CONTENT_TYPE, XlsxWriter, decode_table_upload
from tests import factories

JAKARTA = ZoneInfo("Asia/Jakarta")


def _book(content: bytes):
    return load_workbook(io.BytesIO(content))


def _values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _workbook_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the writer -------------------------------------------------------------------------------


def test_writer_types_cells_and_neutralises_formulas():
    writer = XlsxWriter(sheet_title="Tugas: kesiapan/2024")
    writer.writerow(["judul", "tenggat", "mulai", "kemajuan", "catatan"])
    writer.writerow(
        [
            '=HYPERLINK("http://x","klik")',
            dt.date(2024, 11, 27),
            dt.datetime(2024, 11, 27, 7, 30, tzinfo=JAKARTA),
            60,
            "baris\x01satu",
        ]
    )
    sheet = _book(writer.content()).active
    assert sheet.title == "Tugas kesiapan2024"
    assert _values(sheet) == [
        ["judul", "tenggat", "mulai", "kemajuan", "catatan"],
        [
            '\'=HYPERLINK("http://x","klik")',
            dt.datetime(2024, 11, 27, 0, 0),
            dt.datetime(2024, 11, 27, 7, 30),
            60,
            "barissatu",
        ],
    ]
    assert sheet["A2"].data_type == "s"
    assert (sheet["B2"].number_format, sheet["C2"].number_format) == (
        "yyyy-mm-dd",
        "yyyy-mm-dd hh:mm",
    )
    assert sheet["A1"].font.bold is True
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 32
    assert sheet.column_dimensions["D"].width == 10


def test_reader_turns_the_first_sheet_into_csv_text():
    raw = _workbook_bytes(
        [
            ["judul", "tenggat", "kemajuan", "segmen"],
            ["Rakor", dt.datetime(2024, 11, 27), 40.0, "keluarga;perempuan"],
            ["Bimtek", dt.datetime(2024, 11, 20, 9, 0), None, None],
        ]
    )
    upload = SimpleUploadedFile("t.xlsx", raw)
    assert decode_table_upload(upload, max_bytes=1024 * 1024).splitlines() == [
        '"judul","tenggat","kemajuan","segmen"',
        '"Rakor","2024-11-27","40","keluarga;perempuan"',
        '"Bimtek","2024-11-20 09:00"',
    ]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
        (b"PK\x03\x04\x00\x00\x08\x00judul", "xlsx"),
    ],
)
def test_reader_refuses_old_and_broken_workbooks_with_a_message(raw, code):
    with pytest.raises(ValidationError) as caught:
        decode_table_upload(SimpleUploadedFile("t.xlsx", raw), max_bytes=1024 * 1024)
    assert caught.value.code == code


def test_reader_refuses_a_zip_bomb_before_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * (30 * 1024 * 1024))
    raw = out.getvalue()
    assert len(raw) < 1024 * 1024
    with pytest.raises(ValidationError) as caught:
        decode_table_upload(SimpleUploadedFile("t.xlsx", raw), max_bytes=1024 * 1024)
    assert caught.value.code == "too_large"


# --- exports through the pages ----------------------------------------------------------------


def test_task_list_exports_xlsx_with_typed_cells(client, regency_staff):
    regency = Region.objects.get(code="17.01")
    agency = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=regency, name="@Bawaslu")
    task = factories.ReadinessTaskFactory(
        region=regency,
        agency=agency,
        title="=1+1",
        due_on=dt.date(2024, 11, 20),
        progress=40,
    )
    client.force_login(regency_staff)
    response = client.get(reverse("coordination:task_list"), {"format": "xlsx"})
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = _book(response.content).active
    header, row = _values(sheet)
    record = dict(zip(header, row, strict=True))
    assert (record["id"], record["judul"], record["lembaga"], record["wilayah"]) == (
        task.pk,
        "'=1+1",
        "'@Bawaslu",
        "17.01",
    )
    assert (record["tenggat"], record["kemajuan"]) == (dt.datetime(2024, 11, 20), 40)
    assert sheet.freeze_panes == "A2"


def test_task_csv_export_keeps_iso_dates(client, regency_staff):
    regency = Region.objects.get(code="17.01")
    agency = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=regency)
    factories.ReadinessTaskFactory(region=regency, agency=agency, due_on=dt.date(2024, 11, 20))
    client.force_login(regency_staff)
    body = client.get(reverse("coordination:task_list"), {"format": "csv"}).content
    assert ",2024-11-20," in body.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("name", "kwargs", "query"),
    [
        ("coordination:dashboard", {}, {"format": "xlsx"}),
        ("outreach:coverage_xlsx", {}, {}),
        ("outreach:coverage_regency_xlsx", {"code": "17.01"}, {}),
    ],
)
def test_staff_exports_also_as_xlsx(client, province_staff, name, kwargs, query):
    client.force_login(province_staff)
    response = client.get(reverse(name, kwargs=kwargs), query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    header = _values(_book(response.content).active)[0]
    assert header[0] == "kode"


def test_dashboard_xlsx_counts_are_numbers(client, province_staff):
    regency = Region.objects.get(code="17.01")
    agency = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=regency)
    factories.ReadinessTaskFactory(region=regency, agency=agency, category="logistik")
    client.force_login(province_staff)
    response = client.get(reverse("coordination:dashboard"), {"format": "xlsx"})
    rows = _values(_book(response.content).active)
    logistics = [r for r in rows if r[0] == "17.01" and r[2] == "logistik"]
    assert logistics == [["17.01", regency.name, "logistik", 0, 1, 0, 0, 0]]


@pytest.mark.parametrize(
    ("name", "query", "first"),
    [
        ("coordination:task_import", {"template": "xlsx"}, "judul"),
        ("outreach:manage_import_template_xlsx", {}, "judul"),
    ],
)
def test_import_templates_in_xlsx(client, regency_staff, name, query, first):
    client.force_login(regency_staff)
    response = client.get(reverse(name), query)
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = _book(response.content).active
    assert sheet["A1"].value == first
    assert sheet.freeze_panes == "A2"


def test_task_template_in_csv_too(client, regency_staff):
    client.force_login(regency_staff)
    for query in ({"template": "csv"}, {"template": "1"}):
        response = client.get(reverse("coordination:task_import"), query)
        assert response.content.decode("utf-8-sig").splitlines() == [
            "judul,keterangan,kategori,tahapan,wilayah,lembaga,tenggat,prioritas,status,kemajuan"
        ]


# --- imports from a workbook ------------------------------------------------------------------


def test_task_import_reads_xlsx(client, regency_staff):
    election = factories.ElectionFactory()
    regency = Region.objects.get(code="17.01")
    factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=regency, name="Bawaslu Uji")
    raw = _workbook_bytes(
        [
            ["Judul", "Kategori", "Wilayah", "Lembaga", "Tenggat", "Kemajuan"],
            ["Gudang logistik", "Logistik", "17.01", "Bawaslu Uji", dt.datetime(2024, 11, 20), 25],
        ]
    )
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:task_import"),
        {"election": election.pk, "file": SimpleUploadedFile("tugas.xlsx", raw)},
    )
    assert response.status_code == 302
    assert list(ReadinessTask.objects.values_list("title", "due_on", "progress")) == [
        ("Gudang logistik", dt.date(2024, 11, 20), 25)
    ]


def test_task_import_xlsx_errors_name_the_sheet_row(client, regency_staff):
    election = factories.ElectionFactory()
    raw = _workbook_bytes(
        [["judul", "kategori", "wilayah", "lembaga", "tenggat"], ["A", "nope", "17.01", "x", "?"]]
    )
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:task_import"),
        {"election": election.pk, "file": SimpleUploadedFile("tugas.xlsx", raw)},
    )
    assert response.status_code == 400
    assert [e.line for e in response.context["report"].errors] == [2]
    assert ReadinessTask.objects.count() == 0


def test_event_import_reads_xlsx(client, regency_staff):
    organiser = Agency.objects.get(kind=AgencyKind.KPU, region_id="17.01")
    raw = _workbook_bytes(
        [
            ["judul", "metode", "segmen", "kode_wilayah", "tempat", "mulai", "selesai",
             "penyelenggara"],
            ["Forum A", "forum_warga", "keluarga;perempuan", "17.01.01.2001", "Balai",
             dt.datetime(2030, 3, 12, 9, 0), dt.datetime(2030, 3, 12, 11, 0), organiser.name],
        ]
    )  # fmt: skip
    client.force_login(regency_staff)
    response = client.post(
        reverse("outreach:manage_import"), {"file": SimpleUploadedFile("acara.xlsx", raw)}
    )
    assert response.status_code == 302
    event = OutreachEvent.objects.get()
    assert (event.title, sorted(event.segments)) == ("Forum A", ["keluarga", "perempuan"])
    assert event.starts_at.astimezone(JAKARTA) == dt.datetime(2030, 3, 12, 9, 0, tzinfo=JAKARTA)
