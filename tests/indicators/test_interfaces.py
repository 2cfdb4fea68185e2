"""``observatory indicators`` and ``/api/v1/indicators`` on the real data."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from observatory.cli.main import main
from observatory.store.db import Store
from observatory.web.app import create_app

with warnings.catch_warnings():  # the installed starlette prefers httpx2 (as in tests/web)
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli_env(real_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(real_store.settings.resolved_data_dir))


@pytest.fixture
def client(real_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(real_store.settings, real_store)) as test_client:
        yield test_client


@pytest.mark.usefixtures("cli_env")
def test_cli_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "indicators", "list", "--json")
    assert code == 0
    listed = {i["id"]: i for i in json.loads(out)}
    assert listed["prison_occupancy"]["formula"].endswith("x 100")
    code, out, _ = run(capsys, "indicators", "list")
    assert code == 0 and "sdg_16_3_2" in out


@pytest.mark.usefixtures("cli_env")
def test_cli_compute_csv_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "indicators", "compute", "prison_occupancy", "--area", "484", "--year", "2018"
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["indicator", "area", "year", "value", "flags"]
    assert [(r["area"], r["year"], round(float(r["value"]), 2)) for r in rows] == [("MEX", "2018", 86.35)]
    code, out, _ = run(capsys, "indicators", "compute", "homicide_count", "--area", "MEX", "--year", "2015")
    assert next(iter(csv.DictReader(io.StringIO(out)))).keys() >= {"sex", "value", "flags"}
    code, out, _ = run(capsys, "indicators", "compute", "sdg_16_5_1", "--format", "json")
    payload: dict[str, Any] = json.loads(out)
    assert code == 0 and payload["indicator"]["reference"] == "SDG 16.5.1" and payload["count"] > 50


@pytest.mark.usefixtures("cli_env")
def test_cli_explain_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "indicators", "explain", "sdg_16_1_1", "--area", "MEX", "--year", "2015", "--json"
    )
    story = json.loads(out)
    assert code == 0 and {i["sex"] for i in story["inputs"]["numerator"]} == {"F", "M"}
    assert story["inputs"]["denominator"][0]["variable"] == "population"
    code, out, _ = run(capsys, "indicators", "explain", "sdg_16_1_1", "--area", "MEX", "--year", "2015")
    assert code == 0 and "VC_IHR_PSRCN[sex=M+F" in out
    code, _, err = run(capsys, "indicators", "compute", "no_such_thing")
    assert code == 1 and "no indicator 'no_such_thing'" in err and "[unknown-indicator]" in err
    code, _, err = run(capsys, "indicators", "compute", "prison_occupancy", "--aggregate", "world")
    assert code == 1 and "aggregate" in err and "Traceback" not in err


def test_api(client: TestClient) -> None:
    listed = client.get("/api/v1/indicators").json()
    assert listed["count"] == len(listed["data"]) >= 16
    assert client.get("/api/v1/indicators/sdg_16_3_2").json()["reference"] == "SDG 16.3.2"
    assert client.get("/api/v1/indicators/nope").status_code == 404
    values = client.get("/api/v1/indicators/prison_occupancy/values", params={"area": "mex", "year": 2018})
    assert values.status_code == 200
    (row,) = values.json()["data"]
    assert (row["area"], round(row["value"], 2), row["flags"]) == ("MEX", 86.35, "")
    story = client.get("/api/v1/indicators/prison_occupancy/explain", params={"area": "MEX", "year": 2018})
    assert story.json()["inputs"]["numerator"][0]["value"] == 196_322
    missing = client.get("/api/v1/indicators/prison_occupancy/explain", params={"area": "MEX", "year": 1900})
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "no-indicator-value"
