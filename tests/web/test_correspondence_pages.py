"""The correspondence pages: the list with its upload form, one table, its exports and the apply form."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from collect.test_workflow_support import Team, make_team
from observatory.iccs import correspondence as corr
from observatory.settings import Settings
from observatory.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

PAGE = "/iccs/correspondences/MEX/1"
# H1 one-to-one confirmed, R1 split over robbery and theft (proposed), F1 unmapped; a label with markup.
TABLE = (
    "national_code,label,description,iccs_code,share,status,comment\n"
    'H1,Homicidio doloso,,0101,1,confirmed,"checked <b>twice</b>"\n'
    "R1,Robo,,0401,0.5,proposed,\n"
    "R1,Robo,,0502,0.5,proposed,\n"
    'F1,<script>alert("x")</script> Fraude,,,,,\n'
)


@dataclass
class Site:
    client: TestClient
    team: Team
    app: Any


@dataclass(frozen=True)
class Prop:
    iccs_code: str
    title: str
    confidence: float
    evidence: list[Any] = field(default_factory=list)


class OneCodeCoder:
    """Proposes robbery for every label; enough to see a draft reach the page."""

    def propose(self, label: str, description: str = "", lang: str = "en", top: int = 3) -> list[Prop]:
        return [Prop("0401", "Robo", 0.5)]

    def learn(self, examples: Any) -> int:
        return 0


@pytest.fixture
def site(settings: Settings, tmp_path: Path) -> Iterator[Site]:
    app = create_app(settings)
    store = app.state.store
    team = make_team(store)
    app.state.coder = OneCodeCoder()
    path = tmp_path / "mex.csv"
    path.write_text(TABLE, encoding="utf-8")
    corr.import_table(store, team.mex, path, country="MEX", name="Código Penal", version="1")
    with TestClient(app) as client:
        yield Site(client, team, app)
    store.dispose()


def test_list_page_shows_tables_status_counts_coverage_and_the_upload_form(site: Site) -> None:
    page = site.client.get("/iccs/correspondences")
    assert page.status_code == 200
    text = page.text
    assert '<h2 id="country-MEX">MEX</h2>' in text
    assert f'<a href="{PAGE}">1</a>' in text and "Código Penal" in text
    # offences 3; links: 2 proposed, 1 confirmed, 0 disputed; 1 unmapped offence; 2 of 3 mapped, 1 confirmed
    cells = [c.strip() for c in text.split('<td class="num">')[1:7]]
    assert [c.split("<")[0] for c in cells] == ["3", "2", "1", "0", "1", "67%"]
    assert "33% confirmed" in cells[5]
    assert f'href="{PAGE}/export?format=csv"' in text and f'href="{PAGE}/export?format=xlsx"' in text
    assert 'href="/iccs/review?country=MEX&amp;version=1"' in text
    for needle in ('id="draft-form"', 'id="draft-file"', 'name="lang"', 'id="draft-errors"', 'role="alert"'):
        assert needle in text
    assert '<script src="/static/correspondence.js"></script>' in text
    assert '<option value="MEX">Mexico</option>' in text
    assert site.client.get("/static/correspondence.js").status_code == 200
    assert '<a href="/iccs/correspondences">Correspondence tables</a>' in site.client.get("/iccs").text


def test_empty_list_invites_an_upload(empty_client: TestClient) -> None:
    page = empty_client.get("/iccs/correspondences")
    assert page.status_code == 200
    assert "No correspondence table yet" in page.text and 'id="draft-form"' in page.text


def test_table_page_shows_links_shares_status_coverage_and_history(site: Site) -> None:
    page = site.client.get(PAGE)
    assert page.status_code == 200
    text = page.text
    assert "<h1>MEX 1: Código Penal</h1>" in text
    assert '<th scope="col">National code</th>' in text and '<th scope="row" class="code">R1</th>' in text
    assert 'data-iccs="0401" data-status="proposed"' in text and 'data-iccs="0502"' in text
    assert "one-to-many" in text and "unmapped" in text
    assert 'data-iccs="0101" data-status="confirmed"' in text
    for href in ("/export?format=csv", "/export?format=xlsx", "/export?format=csv&amp;confirmed=true"):
        assert f'href="{PAGE}{href}"' in text
    assert 'href="/api/v1/correspondences/MEX/1/history"' in text
    assert "2 of 3 national offences mapped (67%)" in text
    coverage = text.split('class="data compact corr-coverage"')[1].split("</table>")[0]
    assert [row.split('">')[1].split("<")[0] for row in coverage.split('<a class="code" href=')[1:]] == [
        "01",
        "04",
        "05",
    ]
    assert "3 changes recorded" in text  # one import change per link
    spanish = site.client.get(PAGE, params={"lang": "es"}).text
    assert "Homicidio intencional" in spanish and 'lang=es" aria-current="true"' in spanish


def test_labels_and_comments_are_escaped(site: Site) -> None:
    for url in (PAGE, "/iccs/correspondences"):
        text = site.client.get(url).text
        assert "<script>alert" not in text and "<b>twice" not in text
    text = site.client.get(PAGE).text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Fraude" in text
    assert "checked &lt;b&gt;twice&lt;/b&gt;" in text


def test_unknown_table_is_a_404_page(site: Site) -> None:
    for url in (
        "/iccs/correspondences/MEX/9",
        "/iccs/correspondences/FRA/1",
        "/iccs/correspondences/MEX/9/export",
    ):
        page = site.client.get(url)
        assert page.status_code == 404, url
        assert "text/html" in page.headers["content-type"]
        assert "unknown-correspondence" in page.text
    assert "versions of MEX: 1" in site.client.get("/iccs/correspondences/MEX/9").text
    applied = site.client.post("/iccs/correspondences/MEX/9/apply", data={"counts": "H1,1"})
    assert applied.status_code == 404


def test_apply_pasted_counts_gives_levels_unmapped_and_conserved_totals(site: Site) -> None:
    page = site.client.post(f"{PAGE}/apply", data={"counts": "H1\t10\nR1\t7\nF1\t3\nZZ\t5\n"})
    assert page.status_code == 200
    text = page.text
    result = text.split('id="apply-result"')[1]
    level1 = result.split('id="level-1"')[1].split("</table>")[0]
    assert 'data-code="01" data-count="10.0"' in level1
    assert 'data-code="04" data-count="3.5"' in level1 and 'data-code="05" data-count="3.5"' in level1
    level3 = result.split('id="level-3"')[1].split("</table>")[0]
    assert 'data-code="0101" data-count="10.0"' in level3 and 'data-code="0401"' in level3
    unmapped = result.split('id="unmapped"')[1].split("</table>")[0]
    assert (
        'data-code="F1"' in unmapped
        and 'data-code="ZZ"' in unmapped
        and "not in the national list" in unmapped
    )
    assert '<dd id="total-in">25</dd>' in result and '<dd id="total-mapped">17</dd>' in result
    assert '<dd id="total-unmapped">8</dd>' in result and '<dd id="conserved">yes</dd>' in result
    assert "H1\t10" in text  # the input is kept in the form


def test_apply_uploaded_csv_confirmed_only(site: Site) -> None:
    data = {"confirmed": "1", "counts": ""}
    files = {"file": ("counts.csv", b"national_code,count\nH1,10\nR1,7\nH1,2\n", "text/csv")}
    page = site.client.post(f"{PAGE}/apply", data=data, files=files)
    assert page.status_code == 200
    result = page.text.split('id="apply-result"')[1]
    assert "(confirmed links only)" in result
    assert 'data-code="01" data-count="12.0"' in result.split('id="level-1"')[1].split("</table>")[0]
    assert '<dd id="total-unmapped">7</dd>' in result and '<dd id="conserved">yes</dd>' in result


@pytest.mark.parametrize(
    ("counts", "code", "where"),
    [
        ("H1,ten\n", "non-numeric-value", "pasted counts, row 1, column &#39;count&#39;"),
        ("code,count\nH1,1\nR1,x\n", "non-numeric-value", "pasted counts, row 3, column &#39;count&#39;"),
        ("   ", "missing-value", "field &#39;counts&#39;"),
    ],
)
def test_bad_counts_come_back_located_beside_the_form(site: Site, counts: str, code: str, where: str) -> None:
    page = site.client.post(f"{PAGE}/apply", data={"counts": counts})
    assert page.status_code == 400
    error = page.text.split('id="apply-error"')[1].split("</div>")[0]
    assert f"<code>{code}</code>" in error and where in error
    assert 'aria-invalid="true"' in page.text and 'id="apply-result"' not in page.text


def test_exports_whole_and_confirmed_only(site: Site) -> None:
    whole = site.client.get(f"{PAGE}/export", params={"format": "csv"})
    assert (
        whole.status_code == 200
        and 'filename="correspondence-MEX-1.csv"' in whole.headers["content-disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(whole.text)))
    assert [(r["national_code"], r["iccs_code"], r["status"]) for r in rows] == [
        ("H1", "0101", "confirmed"),
        ("R1", "0401", "proposed"),
        ("R1", "0502", "proposed"),
        ("F1", "", ""),
    ]
    confirmed = site.client.get(f"{PAGE}/export", params={"format": "xlsx", "confirmed": "true"})
    assert "correspondence-MEX-1-confirmed.xlsx" in confirmed.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(confirmed.content)).active
    assert sheet is not None
    got = [(r[0], r[7], r[9]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert got == [("H1", "0101", "confirmed"), ("R1", "", ""), ("F1", "", "")]


def test_draft_api_reads_an_xlsx_list_with_optional_columns(site: Site, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Code", "Label", "Description", "Legal reference", "Language", "Valid from"])
    sheet.append(["A1", "Robo calificado", "", "CP art. 367", "", "2020-01-01"])
    sheet.append(["A2", "Robo simple", "", "CP art. 370", "es-MX", None])
    buffer = io.BytesIO()
    book.save(buffer)
    headers = {"Authorization": f"Bearer {site.team.tokens['mex']}"}
    url = "/api/v1/correspondences/MEX/x1/draft"
    params = {"name": "Lista", "lang": "es", "filename": "lista.xlsx"}
    made = site.client.post(url, params=params, content=buffer.getvalue(), headers=headers)
    assert made.status_code == 201, made.text
    table = corr.load(site.app.state.store, "MEX", "x1")
    assert [(o.code, o.legal_reference, o.language, str(o.valid_from)) for o in table.offences] == [
        ("A1", "CP art. 367", "es", "2020-01-01"),
        ("A2", "CP art. 370", "es-MX", "None"),
    ]
    sheet.append(["A1", "Robo otra vez"])
    buffer = io.BytesIO()
    book.save(buffer)
    refused = site.client.post(
        "/api/v1/correspondences/MEX/x2/draft", params=params, content=buffer.getvalue(), headers=headers
    )
    assert refused.status_code == 400
    problem = refused.json()["errors"][0]
    assert problem["code"] == "duplicate-national-code"
    assert problem["location"] == {
        "file": "lista.xlsx",
        "row": 4,
        "column": "code",
        "sheet": "Sheet",
        "cell": "A4",
    }
    assert [t.version for t in corr.list_tables(site.app.state.store, "MEX")] == ["1", "x1"]
