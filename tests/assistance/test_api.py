"""``/api/v1/assistance`` and the ``/assistance`` pages, on a store with real Mexican prison statistics
(an extract of the UNODC prisons export): authorization, bad input, filters, summary, IATI, actuals filled
from the statistics with their provenance."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree as SafeET

from assistance.support import EXAMPLE
from collect.test_workflow_support import Team, make_team
from observatory.assistance.statistics import fill_from_statistics
from observatory.collect.importing import import_paths
from observatory.indicators.compute import compute
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish
from observatory.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

PRISONS = Path("unodc_cts") / "unodc_cts_prisons_and_prisoners_2023-05-11.csv"
BASE = "/api/v1/assistance"


@dataclass
class Deployment:
    store: Store
    client: TestClient
    team: Team

    def call(self, method: str, path: str, who: str | None = None, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.team.tokens[who]}"} if who else None
        return self.client.request(method, path, headers=headers, **kw)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("assistance")
    extract = folder / "prisons_mex.csv"
    with (shared_data / PRISONS).open(encoding="utf-8-sig", newline="") as inp:
        reader = csv.DictReader(inp)
        rows = [r for r in reader if r["Iso3_code"] == "MEX"]
        fields = list(reader.fieldnames or [])
    with extract.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fields)
        writer.writeheader()
        writer.writerows(rows)
    settings = Settings(data_dir=folder / "var")
    store = Store(settings)
    store.init()
    import_paths(store, [extract])
    publish(store)
    team = make_team(store)
    app = create_app(settings, store=store)
    with TestClient(app) as client:
        yield Deployment(store, client, team)
    store.dispose()


BODY = {
    "code": "API-MEX",
    "title": "Pre-trial detention in Mexico (test)",
    "countries": ["Mexico"],
    "region": "Latin America and the Caribbean",
    "themes": ["prison-reform"],
    "partners": [{"name": "Test donor", "role": "donor"}],
    "budget": {"amount": "250000", "currency": "USD"},
    "start": "2018-01-01",
    "end": "2021-12-31",
    "status": "completed",
    "indicators": [
        {
            "ref": "1",
            "title": "Unsentenced share",
            "indicator_id": "sdg_16_3_2",
            "measure": "percentage",
            "periods": [
                {"year": 2018, "target": 38},
                {"year": 2019, "target": 36},
                {"year": 1999, "target": 1},
            ],
        }
    ],
    "gaps": ["bangkok-implementation:BR-02"],
}


def test_writes_need_an_admin_or_a_reviewer(deployment: Deployment) -> None:
    anonymous = deployment.call("POST", BASE + "/projects", json=BODY)
    assert anonymous.status_code == 401 and anonymous.json()["errors"][0]["code"] == "unauthenticated"
    focal = deployment.call("POST", BASE + "/projects", "mex", json=BODY)
    assert focal.status_code == 403 and focal.json()["errors"][0]["code"] == "permission-denied"
    upload = deployment.call(
        "POST", BASE + "/projects/import?filename=p.csv", "fra", content=EXAMPLE.read_bytes()
    )
    assert upload.status_code == 403
    assert deployment.call("GET", BASE + "/projects/API-MEX").status_code == 404


def test_unknown_currency_is_refused_naming_the_value(deployment: Deployment) -> None:
    body = BODY | {"code": "BAD", "budget": {"amount": 10, "currency": "USX"}}
    response = deployment.call("POST", BASE + "/projects", "reviewer", json=body)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "unknown-currency" and "'USX'" in error["message"] and "USD" in error["message"]
    assert error["location"] == {"field": "currency"}
    late = deployment.call(
        "POST", BASE + "/projects", "reviewer", json=BODY | {"code": "BAD", "end": "2017-01-01"}
    )
    assert late.json()["errors"][0]["code"] == "end-before-start"
    assert deployment.call("GET", BASE + "/projects/BAD").status_code == 404


def test_create_update_fill_and_read(deployment: Deployment) -> None:
    created = deployment.call("POST", BASE + "/projects", "reviewer", json=BODY)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["countries"], body["region"], body["revision"]) == (["MEX"], "419", 1)
    assert body["clusters"] == ["custody-noncustodial-juvenile-restorative"]

    result = fill_from_statistics(deployment.store, deployment.team.reviewer, "API-MEX")
    expected = {r["year"]: r["value"] for r in compute(deployment.store, "sdg_16_3_2", area="MEX").rows}
    filled = {f["year"]: f for f in result.filled}
    assert set(filled) == {2018, 2019} and 1999 not in expected
    assert filled[2018]["actual"] == pytest.approx(expected[2018])
    assert filled[2018]["release"] == 1 and filled[2018]["area"] == "MEX"
    assert result.skipped == [{"ref": "1", "year": 1999, "reason": "no published value"}]

    got = deployment.call("GET", BASE + "/projects/API-MEX").json()
    periods = {p["year"]: p for p in got["indicators"][0]["periods"]}
    assert list(periods) == [1999, 2018, 2019]  # in year order
    period = periods[2018]
    assert period["actual"] == pytest.approx(expected[2018])
    assert (
        period["actual_source"]["indicator"] == "sdg_16_3_2"
        and len(period["actual_source"]["release_sha256"]) == 64
    )
    assert got["revision"] == 2

    update = BODY | {"status": "completed", "title": "Renamed", "comment": "renamed"}
    updated = deployment.call("PUT", BASE + "/projects/API-MEX", "admin", json=update)
    assert updated.status_code == 200 and updated.json()["revision"] == 3
    revisions = deployment.call("GET", BASE + "/projects/API-MEX/revisions").json()
    assert [r["revision"] for r in revisions["data"]] == [1, 2, 3]
    assert revisions["data"][0]["project"]["title"] == BODY["title"]  # the first version stays
    assert revisions["data"][2]["comment"] == "renamed" and revisions["data"][2]["user"] == "admin@unodc.org"

    page = deployment.client.get("/assistance/API-MEX")
    assert page.status_code == 200
    assert 'href="/indicators/sdg_16_3_2"' in page.text and "bangkok-implementation:BR-02" in page.text
    assert "Revision 3" in page.text and "Renamed" in page.text


def test_import_list_summary_export_iati_and_pages(deployment: Deployment) -> None:
    imported = deployment.call(
        "POST", BASE + "/projects/import?filename=ex.csv", "reviewer", content=EXAMPLE.read_bytes()
    )
    assert imported.status_code == 201 and imported.json()["created"] == 5
    listed = deployment.call("GET", BASE + "/projects", params={"theme": "juvenile-justice"}).json()
    assert [p["code"] for p in listed["data"]] == ["EX-WA-03"]
    assert (
        deployment.call("GET", BASE + "/projects", params={"country": "KEN", "year": 2023}).json()["count"]
        == 1
    )
    assert deployment.call("GET", BASE + "/projects", params={"country": "Atlantis"}).status_code == 400

    summary = deployment.call("GET", BASE + "/summary", params={"by": "region", "country": "KEN"}).json()
    assert (
        summary["overall"]["sentence"] == "1 project in 1 country with a total pledged budget of $1,500,000"
    )
    usd = deployment.call(
        "GET", BASE + "/summary", params={"rate": ["EUR=1.1", "GBP=1.25"], "status": "ongoing"}
    ).json()["overall"]
    # ongoing: EX-KEN-01 $1,500,000 and EX-MEX-02 EUR 800,000 x 1.1 = $880,000
    assert usd["usd"] == 2380000 and usd["projects"] == 2

    exported = deployment.call("GET", BASE + "/projects/export", params={"format": "csv", "region": "014"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert {line.split(",")[0] for line in exported.text.splitlines()[1:]} == {"EX-KEN-01", "EX-ETH-05"}

    xml = deployment.call(
        "GET", BASE + "/iati.xml", params={"org_ref": "XX-T", "org_name": "Test", "status": "ongoing"}
    )
    root = SafeET.fromstring(xml.content)
    assert [a.findtext("iati-identifier") for a in root.findall("iati-activity")] == [
        "XX-T-EX-KEN-01",
        "XX-T-EX-MEX-02",
    ]

    page = deployment.client.get("/assistance", params={"theme": "victims"})
    assert page.status_code == 200
    assert "1 project in 3 countries with a total pledged budget of $2,400,000" in page.text
    assert 'data-project="EX-WA-03"' in page.text and 'data-project="EX-KEN-01"' not in page.text
    assert deployment.client.get("/assistance", params={"theme": "astrology"}).status_code == 400
    assert deployment.client.get("/assistance/NOPE").status_code == 404
