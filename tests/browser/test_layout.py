"""Layout where people noticed it: the readiness dashboard on desktop screens, the public
calendar and the meeting page on a 360 px phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, login

# Is anything of the matrix outside the screen or hidden in its scroll box?
_MATRIX_FITS_JS = """() => {
  const table = document.querySelector("table.matrix");
  const box = table.parentElement;
  const width = document.documentElement.clientWidth;
  const last = table.querySelector("thead th:last-child").getBoundingClientRect();
  return {
    page: document.documentElement.scrollWidth - width,
    hidden: table.scrollWidth - box.clientWidth,
    lastRight: Math.round(last.right), width,
  };
}"""


@pytest.mark.parametrize("width", [1280, 1024])
def test_dashboard_fits_a_desktop_screen(browse, width):
    page = browse("desktop")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "kpu@demo.test")
    page.goto("/koordinasi/kesiapan/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    fit = page.evaluate(_MATRIX_FITS_JS)
    assert fit["page"] <= 0 and fit["hidden"] <= 0, fit
    assert fit["lastRight"] <= fit["width"], fit  # the totals column is on screen
    # The scorecards show the worst agencies; the rest are one link away.
    rows = page.locator("table.scorecards tbody tr")
    expect(rows).to_have_count(10)
    audit(page)


def test_dashboard_on_a_phone_scrolls_inside_its_box(browse):
    page = browse("phone")
    login(page, "kpu@demo.test")
    page.goto("/koordinasi/kesiapan/")
    expect(page.get_by_text("Geser tabel ke samping")).to_be_visible()
    audit(page)  # no page-wide horizontal overflow
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 110, header


def test_phone_calendar_shows_an_event_on_the_first_screen(browse):
    page = browse("phone")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/sosialisasi/")
    first = page.locator("article.event-card h3 a").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["y"] + box["height"] <= 780, box
    expect(page.get_by_role("search")).to_be_hidden()  # folded under its summary
    audit(page)


def test_desktop_calendar_shows_its_filters_open(browse):
    page = browse("desktop")
    page.goto("/sosialisasi/")
    expect(page.get_by_role("search")).to_be_visible()
    expect(page.locator(".filter-box > summary")).to_be_hidden()


def test_phone_month_navigation_keeps_each_link_on_one_line(browse):
    page = browse("phone")
    page.goto("/sosialisasi/bulan/")
    prev = page.locator(".period-nav a[rel=prev]").bounding_box()
    following = page.locator(".period-nav a[rel=next]").bounding_box()
    title = page.locator(".period-nav h2").bounding_box()
    line = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.period-nav a')).lineHeight)"
    )
    assert prev["height"] < 2 * line and following["height"] < 2 * line, (prev, following)
    assert prev["y"] == following["y"] and prev["y"] >= title["y"] + title["height"]
    audit(page)


def test_phone_meeting_page_puts_labels_above_values(browse):
    page = browse("phone")
    login(page, "bawaslu@demo.test")
    page.goto("/koordinasi/rapat/saya/")
    page.locator("main a[href^='/koordinasi/rapat/']").first.click()
    expect(page.locator("dl.details")).to_be_visible()
    page.wait_for_load_state("load")  # the stylesheets applied before anything is measured
    label = page.locator("dl.details dt").first.bounding_box()
    value = page.locator("dl.details dd").first.bounding_box()
    # Stacked: the value starts under the label (side by side it would start past its right
    # edge) and below it.
    assert label["x"] <= value["x"] < label["x"] + label["width"]
    assert value["y"] >= label["y"] + label["height"] - 1
    audit(page)


def test_no_javascript_filter_form_leads_to_a_clean_address(browse):
    page = browse("desktop", javascript=False)
    page.goto("/sosialisasi/")
    search = page.get_by_role("search")
    search.get_by_label("Metode").select_option("radio")
    search.get_by_role("button", name="Saring").click()
    expect(page).to_have_url("/sosialisasi/?metode=radio")


def test_event_page_shares_by_whatsapp_link_and_copy_button(browse):
    page = browse("phone")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/sosialisasi/")
    page.locator("article.event-card h3 a").first.click()
    whatsapp = page.get_by_role("link", name="Bagikan ke WhatsApp")
    assert whatsapp.get_attribute("href").startswith("https://wa.me/?text=")
    page.get_by_role("button", name="Salin tautan").click()
    expect(page.get_by_role("status").filter(has_text="Tautan disalin")).to_be_visible()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.locator("#share-url").input_value()
    audit(page)
