"""The JSON API under /api/v1, against a store seeded from the real UNODC and SDG files."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import openpyxl
from fastapi.testclient import TestClient

from observatory.catalog.dataflows import DATAFLOWS
from observatory.collect.importing import import_paths
from observatory.store.db import Store
from observatory.warehouse.release import publish
from observatory.web import create_app

if TYPE_CHECKING:
    from pathlib import Path

    from fastapi import FastAPI
    from tests.web.conftest import Seeded

    from observatory.settings import Settings

MEX_TOTAL = {"sex": "_T", "age": "_T", "offence": "_T", "status": "_T", "citizenship": "_T", "category": "_T"}


def held(client: TestClient, **params: Any) -> dict[str, Any]:
    query = {"area": "MEX", "variable": "persons-held", "unit": "count", **MEX_TOTAL, **params}
    response = client.get("/api/v1/observations", params=query)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- meta -------------------------------------------------------------------------------------------


def test_health_names_the_release(client: TestClient) -> None:
    body = client.get("/api/v1/health").json()
    assert body["ok"] is True
    assert body["status"] == "ok"
    assert body["release"] == 1


def test_releases_list_the_published_release(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/v1/releases").json()
    assert body["count"] == 1
    release = body["data"][0]
    assert release["number"] == 1
    assert release["name"] == "release-0001"
    assert len(release["sha256"]) == 64
    assert release["observations"] > len(seeded.sdg)


def test_dataflows_describe_every_source(client: TestClient) -> None:
    body = client.get("/api/v1/dataflows").json()
    assert body["count"] == len(DATAFLOWS)
    flows = {d["id"]: d for d in body["data"]}
    assert flows["UNODC_CTS"]["agency"] == "UNODC"
    assert "OBS_VALUE" in {c["id"] for c in flows["UN_SDG"]["components"]}


def test_variables_include_the_portal_mapping(client: TestClient) -> None:
    body = client.get("/api/v1/variables").json()
    codes = {v["code"]: v["name"] for v in body["data"]}
    assert codes["persons-held"] == "Persons held in prisons"
    assert body["count"] == len(codes)


def test_operation_ids_are_stable(app: FastAPI) -> None:
    ids = {op["operationId"] for path in app.openapi()["paths"].values() for op in path.values()}
    assert {
        "areas-list",
        "areas-get",
        "iccs-list",
        "iccs-get",
        "iccs-search",
        "observations-list",
        "observations-download",
        "releases-list",
        "dataflows-list",
        "health-get",
    } <= ids


def test_openapi_is_served_and_swagger_is_not(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["title"] == "Observatory"
    assert client.get("/redoc").status_code == 404


# -- areas ------------------------------------------------------------------------------------------


def test_areas_page_through_with_links(client: TestClient) -> None:
    first = client.get("/api/v1/areas", params={"kind": "country", "limit": 5}).json()
    assert first["limit"] == 5 and first["offset"] == 0
    assert len(first["data"]) == 5
    assert first["count"] > 190
    assert {a["kind"] for a in first["data"]} == {"country"}
    assert first["links"]["prev"] is None
    second = client.get(first["links"]["next"]).json()
    assert second["offset"] == 5
    assert not {a["code"] for a in first["data"]} & {a["code"] for a in second["data"]}
    assert client.get(second["links"]["prev"]).json()["data"] == first["data"]


def test_areas_filter_by_region_and_text(client: TestClient) -> None:
    body = client.get(
        "/api/v1/areas", params={"region": "Central America", "kind": "country", "limit": 100}
    ).json()
    codes = {a["code"] for a in body["data"]}
    assert "MEX" in codes and "GTM" in codes
    assert "FRA" not in codes
    found = client.get("/api/v1/areas", params={"q": "mexico"}).json()
    assert found["data"][0]["code"] == "MEX"


def test_area_detail_accepts_any_spelling(client: TestClient) -> None:
    for spelling in ("MEX", "mex", "MX", "484", "Mexico"):
        body = client.get(f"/api/v1/areas/{spelling}").json()
        assert body["code"] == "MEX", spelling
    body = client.get("/api/v1/areas/mex").json()
    assert body["name"] == "Mexico"
    assert body["m49"] == "484"
    assert body["parent_area"]["name"] == "Central America"
    assert [a["code"] for a in body["ancestors"]][:2] == ["001", "019"]
    assert body["members_count"] == 1
    assert body["release"] == 1


def test_area_detail_summarises_real_series(client: TestClient, seeded: Seeded) -> None:
    body = client.get("/api/v1/areas/MEX").json()
    expected_years = [
        int(r["Year"])
        for r in seeded.prisons
        if r["Iso3_code"] == "MEX"
        and r["Indicator"] == "Persons held"
        and r["Unit of measurement"] == "Counts"
        and r["Dimension"] == r["Category"] == r["Sex"] == r["Age"] == "Total"
    ]
    series = [
        s
        for s in body["series"]
        if s["variable"] == "persons-held"
        and s["unit"] == "count"
        and all(s[k] == v for k, v in MEX_TOTAL.items())
    ]
    assert len(series) == 1
    assert series[0]["observations"] == len(expected_years)
    assert series[0]["first_year"] == min(expected_years)
    assert series[0]["last_year"] == max(expected_years)
    assert series[0]["links"]["csv"].startswith("/api/v1/observations.csv?area=MEX")
    assert any(s["variable"] == "VC_IHR_PSRC" and s["dataflow"] == "UN_SDG" for s in body["series"])


def test_region_detail_lists_children_and_members(client: TestClient) -> None:
    body = client.get("/api/v1/areas/013").json()
    assert body["name"] == "Central America"
    assert "MEX" in {c["code"] for c in body["children"]}
    assert body["members_count"] == len(body["children"]) == 8
    assert body["series"] == []


def test_unknown_area_is_a_404_naming_it(client: TestClient) -> None:
    response = client.get("/api/v1/areas/XQZ")
    assert response.status_code == 404
    body = response.json()
    assert body["ok"] is False
    assert "'XQZ'" in body["error"]
    assert body["errors"][0]["code"] == "unknown-area"


# -- observations -----------------------------------------------------------------------------------


def test_observation_values_and_provenance_match_the_file(client: TestClient, seeded: Seeded) -> None:
    body = held(client, year_from=2018, year_to=2018)
    assert body["count"] == 1
    obs = body["data"][0]
    assert obs["period"] == "2018"
    assert obs["value"] == seeded.prison_value("MEX", "Persons held", 2018) == 196322
    assert obs["dataflow"] == "UNODC_CTS"
    assert obs["source"] == "CTS/External/SDG/WPB-ICPR"
    # the row number points at the very line of the imported file
    with seeded.prisons_file.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    line = lines[obs["row"] - 1]
    assert line[0] == "MEX" and line[4] == "Persons held" and line[9] == "2018"
    assert float(line[11]) == obs["value"]


def test_area_filter_is_case_insensitive(client: TestClient) -> None:
    upper, lower, named = held(client), held(client, area="mex"), held(client, area="Mexico")
    assert upper["count"] == lower["count"] == named["count"] > 15
    assert upper["data"] == lower["data"] == named["data"]
    assert lower["filters"]["area"] == ["MEX"]


def test_observations_page_with_links(client: TestClient) -> None:
    everything = held(client, limit=1000)
    first = held(client, limit=5)
    assert first["count"] == everything["count"]
    assert first["data"] == everything["data"][:5]
    assert first["links"]["prev"] is None
    follow = client.get(first["links"]["next"]).json()
    assert follow["offset"] == 5
    assert follow["data"] == everything["data"][5:10]
    assert client.get(follow["links"]["prev"]).json()["data"] == first["data"]
    last = held(client, limit=5, offset=everything["count"] - 2)
    assert len(last["data"]) == 2
    assert last["links"]["next"] is None


def test_filters_combine(client: TestClient) -> None:
    both = client.get(
        "/api/v1/observations",
        params={
            "area": ["MEX", "FRA"],
            "variable": "persons-held",
            "unit": "rate-per-100k",
            **MEX_TOTAL,
            "year_from": 2015,
            "year_to": 2016,
        },
    ).json()
    assert {(o["area"], o["period"]) for o in both["data"]} == {
        ("FRA", "2015"),
        ("FRA", "2016"),
        ("MEX", "2015"),
        ("MEX", "2016"),
    }
    assert all(o["unit"] == "rate-per-100k" for o in both["data"])


def test_offence_codes_accept_unodc_spelling(client: TestClient, seeded: Seeded) -> None:
    body = held(client, offence="101", year_from=2018, year_to=2018)
    assert body["filters"]["offence"] == ["0101"]
    expected = seeded.prison_value(
        "MEX", "Persons held", 2018, Dimension="by selected crime", Category="Intentional Homicide"
    )
    assert [o["value"] for o in body["data"]] == [expected]


def test_sdg_homicide_rates_are_served(client: TestClient, seeded: Seeded) -> None:
    body = client.get(
        "/api/v1/observations",
        params={"area": "MEX", "variable": "VC_IHR_PSRC", "sex": "F", "year_from": 2010, "year_to": 2010},
    ).json()
    row = next(
        r
        for r in seeded.sdg
        if r["geo_area_m49"] == "484"
        and r["series_code"] == "VC_IHR_PSRC"
        and r["sex"] == "female"
        and r["year"] == "2010"
    )
    assert [o["value"] for o in body["data"]] == [float(row["value"])]
    assert body["data"][0]["dataflow"] == "UN_SDG"


def test_unknown_area_in_a_filter_is_a_400(client: TestClient) -> None:
    response = client.get("/api/v1/observations", params={"area": "Atlantis"})
    assert response.status_code == 400
    body = response.json()
    assert "'Atlantis'" in body["error"]
    assert body["errors"][0]["code"] == "unknown-area"


def test_limit_above_the_maximum_is_refused(client: TestClient, seeded: Seeded) -> None:
    maximum = seeded.settings.page_size_max
    response = client.get("/api/v1/observations", params={"limit": maximum + 1})
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert str(maximum) in body["error"]
    assert client.get("/api/v1/observations", params={"limit": maximum}).status_code == 200


def test_csv_download_has_the_selected_rows(client: TestClient) -> None:
    params = {"area": "MEX", "variable": "persons-held", "unit": "count", **MEX_TOTAL}
    response = client.get("/api/v1/observations.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="observatory-release-0001-MEX-persons-held.csv"' in disposition
    rows = list(csv.DictReader(io.StringIO(response.text)))
    expected = held(client, limit=1000)["data"]
    assert len(rows) == len(expected)
    assert [(r["period"], float(r["value"])) for r in rows] == [(o["period"], o["value"]) for o in expected]
    assert rows[0]["file_sha256"] == expected[0]["file_sha256"]


def test_xlsx_download_opens(client: TestClient) -> None:
    params = {"area": "FRA", "variable": "persons-held", "unit": "count", **MEX_TOTAL}
    response = client.get("/api/v1/observations.xlsx", params=params)
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("dataflow", "area", "period")
    assert len(rows) - 1 == held(client, area="FRA")["count"]


def test_unknown_download_format_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/observations.pdf")
    assert response.status_code == 400
    assert "csv" in response.json()["error"]


# -- ICCS -------------------------------------------------------------------------------------------


def test_iccs_sections_and_children(client: TestClient) -> None:
    roots = client.get("/api/v1/iccs").json()
    assert roots["count"] == 11
    assert roots["data"][0]["code"] == "01"
    children = client.get("/api/v1/iccs", params={"parent": "1"}).json()
    assert children["parent"] == "01"
    assert children["data"][0] == {
        "code": "0101",
        "level": 2,
        "title": "Intentional homicide",
        "parent": "01",
        "hierarchical_id": "01.0101",
        "children": 0,
    }


def test_iccs_in_spanish(client: TestClient) -> None:
    body = client.get("/api/v1/iccs", params={"parent": "01", "lang": "es"}).json()
    assert body["data"][0]["title"] == "Homicidio intencional"
    assert client.get("/api/v1/iccs", params={"lang": "fr"}).status_code == 400


def test_iccs_detail_with_loaded_texts(client: TestClient) -> None:
    body = client.get("/api/v1/iccs/0101").json()
    assert body["title"] == "Intentional homicide"
    assert body["hierarchical_id"] == "01.0101"
    assert body["parent"] == {"code": "01", "title": "Acts leading to death or intending to cause death"}
    assert body["texts"]["description"][0].startswith("Unlawful death inflicted upon a person")
    assert "Femicide" in body["index_terms"]
    assert client.get("/api/v1/iccs/101").json()["code"] == "0101"


def test_iccs_unknown_code_suggests_close_ones(client: TestClient) -> None:
    response = client.get("/api/v1/iccs/0199")
    assert response.status_code == 404
    assert "0199" in response.json()["error"]


def test_iccs_search(client: TestClient) -> None:
    body = client.get("/api/v1/iccs/search", params={"q": "homicide"}).json()
    assert body["data"][0]["code"] == "0101"
    assert {"0102", "0103"} <= {h["code"] for h in body["data"]}
    spanish = client.get("/api/v1/iccs/search", params={"q": "homicidio", "lang": "es"}).json()
    assert spanish["data"][0]["title"] == "Homicidio intencional"


def test_csv_download_neutralises_formulas(settings: Settings, shared_data: Path, tmp_path: Path) -> None:
    """A source attribution that a spreadsheet would run comes out inert."""
    source = shared_data / "unodc_cts" / "unodc_cts_prisons_and_prisoners_2023-05-11.csv"
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        row = next(r for r in reader if r["Iso3_code"] == "MEX")
    row["Source"] = '=HYPERLINK("http://example.invalid","CTS")'
    crafted = tmp_path / "crafted.csv"
    with crafted.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerow(row)
    store = Store(settings)
    store.init()
    import_paths(store, [crafted])
    publish(store)
    with TestClient(create_app(settings, store=store)) as fresh:
        assert fresh.get("/api/v1/observations").json()["data"][0]["source"] == row["Source"]
        downloaded = list(csv.DictReader(io.StringIO(fresh.get("/api/v1/observations.csv").text)))
        assert downloaded[0]["source"] == "'" + row["Source"]
        workbook = fresh.get("/api/v1/observations.xlsx").content
    store.dispose()
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("source") + 1).value == "'" + row["Source"]
