"""The area page in a real browser: Debian chromium draws every chart from local scripts only.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``); skipped without it, except on CI
(``CI=true``) where a missing browser fails the test.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 15.0

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing; install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing; `apt-get install chromium` to run browser tests")
    return CHROMIUM


@pytest.fixture(scope="module")
def base_url(app: FastAPI) -> Iterator[str]:
    """The seeded app served by uvicorn on a free local port, in a background thread."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1.0).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail(f"the app did not answer on {url} within {STARTUP_SECONDS:.0f}s")
        time.sleep(0.1)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def test_area_page_draws_its_charts(chromium: Path, base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{base_url}/areas/MEX")
            page.wait_for_selector('[data-rendered="true"]', timeout=20_000)
            charts = page.locator("[data-vega-spec]")
            expected = charts.count()
            assert expected >= 3
            page.wait_for_function(
                "n => document.querySelectorAll('[data-rendered=\"true\"]').length === n",
                arg=expected,
                timeout=20_000,
            )
            for i in range(expected):
                drawn = charts.nth(i).locator("svg, canvas")
                assert drawn.count() >= 1
            marks = page.locator("#chart-prison-rate svg path").count()
            assert marks > 0
            assert page.locator("h1").inner_text() == "Mexico"
        finally:
            browser.close()
    assert problems == []
    assert all(url.startswith(base_url) for url in requested), requested
