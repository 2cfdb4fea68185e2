"""The correspondence API, the review-queue page and the ICCS index search."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from collect.test_workflow_support import make_team
from observatory.iccs import correspondence as corr
from observatory.settings import Settings
from observatory.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

BASE = "/api/v1/correspondences/MEX/d1"
LIST = "code,label,description\nH1,Homicidio doloso,\nR1,Robo a mano armada,\nX1,Delito raro,\n"


@dataclass(frozen=True)
class Ev:
    kind: str
    text: str
    code: str
    weight: float


@dataclass(frozen=True)
class Prop:
    iccs_code: str
    title: str
    confidence: float
    evidence: list[Ev] = field(default_factory=list)


class FakeCoder:
    """Proposes fixed codes; remembers what it was taught."""

    def __init__(self) -> None:
        self.learned: list[Any] = []

    def propose(self, label: str, description: str = "", lang: str = "en", top: int = 3) -> list[Prop]:
        if "Homicidio" in label:
            return [Prop("0101", "Intentional homicide", 0.93, [Ev("index-term", "homicide", "0101", 1.0)])]
        if "Robo" in label:
            return [
                Prop("0401", "Robbery", 0.41, [Ev("index-term", "robo", "0401", 0.8)]),
                Prop("0502", "Theft", 0.22),
            ][:top]
        return []

    def learn(self, examples: Any) -> int:
        self.learned += list(examples)
        return len(self.learned)


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]
    coder: FakeCoder

    def call(self, method: str, path: str, who: str | None = None, status: int = 200, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else None
        response = self.client.request(method, path, headers=headers, **kw)
        assert response.status_code == status, response.text
        return response.json() if "json" in response.headers.get("content-type", "") else response


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    app = create_app(settings)
    team = make_team(app.state.store)
    coder = FakeCoder()
    app.state.coder = coder
    with TestClient(app) as client:
        yield Api(client, team.tokens, coder)
    app.state.store.dispose()


def test_draft_queue_page_and_review_actions(api: Api) -> None:
    api.call("POST", f"{BASE}/draft?name=CPF&lang=es&filename=list.csv", "fra", 403, content=LIST)
    info = api.call("POST", f"{BASE}/draft?name=CPF&lang=es&filename=list.csv", "mex", 201, content=LIST)
    assert (info["offences"], info["links"], info["confirmed"]) == (3, 2, 0)
    queue = api.call("GET", f"{BASE}/queue")
    assert [(i["national_code"], i["status"]) for i in queue["data"]] == [
        ("R1", "proposed"),
        ("X1", "unmapped"),
    ]
    assert queue["data"][0]["proposals"][0]["evidence"][0]["text"] == "robo"
    page = api.call("GET", "/iccs/review?country=MEX&version=d1")
    assert page.status_code == 200
    assert "Robo a mano armada" in page.text and "0.41" in page.text and "robo" in page.text
    assert "Homicidio doloso" not in page.text  # confident enough: not queued
    assert 'data-action="confirm"' in page.text and "/static/review.js" in page.text
    # a focal point may not confirm; a reviewer accepts, corrects, disputes
    api.call("POST", f"{BASE}/links/R1/confirm", "mex", 403, json={})
    api.call("POST", f"{BASE}/links/R1/confirm", "reviewer", json={})
    corrected = api.call("POST", f"{BASE}/links/X1/correct", "reviewer", json={"iccs_code": "1001"})
    assert corrected["data"][0]["iccs_code"] == "1001" and corrected["data"][0]["status"] == "confirmed"
    bad = api.call("POST", f"{BASE}/links/X1/correct", "reviewer", 404, json={"iccs_code": "011012"})
    assert bad["errors"][0]["code"] == "not-found"
    api.call("POST", f"{BASE}/links/H1/dispute", "reviewer", 400, json={})
    disputed = api.call("POST", f"{BASE}/links/H1/dispute", "reviewer", json={"comment": "could be 0102"})
    assert disputed["data"][0]["status"] == "disputed"
    assert [e.iccs_code for e in api.coder.learned] == ["0401", "1001"]
    history = api.call("GET", f"{BASE}/history")
    assert [(c["national_code"], c["action"], c["user"]) for c in history["data"][-3:]] == [
        ("R1", "confirm", "reviewer@unodc.org"),
        ("X1", "correct", "reviewer@unodc.org"),
        ("H1", "dispute", "reviewer@unodc.org"),
    ]
    assert api.call("GET", f"{BASE}/queue")["count"] == 1  # the disputed one


def test_import_export_apply_coverage(api: Api, tmp_path: Path) -> None:
    table = (
        "national_code,label,iccs_code,share,status\n"
        "H1,Homicidio,0101,1,confirmed\nR1,Robo,0401,0.5,proposed\nR1,Robo,0502,0.5,proposed\nF1,Fraude,,,\n"
    )
    bad = table.replace("0502,0.5", "0502,0.4")
    error = api.call("POST", "/api/v1/correspondences/MEX/1?name=CPF&filename=t.csv", "mex", 400, content=bad)
    assert error["errors"][0]["code"] == "shares-do-not-sum-to-one"
    assert error["errors"][0]["location"] == {"file": "t.csv", "row": 4, "column": "share"}
    assert api.call("GET", "/api/v1/correspondences")["count"] == 0
    api.call("POST", "/api/v1/correspondences/MEX/1?name=CPF&filename=t.csv", "mex", 201, content=table)
    shown = api.call("GET", "/api/v1/correspondences/MEX/1")
    assert {o["code"]: o["kind"] for o in shown["offences"]} == {
        "H1": "one-to-one",
        "R1": "one-to-many",
        "F1": "unmapped",
    }
    xlsx = api.call("GET", "/api/v1/correspondences/MEX/1/export?format=xlsx")
    api.call(
        "POST", "/api/v1/correspondences/MEX/2?name=CPF&filename=t.xlsx", "mex", 201, content=xlsx.content
    )
    assert api.call("GET", "/api/v1/correspondences/MEX/2")["links"] == shown["links"]
    applied = api.call(
        "POST",
        "/api/v1/correspondences/MEX/1/apply",
        json={"counts": {"H1": 10, "R1": 7, "F1": 3}, "level": 1},
    )
    assert applied["iccs_counts"] == {"01": 10, "04": 3.5, "05": 3.5}
    assert applied["unmapped"] == {"F1": 3}
    assert applied["total_in"] == 20
    cov = api.call(
        "POST", "/api/v1/correspondences/MEX/1/coverage", json={"counts": {"H1": 10, "R1": 7, "F1": 3}}
    )
    assert (cov["mapped"], cov["confirmed"], cov["offences"]) == (2, 1, 3)
    assert cov["share_counts_mapped"] == pytest.approx(17 / 20)
    assert cov["share_counts_confirmed"] == pytest.approx(10 / 20)
    assert [(s["code"], s["offences"], s["counts"]) for s in cov["sections"]] == [
        ("01", 1, 10),
        ("04", 1, 3.5),
        ("05", 1, 3.5),
    ]
    assert corr.list_tables(api.client.app.state.store, "MEX")[0].version == "1"  # type: ignore[attr-defined]


def test_index_search_finds_abuse_of_authority(client: TestClient) -> None:
    found = client.get("/api/v1/iccs/index", params={"q": "abuse of authority"}).json()
    assert found["count"] >= 1
    assert found["data"][0]["term"].lower().startswith("abuse of authority")
    assert all("abuse" in hit["term"].lower() for hit in found["data"])
    page = client.get("/iccs")
    assert 'id="index-form"' in page.text and "/static/review.js" in page.text
    assert client.get("/static/review.js").status_code == 200
