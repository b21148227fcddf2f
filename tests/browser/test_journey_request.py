"""Journey 5: a citizen asks for a sosialisasi in a remote desa, and the regency's KPU accepts it.

On a phone without JavaScript the citizen steps through kabupaten, kecamatan and desa, sends the
form, confirms the address by the link in the mail, and keeps the follow link. KPU staff of Rejang
Lebong find the request in their outreach management and accept it: the draft event appears,
prefilled. The citizen's link then shows "Diterima" with the date. The public pages are audited
at 360 px with JavaScript (axe-core) as well.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, either, login

CONFIRM_PATH = re.compile(r"/sosialisasi/minta/konfirmasi/[0-9a-f]{32}-[0-9a-f]{24}/")


@pytest.fixture
def remote_village(demo, settings):
    from coordination.models import Region

    # A person takes longer than the browser; the time check itself is tested in integration.
    settings.PILKADA_PUBLIC_FORM_MIN_SECONDS = 0
    village = (
        Region.objects.filter(code__startswith="17.02.", level=4, is_remote=True)
        .select_related("parent")
        .order_by("code")
        .first()
    )
    assert village is not None, "the demo marks no remote desa in Rejang Lebong"
    return village


def test_citizen_request_is_accepted_and_followed(browse, remote_village):
    from django.core import mail
    from django.utils import timezone

    village = remote_village
    day = timezone.localdate() + dt.timedelta(days=21)
    mail.outbox.clear()

    # 1. The form at 360 px with JavaScript, audited (the server sends the same HTML without).
    checked = browse("phone")
    checked.goto("/sosialisasi/minta/")
    audit(checked)

    # 2. The citizen, on a phone without JavaScript, from the header link.
    citizen = browse("phone", javascript=False)
    citizen.goto("/")
    citizen.get_by_role("link", name=either("Minta sosialisasi", "Ask for outreach")).first.click()
    expect(citizen).to_have_url(re.compile(r"/sosialisasi/minta/$"))
    form = citizen.get_by_role("main").locator("form")
    step = form.get_by_role("button", name="Tampilkan pilihan wilayah")
    form.get_by_label("Kabupaten/kota").select_option("17.02")
    step.click()
    form = citizen.get_by_role("main").locator("form")
    form.get_by_label("Kecamatan").select_option(village.parent_id)
    form.get_by_role("button", name="Tampilkan pilihan wilayah").click()
    form = citizen.get_by_role("main").locator("form")
    desa = form.get_by_label("Desa/kelurahan")
    expect(desa.locator(f'option[value="{village.code}"]')).to_contain_text("(terpencil)")
    desa.select_option(village.code)
    form.get_by_label("Nama lembaga, kelompok, atau pemohon").fill("Karang Taruna Tunas Muda")
    form.get_by_label("Jenis pemohon").select_option("komunitas")
    form.get_by_label("Segmen sasaran").select_option("pemilih_pemula")
    form.get_by_label("Tanggal yang diinginkan").fill(day.isoformat())
    form.get_by_label("Perkiraan jumlah peserta").fill("45")
    form.get_by_label("Email").fill("karangtaruna@contoh.test")
    form.get_by_role("button", name="Kirim permintaan").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Periksa email Anda")

    # 3. The link in the mail: a page with one button (a mail scanner confirms nothing).
    (message,) = [m for m in mail.outbox if m.to == ["karangtaruna@contoh.test"]]
    confirm = CONFIRM_PATH.search(message.body).group(0)
    citizen.goto(confirm)
    citizen.get_by_role("button", name="Ya, teruskan permintaan ini ke KPU").click()
    expect(citizen).to_have_url(re.compile(r"/sosialisasi/minta/ikuti/[0-9a-f-]+/$"))
    follow = citizen.url
    expect(citizen.locator(".request-status")).to_have_text("Menunggu tanggapan KPU")
    checked.goto(follow)
    audit(checked)

    # 4. KPU staff of Rejang Lebong accept it from their outreach management.
    staff = browse("desktop")
    login(staff, "kpu.rejanglebong@demo.test")
    staff.goto("/sosialisasi/kelola/")
    staff.get_by_role("link", name=re.compile("Permintaan masyarakat")).click()
    expect(staff).to_have_url(re.compile(r"/sosialisasi/kelola/permintaan/$"))
    audit(staff)
    staff.get_by_role("link", name=village.name).first.click()
    audit(staff)
    accept = staff.locator("form", has=staff.get_by_role("button", name="Terima dan buat draf"))
    expect(accept.get_by_label(re.compile(r"^Tanggal"))).to_have_value(day.isoformat())
    accept.get_by_role("button", name="Terima dan buat draf").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        f"Sosialisasi Pemilih pemula (17-21) di {village.name}"
    )
    expect(staff.get_by_role("main")).to_contain_text("Draf")

    # 5. The citizen's link says "accepted", with the date.
    citizen.goto(follow)
    expect(citizen.locator(".request-status")).to_have_text("Diterima")
    expect(citizen.get_by_role("main")).to_contain_text("pukul 09.00 WIB")
    accepted = [m for m in mail.outbox if m.to == ["karangtaruna@contoh.test"]]
    assert [m.subject.split(":")[0] for m in accepted] == [
        "Konfirmasi permintaan sosialisasi Anda",
        "Permintaan sosialisasi Anda kami terima",
        "Permintaan sosialisasi Anda diterima",
    ]
