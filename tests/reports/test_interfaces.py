"""``observatory report ...`` and ``/api/v1/reports/...``: thin adapters writing the same documents; the
area page links to its profile."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from observatory.cli.main import main
from observatory.norms.assessments import country_scores
from observatory.reports.figures import percent
from observatory.web.app import create_app
from reports.conftest import ANNEX_YEAR, Reports

with warnings.catch_warnings():  # starlette asks for httpx2 when it finds httpx; the client works the same
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def client(reports: Reports) -> TestClient:
    return TestClient(create_app(reports.store.settings, store=reports.store))


def test_cli_writes_the_profile_annex_and_portfolio(
    reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(reports.store.settings.data_dir))
    target = tmp_path / "mex.docx"
    code, out, err = _run(capsys, "report", "profile", "MEX", "--format", "docx", "--out", str(target))
    assert code == 0, err
    assert f"Wrote {target}" in out
    score = percent(country_scores(reports.store, "MEX")["data"][0]["overall"]["score"])
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert f"overall score {score}" in text

    annex = tmp_path / "annex.txt"
    code, out, err = _run(capsys, "report", "annex", "--year", str(ANNEX_YEAR), "-f", "txt", "-o", str(annex))
    assert code == 0, err
    assert "of the 4 [1] countries and territories invited" in annex.read_text().lower()

    portfolio = tmp_path / "portfolio.html"
    code, out, err = _run(capsys, "report", "portfolio", "--theme", "prison-reform", "--out", str(portfolio))
    assert code == 0, err
    html = portfolio.read_text()
    assert "theme prison-reform" in html and "MEX-BR-1" in html and "By region" in html

    code, out, err = _run(capsys, "report", "profile", "Atlantis", "--out", str(tmp_path / "x.html"))
    assert code == 1 and "unknown-area" in err and not (tmp_path / "x.html").exists()


def test_api_serves_the_files(reports: Reports, client: TestClient) -> None:
    pdf = client.get("/api/v1/reports/profile/MEX.pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="profile-mexico-mex.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Mexico (MEX)" in text and "http://testserver/indicators/" in text.replace("\n", "")

    docx = client.get("/api/v1/reports/profile/mex.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    annex = client.get(f"/api/v1/reports/annex/{ANNEX_YEAR}.html")
    assert annex.status_code == 200 and "Statistical annex" in annex.text
    portfolio = client.get("/api/v1/reports/portfolio.txt", params={"country": "MEX"})
    assert portfolio.status_code == 200 and "MEX-BR-1" in portfolio.text

    assert client.get("/api/v1/reports/profile/MEX.exe").status_code == 400  # not a report format
    missing = client.get("/api/v1/reports/profile/ATLANTIS.pdf")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "unknown-area"


def test_area_page_links_to_its_profile(client: TestClient) -> None:
    page = client.get("/areas/MEX")
    assert page.status_code == 200
    for fmt in ("pdf", "docx", "html"):
        assert f'href="/api/v1/reports/profile/MEX.{fmt}"' in page.text
    region = client.get("/areas/419")
    assert region.status_code == 200 and "/api/v1/reports/profile/" not in region.text
