"""Playwright driving Debian's Chromium against pytest-django's live server.

Chromium comes from the system (`apt-get install chromium`), never from a Playwright
download. Without it the browser tests are skipped, unless CLOUDBOOKS_REQUIRE_BROWSER=1
(CI) makes that a failure. A failing test leaves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (`item.rep_call`) for the fixtures below."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _allow_queries_beside_playwrights_loop(monkeypatch):
    # Playwright's sync API runs an event loop in the main thread; Django refuses database
    # queries from a thread with a running loop unless told that this is deliberate. Only
    # while a browser test runs: `check --deploy` (tests/api) rightly refuses the variable.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium(live_server):
    """Chromium for one test, started after the live server and the test database.

    Playwright's sync API runs the code after `sync_playwright()` in a new contextvars
    context, where Django's connection handler (an asgiref Local) would open connections of
    its own: without the test database's serialized contents (serialized_rollback), and left
    open after the test. The test's own connections are handed over instead. Per test, so
    the rest of the suite never runs in Playwright's context.
    """
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: apt-get install chromium"
        if os.environ.get("CLOUDBOOKS_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    ours = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in ours.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _new_page(chromium, live_server, viewport: dict, **options):
    context = chromium.new_context(base_url=live_server.url, viewport=viewport, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Every console error (a CSP violation shows up as one) is kept for the tests to check.
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return context, page


def _screenshot_on_failure(request, page) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(request, chromium, live_server) -> Iterator:
    """A fresh desktop-sized browser tab (own cookies) on the live server."""
    context, page = _new_page(
        chromium,
        live_server,
        DESKTOP,
        permissions=["clipboard-read", "clipboard-write"],
    )
    yield page
    _screenshot_on_failure(request, page)
    context.close()


@pytest.fixture
def phone(request, chromium, live_server) -> Iterator:
    """A fresh phone-sized, touch-enabled browser tab on the live server."""
    context, page = _new_page(
        chromium, live_server, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield page
    _screenshot_on_failure(request, page)
    context.close()


def save_screenshot(page, name: str) -> None:
    """Screenshots to look at by eye, when CLOUDBOOKS_SCREENSHOTS=1."""
    if os.environ.get("CLOUDBOOKS_SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def console_problems(page, *, expected_statuses: tuple[int, ...] = ()) -> list[str]:
    """The page's console errors (CSP violations, script errors, failed loads), less the
    "Failed to load resource" lines of responses the test meant to get (e.g. a 409 page)."""
    expected = tuple(f"status of {status} " for status in expected_statuses)
    return [error for error in page.console_errors if not any(s in error for s in expected)]
