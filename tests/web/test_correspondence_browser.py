"""The ICCS correspondence workflow end to end in a real browser (issue 4, "Done when").

A reviewer, with the ICCS texts and alphabetical index loaded from the real UNODC files, uploads a small
national list in Spanish, sees the coding assistant's proposals in the review queue, accepts one and
corrects another, exports the confirmed table as CSV and applies it to national counts. Needs Debian's
``/usr/bin/chromium`` (skipped without it, except on CI) as ``test_browser.py`` does.
"""

from __future__ import annotations

import csv
import io
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from collect.test_workflow_support import make_team
from observatory.catalog.iccs import load_iccs
from observatory.iccs.texts import load_files
from observatory.model.correspondence import ancestor_at
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.web import create_app
from web.conftest import ICCS_INDEX, ICCS_TEXTS
from web.test_browser import CHROMIUM, CHROMIUM_ARGS, STARTUP_SECONDS, _free_port

pytestmark = pytest.mark.browser

ICCS_TEXTS_ES = Path("iccs") / "iccs_v1_0_long_original_es.csv"
COUNTRY, VERSION = "MEX", "2024-es"
LIST = (
    "code,label,description,legal_reference\n"
    "H1,Homicidio doloso,Privar de la vida a otra persona con intención,CPF art. 302\n"
    "R1,Robo con violencia,Apoderamiento de cosa ajena mediante violencia,CPF art. 372\n"
    "F1,Fraude,Obtener un lucro indebido engañando a alguien,CPF art. 386\n"
    "V1,Violación,Cópula con persona sin su consentimiento,CPF art. 265\n"
    "S1,Secuestro,Privar de la libertad para obtener rescate,LGPSDMS art. 9\n"
    "N1,Narcomenudeo,Comercio de narcóticos en pequeñas cantidades,LGS art. 475\n"
)
BAD_LIST = "code,label\nH1,Homicidio doloso\nR1,Robo\nH1,Homicidio otra vez\n"
COUNTS = {"H1": 120, "R1": 4530, "F1": 800, "V1": 95, "S1": 12, "N1": 2600, "ZZ9": 7}


@dataclass(frozen=True)
class Deployment:
    url: str
    token: str


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {CHROMIUM} is missing; install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing; `apt-get install chromium` to run browser tests")
    return CHROMIUM


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Deployment]:
    """A fresh deployment with the ICCS files loaded and a reviewer, served by uvicorn on a free port."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("corr-browser") / "var")
    store = Store(settings)
    store.init()
    load_files(store, [shared_data / ICCS_TEXTS, shared_data / ICCS_INDEX, shared_data / ICCS_TEXTS_ES])
    team = make_team(store)
    app = create_app(settings, store=store)
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
    yield Deployment(url, team.tokens["reviewer"])
    server.should_exit = True
    thread.join(timeout=10)
    store.dispose()


def _numbers(text: str) -> float:
    return float(text.replace(",", ""))


def test_upload_review_export_and_apply_in_the_browser(chromium: Path, deployment: Deployment) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = deployment.url
    problems: list[str] = []
    requested: list[str] = []
    scheme = load_iccs()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{base}/iccs/correspondences")
            assert "No correspondence table yet" in page.locator("main").inner_text()

            # the token, typed and submitted with the keyboard; kept in the tab's sessionStorage
            page.focus("#corr-token")
            page.keyboard.type(deployment.token)
            page.keyboard.press("Enter")
            assert page.locator("#corr-token-state").inner_text() == "token set"

            # a list with a duplicated code is refused, located, and nothing is stored
            page.fill("#draft-country", COUNTRY)
            page.fill("#draft-name", "Código Penal Federal (extracto)")
            page.fill("#draft-version", VERSION)
            page.select_option("#draft-lang", "es")
            page.set_input_files(
                "#draft-file", {"name": "lista.csv", "mimeType": "text/csv", "buffer": BAD_LIST.encode()}
            )
            page.click("#draft-submit")
            error = page.locator("#draft-errors li")
            error.wait_for()
            assert error.get_attribute("data-code") == "duplicate-national-code"
            assert "lista.csv, row 4, column 'code': national code 'H1' appears twice" in error.inner_text()
            assert httpx.get(f"{base}/api/v1/correspondences").json()["count"] == 0

            # the Spanish list is drafted: every offence proposed, a link to its review queue
            page.set_input_files(
                "#draft-file", {"name": "lista.csv", "mimeType": "text/csv", "buffer": LIST.encode("utf-8")}
            )
            page.click("#draft-submit")
            page.locator("#draft-review-link").wait_for()
            assert page.locator("#draft-errors").inner_text() == ""
            assert f"Drafted {COUNTRY} {VERSION}: 6 offences" in page.locator("#draft-result").inner_text()
            page.keyboard.press("Enter")  # the link has the focus
            page.wait_for_url("**/iccs/review?**")

            # every proposal below confidence 1 in the queue: the Spanish labels and the coder's proposals
            page.fill("#review-threshold", "1")
            page.click("form[action='/iccs/review'] button[type=submit]")
            page.wait_for_url("**threshold=1**")
            rows = page.locator("table.review-queue tbody tr[data-code]")
            assert rows.count() >= 2
            labels = dict(line.split(",")[:2] for line in LIST.splitlines()[1:])
            for i in range(rows.count()):
                code = rows.nth(i).get_attribute("data-code") or ""
                assert labels[code] in rows.nth(i).locator("td").first.inner_text()
            assert page.locator("table.review-queue ol.proposals li").count() >= 2
            accepted = rows.filter(has=page.locator("button[data-action=confirm]:enabled")).first
            accepted_code = accepted.get_attribute("data-code") or ""
            accepted_iccs = accepted.locator("td").nth(1).locator(".code").inner_text().strip()
            assert accepted_iccs in scheme
            accepted.locator("button[data-action=confirm]").click()
            expect(accepted.locator(".result")).to_have_text(f"{accepted_iccs} confirmed")
            # Narcomenudeo (drug dealing) when the queue has it, otherwise another queued offence
            others = rows.filter(has_not=page.locator(f"[name='pick-{accepted_code}']"))
            dealing = others.and_(page.locator("tr[data-code='N1']"))
            corrected = dealing if dealing.count() else others.first
            corrected_code = corrected.get_attribute("data-code") or ""
            assert accepted_code in COUNTS and corrected_code in COUNTS and corrected_code != accepted_code
            current = corrected.locator("td").nth(1).inner_text()
            target = "06011" if "06012" in current else "06012"
            corrected.locator("input.other-code").fill(target)
            corrected.locator("input.comment").fill("comercio de drogas, no consumo personal")
            corrected.locator("button[data-action=correct]").click()
            expect(corrected.locator(".result")).to_have_text(f"{target} confirmed")

            # the table page shows both confirmed; the confirmed table exported as CSV
            page.goto(f"{base}/iccs/correspondences/{COUNTRY}/{VERSION}?lang=es")
            for code, iccs in ((accepted_code, accepted_iccs), (corrected_code, target)):
                link = page.locator(f"tr[data-code='{code}'] li[data-iccs='{iccs}']")
                assert link.get_attribute("data-status") == "confirmed"
            with page.expect_download() as download:
                page.click("text=Confirmed links only (CSV)")
            path = download.value.path()
            assert download.value.suggested_filename == f"correspondence-{COUNTRY}-{VERSION}-confirmed.csv"
            exported = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
            assert [r["national_code"] for r in exported] == ["H1", "R1", "F1", "V1", "S1", "N1"]
            assert exported[0]["label"] == "Homicidio doloso" and exported[3]["label"] == "Violación"
            assert all(r["language"] == "es" for r in exported)
            mapped = {
                r["national_code"]: (r["iccs_code"], r["share"], r["status"])
                for r in exported
                if r["iccs_code"]
            }
            assert mapped == {
                accepted_code: (accepted_iccs, "1", "confirmed"),
                corrected_code: (target, "1", "confirmed"),
            }

            # the confirmed table applied to national counts pasted in the form
            page.fill("#apply-counts", "\n".join(f"{k},{v}" for k, v in COUNTS.items()))
            page.check("input[name=confirmed]")
            page.click("form[action*='/apply'] button[type=submit]")
            page.locator("#apply-result").wait_for()
            total = sum(COUNTS.values())
            reached = COUNTS[accepted_code] + COUNTS[corrected_code]
            assert _numbers(page.locator("#total-in").inner_text()) == total
            assert _numbers(page.locator("#total-mapped").inner_text()) == reached
            assert _numbers(page.locator("#total-unmapped").inner_text()) == total - reached
            assert page.locator("#conserved").inner_text() == "yes"
            for level in (1, 2, 3):
                expected: dict[str, float] = {}
                for code, iccs in ((accepted_code, accepted_iccs), (corrected_code, target)):
                    at = ancestor_at(scheme, iccs, level)
                    expected[at] = expected.get(at, 0.0) + COUNTS[code]
                cells = page.locator(f"#level-{level} tbody tr[data-code]")
                shown = {
                    cells.nth(i).get_attribute("data-code"): float(
                        cells.nth(i).get_attribute("data-count") or "nan"
                    )
                    for i in range(cells.count())
                }
                assert shown == expected, level
                assert math.isclose(sum(shown.values()), reached)
            unmapped = page.locator("#unmapped tbody tr[data-code]")
            assert sorted(
                unmapped.nth(i).get_attribute("data-code") or "" for i in range(unmapped.count())
            ) == sorted(set(COUNTS) - {accepted_code, corrected_code})
            assert "not in the national list" in page.locator("#unmapped tr[data-code='ZZ9']").inner_text()
        finally:
            browser.close()
    # the one failed request is the refused list, which the page reports in #draft-errors
    assert problems == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    assert all(url.startswith(base) for url in requested), requested
