"""axe-core on the pages that exist for everyone: public, staff and invitation pages.

Each page is audited in Indonesian and once in English (switched with the header's switch).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, either, login, switch_to_english

LANGUAGES = ["id", "en"]


def _open(browse, language: str, viewport: str = "desktop"):
    page = browse(viewport)
    page.goto("/")
    if language == "en":
        switch_to_english(page)
    return page


# The journeys audit the calendar list, event pages and staff pages they pass through; these
# are the public pages they do not reach.
PUBLIC_PAGES = [
    "/",
    "/akun/login/",
    "/akun/password/reset/",
    "/tentang-data/",
    "/sosialisasi/bulan/",
    "/sosialisasi/pekan/",
    "/sosialisasi/minta/",
    "/sosialisasi/minta/terkirim/",
    "/lapor/",
    "/lapor/status/",
    "/ringkasan-situasi/",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_serious_axe_violation(browse, language):
    page = _open(browse, language, viewport="phone")
    for path in PUBLIC_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        audit(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages_have_no_serious_axe_violation(browse, language):
    page = _open(browse, language)
    login(page, "kpu@demo.test")
    audit(page)  # staff home
    nav = page.get_by_role("navigation").first
    main = page.get_by_role("main")

    page.locator("header").get_by_role("link", name="Rina", exact=True).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/profil/$"))
    audit(page)

    nav.get_by_role("link", name=re.compile("^(Lembaga|Agencies)$")).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/lembaga/$"))
    audit(page)
    main.get_by_role("searchbox").fill("Bawaslu")
    main.get_by_role("combobox").select_option("bawaslu")
    main.get_by_role("search").get_by_role("button").click()
    expect(main.get_by_role("row")).to_have_count(12)  # a header row, the province and 10 regencies
    audit(page)

    main.get_by_role("link", name="Bawaslu Provinsi Bengkulu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bawaslu Provinsi Bengkulu")
    audit(page)

    main.get_by_role("link", name=re.compile("Undang orang ke lembaga ini|Invite")).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/undang/\?agency="))
    audit(page)
    # A form sent back with errors: the summary and each field's message must be reachable.
    main.get_by_role("button", name=re.compile("Kirim undangan|Send")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_invitation_pages_have_no_serious_axe_violation(browse, language):
    staff = _open(browse, language)
    login(staff, "kpu@demo.test")
    staff.goto("/koordinasi/undang/")
    main = staff.get_by_role("main")
    main.get_by_label(re.compile("Nama lengkap|Full name")).fill("Yulia Rahmawati")
    main.get_by_label("Email").fill("yulia.rahmawati@contoh.test")
    main.get_by_label(re.compile("Lembaga|Agency")).select_option(label="Universitas Bengkulu")
    main.get_by_role("button", name=re.compile("Kirim undangan|Send")).click()
    expect(staff.get_by_role("status")).to_contain_text("yulia.rahmawati@contoh.test")
    audit(staff)
    link = _invitation_link(staff)

    guest = _open(browse, language, viewport="phone")
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_be_visible()
    audit(guest)
    main = guest.get_by_role("main")
    # Several password rules broken at once: each message must stay tied to its field.
    password = main.get_by_label(either("Kata sandi", "Password"))
    password.fill("12345")
    main.get_by_label(either("Ulangi kata sandi", "Repeat password|Password again")).fill("12345")
    main.get_by_role("button").click()
    expect(guest.get_by_role("alert")).to_be_visible()
    expect(password).to_have_attribute("aria-invalid", "true")
    # A screen reader announces the help text and all three broken rules with the field.
    description = password.evaluate(
        "el => el.getAttribute('aria-describedby').split(' ')"
        ".map(id => document.getElementById(id).innerText).join(' | ')"
    )
    assert description.count("|") == 1 and description.count("\n") == 2, description
    audit(guest)


def _invitation_link(page) -> str:
    from django.core import mail

    # Demo meetings send their own invitations; the account invitation is the one to this address.
    (message,) = [m for m in mail.outbox if m.to == ["yulia.rahmawati@contoh.test"]]
    found = re.search(r"https?://\S+/koordinasi/undangan/[^/\s]+/", message.body)
    assert found, message.body
    # The mail names the configured public site; the test opens the same path on the live server.
    return re.sub(r"^https?://[^/]+", "", found.group(0))


def test_audit_fails_on_a_serious_violation(browse):
    """The audit itself: an image without a text alternative must fail it, readably."""
    page = browse("desktop")
    page.goto("/")
    audit(page)
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "/static/img/favicon.svg";
            document.querySelector("main").append(img);
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        audit(page)
    assert "[critical] image-alt: Images must have alternative text" in str(failure.value)
    assert "\n    img\n        Fix any of the following:" in str(failure.value)
