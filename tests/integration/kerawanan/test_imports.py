"""Import of IKP results and TPS rawan lists from CSV and XLSX (all or nothing, a report per row),
the downloadable templates, and the export of a filtered list."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kerawanan.enums import RiskChangeKind, RiskLevel, Visibility
from kerawanan.models import Risk, RiskChange
from kerawanan.services.imports import COLUMNS, export_header, risks_import
from pilkada.common.csvio import read_rows
from pilkada.common.xlsx import XlsxWriter

HEADER = [
    "kode_wilayah", "tps", "judul", "kategori", "dimensi", "subdimensi", "kemungkinan",
    "dampak", "sumber", "visibilitas", "tinjauan", "lembaga_bertindak",
]  # fmt: skip
TPS_ROW = [
    "17.01.01.2001", "3;7", "TPS di tepi sungai", "bencana", "Penyelenggaraan pemilu",
    "Pelaksanaan pemungutan suara", "4", "4", "ikp_bawaslu", "", "2030-01-15", "Polres 17.01",
]  # fmt: skip
ASN_ROW = [
    "17.01", "", "Netralitas ASN", "Netralitas ASN/TNI/Polri", "penyelenggaraan pemilu", "",
    "3", "3", "IKP Bawaslu", "Dapat diringkas publik", "15/01/2030", "",
]  # fmt: skip
GOOD = [TPS_ROW, ASN_ROW]
BASE = ["17.01", "", "x", "bencana", "Kontestasi", "", "3", "3", "ikp_bawaslu", "", "", ""]


def _xlsx(header, rows) -> bytes:
    writer = XlsxWriter()
    for row in [header, *rows]:
        writer.writerow(row)
    return writer.content()


def _rows(lines: list[list[str]]):
    """(line, row) as the readers give them: the header is line 1."""
    return [(number, dict(zip(HEADER, line, strict=True))) for number, line in enumerate(lines, 2)]


def _csv(lines: list[list[str]], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for line in [HEADER, *lines]:
        writer.writerow(line)
    return ("\ufeff" + out.getvalue()).encode()


def _bad(**changes) -> list[str]:
    line = list(BASE)
    for column, value in changes.items():
        line[HEADER.index(column)] = value
    return line


def _upload(client, person, owner, content: bytes, name: str):
    client.force_login(person)
    return client.post(
        reverse("kerawanan:import"),
        {"owner": owner.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_good_csv_creates_every_risk_with_its_history(people, agencies, dimension):
    report = risks_import(
        actor=people["owner_liaison"], owner=agencies["bawaslu"], rows=_rows(GOOD)
    )
    assert report.ok, report.errors
    assert report.created == 2
    tps, asn = Risk.objects.order_by("pk")
    assert (tps.tps_numbers, tps.level, tps.subdimension.name) == (
        [3, 7],
        RiskLevel.HIGH,
        "Pelaksanaan pemungutan suara",
    )
    assert [a.name for a in tps.acting_agencies.all()] == ["Polres 17.01"]
    assert (asn.category, asn.visibility, asn.review_on.isoformat()) == (
        "netralitas",
        Visibility.PUBLIC_SUMMARY,
        "2030-01-15",
    )
    assert RiskChange.objects.filter(kind=RiskChangeKind.IMPORTED).count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kode_wilayah": ""}, "Kolom kode_wilayah kosong."),
        (
            {"kode_wilayah": "17.99"},
            "Kode wilayah bukan kabupaten/kota, kecamatan, atau desa: 17.99.",
        ),
        ({"kode_wilayah": "17"}, "Kode wilayah bukan kabupaten/kota, kecamatan, atau desa: 17."),
        ({"kode_wilayah": "17.02"}, "Wilayah Kabupaten 17.02 di luar kewenangan Anda."),
        (
            {"kode_wilayah": "17.01.01.2001", "tps": "abc"},
            "Nomor TPS harus angka 1-999, dipisah koma: abc.",
        ),
        ({"kategori": "banjir"}, "Nilai kategori tidak dikenal: banjir."),
        ({"dimensi": "Dimensi X"}, "Dimensi IKP tidak dikenal: Dimensi X."),
        ({"subdimensi": "Keamanan"}, "Subdimensi tidak dikenal di dimensi Kontestasi: Keamanan."),
        ({"kemungkinan": "6"}, "kemungkinan harus angka 1-5: 6."),
        ({"dampak": "tinggi"}, "dampak harus angka 1-5: tinggi."),
        ({"sumber": "koran"}, "Nilai sumber tidak dikenal: koran."),
        ({"visibilitas": "umum"}, "Nilai visibilitas tidak dikenal: umum."),
        ({"tinjauan": "besok"}, "Tanggal tinjauan harus TTTT-BB-HH: besok."),
        ({"lembaga_bertindak": "Polsek Hantu"}, "Lembaga tidak ditemukan: Polsek Hantu."),
        (
            {"kode_wilayah": "17.01.01", "tps": "5"},
            "Nomor TPS hanya untuk kerawanan di desa/kelurahan.",
        ),
    ],
)
def test_each_kind_of_bad_row_is_reported_and_nothing_is_saved(
    people, agencies, dimension, changes, message
):
    rows = _rows([TPS_ROW, _bad(**changes)])
    report = risks_import(actor=people["owner_liaison"], owner=agencies["bawaslu"], rows=rows)
    assert not report.ok
    assert [(e.line, message in e.messages) for e in report.errors] == [(3, True)]
    assert Risk.objects.count() == 0


def test_an_ambiguous_agency_name_is_reported(people, agencies, dimension):
    from tests import factories

    factories.AgencyFactory(name="Polres 17.01", region=agencies["polres_other"].region)
    report = risks_import(
        actor=people["owner_liaison"], owner=agencies["bawaslu"], rows=_rows(GOOD)
    )
    assert [e.messages for e in report.errors] == [["Nama lembaga tidak unik: Polres 17.01."]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_upload_through_the_page(client, people, agencies, dimension, kind):
    content = _csv(GOOD) if kind == "csv" else _xlsx(HEADER, GOOD)
    response = _upload(client, people["owner_liaison"], agencies["bawaslu"], content, f"ikp.{kind}")
    assert response.status_code == 302
    assert sorted(Risk.objects.values_list("title", flat=True)) == [
        "Netralitas ASN",
        "TPS di tepi sungai",
    ]


def test_a_bad_xlsx_row_gives_the_report_on_the_page(client, people, agencies, dimension):
    content = _xlsx(HEADER, [TPS_ROW, _bad(kemungkinan="9")])
    response = _upload(client, people["owner_liaison"], agencies["bawaslu"], content, "ikp.xlsx")
    assert response.status_code == 400
    assert [(e.line, e.messages) for e in response.context["report"].errors] == [
        (3, ["kemungkinan harus angka 1-5: 9."])
    ]
    assert Risk.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe bukan utf8", b"judul\nx\n", b"PK\x03\x04rusak"],
)
def test_a_broken_file_is_a_form_error(client, people, agencies, content):
    response = _upload(client, people["owner_liaison"], agencies["bawaslu"], content, "rusak.csv")
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert Risk.objects.count() == 0


def test_the_owner_must_be_an_agency_the_person_records_for(client, people, agencies):
    response = _upload(client, people["owner_liaison"], agencies["polres"], b"x", "a.csv")
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors


def test_templates_in_both_formats_import_cleanly(client, people, agencies, dimension):
    client.force_login(people["province_staff"])
    csv_text = client.get(reverse("kerawanan:import_template", args=["csv"])).content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[0] == ",".join(COLUMNS)
    xlsx = client.get(reverse("kerawanan:import_template", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in sheet[1]] == COLUMNS
    assert client.get(reverse("kerawanan:import_template", args=["pdf"])).status_code == 404
    rows = read_rows(csv_text, required=[], known=COLUMNS, max_rows=10)
    report = risks_import(actor=people["province_staff"], owner=agencies["bawaslu"], rows=rows)
    assert report.ok, report.errors


def test_an_export_imports_again(client, people, agencies, make_risk):
    make_risk(title="Satu", tps_numbers=[2, 5])
    make_risk(
        title="Dua",
        visibility=Visibility.SECRET,
        acting_agencies=[agencies["polres"], agencies["kodim"]],
    )
    client.force_login(people["regency_staff"])
    body = client.get(reverse("kerawanan:risk_list"), {"format": "csv"}).content.decode("utf-8-sig")
    rows = read_rows(body, required=[], known=export_header(), max_rows=10)
    assert [r["judul"] for _l, r in rows] == ["Satu", "Dua"]
    assert rows[0][1]["tps"] == "2;5"
    assert rows[1][1]["lembaga_bertindak"] == "Kodim 17.01;Polres 17.01"
    Risk.objects.all().delete()
    report = risks_import(actor=people["regency_staff"], owner=agencies["bawaslu"], rows=rows)
    assert report.ok, report.errors
    assert Risk.objects.count() == 2


def test_export_follows_the_filters(client, people, make_risk):
    make_risk(title="Tinggi", likelihood=4, impact=4)
    make_risk(title="Rendah", likelihood=1, impact=1)
    client.force_login(people["regency_staff"])
    xlsx = client.get(reverse("kerawanan:risk_list"), {"format": "xlsx", "tingkat": "3"}).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Tinggi"]
