"""The Done-when of the compliance assessments, in a real browser (Debian chromium through Playwright).

An assessor of Mexico signs in at /login, starts a Bangkok Rules assessment over a store holding the real
UN-CTS prison statistics, sees the items filled from the statistics (figure, year, release, explain link),
rates items (one with the keyboard only, overriding a proposed rating with a reason), uploads an evidence
file, completes the assessment, and the country page shows the score, the gaps and the linked assistance
project. Screenshots are kept in ``test-artifacts/browser/`` (ignored by git).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from observatory.norms import autofill
from observatory.norms.assessments import country_gaps, country_scores
from observatory.norms.checklists import get_checklist
from observatory.web import create_app

from .norms_seed import GAP_ITEM, PASSWORD, PROJECT, NormsSite, seed
from .test_browser import CHROMIUM_ARGS, STARTUP_SECONDS, _free_port, chromium  # noqa: F401

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHECKLIST = "bangkok-implementation"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[NormsSite]:
    built = seed(tmp_path_factory.mktemp("norms-browser"), shared_data)
    yield built
    built.store.dispose()


@pytest.fixture(scope="module")
def site(data: NormsSite) -> Iterator[str]:
    """The app served by uvicorn on a free local port, in a background thread."""
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


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_assessor_completes_a_bangkok_assessment_shown_on_the_country_page(
    chromium: Path,  # noqa: F811
    site: str,
    data: NormsSite,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    evidence = tmp_path / "circular.pdf"
    evidence.write_bytes(PDF)
    figure = autofill.latest_figure(data.store, "prison_occupancy", "MEX")
    assert not isinstance(figure, str)
    sections = get_checklist(CHECKLIST).sections
    hygiene = sections.index("Accommodation and hygiene") + 1
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))

            page.goto(f"{site}/norms/assess")
            assert "/login?next=/norms/assess" in page.url
            page.fill("#login-email", data.mex.email)
            page.fill("#login-password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_url(f"{site}/norms/assess")

            page.select_option("#checklist", CHECKLIST)
            page.select_option("#country", "MEX")
            page.fill("#assessed_on", "2024-06-30")
            page.click("button:has-text('Start the assessment')")
            page.wait_for_url(f"{site}/norms/assess/*")
            draft = page.url

            filled = page.locator("#item-BR-04-filled")
            expect(filled).to_contain_text(f"prison_occupancy = {figure.value:,.2f}")
            expect(filled).to_contain_text(f"in {figure.year}, release {figure.release}")
            expect(filled.get_by_role("link", name="explain this figure")).to_have_attribute(
                "href", f"/api/v1/indicators/prison_occupancy/explain?area=MEX&year={figure.year}"
            )
            expect(page.locator("#item-BR-27-filled")).to_contain_text("sdg_16_3_2")
            screenshot(page, "norms-assessment-filled")

            page.check('input[name="rating:BR-01"][value="1"]')
            page.fill("#item-BR-01-comment", "A draft policy only")
            page.select_option("#item-BR-01-kind", "document")
            page.set_input_files("#item-BR-01-file", str(evidence))
            page.fill("#item-BR-01-evnote", "Prison service circular")
            page.click("button:has-text('Save section 1')")
            expect(page.locator("#done")).to_contain_text("saved")
            expect(page.locator("#item-BR-01")).to_contain_text("circular.pdf")

            # keyboard only: move BR-04 from the proposed rating to the one below, give the reason, Enter
            proposed = page.locator('input[name="rating:BR-04"]:checked')
            expect(proposed).to_have_value("2")
            proposed.focus()
            page.keyboard.press("ArrowLeft")
            expect(page.locator('input[name="rating:BR-04"]:checked')).to_have_value("1")
            page.keyboard.press("Tab")  # leaves the radio group for the reason field
            expect(page.locator("#item-BR-04-reason")).to_be_focused()
            page.keyboard.type("The women's wing is at 160% of its capacity")
            page.keyboard.press("Enter")
            page.wait_for_url(f"{draft}?done=*#section-{hygiene}")
            expect(page.locator('input[name="rating:BR-04"]:checked')).to_have_value("1")

            page.click("button:has-text('Complete and record the assessment')")
            page.wait_for_url(f"{site}/norms/assessments/*")
            expect(page.locator("#done")).to_contain_text("Assessment completed and recorded.")
            expect(page.locator("#finding-BR-01")).to_contain_text("circular.pdf")
            expect(page.locator("#finding-BR-27")).to_contain_text("indicator")
            screenshot(page, "norms-assessment-recorded")

            page.click("a:has-text('compliance profile of MEX')")
            page.wait_for_url(f"{site}/norms/countries/MEX")
            score = country_scores(data.store, "MEX")["data"][0]["overall"]["score"]
            expect(page.locator(".compliance-score").first).to_have_text(f"{score * 100:.0f}%")
            gaps = page.locator("#compliance-gaps")
            for gap in country_gaps(data.store, "MEX")["data"]:
                expect(gaps).to_contain_text(gap["item"])
            expect(gaps.locator("tr", has_text=GAP_ITEM).get_by_role("link", name=PROJECT)).to_be_visible()
            expect(page.locator("#compliance-projects")).to_contain_text(PROJECT)
            screenshot(page, "norms-country-profile")
        finally:
            browser.close()
    assert problems == []
