"""Journey 1: KPU staff of the province, at a desk.

Logs in, schedules a coordination meeting next week inviting Bawaslu and Polda, stamps a readiness
checklist onto two kabupaten, publishes an outreach event in a kecamatan, then finds the meeting in
the meeting list, the new tasks through the readiness dashboard, and the event on the public
calendar.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, either, login, switch_to_english

CHECKLIST = "Kesiapan masa tenang dan pemungutan suara"
ITEMS = ["Penertiban alat peraga kampanye", "Patroli gabungan masa tenang"]
REGENCIES = {"17.04": "Kabupaten Kaur", "17.06": "Kabupaten Mukomuko"}


@pytest.fixture
def staff_world(demo):
    """A second checklist to stamp (the demo one is already on every kabupaten) and the dates."""
    from django.utils import timezone

    from coordination.enums import AgencyKind, TaskCategory
    from coordination.models import Election, Region
    from coordination.services.elections import checklist_create

    election = Election.objects.order_by("-voting_day").first()
    checklist_create(
        actor=None,
        name=CHECKLIST,
        election=election,
        items=[
            {
                "title": ITEMS[0],
                "category": TaskCategory.OVERSIGHT,
                "agency_kind": AgencyKind.BAWASLU,
                "days_before_voting": 3,
            },
            {
                "title": ITEMS[1],
                "category": TaskCategory.SECURITY,
                "agency_kind": AgencyKind.POLRI,
                "days_before_voting": 3,
            },
        ],
    )
    district = Region.objects.filter(parent_id="17.04", level=3).order_by("name").first()
    today = timezone.localdate()
    next_week = today + dt.timedelta(days=7 - today.weekday() + 1)  # Tuesday next week
    return {"district": district.name, "district_code": district.code, "next_week": next_week}


@pytest.mark.parametrize("language", ["id", "en"])
def test_kpu_staff_plans_and_publishes(browse, staff_world, language):
    page = browse("desktop")
    page.goto("/")
    if language == "en":
        switch_to_english(page)
    login(page, "kpu@demo.test")
    audit(page)
    main = page.get_by_role("main")
    nav = page.get_by_role("navigation").first
    day = staff_world["next_week"]

    # 1. A coordination meeting next week with Bawaslu and Polda.
    title = f"Rakor pengamanan masa tenang {day:%d-%m-%Y}"
    nav.get_by_role("link", name=either("Rapat", "Meetings")).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/rapat/$"))
    audit(page)
    main.get_by_role("link", name=either("Jadwalkan rapat", "Schedule a meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        either("Jadwalkan rapat", "Schedule a meeting")
    )
    audit(page)
    form = main.locator("form")
    form.get_by_label(either("Jenis", "Type|Kind")).select_option("rakor")
    form.get_by_label(either("Judul", "Title")).fill(title)
    form.get_by_label(either("Wilayah", "Region")).select_option("17")
    form.get_by_label(either("Penyelenggara", "Organiser|Organizer")).select_option(
        label="KPU Provinsi Bengkulu"
    )
    form.get_by_label(either("Mulai", "Start|Starts")).fill(f"{day:%Y-%m-%d}T09:00")
    form.get_by_label(either("Selesai", "End|Ends")).fill(f"{day:%Y-%m-%d}T11:30")
    form.get_by_label(either(r"Tempat \(alamat\)", r"Place \(address\)|Venue")).fill(
        "Ruang rapat Polda Bengkulu, Jl. Adam Malik"
    )
    form.get_by_label(either("Lembaga diundang", "Invited agencies")).select_option(
        label=["Bawaslu Provinsi Bengkulu (Bengkulu)", "Polda Bengkulu (Bengkulu)"]
    )
    form.get_by_label(either("Agenda", "Agenda")).fill(
        "Pembagian wilayah patroli dan penertiban alat peraga kampanye."
    )
    form.get_by_role("button", name=either("Simpan", "Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(main).to_contain_text("Bawaslu Prov.")
    expect(main).to_contain_text("Polda Bengkulu")
    # 09.00 in Indonesian, 09:00 in English; always in the region's zone.
    expect(main.locator("time").first).to_contain_text(re.compile(r"09[.:]00 WIB"))
    audit(page)

    # 2. A readiness checklist stamped onto two kabupaten.
    nav.get_by_role("link", name=either("Tugas", "Tasks")).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/tugas/$"))
    audit(page)
    main.get_by_role("link", name=either("Terapkan daftar periksa", "Apply a checklist")).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/tugas/daftar-periksa/$"))
    audit(page)
    form = main.locator("form")
    form.get_by_label(either("Daftar periksa", "Checklist")).select_option(label=CHECKLIST)
    regions = form.get_by_role("group", name=either("Wilayah", "Regions?"))
    for name in REGENCIES.values():
        regions.get_by_role("checkbox", name=name).check()
    form.get_by_role("button", name=either("Terapkan", "Apply")).click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"\b4\b"))  # 2 items x 2
    audit(page)

    # 3. An outreach event in a kecamatan, saved as a draft, then published.
    event_title = f"Forum warga pemilih pemula Kec. {staff_world['district']}"
    nav.get_by_role("link", name=either("Sosialisasi", "Outreach")).click()
    expect(page).to_have_url(re.compile(r"/sosialisasi/kelola/$"))
    audit(page)
    main.get_by_role("link", name=re.compile("Tambah kegiatan|Add event|New event", re.I)).click()
    expect(page).to_have_url(re.compile(r"/sosialisasi/kelola/baru/$"))
    audit(page)
    form = main.locator("form.event-form")
    form.get_by_label(either("Judul", "Title")).fill(event_title)
    form.get_by_label(either("Metode", "Method")).select_option("forum_warga")
    segments = form.get_by_role("group", name=either("Segmen sasaran", "Audience segments?"))
    segments.get_by_role("checkbox").first.check()
    form.get_by_label(either("Kabupaten/kota", "Regency/city")).select_option("17.04")
    district = form.get_by_label(either("Kecamatan", "District"))
    expect(district.locator(f"option[value='{staff_world['district_code']}']")).to_have_count(1)
    district.select_option(staff_world["district_code"])
    form.get_by_label(either("Tempat / alamat", "Venue|Place")).fill("Balai desa, pukul 09.00")
    form.get_by_label(either("Mulai", "Start|Starts")).fill(f"{day:%Y-%m-%d}T14:00")
    form.get_by_label(either("Selesai", "End|Ends")).fill(f"{day:%Y-%m-%d}T16:00")
    form.get_by_label(either("Penyelenggara", "Organiser|Organizer")).select_option(index=1)
    form.get_by_role("button", name=either("Simpan", "Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event_title)
    audit(page)
    main.get_by_role("button", name=either("Terbitkan", "Publish")).click()
    expect(
        main.get_by_role("link", name=re.compile("Lihat halaman publik|public page", re.I))
    ).to_be_visible()
    audit(page)

    # 4. Everything where people look for it.
    nav.get_by_role("link", name=either("Rapat", "Meetings")).click()
    expect(main.get_by_role("link", name=title)).to_be_visible()

    nav.get_by_role("link", name=either("Kesiapan", "Readiness")).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/kesiapan/$"))
    audit(page)
    dashboard = main.get_by_role("table").first
    dashboard.get_by_role("link", name=REGENCIES["17.04"]).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/tugas/\?region=17\.04"))
    for item in ITEMS:
        expect(main.get_by_role("link", name=item)).to_be_visible()
    audit(page)

    page.goto("/sosialisasi/?kab=17.04")
    audit(page)
    main.get_by_role("link", name=event_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event_title)
    expect(main).to_contain_text(staff_world["district"])
    audit(page)
