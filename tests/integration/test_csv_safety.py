"""CSV in and out across both apps: bad uploads get a message (never a 500), and no exported cell
runs as a spreadsheet formula."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.enums import AgencyKind
from coordination.models import ReadinessTask, Region
from outreach.models import OutreachEvent
from tests import factories

TASK_HEADER = "judul,kategori,wilayah,lembaga,tenggat\n"
EVENT_HEADER = "judul,metode,segmen,kode_wilayah,tempat,mulai,selesai,penyelenggara\n"

BAD_FILES = {
    "latin-1": "judul,kategori\nRapat di Muara Kemumu ke-\xe9\n".encode("latin-1"),
    "empty": b"",
    "only blank lines": b"\r\n\r\n  \n",
    "excel binary": b"PK\x03\x04\x00\x00\x08\x00judul",
    "binary": b"judul,kategori\x00\x00\x01\x02",
    "missing columns": b"judul,keterangan\nA,B\n",
    "header only": b"judul,kategori,wilayah,lembaga,tenggat,metode,segmen,kode_wilayah,"
    b"mulai,selesai,penyelenggara\n",
    "cell past the csv module's limit": b"judul,kategori,wilayah,lembaga,tenggat,metode,segmen,"
    b'kode_wilayah,mulai,selesai,penyelenggara\n"' + b"x" * 200_000 + b'",a,b\n',
    "unterminated quote": b"judul,kategori,wilayah,lembaga,tenggat,metode,segmen,kode_wilayah,"
    b'mulai,selesai,penyelenggara\n"A,b\n',
}


NOT_UTF8 = "Berkas harus CSV dengan penyandian UTF-8."
# Django's "The submitted file is empty.", in the wording of the REST framework's catalogue, which
# comes before Django's own (INSTALLED_APPS): the forms and the API say it the same way.
EMPTY_UPLOAD = "Berkas kosong."
BLANK = "Berkas kosong."
NOT_TEXT = "Berkas ini bukan CSV teks (mungkin berkas Excel); simpan sebagai CSV UTF-8."
# A file that starts like a workbook is read as one (imports accept .xlsx).
NOT_XLSX = "Berkas tidak dapat dibaca sebagai .xlsx; simpan ulang dari Excel atau sebagai CSV."
NO_ROWS = "Berkas tidak berisi baris data."
TOO_LONG = "Baris 1 tidak dapat dibaca sebagai CSV: field larger than field limit (131072)"

# What each bad file gets from the task import: the file field's error (the form answers 200),
# or per-row errors (the report answers 400).
TASK_IMPORT_ANSWERS = {
    "latin-1": {"file": [NOT_UTF8]},
    "empty": {"file": [EMPTY_UPLOAD]},
    "only blank lines": {"file": [BLANK]},
    "excel binary": {"file": [NOT_XLSX]},
    "binary": {"file": [NOT_TEXT]},
    "missing columns": {
        "file": [
            "Kolom wajib tidak ada: kategori, wilayah, lembaga, tenggat. Kolom yang dikenal: "
            "judul, keterangan, kategori, tahapan, wilayah, lembaga, tenggat, prioritas, status, "
            "kemajuan."
        ]
    },
    "header only": {"file": [NO_ROWS]},
    "cell past the csv module's limit": {"file": [TOO_LONG]},
    # The quote runs to the end of the file: one row whose other columns are empty.
    "unterminated quote": [
        (2, ["Kolom kategori kosong.", "Kolom wilayah kosong.", "Kolom lembaga kosong.",
             "Kolom tenggat kosong."]),
    ],
}  # fmt: skip

# The same files at the event import: the file field's error, or (line, column, message) rows.
EVENT_IMPORT_ANSWERS = {
    "latin-1": {"file": [NOT_UTF8]},
    "empty": {"file": [EMPTY_UPLOAD]},
    "only blank lines": {"file": [BLANK]},
    "excel binary": {"file": [NOT_XLSX]},
    "binary": {"file": [NOT_TEXT]},
    "missing columns": [
        (
            1,
            "",
            "Kolom wajib tidak ada: kode_wilayah, metode, mulai, penyelenggara, segmen, "
            "selesai. Kolom yang dikenal: judul, deskripsi, metode, segmen, kode_wilayah, tempat, "
            "saluran, tautan, mulai, selesai, penyelenggara, mitra, status.",
        ),
    ],
    "header only": [(1, "", NO_ROWS)],
    "cell past the csv module's limit": [(1, "", TOO_LONG)],
    "unterminated quote": [
        (2, "metode", 'Metode "" tidak dikenal.'),
        (2, "segmen", "Isi sedikitnya satu segmen."),
        (2, "kode_wilayah", 'Kode wilayah "" tidak dikenal.'),
        (2, "mulai", 'Waktu "" tidak dikenali; pakai TTTT-BB-HH JJ:MM.'),
        (2, "selesai", 'Waktu "" tidak dikenali; pakai TTTT-BB-HH JJ:MM.'),
        (2, "penyelenggara", "Penyelenggara wajib diisi."),
    ],
}


def test_every_bad_file_has_its_expected_answers():
    assert sorted(TASK_IMPORT_ANSWERS) == sorted(EVENT_IMPORT_ANSWERS) == sorted(BAD_FILES)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_task_import_bad_file_gets_a_message(client, regency_staff, election, name):
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:task_import"),
        {"election": election.pk, "file": SimpleUploadedFile("t.csv", BAD_FILES[name])},
    )
    expected = TASK_IMPORT_ANSWERS[name]
    report = response.context["report"]
    if isinstance(expected, dict):
        assert response.status_code == 200
        assert response.context["form"].errors == expected
        assert report is None
    else:
        assert response.status_code == 400
        assert response.context["form"].errors == {}
        assert [(e.line, e.messages) for e in report.errors] == expected
    assert ReadinessTask.objects.count() == 0


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_event_import_bad_file_gets_a_message(client, regency_staff, name):
    client.force_login(regency_staff)
    response = client.post(
        reverse("outreach:manage_import"),
        {"file": SimpleUploadedFile("e.csv", BAD_FILES[name])},
    )
    assert response.status_code == 200
    expected = EVENT_IMPORT_ANSWERS[name]
    result = response.context["result"]
    if isinstance(expected, dict):
        assert response.context["form"].errors == expected
        assert result is None
    else:
        assert response.context["form"].errors == {}
        assert [(e.line, e.column, e.message) for e in result.errors] == expected
    assert OutreachEvent.objects.count() == 0


def test_task_import_huge_file_refused_before_reading(client, regency_staff, election):
    client.force_login(regency_staff)
    big = TASK_HEADER.encode() + b"a,logistik,17.01,KPU,2030-01-01\n" * 80_000  # ~2.6 MB
    response = client.post(
        reverse("coordination:task_import"),
        {"election": election.pk, "file": SimpleUploadedFile("t.csv", big)},
    )
    assert response.context["form"].errors["file"] == ["Berkas lebih dari 2048 KB."]


def test_event_import_huge_file_refused(client, regency_staff):
    client.force_login(regency_staff)
    big = EVENT_HEADER.encode() + b"a,radio,warganet,17.01,,x,y,z\n" * 40_000
    response = client.post(
        reverse("outreach:manage_import"), {"file": SimpleUploadedFile("e.csv", big)}
    )
    assert response.context["form"].errors["file"] == ["Berkas lebih dari 1024 KB."]


def test_task_import_short_row_reports_missing_values(client, regency_staff, election):
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:task_import"),
        {
            "election": election.pk,
            "file": SimpleUploadedFile("t.csv", (TASK_HEADER + "Hanya judul\n").encode()),
        },
    )
    assert response.status_code == 400
    assert [e.line for e in response.context["report"].errors] == [2]


def test_event_import_unicode_digit_agency_id_is_an_error_not_a_crash(client, regency_staff):
    client.force_login(regency_staff)
    text = EVENT_HEADER + "A,radio,warganet,17.01,,2030-03-13 19:00,2030-03-13 20:00,\u00b2\n"
    response = client.post(
        reverse("outreach:manage_import"), {"file": SimpleUploadedFile("e.csv", text.encode())}
    )
    assert response.status_code == 200
    assert [(e.line, e.column) for e in response.context["result"].errors] == [(2, "penyelenggara")]


# --- exports ----------------------------------------------------------------------------------


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_task_csv_export_neutralises_formulas(client, regency_staff):
    regency = Region.objects.get(code="17.01")
    agency = factories.AgencyFactory(kind=AgencyKind.BAWASLU, region=regency, name="@Bawaslu")
    factories.ReadinessTaskFactory(
        region=regency, agency=agency, title='=HYPERLINK("http://x","klik")', description="+1"
    )
    client.force_login(regency_staff)
    response = client.get(reverse("coordination:task_list"), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = _rows(response)
    record = dict(zip(header, row, strict=True))
    assert (record["judul"], record["keterangan"], record["lembaga"]) == (
        '\'=HYPERLINK("http://x","klik")',
        "'+1",
        "'@Bawaslu",
    )
