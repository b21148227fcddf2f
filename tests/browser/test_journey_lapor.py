"""Journey: a citizen reports a problem at a TPS ("Lapor"), the regency's KPU verifies it, and the
citizen follows it with the tracking code.

On a phone without JavaScript the citizen steps through kabupaten, kecamatan and desa, sends the
form and notes the code. KPU staff of Rejang Lebong (the routing rules give "Lainnya" to KPU) find
the report in the triage list and verify it with one click. The status page then says it was
verified, and shows nothing of the report's text or contact. The public pages are audited at
360 px with JavaScript (axe-core) as well.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, either, login

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


@pytest.fixture
def village(demo, settings):
    from coordination.models import Region

    # A person takes longer than the browser; the time check itself is tested in integration.
    settings.PILKADA_PUBLIC_FORM_MIN_SECONDS = 0
    return (
        Region.objects.filter(code__startswith="17.02.", level=4)
        .select_related("parent")
        .order_by("code")
        .first()
    )


def test_citizen_report_is_verified_and_followed(browse, village):
    from django.utils import timezone

    # 1. The form at 360 px with JavaScript, audited (the server sends the same HTML without).
    checked = browse("phone")
    checked.goto("/lapor/")
    audit(checked)

    # 2. The citizen, on a phone without JavaScript, from the header link.
    citizen = browse("phone", javascript=False)
    citizen.goto("/")
    citizen.get_by_role("link", name=either("Lapor", "Report")).first.click()
    expect(citizen).to_have_url(re.compile(r"/lapor/$"))
    form = citizen.get_by_role("main").locator("form")
    form.get_by_label("Kabupaten/kota").select_option("17.02")
    form.get_by_role("button", name="Tampilkan pilihan wilayah").click()
    form = citizen.get_by_role("main").locator("form")
    form.get_by_label("Kecamatan").select_option(village.parent_id)
    form.get_by_role("button", name="Tampilkan pilihan wilayah").click()
    form = citizen.get_by_role("main").locator("form")
    form.get_by_label("Desa/kelurahan").select_option(village.code)
    form.get_by_label("Jenis masalah").select_option("lainnya")
    form.get_by_label("Nomor TPS (pilihan)").fill("4")
    form.get_by_label("Tanggal kejadian").fill(timezone.localdate().isoformat())
    form.get_by_label("Apa yang terjadi?").fill("Daftar pemilih tetap tidak ditempel di TPS 4.")
    form.get_by_label("Kontak untuk tindak lanjut (pilihan)").fill("0812 5555 0101")
    form.get_by_role("button", name="Kirim laporan").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Terima kasih, laporan Anda terkirim"
    )
    code = CODE.search(citizen.get_by_role("main").inner_text()).group(0)

    # 3. The status page: waiting for verification.
    citizen.get_by_role("link", name="Lihat status laporan").click()
    citizen.get_by_label("Kode pelacakan").fill(code)
    citizen.get_by_role("button", name="Lihat status").click()
    expect(citizen.get_by_role("heading", level=2)).to_have_text("Menunggu verifikasi")

    # 4. KPU staff of Rejang Lebong verify it from the triage list.
    staff = browse("desktop")
    login(staff, "kpu.rejanglebong@demo.test")
    staff.goto("/insiden/triase/")
    audit(staff)
    card = staff.locator("li.card", has_text="TPS 4")
    expect(card).to_contain_text("0812 5555 0101")
    card.get_by_role("button", name="Verifikasi").click()
    expect(staff.get_by_role("main")).to_contain_text("diverifikasi dan menjadi insiden")

    # 5. The citizen's status page says so, and shows nothing private.
    citizen.goto("/lapor/status/")
    citizen.get_by_label("Kode pelacakan").fill(code)
    citizen.get_by_role("button", name="Lihat status").click()
    heading = citizen.get_by_role("heading", level=2)
    expect(heading).to_have_text("Diverifikasi, diteruskan ke lembaga yang menangani")
    text = citizen.get_by_role("main").inner_text()
    assert "0812 5555 0101" not in text
    assert "Daftar pemilih tetap" not in text
    checked.goto("/lapor/status/")
    audit(checked)
    checked.goto("/ringkasan-situasi/")
    audit(checked)
