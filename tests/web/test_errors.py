"""The error contract: one JSON envelope for every API failure, an HTML page for every page failure.

Like datasette's ``test_error_shape.py``: whatever goes wrong, an API client sees exactly
``{"ok": false, "error": str, "errors": [{"code": str, "message": str, ...}], "status": int}`` with
``status`` equal to the HTTP status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from observatory.errors import Conflict, ErrorEnvelope, InvalidInput
from observatory.web import create_app
from observatory.web.schemas import ErrorPublic

if TYPE_CHECKING:
    from observatory.settings import Settings

ENVELOPE_KEYS = {"ok", "error", "errors", "status"}

FAILURES = [
    pytest.param("GET", "/api/v1/areas/XQZ", 404, "unknown-area", id="unknown-area"),
    pytest.param("GET", "/api/v1/iccs/0199", 404, "not-found", id="unknown-iccs-code"),
    pytest.param("GET", "/api/v1/iccs/abc", 400, "invalid-input", id="malformed-iccs-code"),
    pytest.param("GET", "/api/v1/observations?limit=100000", 400, "invalid-input", id="limit"),
    pytest.param("GET", "/api/v1/observations?limit=0", 400, "invalid-parameter", id="limit-0"),
    pytest.param("GET", "/api/v1/observations?year_from=x", 400, "invalid-parameter", id="year"),
    pytest.param("GET", "/api/v1/observations?unit=litres", 400, "invalid-parameter", id="unit"),
    pytest.param("GET", "/api/v1/observations?area=XQZ", 400, "unknown-area", id="filter-area"),
    pytest.param("GET", "/api/v1/iccs/search", 400, "invalid-parameter", id="missing-q"),
    pytest.param("GET", "/api/v1/areas?kind=planet", 400, "invalid-parameter", id="enum"),
    pytest.param("GET", "/api/v1/nowhere", 404, "not-found", id="no-route"),
    pytest.param("POST", "/api/v1/areas", 405, "method-not-allowed", id="wrong-method"),
]


def assert_envelope(body: Any, status: int) -> None:
    assert set(body) == ENVELOPE_KEYS
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list) and body["errors"]
    for problem in body["errors"]:
        assert isinstance(problem["code"], str) and problem["code"]
        assert isinstance(problem["message"], str) and problem["message"]
    ErrorPublic.model_validate(body)


@pytest.mark.parametrize(("method", "path", "status", "code"), FAILURES)
def test_api_errors_share_one_shape(
    client: TestClient, method: str, path: str, status: int, code: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert_envelope(body, status)
    assert body["errors"][0]["code"] == code


def test_validation_errors_name_the_parameter_and_value(client: TestClient) -> None:
    body = client.get("/api/v1/observations", params={"unit": "litres"}).json()
    problem = body["errors"][0]
    assert problem["location"] == {"field": "unit"}
    assert "'litres'" in problem["message"]
    assert "rate-per-100k" in problem["message"]


def test_method_not_allowed_keeps_the_allow_header(client: TestClient) -> None:
    response = client.post("/api/v1/areas")
    assert "GET" in response.headers["allow"]


def test_envelope_equals_the_domain_envelope(client: TestClient) -> None:
    body = client.get("/api/v1/observations", params={"limit": 100000}).json()
    expected = ErrorEnvelope.from_error(
        InvalidInput(
            "limit 100000 is above the maximum of 1000 rows per page; "
            "ask for at most 1000 and follow links.next"
        )
    )
    assert body == expected.to_dict()


def test_every_observatory_error_and_bug_is_enveloped(settings: Settings) -> None:
    app = create_app(settings)
    probe = APIRouter(prefix="/api/v1/probe")

    @probe.get("/conflict")
    def conflict() -> None:
        raise Conflict("release 3 is being written", code="release-busy")

    @probe.get("/bug")
    def bug() -> None:
        raise RuntimeError("boom")

    app.include_router(probe)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = client.get("/api/v1/probe/conflict").json()
        assert_envelope(body, 409)
        assert body["errors"][0] == {"code": "release-busy", "message": "release 3 is being written"}
        response = client.get("/api/v1/probe/bug")
        assert response.status_code == 500
        assert_envelope(response.json(), 500)
        assert "boom" not in response.text  # internals stay in the log
    app.state.store.dispose()


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/areas/XQZ", 404, "unknown area code &#39;XQZ&#39;"),
        ("/iccs/0199", 404, "0199"),
        ("/no-such-page", 404, "nothing at /no-such-page"),
        ("/iccs?lang=fr", 400, "fr"),
    ],
)
def test_pages_fail_with_an_html_page(client: TestClient, path: str, status: int, text: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert f"Error {status}" in response.text
    assert text in response.text
    assert '<nav aria-label="Main">' in response.text


def test_observations_without_a_release_say_so(empty_client: TestClient) -> None:
    assert empty_client.get("/api/v1/health").json()["release"] is None
    response = empty_client.get("/api/v1/observations")
    assert response.status_code == 404
    body = response.json()
    assert_envelope(body, 404)
    assert body["errors"][0]["code"] == "no-release"
