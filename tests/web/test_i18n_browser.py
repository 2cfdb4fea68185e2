"""The Arabic home page in a real browser (Debian chromium through Playwright) is laid out right to left.

The screenshot is kept in ``test-artifacts/browser/`` (ignored by git).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_browser import CHROMIUM_ARGS, base_url, chromium  # noqa: F401

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
WIDTH = 1280


def test_the_arabic_home_page_is_right_to_left(chromium: Path, base_url: str) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(f"{base_url}/?lang=ar")
            html = page.locator("html")
            assert html.get_attribute("dir") == "rtl"
            assert html.get_attribute("lang") == "ar"
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

            links = page.locator("header nav[aria-label] a")
            first = page.locator('header nav:not(.languages) a[href="/"]')
            last = page.locator('header nav:not(.languages) a[href="/docs"]')
            assert first.inner_text() == "الصفحة الرئيسية"
            home, api = first.bounding_box(), last.bounding_box()
            brand = page.locator("header .brand").bounding_box()
            assert home is not None and api is not None and brand is not None and links.count() > 7
            # Right to left: the first item of the main navigation is to the right of the last one, and the
            # brand that starts the header is at its right-hand end.
            assert home["x"] > api["x"] + api["width"]
            assert brand["x"] > WIDTH / 2
            heading = page.locator("h1").bounding_box()
            assert heading is not None and heading["x"] + heading["width"] > WIDTH / 2

            # The switcher goes back to a left-to-right page in French, remembered by the cookie.
            page.locator('header nav.languages a[hreflang="fr"]').click()
            page.wait_for_load_state()
            assert html.get_attribute("dir") == "ltr"
            assert page.locator('header nav:not(.languages) a[href="/"]').inner_text() == "Accueil"
            page.goto(f"{base_url}/?lang=ar")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "home-ar-rtl.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
