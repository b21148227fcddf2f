"""Pages in English once the language switch is used, and in Indonesian without it (the
catalogues themselves are checked in tests/unit/test_locale.py)."""

import pytest
from django.urls import reverse

# Each page: (English words that must appear, Indonesian UI text of that page that must not).
PAGES = {
    "home": (
        ["Pilkada: coordination and outreach", "Outreach calendar", "Log in", "Skip to content"],
        ["Kalender sosialisasi", "Langsung ke isi", "Masuk untuk staf dan penghubung"],
    ),
    "outreach:calendar": (
        ["Upcoming events", "Community forum", "First-time voters", "All regencies/cities"],
        ["Kegiatan mendatang", "Forum warga", "Pemilih pemula", "Semua kabupaten/kota", "Saring"],
    ),
    "account_login": (
        ["For KPU staff and liaisons of partner agencies", "see the outreach schedule"],
        ["Untuk staf KPU", "lihat jadwal sosialisasi", "Navigasi utama"],
    ),
}
STAFF_PAGES = {
    "coordination:staff_home": (
        ["What you can do", "Readiness dashboard", "Coordination meetings (rakor)", "Log out"],
        ["Yang dapat Anda lakukan", "Dasbor kesiapan", "Rapat koordinasi", "Keluar"],
    ),
    "coordination:task_list": (
        ["Readiness tasks", "All statuses", "Not started", "Overdue only"],
        ["Tugas kesiapan", "Semua status", "Belum mulai", "Hanya yang terlambat"],
    ),
}


def _in_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"


def _assert_page_in_english(client, name, english, indonesian):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert [word for word in english if word not in html] == []
    assert [word for word in indonesian if word in html] == []


@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_in_english(client, bengkulu, name):
    _in_english(client)
    _assert_page_in_english(client, name, *PAGES[name])


@pytest.mark.parametrize("name", list(STAFF_PAGES))
def test_staff_page_in_english(client, province_staff, name):
    client.force_login(province_staff)
    _in_english(client)
    _assert_page_in_english(client, name, *STAFF_PAGES[name])


def test_page_stays_indonesian_without_the_switch(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="id"' in html
    assert "Kalender sosialisasi" in html
    assert "Outreach calendar" not in html
