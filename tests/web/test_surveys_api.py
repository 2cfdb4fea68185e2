"""``POST /api/v1/surveys/estimate``: the CLI's JSON, for signed-in users; kept microdata for reviewers."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from observatory.auth import Role, add_user, get_user
from observatory.store.originals import keep_original, sha256_of

API = "/api/v1/surveys/estimate"
STRAT = {"ids": "1", "strata": "stype", "weights": "pw", "fpc": "fpc"}


@pytest.fixture(scope="module")
def tokens(client: TestClient) -> dict[str, dict[str, str]]:
    store: Any = client.app.state.store  # type: ignore[attr-defined]
    admin, admin_token = add_user(store, None, "survey-admin@example.org", Role.admin)
    _, reviewer = add_user(store, admin, "survey-reviewer@example.org", Role.reviewer)
    _, focal = add_user(store, admin, "survey-focal@example.org", Role.focal_point, countries=["KEN"])
    return {
        name: {"Authorization": f"Bearer {token}"}
        for name, token in (("admin", admin_token), ("reviewer", reviewer), ("focal", focal))
    }


def test_the_estimate_matches_r_and_the_cli_json(
    client: TestClient, tokens: dict[str, dict[str, str]], shared_data: Path
) -> None:
    text = (shared_data / "survey_api" / "apistrat.csv").read_text(encoding="utf-8")
    body = {"data": {"content": text}, "design": STRAT, "estimator": "mean", "variable": "api00"}
    response = client.post(API, json=body, headers=tokens["focal"])
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["estimate"] == pytest.approx(662.287363159321, rel=1e-9)  # R: svymean(~api00, dstrat)
    assert found["se"] == pytest.approx(9.40894080278458, rel=1e-8)
    assert {"ci_lower", "ci_upper", "deff", "n", "population"} <= set(found) and found["n"] == 200
    by = client.post(API, json={**body, "by": "stype"}, headers=tokens["focal"]).json()
    assert [e["domain"] for e in by["estimates"]] == ["E", "H", "M"]


def test_base64_files_and_kept_microdata(
    client: TestClient, tokens: dict[str, dict[str, str]], shared_data: Path, tmp_path: Path
) -> None:
    source = shared_data / "survey_api" / "apistrat.csv"
    encoded = base64.b64encode(source.read_bytes()).decode()
    body: dict[str, Any] = {
        "data": {"content": encoded, "format": "csv", "base64": True},
        "design": STRAT,
        "estimator": "total",
        "variable": "enroll",
    }
    inline = client.post(API, json=body, headers=tokens["focal"]).json()
    store: Any = client.app.state.store  # type: ignore[attr-defined]
    copy = tmp_path / "apistrat.csv"
    copy.write_bytes(source.read_bytes())
    digest = sha256_of(copy)
    with store.session() as session:
        keep_original(session, store.settings, copy, fmt="survey-microdata", sha256=digest)
    kept = {**body, "data": {"sha256": digest}}
    assert client.post(API, json=kept, headers=tokens["reviewer"]).json()["estimate"] == inline["estimate"]
    refused = client.post(API, json=kept, headers=tokens["focal"])
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "permission-denied"
    assert get_user(store, "survey-admin@example.org") is not None


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"variable": "nothere"}, 400, "unknown-variable"),
        ({"design": {"ids": "1", "weights": "nope"}}, 400, "unknown-variable"),
        ({"estimator": "median"}, 400, "invalid-estimator"),
        ({"level": "high"}, 400, "invalid-level"),
        ({"data": {"content": "x", "format": "xlsx"}}, 400, "unknown-format"),
        ({"data": {"sha256": "0" * 64}}, 404, "not-found"),
    ],
)
def test_bad_requests_are_refused_with_their_code(
    client: TestClient, tokens: dict[str, dict[str, str]], change: dict[str, Any], status: int, code: str
) -> None:
    body = {"data": {"content": "a,pw\n1,2\n3,4\n"}, "design": {"ids": "1", "weights": "pw"}, "variable": "a"}
    response = client.post(API, json={**body, **change}, headers=tokens["admin"])
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["code"] == code


def test_anonymous_callers_are_asked_to_sign_in(client: TestClient) -> None:
    response = client.post(API, json={"data": {"content": "a\n1\n"}, "design": {}, "variable": "a"})
    assert response.status_code == 401
