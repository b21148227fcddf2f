"""The portal without JavaScript: a phone with scripts off can switch language, log in, use the
step-by-step region picker of the outreach form, publish, and log out."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import audit, either, login, switch_language, switch_to_english


def test_staff_work_without_javascript_on_a_phone(browse):
    page = browse("phone", javascript=False)
    page.goto("/")
    switch_to_english(page)
    switch_language(page, "Bahasa Indonesia", "id")
    login(page, "kpu@demo.test")
    audit(page)

    page.goto("/sosialisasi/kelola/baru/")
    form = page.get_by_role("main").locator("form.event-form")
    form.get_by_label(either("Judul", "Title")).fill("Simulasi pemungutan suara di desa terpencil")
    form.get_by_label(either("Metode", "Method")).select_option("simulasi")
    form.get_by_label(either("Kabupaten/kota", "Regency/city")).select_option("17.06")
    # Without the script the next step of the picker comes from the server, keeping what was typed.
    form.get_by_role(
        "button", name=either("Tampilkan pilihan wilayah", "Show region choices")
    ).click()
    district = form.get_by_label(either("Kecamatan", "District"))
    expect(district.locator("option")).not_to_have_count(1)
    expect(form.get_by_label(either("Judul", "Title"))).to_have_value(
        "Simulasi pemungutan suara di desa terpencil"
    )
    district.select_option(index=1)
    chosen = district.locator("option:checked").inner_text()
    form.get_by_role("group", name=either("Segmen sasaran", "Audience segments?")).get_by_role(
        "checkbox"
    ).first.check()
    form.get_by_label(either("Tempat / alamat", "Venue|Place")).fill("Balai desa")
    form.get_by_label(either("Mulai", "Start|Starts")).fill("2030-01-15T09:00")
    form.get_by_label(either("Selesai", "End|Ends")).fill("2030-01-15T12:00")
    form.get_by_label(either("Penyelenggara", "Organiser|Organizer")).select_option(index=1)
    form.get_by_label(either("Status", "Status")).select_option("published")
    form.get_by_role("button", name=either("Simpan", "Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Simulasi pemungutan suara di desa terpencil"
    )
    expect(page.get_by_role("main")).to_contain_text(chosen)
    audit(page)

    page.get_by_role("button", name=either("Keluar", "Log out|Sign out")).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name=either("Masuk", "Log in|Sign in"))).to_be_visible()
    audit(page)
