"""The HTML pages, rendered on the seeded store: headings, real figures, charts, no external URLs."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from observatory.model.observation import SERIES_DIMENSIONS

if TYPE_CHECKING:
    from fastapi.testclient import TestClient
    from tests.web.conftest import Seeded

SERIES_KEYS = ("dataflow", *SERIES_DIMENSIONS)
PAGES = [
    "/",
    "/areas",
    "/areas/MEX",
    "/areas/FRA",
    "/areas/013",
    "/areas/NOR",
    "/iccs",
    "/iccs?lang=es",
    "/iccs/0101",
    "/iccs/01",
    "/docs",
    "/nowhere",
]


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.specs: list[dict[str, Any]] = []
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.headings: list[str] = []
        self.links: list[str] = []
        self._heading: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "data-vega-spec" in values:
            self.specs.append(json.loads(values["data-vega-spec"]))
        for name in ("src", "href"):
            if name in values:
                self.urls.append((tag, name, values[name]))
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag in {"h1", "h2"}:
            self._heading = []

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2"} and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None


def page(client: TestClient, path: str, status: int = 200) -> Page:
    response = client.get(path)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


def chart(parsed: Page, title: str) -> dict[str, Any]:
    found = [s for s in parsed.specs if s["description"].startswith(title)]
    assert len(found) == 1, [s["description"] for s in parsed.specs]
    return found[0]


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_other_hosts(client: TestClient, path: str) -> None:
    response = client.get(path)
    parsed = Page(response.text)
    loaded = [(tag, url) for tag, attr, url in parsed.urls if tag != "a"]
    assert loaded, "every page loads the local stylesheet"
    for tag, url in loaded:
        assert not url.startswith(("http://", "https://", "//")), (tag, url)
    assert "cdn" not in response.text.lower()


def test_home_says_what_is_published(client: TestClient, seeded: Seeded) -> None:
    response = client.get("/")
    parsed = Page(response.text)
    assert "What is published" in parsed.headings
    body = client.get("/api/v1/releases").json()["data"][0]
    text = " ".join(response.text.split())
    assert f"<dd>{body['number']}</dd>" in text
    assert f"{body['observations']:,}" in text
    areas_with_data = len({r["Iso3_code"] for r in seeded.prisons})
    assert f"<dt>Areas with data</dt><dd>{areas_with_data}</dd>" in text
    assert "/areas/MEX" in parsed.links


def test_home_without_a_release(empty_client: TestClient) -> None:
    parsed = page(empty_client, "/")
    assert "Nothing is published yet" in parsed.headings


def test_areas_are_grouped_by_region(client: TestClient) -> None:
    parsed = page(client, "/areas")
    assert parsed.headings[0] == "Areas"
    assert any(h.startswith("Americas") for h in parsed.headings)
    assert any(h.startswith("Europe") for h in parsed.headings)
    assert {"/areas/MEX", "/areas/FRA", "/areas/NOR"} <= set(parsed.links)


def test_areas_filter_on_the_server(client: TestClient) -> None:
    parsed = page(client, "/areas?q=mexi")
    assert "/areas/MEX" in parsed.links
    assert "/areas/FRA" not in parsed.links
    only = page(client, "/areas?data=true")
    assert {"/areas/MEX", "/areas/FRA", "/areas/CHL"} <= set(only.links)
    assert "/areas/NOR" not in only.links


def test_area_page_shows_name_codes_and_region_path(client: TestClient) -> None:
    response = client.get("/areas/MEX")
    parsed = Page(response.text)
    assert parsed.headings[0] == "Mexico"
    assert "<code>484</code>" in response.text
    region_path = [link for link in parsed.links if re.fullmatch(r"/areas/\d{3}", link)]
    assert region_path[:4] == ["/areas/001", "/areas/019", "/areas/419", "/areas/013"]


def test_country_page_links_its_profile_downloads_and_compliance(client: TestClient) -> None:
    links = Page(client.get("/areas/MEX").text).links
    assert {"/api/v1/reports/profile/MEX.pdf", "/api/v1/reports/profile/MEX.docx"} <= set(links)
    assert "/norms/countries/MEX" in links
    compliance = client.get("/norms/countries/MEX")
    assert compliance.status_code == 200
    assert "Mexico" in compliance.text
    region_links = Page(client.get("/areas/419").text).links
    assert not any(link.startswith("/norms/countries/") for link in region_links)


def test_area_spellings_redirect_to_the_code(client: TestClient) -> None:
    response = client.get("/areas/mexico", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/areas/MEX"


def test_prison_rate_chart_has_the_real_values(client: TestClient, seeded: Seeded) -> None:
    spec = chart(page(client, "/areas/MEX"), "Persons held in prisons per 100,000")
    points = {p["year"]: p for p in spec["data"]["values"]}
    unit = "Rate per 100,000 population"
    for year in (2003, 2018, 2021):
        expected = seeded.prison_value("MEX", "Persons held", year, **{"Unit of measurement": unit})
        assert points[str(year)]["value"] == pytest.approx(expected)
    assert points["2018"]["source"] == "CTS/External/SDG/WPB-ICPR"
    assert points["2018"]["dataflow"] == "UNODC_CTS"
    assert points["2018"]["provenance"].startswith("file ")
    assert spec["encoding"]["x"]["type"] == "temporal"


def test_unsentenced_charts_count_and_computed_share(client: TestClient, seeded: Seeded) -> None:
    parsed = page(client, "/areas/MEX")
    counts = chart(parsed, "Persons held in prisons who have not been sentenced")
    by_year = {p["year"]: p["value"] for p in counts["data"]["values"]}
    unsentenced = seeded.prison_value(
        "MEX", "Persons held", 2019, Dimension="by status", Category="Unsentenced"
    )
    assert by_year["2019"] == unsentenced
    share = chart(parsed, "Computed by the Observatory")
    point = next(p for p in share["data"]["values"] if p["year"] == "2019")
    total = seeded.prison_value("MEX", "Persons held", 2019)
    assert point["value"] == pytest.approx(100 * unsentenced / total)
    assert point["flags"] == "computed"
    assert any(h.startswith("Unsentenced share of persons held (computed)") for h in parsed.headings)


def test_homicide_chart_when_the_sdg_series_is_there(client: TestClient) -> None:
    spec = chart(page(client, "/areas/MEX"), "Victims of intentional homicide")
    assert {p["series"] for p in spec["data"]["values"]} >= {"Female", "Male"}
    assert spec["encoding"]["color"]["field"] == "series"
    assert not [s for s in page(client, "/areas/CHL").specs if "homicide" in s["description"]]


def test_series_table_links_to_the_api(client: TestClient) -> None:
    response = client.get("/areas/MEX")
    parsed = Page(response.text)
    assert "All published series" in parsed.headings
    json_links = [link for link in parsed.links if link.startswith("/api/v1/observations?")]
    csv_links = [link for link in parsed.links if link.startswith("/api/v1/observations.csv?")]
    detail = client.get("/api/v1/areas/MEX").json()
    assert len(json_links) == len(csv_links) == len(detail["series"])
    linked = {frozenset(parse_qsl(urlsplit(link).query)): link for link in json_links}
    for series in detail["series"][:5]:
        key = {"area": "MEX", **{k: series[k] for k in SERIES_KEYS}}
        body = client.get(linked[frozenset(key.items())]).json()
        assert body["count"] == series["observations"]
    assert "Persons held in prisons" in response.text
    assert "row " in response.text  # provenance of the latest figure


def test_area_without_data_has_an_empty_state(client: TestClient) -> None:
    parsed = page(client, "/areas/NOR")
    assert parsed.headings[0] == "Norway"
    assert "No published data" in parsed.headings
    assert parsed.specs == []


def test_area_page_before_anything_is_published(empty_client: TestClient) -> None:
    response = empty_client.get("/areas/MEX")
    assert response.status_code == 200
    assert "Nothing has been published yet" in response.text


def test_iccs_sections_expand_to_children(client: TestClient) -> None:
    response = client.get("/iccs")
    parsed = Page(response.text)
    sections = [f"/iccs/{n:02d}?lang=en" for n in range(1, 12)]
    assert all(s in parsed.links for s in sections)
    assert "/iccs/0101?lang=en" in parsed.links
    assert response.text.count("<details>") > 11
    assert "Intentional homicide" in response.text


def test_iccs_in_spanish(client: TestClient) -> None:
    response = client.get("/iccs?lang=es")
    assert "Homicidio intencional" in response.text
    assert '<h1 lang="es">Clasificación Internacional' in response.text  # the interface stays in its language


def test_iccs_search_page(client: TestClient) -> None:
    parsed = page(client, "/iccs?q=homicide")
    assert any(h.startswith("5 matches") for h in parsed.headings)


def test_iccs_category_page(client: TestClient) -> None:
    response = client.get("/iccs/0101")
    parsed = Page(response.text)
    assert parsed.headings[0] == "0101 Intentional homicide"
    assert "/iccs/01?lang=en" in parsed.links
    assert "Description" in parsed.headings
    assert "Unlawful death inflicted upon a person" in response.text
    assert "Femicide" in response.text
    assert "Homicidio intencional" in response.text
    redirect = client.get("/iccs/101", follow_redirects=False)
    assert redirect.headers["location"] == "/iccs/0101?lang=en"


def test_api_page_lists_the_endpoints(client: TestClient) -> None:
    response = client.get("/docs")
    parsed = Page(response.text)
    assert "GET /api/v1/observations" in parsed.headings
    assert "GET /api/v1/areas/{code}" in parsed.headings
    assert "/openapi.json" in parsed.links


def test_static_assets_are_served(client: TestClient) -> None:
    assert "vegaEmbed" in client.get("/static/app.js").text
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
