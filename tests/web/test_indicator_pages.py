"""The indicator pages and the area page's "Indicators" section, on a store seeded from the real data.

The store is seeded like ``conftest.py``'s (extracts of the UNODC prisons export and the SDG file) plus
the World Bank population of the same countries, so per-capita rates have a denominator. Expected
figures are computed here from the extract rows, not read back from the platform.
"""

from __future__ import annotations

import csv
import json
import re
import warnings
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from observatory.catalog.indicators import load_indicators
from observatory.collect.importing import import_paths
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish
from observatory.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

PRISONS = Path("unodc_cts") / "unodc_cts_prisons_and_prisoners_2023-05-11.csv"
SDG = Path("sdg16") / "sdg_goal16_series_unsd_2020.csv"
PRISON_AREAS = frozenset({"MEX", "FRA", "CHL", "GBR_E_W"})
SDG_AREAS = frozenset({"484", "250"})
SDG_SERIES = frozenset({"VC_IHR_PSRC", "VC_IHR_PSRCN", "VC_PRS_UNSEC"})
POPULATION = Path("population") / "worldbank_sp_pop_totl_1960_2024.csv"
CAPACITY = "Prisons facilities and capacity"
TOTALS = {"Dimension": "Total", "Category": "Total", "Sex": "Total", "Age": "Total"}


def extract(source: Path, target: Path, keep: Callable[[dict[str, str]], bool]) -> list[dict[str, str]]:
    """Copy the header and the rows ``keep`` accepts from ``source`` to ``target``; return them."""
    with source.open(encoding="utf-8-sig", newline="") as inp:
        reader = csv.DictReader(inp)
        fields = list(reader.fieldnames or [])
        kept = [row for row in reader if keep(row)]
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fields)
        writer.writeheader()
        writer.writerows(kept)
    return kept


class Seed:
    def __init__(self, prisons: list[dict[str, str]], population: list[dict[str, str]]) -> None:
        self.prisons = prisons
        self.population = {
            (r["Country Code"], int(r["Year"])): float(r["Value"]) for r in population if r["Value"]
        }

    def count(self, iso: str, indicator: str, year: int, **columns: str) -> float | None:
        """The count of the one extract row with these columns (``Total`` unless given)."""
        wanted = {**TOTALS, "Iso3_code": iso, "Indicator": indicator, "Year": str(year), **columns}
        wanted["Unit of measurement"] = "Counts"
        found = [r for r in self.prisons if all(r[k] == v for k, v in wanted.items())]
        assert len(found) <= 1, found
        return float(found[0]["VALUE"]) if found else None

    def capacity(self, iso: str, year: int) -> float | None:
        return self.count(iso, CAPACITY, year, Category="Official prison capacity")

    def years(self, iso: str, indicator: str) -> list[int]:
        return sorted(
            {int(r["Year"]) for r in self.prisons if r["Iso3_code"] == iso and r["Indicator"] == indicator}
        )


@pytest.fixture(scope="module")
def seed_and_client(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Iterator[tuple[Seed, TestClient]]:
    folder = tmp_path_factory.mktemp("indicator-pages")
    prisons = extract(shared_data / PRISONS, folder / "prisons.csv", lambda r: r["Iso3_code"] in PRISON_AREAS)
    extract(
        shared_data / SDG,
        folder / "sdg.csv",
        lambda r: r["geo_area_m49"] in SDG_AREAS and r["series_code"] in SDG_SERIES,
    )
    population = extract(
        shared_data / POPULATION,
        folder / "population.csv",
        lambda r: r["Country Code"] in {"MEX", "FRA", "CHL"},
    )
    settings = Settings(data_dir=folder / "var")
    store = Store(settings)
    store.init()
    import_paths(store, [folder / "prisons.csv", folder / "sdg.csv", folder / "population.csv"])
    publish(store)
    with TestClient(create_app(settings, store=store)) as client:
        yield Seed(prisons, population), client
    store.dispose()


@pytest.fixture(scope="module")
def seed(seed_and_client: tuple[Seed, TestClient]) -> Seed:
    return seed_and_client[0]


@pytest.fixture(scope="module")
def web(seed_and_client: tuple[Seed, TestClient]) -> TestClient:
    return seed_and_client[1]


def html(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def row(text: str, indicator: str) -> str:
    """The HTML of one indicator's row in the area page's Indicators table."""
    found = re.search(rf'<tr id="indicator-{indicator}" data-indicator="{indicator}">(.*?)</tr>', text, re.S)
    assert found, f"no row for {indicator}"
    return found.group(1)


def text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def latest_year(seed: Seed, *, per_capita: bool) -> int:
    """The latest year with persons held and population (or official capacity) for MEX."""
    years = [
        y
        for y in seed.years("MEX", "Persons held")
        if seed.count("MEX", "Persons held", y) is not None
        and (seed.population.get(("MEX", y)) if per_capita else seed.capacity("MEX", y))
    ]
    return max(years)


def test_area_page_shows_the_prison_population_rate(web: TestClient, seed: Seed) -> None:
    year = latest_year(seed, per_capita=True)
    held = seed.count("MEX", "Persons held", year)
    assert held is not None
    expected = held / seed.population[("MEX", year)] * 100_000
    cells = text_of(row(html(web, "/areas/MEX"), "prison_population_rate"))
    assert str(year) in cells
    assert f"{expected:,.1f} per 100,000" in cells
    assert "/api/v1/indicators/prison_population_rate/explain?area=MEX&amp;year=" in row(
        html(web, "/areas/MEX"), "prison_population_rate"
    )


def test_area_page_shows_occupancy_with_a_chart(web: TestClient, seed: Seed) -> None:
    year = latest_year(seed, per_capita=False)
    held, capacity = seed.count("MEX", "Persons held", year), seed.capacity("MEX", year)
    assert held is not None and capacity is not None
    text = html(web, "/areas/MEX")
    assert f"{held / capacity * 100:,.1f} %" in text_of(row(text, "prison_occupancy"))
    specs = [
        json.loads(s.replace("&#34;", '"').replace("&quot;", '"'))
        for s in re.findall(r'data-vega-spec="([^"]*)"', text)
    ]
    occupancy = [s for s in specs if s["description"].startswith("Indicator prison_occupancy")]
    assert len(occupancy) == 1
    points = {p["year"]: p["value"] for p in occupancy[0]["data"]["values"]}
    assert points[str(year)] == pytest.approx(held / capacity * 100)
    for headline in ("prison_population_rate", "sdg_16_3_2", "sdg_16_1_1"):
        assert f'id="chart-indicator-{headline}"' in text


def test_missing_denominator_is_a_note_not_a_number(web: TestClient) -> None:
    cells = text_of(row(html(web, "/areas/MEX"), "children_in_detention_per_100k_children"))
    assert "missing denominator" in cells
    assert not re.search(r"\d+(\.\d+)? per 100,000", cells)


def test_indicators_page_lists_the_registry(web: TestClient) -> None:
    text = html(web, "/indicators")
    for indicator in load_indicators().values():
        assert f'data-indicator="{indicator.id}"' in text
        assert f'href="/indicators/{indicator.id}"' in text
    assert "SDG 16.3.2" in text


def test_indicator_page_has_latest_value_per_country(web: TestClient, seed: Seed) -> None:
    text = html(web, "/indicators/prison_population_rate?sort=value")
    assert 'href="/areas/MEX"' in text and 'href="/areas/FRA"' in text
    areas = re.findall(r'<tr data-area="([A-Z_]+)">', text)
    assert {"MEX", "FRA", "CHL"} <= set(areas)


def test_indicator_page_for_one_area_explains_its_inputs(web: TestClient, seed: Seed) -> None:
    text = html(web, "/indicators/prison_occupancy?area=MEX")
    year = latest_year(seed, per_capita=False)
    assert f"How the {year} value was computed" in text
    rows = {
        i + 2: r  # header is line 1 of the file
        for i, r in enumerate(seed.prisons)
    }
    capacity = [
        n
        for n, r in rows.items()
        if r["Iso3_code"] == "MEX"
        and r["Indicator"] == CAPACITY
        and r["Year"] == str(year)
        and r["Unit of measurement"] == "Counts"
        and all(r[k] == v for k, v in {**TOTALS, "Category": "Official prison capacity"}.items())
    ]
    assert len(capacity) == 1
    cells = re.findall(r'<td class="num file-row">(\d+)</td>', text)
    assert {str(n) for n in capacity} & set(cells), (capacity, cells)
    assert re.search(r'<code class="sha" title="[0-9a-f]{64}">', text)


class Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v or "" for k, v in attrs if k in {"src", "href"}]


@pytest.mark.parametrize(
    "path", ["/areas/MEX", "/indicators", "/indicators/sdg_16_3_2", "/indicators/prison_occupancy?area=MEX"]
)
def test_no_external_urls(web: TestClient, path: str) -> None:
    parser = Urls()
    parser.feed(html(web, path))
    assert parser.urls
    assert not [u for u in parser.urls if u.startswith(("http://", "https://", "//"))]


def test_unknown_indicator_is_404(web: TestClient) -> None:
    assert web.get("/indicators/nope").status_code == 404
