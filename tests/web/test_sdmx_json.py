"""SDMX-JSON output of observations and indicator values, parsed back with sdmx1 and compared with CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sdmx

from observatory.collect.importing import import_paths
from observatory.reports.sdmx import to_sdmx_csv
from observatory.reports.sdmx_json import to_sdmx_json
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish

from .small_site import TestClient, client_for, small_store

SDMX_JSON = "application/vnd.sdmx.data+json"


def parsed(body: bytes) -> dict[tuple[str, ...], tuple[float | None, dict[str, str]]]:
    """Observation key (dimension values in order) -> (value, attribute values), read by sdmx1."""
    message = sdmx.read_sdmx(io.BytesIO(body), format="JSON")
    (data_set,) = message.data
    found: dict[tuple[str, ...], tuple[float | None, dict[str, str]]] = {}
    for obs in data_set.obs:
        key = tuple(str(kv.value) for kv in obs.key.values.values())
        attributes = {k: str(getattr(v.value, "id", v.value)) for k, v in obs.attached_attribute.items()}
        found[key] = (None if obs.value is None else float(obs.value), attributes)
    return found


def sdmx_csv_rows(body: bytes) -> dict[tuple[str, ...], tuple[float | None, dict[str, str]]]:
    found: dict[tuple[str, ...], tuple[float | None, dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(body.decode("utf-8"))):
        dims = ("REF_AREA", "VARIABLE", "SEX", "AGE", "OFFENCE", "STATUS", "CITIZENSHIP", "CATEGORY")
        key = tuple(row[d] for d in (*dims, "UNIT_MEASURE", "TIME_PERIOD"))
        attributes = {a: row[a] for a in ("OBS_STATUS", "CONF_STATUS", "COMMENT") if row[a]}
        found[key] = (float(row["OBS_VALUE"]) if row["OBS_VALUE"] else None, attributes)
    return found


ROWS: list[dict[str, Any]] = [
    {
        "dataflow": "UNODC_CTS",
        "area": "MEX",
        "variable": "persons-held",
        "period": "2019",
        "value": 2.5e5,
        "flags": "estimated",
        "note": "=from a report",
        "unit": "count",
    },
    {
        "dataflow": "UNODC_CTS",
        "area": "MEX",
        "variable": "persons-held",
        "period": "2020",
        "value": None,
        "flags": "",
        "note": None,
        "unit": "count",
    },
    {
        "dataflow": "UNODC_CTS",
        "area": "FRA",
        "variable": "persons-held",
        "sex": "F",
        "period": "2020",
        "value": 3.25,
        "flags": "break-in-series",
        "note": None,
        "unit": "rate-per-100k",
    },
]


def test_the_writer_round_trips_through_sdmx1_and_agrees_with_sdmx_csv() -> None:
    body = to_sdmx_json(ROWS, prepared=datetime(2024, 5, 1, 12, tzinfo=UTC))
    message = json.loads(body)
    assert message["header"]["prepared"] == "2024-05-01T12:00:00Z"
    series = message["structure"]["dimensions"]["series"]
    assert [d["id"] for d in series][:2] == ["REF_AREA", "VARIABLE"]
    assert series[0]["values"][0] == {"id": "MEX", "name": "Mexico"}
    assert message["structure"]["dimensions"]["observation"][0]["id"] == "TIME_PERIOD"
    assert set(message["dataSets"][0]["series"]) == {"0:0:0:0:0:0:0:0:0", "1:0:1:0:0:0:0:0:1"}
    back = parsed(body)
    from_csv = sdmx_csv_rows(to_sdmx_csv(ROWS))
    assert back.keys() == from_csv.keys()
    for key, (value, attributes) in back.items():
        csv_value, csv_attributes = from_csv[key]
        assert value == csv_value
        comment = attributes.pop("COMMENT", None)
        assert attributes == {k: v for k, v in csv_attributes.items() if k != "COMMENT"}
        assert comment == (ROWS[0]["note"] if key[-1] == "2019" else None)  # free text kept as is
    assert (
        back[("MEX", "persons-held", "_T", "_T", "_T", "_T", "_T", "_T", "count", "2019")][1]["OBS_STATUS"]
        == "E"
    )


def test_rows_of_several_dataflows_name_theirs() -> None:
    rows = [*ROWS, {**ROWS[0], "dataflow": "UN_SDG", "area": "CHL"}]
    back = parsed(to_sdmx_json(rows))
    assert {a["SOURCE_DATAFLOW"] for _, a in back.values()} == {"UNODC_CTS", "UN_SDG"}
    assert parsed(to_sdmx_json([])) == {}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store: Store = small_store(tmp_path)
    with client_for(store) as test_client:
        yield test_client
    store.dispose()


def _csv_values(client: TestClient, url: str) -> dict[tuple[str, str], float]:
    text = client.get(url).text
    return {(r["area"], r["period"]): float(r["value"]) for r in csv.DictReader(io.StringIO(text))}


def test_observations_as_sdmx_json_match_the_csv(client: TestClient) -> None:
    query = "/api/v1/observations?variable=persons-held&sort=-value"
    by_format = client.get(f"{query}&format=sdmx-json")
    by_accept = client.get(query, headers={"Accept": f"{SDMX_JSON};version=1.0.0"})
    assert by_format.headers["content-type"].startswith(f"{SDMX_JSON}; version=1.0.0")
    assert by_accept.content == by_format.content  # same release: the same bytes
    back = {(k[0], k[-1]): v for k, (v, _) in parsed(by_format.content).items()}
    assert back == _csv_values(client, f"{query}&format=csv")
    assert len(back) == 6
    download = client.get("/api/v1/observations.sdmx-json?variable=persons-held")
    assert download.content == client.get("/api/v1/observations.sdmx-json?variable=persons-held").content
    assert {(k[0], k[-1]) for k in parsed(download.content)} == set(back)


def test_sdmx_json_2_is_not_acceptable(client: TestClient) -> None:
    response = client.get("/api/v1/observations", headers={"Accept": f"{SDMX_JSON};version=2.0.0"})
    assert response.status_code == 406
    assert response.json()["errors"][0]["code"] == "not-acceptable"
    assert "1.0.0" in response.json()["error"]
    fallback = client.get("/api/v1/observations", headers={"Accept": f"{SDMX_JSON};version=2.0.0, */*;q=0.1"})
    assert fallback.status_code == 200 and fallback.headers["content-type"] == "application/json"


def test_indicator_values_as_sdmx_json_match_the_json(tmp_path: Path) -> None:
    held = tmp_path / "held.csv"
    held.write_text(
        "area,period,variable,status,value\n"
        "MEX,2019,persons-held,_T,200000\nMEX,2019,persons-held,unsentenced,80000\n"
        "MEX,2020,persons-held,_T,210000\nMEX,2020,persons-held,unsentenced,84000\n"
        "FRA,2020,persons-held,_T,70000\nFRA,2020,persons-held,unsentenced,21000\n",
        encoding="utf-8",
    )
    store = Store(Settings(data_dir=tmp_path / "var"))
    store.init()
    import_paths(store, [held])
    publish(store)
    url = "/api/v1/indicators/sdg_16_3_2/values"
    with client_for(store) as client:
        as_json = client.get(f"{url}?sort=-value").json()
        as_sdmx = client.get(url, headers={"Accept": SDMX_JSON})
        as_csv = client.get(f"{url}?format=csv&sort=-value")
    store.dispose()
    expected = {(r["area"], str(r["year"])): r["value"] for r in as_json["data"]}
    assert expected == {("MEX", "2019"): 40.0, ("MEX", "2020"): 40.0, ("FRA", "2020"): 30.0}
    assert [r["value"] for r in as_json["data"]] == [40.0, 40.0, 30.0]
    back = parsed(as_sdmx.content)
    assert {(k[0], k[-1]): v for k, (v, _) in back.items()} == expected
    assert {k[1] for k in back} == {"sdg_16_3_2"}  # VARIABLE is the indicator
    assert as_sdmx.headers["x-observatory-release"] == str(as_json["release"])
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [float(r["value"]) for r in rows] == [40.0, 40.0, 30.0]
