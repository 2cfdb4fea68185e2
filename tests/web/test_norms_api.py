"""``/api/v1/norms`` and the ``/norms`` pages."""

from __future__ import annotations

import base64
from typing import Any

from fastapi.testclient import TestClient

from observatory.auth import Role, add_user

JJ = "juvenile-justice-policy"


def _tokens(client: TestClient) -> dict[str, str]:
    store = client.app.state.store  # type: ignore[attr-defined]
    admin, admin_token = add_user(store, None, "admin@example.org", Role.admin)
    _, mex = add_user(store, admin, "mex@example.org", Role.assessor, countries=["MEX"])
    _, bra = add_user(store, admin, "bra@example.org", Role.assessor, countries=["BRA"])
    return {"admin": admin_token, "mex": mex, "bra": bra}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "checklist": JJ,
        "country": "MEX",
        "assessed_on": "2024-05-01",
        "fill": False,
        "findings": [
            {
                "item": "JJ-12",
                "rating": 1,
                "evidence": [
                    {
                        "kind": "document",
                        "filename": "law.pdf",
                        "content_base64": base64.b64encode(b"%PDF-1.7 law").decode(),
                    }
                ],
            },
            {"item": "JJ-13", "rating": 0},
            {"item": "JJ-14", "rating": 1},
        ],
    }
    return {**body, **changes}


def test_compendium_endpoints(empty_client: TestClient) -> None:
    listed = empty_client.get("/api/v1/norms").json()
    assert listed["count"] == len(listed["data"]) >= 30
    assert {r["id"]: r["rules"] for r in listed["data"]}["mandela"] == 122
    assert all(
        r["cluster"] == "governance"
        for r in empty_client.get("/api/v1/norms?cluster=governance").json()["data"]
    )
    bangkok = empty_client.get("/api/v1/norms/bangkok").json()
    assert bangkok["resolution"] == "GA 65/229" and sum(len(s["rules"]) for s in bangkok["sections"]) == 70
    hits = empty_client.get("/api/v1/norms/search", params={"q": "restraint labour"}).json()
    assert hits["data"][0]["ref"] == "bangkok:24"
    checklist = empty_client.get(f"/api/v1/norms/checklists/{JJ}").json()
    assert checklist["items"][0]["tests"] == ["havana:72", "havana:73", "havana:74"]
    missing = empty_client.get("/api/v1/norms/nowhere")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "unknown-instrument"


def test_recording_needs_the_right_role_and_country(empty_client: TestClient) -> None:
    tokens = _tokens(empty_client)
    assert empty_client.post("/api/v1/norms/assessments", json=_body()).status_code == 401
    refused = empty_client.post("/api/v1/norms/assessments", json=_body(), headers=_auth(tokens["bra"]))
    assert refused.status_code == 403
    made = empty_client.post("/api/v1/norms/assessments", json=_body(), headers=_auth(tokens["mex"]))
    assert made.status_code == 201, made.text
    view = made.json()
    assert view["overall"]["score"] == 0.6667 and view["overall"]["rated"] == 3
    assert view["findings"][0]["evidence"][0]["media_type"] == "application/pdf"
    one = empty_client.get(f"/api/v1/norms/assessments/{view['id']}", headers=_auth(tokens["bra"]))
    assert one.status_code == 403
    assert empty_client.get("/api/v1/norms/assessments", headers=_auth(tokens["admin"])).json()["count"] == 1
    scores = empty_client.get("/api/v1/norms/scores/mex").json()
    assert scores["data"][0]["overall"]["score"] == 0.6667
    gaps = empty_client.get("/api/v1/norms/gaps/MEX").json()
    assert [g["key"] for g in gaps["data"]] == ["MEX:juvenile-justice-policy:JJ-13"]


def test_bad_input_gets_the_error_envelope_and_stores_nothing(empty_client: TestClient) -> None:
    tokens = _tokens(empty_client)
    bad = _body(
        findings=[
            {"item": "JJ-12", "rating": 4},
            {
                "item": "JJ-13",
                "rating": 1,
                "evidence": [
                    {
                        "kind": "document",
                        "filename": "run.sh",
                        "content_base64": base64.b64encode(b"#!/bin/sh").decode(),
                    }
                ],
            },
        ]
    )
    response = empty_client.post("/api/v1/norms/assessments", json=bad, headers=_auth(tokens["mex"]))
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and [e["code"] for e in body["errors"][0]["details"]] == [
        "rating-out-of-scale",
        "forbidden-evidence-type",
    ]
    assert empty_client.get("/api/v1/norms/assessments", headers=_auth(tokens["admin"])).json()["count"] == 0


def test_agreement_and_delta_endpoints(empty_client: TestClient) -> None:
    tokens = _tokens(empty_client)
    store = empty_client.app.state.store  # type: ignore[attr-defined]
    admin = __import__("observatory.auth", fromlist=["get_user"]).get_user(store, "admin@example.org")
    add_user(store, admin, "mex2@example.org", Role.assessor, countries=["MEX"])
    a = empty_client.post("/api/v1/norms/assessments", json=_body(), headers=_auth(tokens["mex"])).json()
    second = _body(findings=[{"item": "JJ-12", "rating": 1}, {"item": "JJ-13", "rating": 1}])
    b = empty_client.post("/api/v1/norms/assessments", json=second, headers=_auth(tokens["admin"])).json()
    result = empty_client.get(
        "/api/v1/norms/agreement",
        params={"a": a["id"], "b": b["id"], "weights": "linear"},
        headers=_auth(tokens["admin"]),
    ).json()
    assert result["items"] == 2 and result["agreed"] == 1 and result["weights"] == "linear"
    change = empty_client.get(
        "/api/v1/norms/delta", params={"before": a["id"], "after": b["id"]}, headers=_auth(tokens["admin"])
    ).json()
    assert {i["item"]: i["change"] for i in change["items"]}["JJ-13"] == 1


def test_pages(empty_client: TestClient) -> None:
    index = empty_client.get("/norms")
    assert (
        index.status_code == 200
        and "(a) Persons in custody" in index.text
        and 'href="/norms/bangkok"' in index.text
    )
    found = empty_client.get("/norms", params={"q": "solitary"})
    assert "mandela:43" in found.text
    page = empty_client.get("/norms/bangkok")
    assert (
        page.status_code == 200
        and 'id="rule-70"' in page.text
        and 'href="/norms/mandela#rule-48"' in page.text
    )
    filtered = empty_client.get("/norms/bangkok", params={"q": "searches"})
    assert 'id="rule-19"' in filtered.text and 'id="rule-70"' not in filtered.text
    assert 'aria-current="page">Norms' in page.text
