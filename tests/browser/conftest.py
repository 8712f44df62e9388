"""Browser fixtures: one headless Chromium per session, a fresh context (cookies, storage) per test.

Pages are opened on `http://{tenant}.localhost:<port>/`: Chromium resolves every `*.localhost` name to loopback,
so each tenant's host reaches the `live_server` of tests/conftest.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Demo@2026"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The session's headless Chromium (the distribution's binary; Playwright's own download is never used)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/install-test-tools.sh (or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def port(live_server: str) -> int:
    """The port the app listens on."""
    found = urlsplit(live_server).port
    assert found is not None, live_server
    return found


@pytest.fixture
def url(port: int) -> Callable[..., str]:
    """`url(tenant, path)` → the page's address on that tenant's host."""
    return lambda tenant, path="/": f"http://{tenant}.localhost:{port}{path}"


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile for one test, in Vietnamese, with short timeouts."""
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    """A tab of the test's context."""
    return context.new_page()


@pytest.fixture
def sign_in(url: Callable[..., str]) -> Callable[..., None]:
    """`sign_in(page, tenant, username, password=PASSWORD, path="/login")`: fill and submit the sign-in form."""

    def do(page: Any, tenant: str, username: str, password: str = PASSWORD, path: str = "/login") -> None:
        page.goto(url(tenant, path))
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()

    return do


def nav_labels(page: Any) -> list[str]:
    """The labels of the console's side navigation, in order."""
    links = page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link")
    return [t.strip() for t in links.all_inner_texts()]


def path_of(page: Any) -> str:
    """The current page's path and query."""
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def on_login_page(page: Any) -> bool:
    """Whether the page shown is the sign-in form."""
    return bool(re.fullmatch(r"/login(\?.*)?", path_of(page))) and page.get_by_role("button", name="Đăng nhập").is_visible()
