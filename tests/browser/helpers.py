"""What the browser tests do on a page: accessibility audit, page weight, login, language switch.

Kept apart from conftest.py so each journey reads as the steps a person takes.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from coordination.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
# Public pages must stay light for a weak mobile connection (README, the browser layer).
PAGE_WEIGHT_LIMIT = 100 * 1024

# axe-core is served to the page from the portal's own origin (answered by a route in the test,
# never by the portal) so the portal's Content-Security-Policy stays on while the audit runs:
# an inline <script> would be refused by `script-src 'self'`.
AXE_URL_PATH = "/__browser-tests__/axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass
class _Watched:
    javascript: bool
    # Console errors (CSP refusals, failed loads, script errors) seen on the page.
    errors: list[str] = field(default_factory=list)


_watched: weakref.WeakKeyDictionary[Page, _Watched] = weakref.WeakKeyDictionary()


def serve_axe(context: BrowserContext, base_url: str) -> None:
    context.route(
        base_url + AXE_URL_PATH,
        lambda route: route.fulfill(path=AXE_PATH, content_type="text/javascript"),
    )


def watch(page: Page, *, javascript: bool) -> None:
    """Record what goes wrong on the page: CSP refusals, script errors, failed loads.

    A page itself may answer 4xx on purpose (a form sent back with errors, a denied URL): the
    tests assert those statuses; a 5xx page or any failed stylesheet, script or image is an error.
    """
    watched = _watched[page] = _Watched(javascript=javascript)

    def on_console(msg):
        # Failed loads are reported with their URL by on_response below.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            watched.errors.append(msg.text)

    def on_response(response):
        document = response.request.resource_type == "document"
        if response.status >= 500 or (response.status >= 400 and not document):
            watched.errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: watched.errors.append(f"uncaught: {exc}"))


def audit(page: Page) -> None:
    """Assert the page has no serious or critical axe-core violation and no console error.

    Pages opened with JavaScript disabled cannot run axe; the journeys audit the same pages with
    JavaScript on, and the server sends identical HTML to both.
    """
    page.wait_for_load_state("load")  # stylesheets applied before anything is measured
    watched = _watched[page]
    assert not watched.errors, f"console errors on {page.url}:\n  " + "\n  ".join(watched.errors)
    # axe lets an aria-describedby name a missing id pass; a screen reader then reads nothing.
    broken = page.evaluate(_BROKEN_REFERENCES_JS)
    assert not broken, f"references to missing ids on {page.url}:\n  " + "\n  ".join(broken)
    # Usable at 360 px: nothing pushes the page sideways (wide tables scroll inside their box).
    overflow = page.evaluate(_OVERFLOW_JS)
    assert not overflow, (
        f"wider than the {page.viewport_size['width']} px screen on {page.url}:\n  "
        + ("\n  ".join(overflow))
    )
    if not watched.javascript:
        return
    page.add_script_tag(url=AXE_URL_PATH)
    violations = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }"""
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    advisory = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if advisory:  # shown with -s or -rP; worth fixing, not failing for
        print(f"axe-core advisory on {page.url}:\n" + format_violations(advisory))
    assert not blocking, f"axe-core on {page.url}:\n" + format_violations(blocking)


_BROKEN_REFERENCES_JS = """() => {
  const broken = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "for"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          broken.push(`${el.tagName.toLowerCase()}#${el.id || "?"} ${attr}="${id}"`);
        }
      }
    }
  }
  return broken;
}"""

_OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  // Name the deepest elements that stick out, so the cause is visible in the failure.
  return [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > width + 1
      && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1))
    .slice(0, 8)
    .map((el) => `${el.tagName.toLowerCase()}${el.className ? "." + el.className : ""} `
      + `(right edge ${Math.round(el.getBoundingClientRect().right)} px): `
      + `"${(el.innerText || "").trim().slice(0, 50)}"`);
}"""


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}")
            lines.extend(f"        {line.strip()}" for line in node["summary"].splitlines())
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more elements")
    return "\n".join(lines)


def first_load_bytes(browser: Browser, url: str, *, viewport: dict) -> tuple[int, list[str]]:
    """Bytes the browser transferred to load `url` with an empty cache, and what it loaded.

    Counted from Chromium's own network events (`encodedDataLength` of every finished request:
    headers plus body as sent over the wire), in a fresh context so nothing comes from a cache.
    """
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], _url(e)))
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.goto(url, wait_until="networkidle")
        loaded = [f"{sizes[rid]:>7} B  {urls.get(rid, '?')}" for rid in sizes]
        return sum(sizes.values()), loaded
    finally:
        context.close()


def _url(event: dict) -> str:
    url = event["request"]["url"]
    return url[:60] + "..." if url.startswith("data:") else url


def either(indonesian: str, english: str) -> re.Pattern:
    """An accessible name in Indonesian (the source language) or in English.

    The same journey runs in both languages. Besides the English alternatives given, the English
    catalogue's own translation of each Indonesian alternative is accepted, so a test follows the
    translations instead of guessing them. Whole words, case-insensitive, ignoring a label's
    trailing colon or required-field star.
    """
    from django.utils import translation

    alternatives = [indonesian, english]
    with translation.override("en"):
        for source in indonesian.split("|"):
            msgid = re.sub(r"\\(.)", r"\1", source)
            translated = translation.gettext(msgid)
            if translated != msgid:
                alternatives.append(re.escape(translated))
    return re.compile(f"^\\s*(?:{'|'.join(alternatives)})[\\s:*]*$", re.IGNORECASE)


def login(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form, in whichever language the visitor chose."""
    page.goto("/akun/login/")
    form = page.get_by_role("main").locator("form")
    form.get_by_label(either("Email", "Email")).fill(email)
    form.get_by_label(either("Sandi|Kata sandi", "Password")).fill(password)
    form.get_by_role("button", name=either("Masuk", "Log in|Sign in")).click()
    expect(page).to_have_url(re.compile(r"/koordinasi/$"))


def switch_language(page: Page, name: str, code: str) -> None:
    """Use the language switch in the header, as a visitor would (a link for anonymous
    visitors, a button once logged in)."""
    header = page.locator("header")
    header.get_by_role("link", name=name).or_(header.get_by_role("button", name=name)).click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def switch_to_english(page: Page) -> None:
    switch_language(page, "English", "en")


# What the focused element shows: its outline (or box-shadow) and the outline's contrast against
# the background behind it (WCAG 1.4.11 asks 3:1 for the parts that show focus).
_FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let node = el.parentElement, background = "rgb(255, 255, 255)";
  while (node) {
    const bg = getComputedStyle(node).backgroundColor;
    const parts = rgb(bg);
    if (parts.length >= 3 && (parts.length < 4 || parts[3] > 0)) { background = bg; break; }
    node = node.parentElement;
  }
  const [a, b] = [lum(style.outlineColor), lum(background)].sort((x, y) => y - x);
  const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || "").trim();
  return {
    element: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${label.slice(0, 40)}"`,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    contrast: Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100,
  };
}"""

# Elements a keyboard reaches, in document order, as the focus check describes them.
_TABBABLE_JS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'
  )].filter((el) => !el.disabled && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden")
  .map((el) => {
    const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || "");
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${label.trim().slice(0, 40)}"`;
  })
"""


def focused(page: Page) -> dict | None:
    return page.evaluate(_FOCUS_JS)


# Tab stops inside one date input in Chromium: day, month, year and the picker button.
DATE_PARTS = 4


def tab_through(page: Page) -> list[dict]:
    """Press Tab from the top of the page until focus leaves it; what got focus, in order."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    expected = page.evaluate(_TABBABLE_JS)
    seen = []
    # A date input takes several presses (its day, month and year, and its picker button): the
    # same element focused again in a row is one control.
    for _ in range(DATE_PARTS * len(expected) + 1):
        page.keyboard.press("Tab")
        state = focused(page)
        if state is None or (seen and state["element"] == seen[0]["element"]):
            break
        if seen and state["element"] == seen[-1]["element"]:
            continue
        seen.append(state)
    assert [s["element"] for s in seen] == expected, (
        "Tab order differs from the reading order:\n"
        f"  tabbed:   {[s['element'] for s in seen]}\n  document: {expected}"
    )
    return seen
