"""The public portal in a real browser (Debian chromium through Playwright), from local scripts only.

The world map draws its country shapes and follows the year slider; the explorer downloads a CSV of the view;
the keyboard reaches the explorer's form fields and its download links. Screenshots are kept as test
artefacts in ``test-artifacts/browser/`` (ignored by git).
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from observatory.web import create_app

from .portal_seed import Portal, portal
from .test_browser import CHROMIUM, CHROMIUM_ARGS, STARTUP_SECONDS, _free_port, chromium  # noqa: F401

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
RATE = "prison_population_rate"
VIEW = f"/explore?indicator={RATE}&area=MEX&area=FRA&area=019&from=2010&to=2014"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Portal]:
    built = portal(tmp_path_factory.mktemp("portal-browser"), shared_data)
    yield built
    built.store.dispose()


@pytest.fixture(scope="module")
def site(data: Portal) -> Iterator[str]:
    """The portal app served by uvicorn on a free local port, in a background thread."""
    port = _free_port()
    app = create_app(data.settings, store=data.store)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none"))
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


@pytest.fixture
def browser_page(chromium: Path, site: str) -> Iterator[tuple[Any, list[str], list[str]]]:  # noqa: F811
    """A fresh page, the console errors it logs and every URL it requests."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1000})
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("request", lambda request: requested.append(request.url))
            yield page, problems, requested
        finally:
            browser.close()
    assert problems == []
    assert all(url.startswith(site) for url in requested), requested


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_map_draws_countries_and_follows_the_slider(browser_page: Any, site: str) -> None:
    page, _, requested = browser_page
    page.goto(f"{site}/indicators/{RATE}")
    page.wait_for_selector('#world-map[data-rendered="true"]', timeout=30_000)
    shapes = page.locator("#world-map svg.marks path").count()
    assert shapes > 150  # Natural Earth 1:110m has 177 countries
    assert any(url.endswith("/static/vendor/countries-110m.json") for url in requested)
    start = int(page.locator("#map-year").inner_text())
    title = page.locator("#world-map svg.marks").text_content() or ""  # the map's title names the year
    assert str(start) in title
    screenshot(page, "map-default-year")

    slider = page.locator("#world-map input[type=range]")
    target = start - 5
    slider.fill(str(target))
    page.wait_for_function(
        "y => document.getElementById('map-year').textContent === String(y)", arg=target, timeout=10_000
    )
    page.wait_for_selector(f'table.ranking[data-year="{target}"]', timeout=20_000)
    assert str(target) in (page.locator("#world-map svg.marks").text_content() or "")
    assert f"year={target}" in page.url
    first = page.locator("table.ranking tbody tr").first
    assert first.locator("a", has_text="Explain").get_attribute("href").endswith(f"year={target}#explanation")
    screenshot(page, "map-after-slider")


def test_explorer_downloads_a_csv_of_the_view(browser_page: Any, site: str, data: Portal) -> None:
    page, _, _ = browser_page
    page.goto(f"{site}{VIEW}")
    page.wait_for_selector('#chart-explorer [data-rendered="true"]', timeout=30_000)
    screenshot(page, "explorer-view")
    with page.expect_download() as info:
        page.locator('a[data-format="csv"]').click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["area"] for r in rows} == {"MEX", "FRA", "019"}
    assert all(2010 <= int(r["year"]) <= 2014 for r in rows)
    expected = data.persons_held(2010)["MEX"] / data.population[("MEX", 2010)] * 100_000
    assert (rows[0]["area"], rows[0]["year"]) == ("MEX", "2010")
    assert float(rows[0]["value"]) == pytest.approx(expected)
    shown = page.locator("table.explorer-table tbody tr").count()
    assert shown == len(rows)


def test_keyboard_reaches_the_form_and_the_downloads(browser_page: Any, site: str) -> None:
    page, _, _ = browser_page
    page.goto(f"{site}{VIEW}")
    page.wait_for_selector('#chart-explorer [data-rendered="true"]', timeout=30_000)
    reached: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement; return e.id || e.getAttribute('data-format')"
                " || e.tagName + ':' + (e.textContent || '').trim(); }"
            )
        )
        if "sdmx-ml" in reached:
            break
    for wanted in ("field-indicator", "field-area", "field-from", "field-to", "BUTTON:Show"):
        assert wanted in reached, reached
    assert [f for f in reached if f in {"csv", "xlsx", "sdmx-csv", "sdmx-ml"}] == [
        "csv",
        "xlsx",
        "sdmx-csv",
        "sdmx-ml",
    ]
    assert reached.index("field-indicator") < reached.index("BUTTON:Show") < reached.index("csv")
    # the focused download link is visible and activates with Enter
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(".xml")
    screenshot(page, "explorer-keyboard")
