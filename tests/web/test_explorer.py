"""The data explorer (``/explore``) and its downloads (``/api/v1/indicators/{id}/values.{format}``).

Expected values are computed from the extract rows (persons held over World Bank population), not read
back from the platform.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import openpyxl
import pytest
from defusedxml import ElementTree

from observatory.web import create_app

from .portal_seed import Portal, portal

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

RATE = "prison_population_rate"
VIEW = f"/explore?indicator={RATE}&area=MEX&area=FRA&area=019&from=2010&to=2014"


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Iterator[tuple[Portal, TestClient]]:
    built = portal(tmp_path_factory.mktemp("portal-explorer"), shared_data)
    with TestClient(create_app(built.settings, store=built.store)) as client:
        yield built, client
    built.store.dispose()


@pytest.fixture(scope="module")
def data(seeded: tuple[Portal, TestClient]) -> Portal:
    return seeded[0]


@pytest.fixture(scope="module")
def web(seeded: tuple[Portal, TestClient]) -> TestClient:
    return seeded[1]


def rate(data: Portal, iso: str, year: int) -> float:
    return data.persons_held(year)[iso] / data.population[(iso, year)] * 100_000


def links(text: str) -> dict[str, str]:
    """Download format -> URL of the page's download links."""
    return {
        fmt: unescape(url)
        for url, fmt in re.findall(r'<a href="([^"]+)" data-format="([^"]+)" download>', text)
    }


def test_permalink_round_trip(web: TestClient) -> None:
    first = web.get(VIEW)
    assert first.status_code == 200
    permalink = unescape(re.search(r'<a href="([^"]+)" id="permalink"', first.text).group(1))  # type: ignore[union-attr]
    assert parse_qsl(urlsplit(permalink).query) == parse_qsl(urlsplit(VIEW).query)
    again = web.get(permalink)
    assert re.findall(r'<tr data-area="([^"]+)" data-year="(\d+)">', again.text) == re.findall(
        r'<tr data-area="([^"]+)" data-year="(\d+)">', first.text
    )
    # the form shows the state: the indicator and the areas are selected, the years filled in
    assert f'<option value="{RATE}" selected>' in again.text
    for code in ("MEX", "FRA", "019"):
        assert f'<option value="{code}" selected>' in again.text
    assert 'value="2010"' in again.text and 'value="2014"' in again.text


def test_table_has_values_aggregates_and_where_they_came_from(web: TestClient, data: Portal) -> None:
    text = web.get(VIEW).text
    rows = re.findall(r'<tr data-area="([^"]+)" data-year="(\d+)">(.*?)</tr>', text, re.S)
    assert {(a, int(y)) for a, y, _ in rows} >= {
        ("MEX", y) for y in range(2010, 2015) if ("MEX", y) in data.population
    }
    mex = next(cells for a, y, cells in rows if a == "MEX" and y == "2012")
    assert f"{rate(data, 'MEX', 2012):,.2f}" in mex
    assert f'href="/indicators/{RATE}?area=MEX&amp;year=2012#explanation"' in mex
    americas = next(cells for a, y, cells in rows if a == "019" and y == "2012")
    assert "population-weighted rate" in americas and "coverage" in americas
    assert all(2010 <= int(y) <= 2014 for _, y, _ in rows)
    assert "data-vega-spec" in text


def test_downloads_hold_exactly_the_view(web: TestClient, data: Portal) -> None:
    urls = links(web.get(VIEW).text)
    assert set(urls) == {"csv", "xlsx", "sdmx-csv", "sdmx-ml"}
    query = parse_qsl(urlsplit(VIEW).query)
    for url in urls.values():
        assert parse_qsl(urlsplit(url).query) == [(k, v) for k, v in query if k != "indicator"]

    got = web.get(urls["csv"])
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in got.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(got.text)))
    assert list(table[0])[:4] == ["indicator", "area", "area_name", "year"]
    assert (table[0]["area"], table[0]["year"]) == ("MEX", "2010")
    assert float(table[0]["value"]) == pytest.approx(rate(data, "MEX", 2010))
    assert table[0]["explanation"] == f"/indicators/{RATE}?area=MEX&year=2010#explanation"
    assert {r["area"] for r in table} == {"MEX", "FRA", "019"}
    assert int(got.headers["x-total-count"]) == len(table)

    book = web.get(urls["xlsx"])
    assert book.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True).active
    cells = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert cells[0][:4] == ("indicator", "area", "area_name", "year")
    assert cells[1][1:4] == ("MEX", "Mexico", 2010)
    assert len(cells) == len(table) + 1

    sdmx_csv = web.get(urls["sdmx-csv"])
    assert sdmx_csv.headers["content-type"].startswith("application/vnd.sdmx.data+csv")
    first = next(csv.DictReader(io.StringIO(sdmx_csv.text)))
    assert first["DATAFLOW"] == "OBSERVATORY:PRISON_POPULATION_RATE(1.0)"
    assert (first["REF_AREA"], first["TIME_PERIOD"]) == ("MEX", "2010")
    assert float(first["OBS_VALUE"]) == pytest.approx(rate(data, "MEX", 2010))

    xml = web.get(urls["sdmx-ml"])
    assert xml.headers["content-type"].startswith("application/vnd.sdmx.structurespecificdata+xml")
    root = ElementTree.fromstring(xml.content)
    series = [e for e in root.iter() if e.tag.endswith("Series")]
    assert {s.get("REF_AREA") for s in series} == {"MEX", "FRA", "019"}
    obs = [e for e in root.iter() if e.tag.endswith("Obs")]
    assert len(obs) == len(table)
    estimated = [o for s in series if s.get("REF_AREA") == "019" for o in s if o.get("OBS_STATUS") == "E"]
    assert estimated, "imputed aggregates are marked estimated"


def test_breakdown_values_filter_the_rows(web: TestClient) -> None:
    text = web.get("/explore?indicator=sdg_16_1_1_by_sex&area=MEX&sex=F&from=2015&to=2015").text
    rows = re.findall(r'<tr data-area="MEX" data-year="2015">(.*?)</tr>', text, re.S)
    assert len(rows) == 1 and "<td>F</td>" in rows[0]
    assert 'name="sex" value="F" checked' in text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("indicator=nope", "indicator"),
        (f"indicator={RATE}&area=Atlantis", "area"),
        (f"indicator={RATE}&from=20x0", "from"),
        (f"indicator={RATE}&from=2015&to=2010", "to"),
        ("indicator=sdg_16_1_1_by_sex&sex=X", "sex"),
        ("indicator=sdg_16_1_1_by_sex&area=019", "area"),
    ],
)
def test_bad_parameters_are_shown_next_to_their_field(web: TestClient, query: str, field: str) -> None:
    response = web.get(f"/explore?{query}")
    assert response.status_code == 400
    assert re.search(rf'<p class="field-error" id="error-{field}" role="alert">[^<]+</p>', response.text)
    assert f'aria-describedby="error-{field}"' in response.text
    assert "data-format" not in response.text  # no downloads of an invalid view


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("area=Atlantis", "area"),
        ("from=abc", "from"),
        ("from=2015&to=2010", "to"),
        ("sex=X", "sex"),
        ("area=019&from=2015", "area"),  # rates by sex are not aggregated to regions
    ],
)
def test_download_api_names_the_bad_field(web: TestClient, query: str, field: str) -> None:
    response = web.get(f"/api/v1/indicators/sdg_16_1_1_by_sex/values.csv?{query}")
    assert response.status_code in (400, 422)
    body = response.json()
    assert body["ok"] is False
    assert body["errors"][0]["location"]["field"] == field


def test_unknown_indicator_download_is_an_error(web: TestClient) -> None:
    response = web.get("/api/v1/indicators/nope/values.csv")
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"]["field"] == "indicator"
