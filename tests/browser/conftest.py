"""A live portal, the Bengkulu demo data and headless Chromium for the browser tests.

Locally the tests skip with a message when Chromium (/usr/bin/chromium) or axe-core
(`npm ci` puts it in node_modules/) is missing; with PILKADA_REQUIRE_SERVICES=1, as in CI,
that is a failure.

The portal runs in pytest-django's live server thread against the test database. Playwright's
sync API keeps an asyncio loop running in the test thread, which Django's guard against ORM calls
from async code would refuse; the guard is switched off (DJANGO_ALLOW_ASYNC_UNSAFE) only while
Chromium runs, and the test thread makes no ORM call while a page is loading.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import helpers
from tests.conftest import _unavailable, mark_layer


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    mark_layer(items, Path(__file__).parent, "browser")


@pytest.fixture(scope="package")
def chromium() -> Iterator:
    """One headless Chromium for the whole package; each test gets fresh contexts."""
    if not helpers.CHROMIUM.exists():
        _unavailable(
            f"browser tests need Chromium at {helpers.CHROMIUM} (apt-get install chromium)"
        )
    if not helpers.AXE_PATH.exists():
        _unavailable("browser tests need axe-core: run `npm ci` (or `make test`) first")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(helpers.CHROMIUM), args=helpers.CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(chromium, transactional_db, settings) -> None:
    """The Bengkulu regions and every `seed_demo` step, as `make run` loads them."""
    # The demo accounts are hashed at seed time and again at each login: use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from coordination.services.regions import regions_load
    from pilkada.management.commands.seed_demo import demo_modules

    regions_load(province_code="17")
    for module in demo_modules():
        module.seed(stdout=None)


@pytest.fixture
def portal_url(live_server, demo) -> str:
    return live_server.url


@pytest.fixture
def browse(chromium, portal_url, request) -> Iterator[Callable]:
    """Open a page in its own browser context: `browse("phone", javascript=False)`.

    Every page opened is photographed when the test ends, passed or failed, into
    tests/artifacts/<test>-<viewport>[-nojs][-<n>].png.
    """
    opened = []

    def open_page(viewport: str = "desktop", *, javascript: bool = True):
        context = chromium.new_context(
            base_url=portal_url,
            viewport=helpers.PHONE if viewport == "phone" else helpers.DESKTOP,
            java_script_enabled=javascript,
            accept_downloads=True,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
        )
        context.set_default_timeout(10_000)
        helpers.serve_axe(context, portal_url)
        page = context.new_page()
        helpers.watch(page, javascript=javascript)
        opened.append((f"{viewport}{'' if javascript else '-nojs'}", page))
        return page

    yield open_page

    helpers.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    seen: dict[str, int] = {}
    for kind, page in opened:
        seen[kind] = seen.get(kind, 0) + 1
        name = f"{test_name}-{kind}" + (f"-{seen[kind]}" if seen[kind] > 1 else "")
        try:
            page.screenshot(path=helpers.ARTIFACTS / f"{name}.png", full_page=True)
        except Exception as exc:  # noqa: BLE001 - a failed photo must not hide the test's result
            print(f"screenshot of {page.url} failed: {exc}")
        page.context.close()
