import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outreach.models import OutreachEvent
from tests import factories
from tests.integration.outreach.conftest import at


@pytest.fixture
def other_event(bengkulu):
    return factories.outreach_event("17.02.01.2001", when=at(3), title="Di kabupaten lain")


def test_manage_requires_kpu_staff(client, bengkulu):
    assert client.get(reverse("outreach:manage_list")).status_code == 302
    liaison = factories.liaison(factories.AgencyFactory(region_id="17"))
    client.force_login(liaison)
    for name in ["manage_list", "manage_create", "manage_import", "coverage"]:
        assert client.get(reverse(f"outreach:{name}")).status_code == 403, name


def test_regency_staff_sees_only_their_regency(client, regency_staff, event, other_event):
    client.force_login(regency_staff)
    content = client.get(reverse("outreach:manage_list")).content.decode()
    assert "Forum warga Desa Satu" in content
    assert "Di kabupaten lain" not in content


@pytest.mark.parametrize(
    "name", ["manage_detail", "manage_update", "manage_report", "manage_duplicate"]
)
def test_regency_staff_gets_404_for_other_regency_event(client, regency_staff, other_event, name):
    client.force_login(regency_staff)
    assert client.get(reverse(f"outreach:{name}", args=[other_event.pk])).status_code == 404


def test_regency_staff_cannot_change_status_outside(client, regency_staff, other_event):
    client.force_login(regency_staff)
    response = client.post(
        reverse("outreach:manage_status", args=[other_event.pk]), {"status": "cancelled"}
    )
    assert response.status_code == 404
    other_event.refresh_from_db()
    assert other_event.status == "published"


def test_regency_staff_creates_event_in_their_village(client, regency_staff, kpu_regency):
    client.force_login(regency_staff)
    data = {
        "title": "Simulasi pencoblosan",
        "method": "simulasi",
        "segments": ["pemilih_pemula", "perempuan"],
        "wilayah_kab": "17.01",
        "wilayah_kec": "17.01.02",
        "wilayah_desa": "17.01.02.2001",
        "venue": "Lapangan desa",
        "starts_at": "2030-03-12T14:00",
        "ends_at": "2030-03-12T16:00",
        "organiser": kpu_regency.pk,
        "status": "published",
    }
    response = client.post(reverse("outreach:manage_create"), data)
    event = OutreachEvent.objects.get(title="Simulasi pencoblosan")
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:manage_detail", args=[event.pk])
    assert (event.region_id, event.status, event.segments) == (
        "17.01.02.2001",
        "published",
        ["pemilih_pemula", "perempuan"],
    )
    assert event.starts_at == dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.UTC)


def test_create_form_offers_only_regions_in_scope(client, regency_staff):
    client.force_login(regency_staff)
    form = client.get(reverse("outreach:manage_create")).context["form"]
    assert [c for c, _label in form.fields["wilayah_kab"].choices] == ["", "17.01"]
    data = {"wilayah_kab": "17.02", "title": "x"}
    response = client.post(reverse("outreach:manage_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["wilayah_kab"] == [
        "Masukkan pilihan yang valid. 17.02 bukan salah satu dari pilihan yang tersedia."
    ]
    assert OutreachEvent.objects.count() == 0


def test_create_form_region_step_without_javascript_keeps_input(client, regency_staff):
    client.force_login(regency_staff)
    response = client.post(
        reverse("outreach:manage_create"),
        {"title": "Belum selesai", "segments": ["keluarga"], "wilayah_kab": "17.01",
         "wilayah_kec": "17.01.01", "_pilih_wilayah": "1"},
    )  # fmt: skip
    form = response.context["form"]
    assert response.status_code == 200
    assert [c for c, _n in form.fields["wilayah_desa"].choices] == [
        "", "17.01.01.2001", "17.01.01.2002",
    ]  # fmt: skip
    assert not form.is_bound
    content = response.content.decode()
    assert 'value="Belum selesai"' in content
    assert OutreachEvent.objects.count() == 0


def test_create_form_errors_keep_what_was_typed(client, regency_staff, kpu_regency):
    client.force_login(regency_staff)
    response = client.post(
        reverse("outreach:manage_create"),
        {"title": "Tanpa tempat", "method": "forum_warga", "segments": ["keluarga"],
         "wilayah_kab": "17.01", "starts_at": "2030-03-12T14:00", "ends_at": "2030-03-12T13:00",
         "organiser": kpu_regency.pk, "status": "draft"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "ends_at": ["Waktu selesai harus setelah waktu mulai."],
        "venue": ["Kegiatan tatap muka memerlukan tempat atau alamat."],
    }
    assert 'value="Tanpa tempat"' in response.content.decode()


def test_region_children_json_respects_scope(client, regency_staff):
    client.force_login(regency_staff)
    data = client.get(reverse("outreach:manage_region_children", args=["17.01.01"])).json()
    assert [c["code"] for c in data["children"]] == ["17.01.01.2001", "17.01.01.2002"]
    assert client.get(reverse("outreach:manage_region_children", args=["17.02"])).status_code == 404


def test_status_publish_and_cancel_through_views(client, regency_staff, bengkulu):
    draft = factories.outreach_event("17.01.01.2001", when=at(4), status="draft")
    client.force_login(regency_staff)
    url = reverse("outreach:manage_status", args=[draft.pk])
    client.post(url, {"status": "published"})
    client.post(url, {"status": "cancelled", "note": "Hujan deras"})
    draft.refresh_from_db()
    assert (draft.status, draft.cancel_note, draft.sequence) == ("cancelled", "Hujan deras", 2)


def test_report_through_view(client, regency_staff, bengkulu):
    past = factories.outreach_event("17.01.01.2001", when=at(-1))
    client.force_login(regency_staff)
    url = reverse("outreach:manage_report", args=[past.pk])
    bad = client.post(url, {"participants": 10, "women": 11, "people_with_disabilities": 0,
                            "first_time_voters": 0})  # fmt: skip
    assert bad.status_code == 200
    assert bad.context["form"].errors == {"women": ["Tidak boleh melebihi jumlah peserta."]}
    client.post(url, {"participants": 10, "women": 4, "people_with_disabilities": 1,
                      "first_time_voters": 3, "notes": "Baik"})  # fmt: skip
    past.refresh_from_db()
    assert (past.status, past.report.participants) == ("done", 10)


def test_duplicate_through_view(client, regency_staff, event):
    client.force_login(regency_staff)
    response = client.post(
        reverse("outreach:manage_duplicate", args=[event.pk]),
        {"districts": ["17.01.02"], "codes": "17.01.01.2002", "dates": "2030-01-07, 2030-01-08"},
    )
    assert response.status_code == 302
    copies = OutreachEvent.objects.exclude(pk=event.pk)
    assert sorted(copies.values_list("region_id", "local_date")) == [
        ("17.01.01.2002", dt.date(2030, 1, 7)),
        ("17.01.01.2002", dt.date(2030, 1, 8)),
        ("17.01.02", dt.date(2030, 1, 7)),
        ("17.01.02", dt.date(2030, 1, 8)),
    ]
    assert set(copies.values_list("status", flat=True)) == {"draft"}


def test_duplicate_view_rejects_region_outside_scope(client, regency_staff, event):
    client.force_login(regency_staff)
    response = client.post(
        reverse("outreach:manage_duplicate", args=[event.pk]),
        {"codes": "17.02.01 17.99.99", "dates": "2030-01-07 kemarin"},
    )
    assert response.context["form"].errors == {
        "codes": ["Kode wilayah tidak dikenal: 17.99.99", "Di luar kewenangan Anda: 17.02.01"],
        "dates": ["Tanggal tidak dikenali: kemarin"],
    }
    assert OutreachEvent.objects.count() == 1


HEADER = "judul,metode,segmen,kode_wilayah,tempat,saluran,mulai,selesai,penyelenggara,mitra,status"


def _upload(client, text: str):
    return client.post(
        reverse("outreach:manage_import"),
        {"file": SimpleUploadedFile("acara.csv", text.encode(), content_type="text/csv")},
    )


def test_import_creates_all_rows(client, regency_staff, kpu_regency):
    client.force_login(regency_staff)
    text = (
        HEADER + "\n"
        "Forum A,forum_warga,keluarga;Perempuan,17.01.01.2001,Balai,,2030-03-12 09:00,"
        "2030-03-12 11:00,KPU Kabupaten 17.01,,terbit\n"
        "Radio B,Radio,warganet,17.01,,RRI,2030-03-13 19:00,2030-03-13 20:00,"
        f"{kpu_regency.pk},,\n"
    )
    response = _upload(client, text)
    assert response.status_code == 302
    assert sorted(OutreachEvent.objects.values_list("title", "status", "method")) == [
        ("Forum A", "published", "forum_warga"),
        ("Radio B", "draft", "radio"),
    ]


def test_import_reports_every_row_error_and_saves_nothing(client, regency_staff, kpu_regency):
    client.force_login(regency_staff)
    text = (
        HEADER + "\n"
        "Forum A,forum_warga,keluarga,17.01.01.2001,Balai,,2030-03-12 09:00,2030-03-12 11:00,"
        "KPU Kabupaten 17.01,,\n"
        "Salah,sulap,alien,17.02.01.2001,,,besok,2030-03-12 11:00,Tidak Ada,,mungkin\n"
        "Tanpa tempat,seminar,keluarga,17.01.01,,,2030-03-12 09:00,2030-03-12 08:00,"
        "KPU Kabupaten 17.01,,\n"
    )
    response = _upload(client, text)
    assert response.status_code == 200
    # Every column of every row is read first. Line 4 reads well; its times and place are the
    # services' to check, once no row is left unreadable (next test).
    assert [(e.line, e.column, e.message) for e in response.context["result"].errors] == [
        (3, "metode", 'Metode "sulap" tidak dikenal.'),
        (3, "segmen", 'Segmen "alien" tidak dikenal.'),
        (3, "kode_wilayah", "Wilayah 17.02.01.2001 di luar kewenangan Anda."),
        (3, "mulai", 'Waktu "besok" tidak dikenali; pakai TTTT-BB-HH JJ:MM.'),
        (3, "penyelenggara", 'Lembaga "Tidak Ada" tidak ditemukan.'),
        (3, "status", 'Status "mungkin" tidak dikenal (draf atau terbit).'),
    ]
    assert OutreachEvent.objects.count() == 0
    assert "tidak ada yang disimpan" in response.content.decode()


def test_import_service_errors_roll_back_earlier_rows(client, regency_staff, kpu_regency):
    client.force_login(regency_staff)
    text = (
        HEADER + "\n"
        "Baik,forum_warga,keluarga,17.01.01.2001,Balai,,2030-03-12 09:00,2030-03-12 11:00,"
        "KPU Kabupaten 17.01,,\n"
        "Tanpa tempat,seminar,keluarga,17.01.01,,,2030-03-12 09:00,2030-03-12 08:00,"
        "KPU Kabupaten 17.01,,\n"
    )
    response = _upload(client, text)
    result = response.context["result"]
    assert sorted((e.line, e.column, e.message) for e in result.errors) == [
        (3, "selesai", "Waktu selesai harus setelah waktu mulai."),
        (3, "tempat", "Kegiatan tatap muka memerlukan tempat atau alamat."),
    ]
    assert result.created == []
    assert OutreachEvent.objects.count() == 0


def test_import_missing_columns_and_bad_encoding(client, regency_staff):
    client.force_login(regency_staff)
    response = _upload(client, "judul,metode\nA,radio\n")
    message = (
        "Kolom wajib tidak ada: kode_wilayah, mulai, penyelenggara, segmen, selesai. Kolom yang "
        "dikenal: judul, deskripsi, metode, segmen, kode_wilayah, tempat, saluran, tautan, mulai, "
        "selesai, penyelenggara, mitra, status."
    )
    assert [(e.line, e.message) for e in response.context["result"].errors] == [(1, message)]
    assert message in response.content.decode()
    bad = client.post(
        reverse("outreach:manage_import"),
        {"file": SimpleUploadedFile("a.csv", b"\xff\xfe\x00bad", content_type="text/csv")},
    )
    assert bad.context["form"].errors == {"file": ["Berkas harus CSV dengan penyandian UTF-8."]}


def test_import_template_download(client, regency_staff):
    client.force_login(regency_staff)
    response = client.get(reverse("outreach:manage_import_template"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="contoh-impor-sosialisasi.csv"'
    assert response.content.decode("utf-8-sig").splitlines()[0] == (
        "judul,deskripsi,metode,segmen,kode_wilayah,tempat,saluran,tautan,mulai,selesai,"
        "penyelenggara,mitra,status"
    )
