"""Keyboard use: every control reachable with Tab in reading order, focus always visible, and
the login form filled and sent without a mouse."""

import re

import pytest
from playwright.sync_api import expect

from coordination.demo import DEMO_PASSWORD
from tests.browser.helpers import audit, either, focused, tab_through


def _assert_focus_visible(states):
    hidden = [s for s in states if not (s["outline"] or s["shadow"]) or s["contrast"] < 3]
    assert not hidden, "focus not visible (outline of 2px+ at 3:1 contrast) on:\n  " + "\n  ".join(
        f"{s['element']}: outline={s['outline']} shadow={s['shadow']} contrast={s['contrast']}"
        for s in hidden
    )


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_login_form_works_with_the_keyboard_alone(browse, viewport):
    page = browse(viewport)
    page.goto("/akun/login/")
    _assert_focus_visible(tab_through(page))

    # The first Tab reaches the skip link, shown on screen; Enter moves focus to the content.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=either("Langsung ke isi", "Skip to content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    form = page.get_by_role("main").locator("form")
    email = form.get_by_label(either("Email", "Email"))
    password = form.get_by_label(either("Sandi|Kata sandi", "Password"))
    page.keyboard.press("Tab")
    expect(email).to_be_focused()
    page.keyboard.type("kpu@demo.test")
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    _assert_focus_visible([focused(page)])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/koordinasi/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rina")
    audit(page)


def test_wrong_password_is_announced_and_keeps_the_email(browse):
    page = browse("desktop")
    page.goto("/akun/login/")
    form = page.get_by_role("main").locator("form")
    form.get_by_label(either("Email", "Email")).fill("kpu@demo.test")
    form.get_by_label(either("Sandi|Kata sandi", "Password")).fill("bukan-sandinya")
    form.get_by_label(either("Sandi|Kata sandi", "Password")).press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(form.get_by_label(either("Email", "Email"))).to_have_value("kpu@demo.test")
    audit(page)


def test_outreach_request_form_works_with_the_keyboard_on_a_phone(browse):
    """The public "Minta sosialisasi" form: every control in reading order with a visible focus
    (the honeypot is never reached), and the place steps sent with Enter."""
    page = browse("phone")
    page.goto("/sosialisasi/minta/")
    states = tab_through(page)
    _assert_focus_visible(states)
    assert not [s for s in states if "situs_web" in s["element"]]
    form = page.get_by_role("main").locator("form")
    regency = form.get_by_label(either("Kabupaten/kota", "Regency/city"))
    regency.focus()
    regency.select_option("17.02")
    step = form.get_by_role("button", name=either("Tampilkan pilihan wilayah", "Show region"))
    step.focus()
    _assert_focus_visible([focused(page)])
    page.keyboard.press("Enter")
    district = (
        page.get_by_role("main").locator("form").get_by_label(either("Kecamatan", "District"))
    )
    expect(district.locator("option")).not_to_have_count(1)
    audit(page)


def test_lapor_form_works_with_the_keyboard_on_a_phone(browse):
    """The public "Lapor" form: every control in reading order with a visible focus (the
    honeypot is never reached), and the place steps sent with Enter."""
    page = browse("phone")
    page.goto("/lapor/")
    states = tab_through(page)
    _assert_focus_visible(states)
    assert not [s for s in states if "situs_web" in s["element"]]
    form = page.get_by_role("main").locator("form").first
    regency = form.get_by_label(either("Kabupaten/kota", "Regency/city"))
    regency.focus()
    regency.select_option("17.02")
    step = form.get_by_role("button", name=either("Tampilkan pilihan wilayah", "Show the places"))
    step.focus()
    _assert_focus_visible([focused(page)])
    page.keyboard.press("Enter")
    district = (
        page.get_by_role("main").locator("form").first.get_by_label(either("Kecamatan", "District"))
    )
    expect(district.locator("option")).not_to_have_count(1)
    audit(page)
