"""The data-collection API under /api/v1: Bearer tokens, roles, rounds, uploads, review, the round page."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from collect.test_workflow_support import (
    FACILITIES,
    HELD,
    HELD_F,
    ROUND,
    Team,
    Values,
    long_csv,
    make_team,
    open_round,
    real_values,
    small_values,
)
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

SUBMISSION = f"/api/v1/rounds/{ROUND}/countries/FRA/submission"
LIMIT = 20_000


@dataclass
class Api:
    client: TestClient
    store: Store
    team: Team

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.team.tokens[who]}"}

    def call(self, method: str, path: str, who: str | None = None, status: int = 200, **kwargs: Any) -> Any:
        response = self.client.request(method, path, headers=self.headers(who) if who else None, **kwargs)
        assert response.status_code == status, response.text
        return (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else response
        )

    def upload(self, who: str, *files: Path, country: str = "FRA", status: int = 201) -> Any:
        parts = [("files", (f.name, f.read_bytes(), "text/csv")) for f in files]
        path = f"/api/v1/rounds/{ROUND}/countries/{country}/submission/files"
        return self.call("POST", path, who, status, files=parts)


@pytest.fixture(scope="module")
def real(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Values:
    return real_values(shared_data, tmp_path_factory.mktemp("real"), "FRA")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = Settings(data_dir=tmp_path / "var", max_upload_bytes=LIMIT)
    app = create_app(settings)
    store: Store = app.state.store
    team = make_team(store)
    with TestClient(app) as client:
        yield Api(client, store, team)
    store.dispose()


def assert_envelope(body: dict[str, Any], status: int, code: str) -> None:
    assert body["ok"] is False and body["status"] == status
    assert body["errors"][0]["code"] == code and body["error"]


def test_writes_need_a_token_and_the_right_role(api: Api) -> None:
    payload = {"year": ROUND, "reference_years": [2020, 2021], "deadline": "2022-06-30"}
    assert_envelope(api.call("POST", "/api/v1/rounds", None, 401, json=payload), 401, "unauthenticated")
    bad = api.client.post("/api/v1/rounds", json=payload, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and "unknown or revoked" in bad.json()["error"]
    refused = api.call("POST", "/api/v1/rounds", "fra", 403, json=payload)
    assert_envelope(refused, 403, "permission-denied")
    assert "focal-point fp@interieur.gouv.fr (FRA) may not open a round" in refused["error"]
    opened = api.call("POST", "/api/v1/rounds", "reviewer", 201, json=payload)
    assert opened["reference_years"] == [2020, 2021] and opened["opened_by"] == "reviewer@unodc.org"
    assert api.call("GET", "/api/v1/rounds")["count"] == 1  # reading rounds is open
    assert api.call("GET", f"/api/v1/rounds/{ROUND}")["round"]["deadline"] == "2022-06-30"
    assert_envelope(api.call("GET", "/api/v1/rounds/1999", None, 404), 404, "unknown-round")
    assert api.call("GET", SUBMISSION, None, 401)["errors"][0]["code"] == "unauthenticated"
    schemes = api.client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["token"]["scheme"] == "bearer"


def test_focal_points_and_round_tracking(api: Api) -> None:
    open_round(api.store, api.team)
    body = {"country": "FRA", "name": "Anne Martin", "agency": "Ministère de l'Intérieur", "email": "a@i.fr"}
    created = api.call("POST", "/api/v1/focal-points", "reviewer", 201, json=body)
    api.call(
        "POST", "/api/v1/focal-points", "admin", 201, json={**body, "country": "MEX", "email": "b@inegi.mx"}
    )
    api.call("POST", "/api/v1/focal-points", "fra", 403, json=body)
    assert api.call("GET", "/api/v1/focal-points", "reviewer")["count"] == 2
    assert [f["country"] for f in api.call("GET", "/api/v1/focal-points", "fra")["data"]] == ["FRA"]
    api.call("GET", "/api/v1/focal-points?country=MEX", "fra", 403)
    patched = api.call("PATCH", f"/api/v1/focal-points/{created['id']}", "reviewer", json={"fallback": True})
    assert patched["fallback"] is True and patched["status"] == "appointed"
    api.call("PATCH", f"/api/v1/focal-points/{created['id']}", "reviewer", 400, json={"status": "retired"})
    sent = api.call("POST", f"/api/v1/rounds/{ROUND}/dispatch", "reviewer", 201, json={})
    assert [e["country"] for e in sent["data"]] == ["FRA", "MEX"]
    api.call(
        "POST", f"/api/v1/rounds/{ROUND}/countries/MEX/reminders", "reviewer", 201, json={"note": "call"}
    )
    ext = api.call(
        "POST",
        f"/api/v1/rounds/{ROUND}/countries/MEX/extensions",
        "reviewer",
        201,
        json={"deadline": "2099-01-01"},
    )
    assert ext["kind"] == "extension" and ext["by"] == "reviewer@unodc.org"
    api.call("POST", f"/api/v1/rounds/{ROUND}/countries/MEX/reminders", "mex", 403, json={})
    assert api.call("GET", f"/api/v1/rounds/{ROUND}/events", "reviewer")["count"] == 4
    status = api.call("GET", f"/api/v1/rounds/{ROUND}")
    assert {c["country"]: c["extended"] for c in status["countries"]} == {"FRA": False, "MEX": True}
    assert status["rates"][0] == {
        "code": "001",
        "name": "World",
        "level": "world",
        "invited": 2,
        "responded": 0,
        "rate": 0.0,
    }


def test_workbook_download_for_the_own_country(api: Api) -> None:
    open_round(api.store, api.team)
    response = api.call("GET", f"/api/v1/rounds/{ROUND}/countries/FRA/workbook", "fra")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert f'filename="UN-CTS_{ROUND}_FRA.xlsx"' in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert "_meta" in book.sheetnames
    book.close()
    api.call("GET", f"/api/v1/rounds/{ROUND}/countries/MEX/workbook", "fra", 403)


def test_uploads_are_streamed_limited_and_all_or_nothing(api: Api, real: Values, tmp_path: Path) -> None:
    open_round(api.store, api.team)
    good = long_csv(tmp_path / "fra.csv", "FRA", small_values(real))
    api.upload("fra", good, country="MEX", status=403)
    api.upload("reviewer", good, status=403)
    big = tmp_path / "big.csv"
    big.write_bytes(good.read_bytes() + b"#" * LIMIT)
    too_large = api.upload("fra", big, status=413)
    assert_envelope(too_large, 413, "payload-too-large")
    assert "big.csv is larger than the 20,000 bytes allowed" in too_large["error"]
    wrong = api.client.post(f"{SUBMISSION}/files", headers=api.headers("fra"), content=b"x,y\n1,2\n")
    assert_envelope(wrong.json(), 400, "invalid-upload")
    bad_values: dict[tuple[str, int], float | str] = dict(small_values(real))
    bad_values[(HELD_F, 2021)] = real[(HELD, 2021)] + 5000
    bad = long_csv(tmp_path / "bad.csv", "FRA", bad_values)
    refused = api.upload("fra", bad, status=400)
    errors = {(d["code"], d["file"]) for d in refused["errors"][0]["details"] if d["severity"] == "error"}
    assert ("sum-of-parts-mismatch", "bad.csv") in errors
    clash = api.upload("fra", good, bad, status=400)  # two files disagree on the women held
    assert_envelope(clash, 400, "duplicate-key")
    assert "fra.csv" in clash["error"]
    assert "nothing was stored" in refused["error"]
    api.call("GET", SUBMISSION, "fra", 404)  # no submission was created
    stored = api.upload("fra", good)
    assert stored["inserted"] == 5 and stored["submission"]["state"] == "draft"
    assert stored["files"][0]["file"] == "fra.csv"


def test_review_through_the_api_to_the_published_release(api: Api, real: Values, tmp_path: Path) -> None:
    open_round(api.store, api.team)
    api.upload("fra", long_csv(tmp_path / "fra.csv", "FRA", small_values(real)))
    edited = api.call(
        "PUT", f"{SUBMISSION}/values/{FACILITIES}/2021", "fra", json={"value": 265, "comment": "recount"}
    )
    assert edited["valid"] is True
    api.call("PUT", f"{SUBMISSION}/values/{FACILITIES}/2021", "mex", 403, json={"value": 1})
    assert api.call("POST", f"{SUBMISSION}/check", "fra")["errors"] == 0
    api.call("POST", f"{SUBMISSION}/review", "reviewer", 409)  # not submitted yet
    assert api.call("POST", f"{SUBMISSION}/submit", "fra", json={"comment": "done"})["state"] == "submitted"
    locked = api.call("PUT", f"{SUBMISSION}/values/{FACILITIES}/2021", "fra", 409, json={"value": 1})
    assert_envelope(locked, 409, "submission-locked")
    api.call("POST", f"{SUBMISSION}/review", "fra", 403)
    api.call("POST", f"{SUBMISSION}/review", "reviewer")
    query = api.call(
        "POST",
        f"{SUBMISSION}/queries",
        "reviewer",
        201,
        json={"text": "265?", "key": FACILITIES, "period": "2021"},
    )
    assert query["state"] == "open" and query["location"].endswith(f"({FACILITIES} 2021)")
    blocked = api.call("POST", f"{SUBMISSION}/validate", "reviewer", 409)
    assert_envelope(blocked, 409, "open-queries")
    api.call("POST", f"{SUBMISSION}/validate", "fra", 403)
    api.call(
        "POST",
        f"/api/v1/rounds/{ROUND}/countries/MEX/submission/queries/{query['id']}/answer",
        "mex",
        404,
        json={"text": "x"},
    )
    answered = api.call(
        "POST",
        f"{SUBMISSION}/queries/{query['id']}/answer",
        "fra",
        json={"text": "264 after all", "corrected_value": 264},
    )
    assert answered["state"] == "answered" and answered["messages"][1]["corrected_value"] == 264
    api.call("POST", f"{SUBMISSION}/queries/{query['id']}/close", "reviewer")
    assert api.call("POST", f"{SUBMISSION}/validate", "reviewer")["state"] == "validated"
    published = api.call("POST", f"{SUBMISSION}/publish", "reviewer")
    assert published["release"] == 1 and published["inserted"] == 5

    detail = api.call("GET", SUBMISSION, "fra")
    assert detail["submission"]["state"] == "published"
    assert [h["value"] for h in detail["history"] if h["key"] == FACILITIES] == [264, 265]
    assert [s["to_state"] for s in detail["steps"]] == [
        "draft",
        "submitted",
        "under-review",
        "validated",
        "published",
    ]
    api.call("GET", SUBMISSION, "mex", 403)
    rows = api.call("GET", "/api/v1/observations", params={"area": "FRA", "dataflow": "UN_CTS"})["data"]
    assert {r["variable"] for r in rows} == {"persons-held", "prison-capacity", "prison-facilities"}
    assert next(r for r in rows if r["variable"] == "prison-facilities")["value"] == 264


def test_the_dashboard_page(api: Api, real: Values, tmp_path: Path) -> None:
    open_round(api.store, api.team)
    api.call(
        "POST",
        "/api/v1/focal-points",
        "reviewer",
        201,
        json={"country": "CHL", "name": "C", "agency": "INE", "email": "c@ine.cl"},
    )
    api.call("POST", f"/api/v1/rounds/{ROUND}/dispatch", "reviewer", 201, json={"countries": ["FRA", "CHL"]})
    api.upload("fra", long_csv(tmp_path / "fra.csv", "FRA", small_values(real)))
    api.call("POST", f"{SUBMISSION}/submit", "fra")
    page = api.client.get(f"/rounds/{ROUND}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f"UN-CTS round {ROUND}" in html and 'data-country="FRA"' in html and 'data-country="CHL"' in html
    assert "status-submitted" in html and "Response rates by region" in html
    assert "Latin America and the Caribbean" in html and "50.0%" in html
    missing = api.client.get("/rounds/1999")
    assert missing.status_code == 404 and "no round 1999" in missing.text
