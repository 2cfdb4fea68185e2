"""A focal point and a reviewer in a real browser (Debian chromium through Playwright).

The focal point signs in with a password, uploads the platform's workbook with one planted error (a
fractional count), sees the problem at its cell, corrects the value on the page, re-checks and submits; a
reviewer then starts the review and raises a query on one value, which the focal point answers.
Screenshots are kept in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from collect.test_workflow_support import (
    HELD,
    HELD_F,
    ROUND,
    Team,
    fill_workbook,
    make_team,
    open_round,
    real_values,
    small_values,
)
from observatory.auth.passwords import set_password
from observatory.collect.rounds import workbook_for
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.web import create_app
from observatory.web.workspace_page import anchor

from .test_browser import CHROMIUM_ARGS, STARTUP_SECONDS, _free_port, chromium  # noqa: F401

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "correct horse battery staple"


@dataclass
class Served:
    url: str
    store: Store
    team: Team
    workbook: Path
    error_cell: tuple[str, str]
    right_value: float


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("workspace-browser")
    app = create_app(Settings(data_dir=folder / "var"))
    store: Store = app.state.store
    team = make_team(store)
    open_round(store, team)
    for who in (team.fra, team.reviewer):
        set_password(store, team.admin, who.email, PASSWORD)
    real = real_values(shared_data, folder, "FRA")
    blank = folder / "blank.xlsx"
    blank.write_bytes(workbook_for(store, ROUND, "FRA", user=team.fra)[1])
    values: dict[tuple[str, int], float | str] = dict(small_values(real))
    values[(HELD_F, 2021)] = real[(HELD_F, 2021)] + 0.5  # the planted error: half a woman held
    filled = folder / "UN-CTS_2022_FRA.xlsx"
    cells = fill_workbook(blank, filled, values)
    port = _free_port()
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
    yield Served(url, store, team, filled, cells[(HELD_F, 2021)], real[(HELD_F, 2021)])
    server.should_exit = True
    thread.join(timeout=10)
    store.dispose()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, url: str, email: str) -> None:
    page.goto(f"{url}/workspace")  # not signed in: sent to the sign-in form, and back afterwards
    assert "/login?next=/workspace" in page.url
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{url}/workspace")


def test_a_focal_point_fixes_an_error_at_its_cell_and_submits_then_answers_a_query(
    chromium: Path,  # noqa: F811
    served: Served,
) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    url, sheet, cell = served.url, *served.error_cell
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000})
            page = context.new_page()
            # refused uploads and submissions answer 400/409 by design; anything else is a fault
            page.on(
                "console",
                lambda m: (
                    problems.append(m.text) if m.type == "error" and "status of 40" not in m.text else None
                ),
            )
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            sign_in(page, url, served.team.fra.email)
            page.click(f"a[href='/workspace/{ROUND}/FRA']")
            page.set_input_files("#upload-files", str(served.workbook))
            page.click("button:has-text('Upload and check')")
            page.wait_for_selector("#refused-problems")
            row = page.locator(f"#refused-{anchor(sheet, cell)}")
            assert "non-integer-count" in row.inner_text() and "error" in row.inner_text()
            fix = page.locator(f"#fix-{anchor(sheet, cell)}")
            assert fix.input_value() == str(served.right_value + 0.5)
            assert page.evaluate("document.activeElement.id") == f"fix-{anchor(sheet, cell)}"
            screenshot(page, "workspace-error-at-cell")
            fix.fill(f"{served.right_value:.0f}")
            page.click("button:has-text('Re-check and upload the corrected workbook')")
            page.wait_for_selector("#done")
            assert "Corrected, checked and uploaded." in page.inner_text("#done")
            value_row = page.locator(f"tr#{anchor(sheet, cell)}")
            assert value_row.locator("input[name=value]").input_value() == f"{served.right_value:,.0f}"
            assert page.locator("tr.cell-error").count() == 0
            page.click("#check-button")
            page.wait_for_selector("#done")
            assert "Checked: 0 error(s)" in page.inner_text("#done")
            page.click("#submit-button")
            page.wait_for_selector("#done")
            assert page.inner_text("#submission-state") == "submitted"
            screenshot(page, "workspace-submitted")

            # the reviewer starts the review and asks about the total held
            context.clear_cookies()
            sign_in(page, url, served.team.reviewer.email)
            assert page.locator(f"#review-queue a[href='/workspace/{ROUND}/FRA']").count() == 1
            page.click(f"#review-queue a[href='/workspace/{ROUND}/FRA']")
            page.click("#review-button")
            page.wait_for_selector("#done")
            total = page.locator("tr", has=page.locator(f"td:text-is('{HELD}')")).first
            total.locator("input[name=text]").fill("Does the total include pre-trial detainees?")
            total.locator("button:has-text('Ask')").click()
            page.wait_for_selector(".query")
            screenshot(page, "workspace-query-raised")

            # the focal point answers it
            context.clear_cookies()
            sign_in(page, url, served.team.fra.email)
            page.goto(f"{url}/workspace/{ROUND}/FRA")
            query = page.locator(".query").first
            assert "pre-trial detainees" in query.inner_text()
            query.locator("input[name=text]").fill("Yes, it does.")
            query.locator("button:has-text('Send the answer')").click()
            page.wait_for_selector("#done")
            assert "answered" in page.locator(".query").first.inner_text()
            assert "Yes, it does." in page.locator(".query").first.inner_text()
            screenshot(page, "workspace-query-answered")
        finally:
            browser.close()
    assert problems == []
