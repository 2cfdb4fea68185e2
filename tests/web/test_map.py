"""The indicator page's world map and ranking, and the home page's headlines, on every country's real data.

Expected figures are computed here from the extract rows (persons held and World Bank population), not read
back from the platform.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from observatory.catalog.areas import WORLD, load_areas
from observatory.web import create_app

from .portal_seed import Portal, portal

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

RATE = "prison_population_rate"


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Iterator[tuple[Portal, TestClient]]:
    built = portal(tmp_path_factory.mktemp("portal-map"), shared_data)
    with TestClient(create_app(built.settings, store=built.store)) as client:
        yield built, client
    built.store.dispose()


@pytest.fixture(scope="module")
def data(seeded: tuple[Portal, TestClient]) -> Portal:
    return seeded[0]


@pytest.fixture(scope="module")
def web(seeded: tuple[Portal, TestClient]) -> TestClient:
    return seeded[1]


def page(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    return response.text


def map_spec(text: str) -> dict[str, object]:
    found = re.search(r'data-map-spec="([^"]*)"', text)
    assert found, "no map on the page"
    spec: dict[str, object] = json.loads(unescape(found.group(1)))
    return spec


def expected_rates(data: Portal, year: int) -> dict[str, float]:
    """ISO3 -> persons held per 100,000 World Bank population, from the extracts."""
    held = data.persons_held(year)
    return {
        iso: n / data.population[(iso, year)] * 100_000
        for iso, n in held.items()
        if data.population.get((iso, year))
    }


def test_map_spec_joins_values_to_the_local_topojson_by_m49(web: TestClient, data: Portal) -> None:
    text = page(web, f"/indicators/{RATE}?year=2015")
    spec = map_spec(text)
    assert spec["data"] == {
        "url": "/static/vendor/countries-110m.json",
        "format": {"type": "topojson", "feature": "countries"},
    }
    lookup = spec["transform"][0]  # type: ignore[index]
    assert lookup["lookup"] == "id" and lookup["from"]["key"] == "m49"
    by_m49 = {v["m49"]: v for v in lookup["from"]["data"]["values"]}
    catalog = load_areas()
    expected = expected_rates(data, 2015)
    assert len(expected) > 100
    for iso in ("MEX", "FRA", "JPN", "ZAF"):
        entry = by_m49[catalog.get(iso).m49 or ""]
        assert entry["code"] == iso
        assert entry["values"]["2015"] == pytest.approx(expected[iso])
    assert spec["params"][0]["name"] == "year" and spec["params"][0]["value"] == 2015  # type: ignore[index]
    assert spec["encoding"]["href"] == {"field": "href", "type": "nominal"}  # type: ignore[index]
    # the TopoJSON is served by the app itself, and its feature ids are the M49 codes of the catalogue
    topo = web.get("/static/vendor/countries-110m.json")
    assert topo.status_code == 200
    ids = {g.get("id") for g in topo.json()["objects"]["countries"]["geometries"]}
    assert {catalog.get(iso).m49 for iso in ("MEX", "FRA", "JPN", "ZAF")} <= ids


def test_ranking_table_is_the_selected_year_sorted_with_explanations(web: TestClient, data: Portal) -> None:
    expected = expected_rates(data, 2015)
    text = page(web, f"/indicators/{RATE}?year=2015&sort=value")
    ranking = re.search(r'<table class="data ranking" data-year="2015">(.*?)</table>', text, re.S)
    assert ranking
    areas = re.findall(r'<tr data-rank-area="([A-Z_]+)">', ranking.group(1))
    top = max(expected, key=lambda iso: expected[iso])
    assert areas[0] == top
    assert set(expected) <= set(areas)
    assert f'href="/indicators/{RATE}?area={top}&amp;year=2015#explanation"' in ranking.group(1)
    # ascending by name when asked, and the header link offers the other direction
    by_name = page(web, f"/indicators/{RATE}?year=2015&sort=name")
    names = re.findall(
        r'<tr data-rank-area="[A-Z_]+">\s*<td class="num">[^<]*</td>\s*<td><a [^>]*>([^<]+)</a>', by_name
    )
    assert names == sorted(names) and len(names) == len(areas)
    assert 'aria-sort="ascending"' in by_name and "sort=-name" in by_name


def test_year_links_work_without_javascript(web: TestClient) -> None:
    text = page(web, f"/indicators/{RATE}")
    default = int(re.search(r'<span id="map-year">(\d{4})</span>', text).group(1))  # type: ignore[union-attr]
    years = [
        int(y) for y in re.findall(r'<a href="/indicators/[^"?]+\?year=(\d{4})&amp;sort=value#map"', text)
    ]
    assert default in years and min(years) < default
    older = page(web, f"/indicators/{RATE}?year={min(years)}")
    assert f'<table class="data ranking" data-year="{min(years)}">' in older
    assert map_spec(older)["params"][0]["value"] == min(years)  # type: ignore[index]
    assert re.search(r'id="map-description"[^>]*>World map of .* in \d{4}', older)


def test_year_outside_the_data_is_400_naming_the_field(web: TestClient) -> None:
    response = web.get(f"/indicators/{RATE}?year=1901")
    assert response.status_code == 400
    assert "year" in response.text and "year-out-of-range" in response.text


def test_explanation_of_the_chosen_year(web: TestClient, data: Portal) -> None:
    text = page(web, f"/indicators/{RATE}?area=MEX&year=2012")
    assert "How the 2012 value was computed" in text


def test_home_shows_headlines_computed_from_the_store(web: TestClient, data: Portal) -> None:
    text = page(web, "/")
    row = re.search(rf'<tr data-headline="{RATE}">(.*?)</tr>', text, re.S)
    assert row, "no prison population headline"
    year = int(re.search(r'headline-year">(\d{4})<', row.group(1)).group(1))  # type: ignore[union-attr]
    coverage = int(re.search(r'headline-coverage">(\d+)%', row.group(1)).group(1))  # type: ignore[union-attr]
    # coverage: population share of World members that reported, computed here from the extracts
    catalog = load_areas()
    members = [a for a in catalog.members(WORLD) if a.iso3 and (a.iso3, year) in data.population]
    rates = expected_rates(data, year)
    reported = sum(data.population[(a.iso3, year)] for a in members if a.iso3 in rates)  # type: ignore[index]
    total = sum(data.population[(a.iso3, year)] for a in members)  # type: ignore[index]
    assert coverage == round(100 * reported / total)
    assert coverage >= 60  # the latest year that meets the coverage rule
    value = float(re.search(r'headline-value">([\d,.]+)<', row.group(1)).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert min(rates.values()) < value < max(rates.values())
    for region in ("Africa", "Americas", "Asia", "Europe", "Oceania"):
        assert region in row.group(1)
    assert re.search(r'<code class="sha256">[0-9a-f]{64}</code>', text)
    assert 'data-headline="sdg_16_1_1"' in text and 'data-headline="sdg_16_3_2"' in text
