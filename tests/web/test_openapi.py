"""The OpenAPI document: stable operation ids (snapshot), a summary and a tag on every operation, and the
error envelope documented on every operation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from observatory.settings import Settings
from observatory.web import create_app

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "openapi_operation_ids.txt"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app: FastAPI = create_app(Settings(data_dir=tmp_path_factory.mktemp("openapi") / "var"))
    found: dict[str, Any] = app.openapi()
    app.state.store.dispose()
    return found


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, ops in spec["paths"].items() for m, op in ops.items() if m in METHODS]


def test_operation_ids_match_the_snapshot(spec: dict[str, Any]) -> None:
    """A renamed, added or removed operation is a deliberate change: update the snapshot with
    OBSERVATORY_UPDATE_GOLDEN=1 and say so (generated clients name their methods after these ids)."""
    lines = sorted(f"{op['operationId']} {method} {path}" for method, path, op in _operations(spec))
    text = "\n".join(lines) + "\n"
    if os.environ.get("OBSERVATORY_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), f"{GOLDEN} is missing; run with OBSERVATORY_UPDATE_GOLDEN=1 to write it"
    assert text == GOLDEN.read_text(encoding="utf-8"), "operation ids changed; see the docstring"


def test_operation_ids_are_unique_and_kebab_case(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(spec)]
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() and "_" not in i and " " not in i for i in ids)


def test_every_operation_has_a_summary_a_tag_and_documented_errors(spec: dict[str, Any]) -> None:
    for method, path, op in _operations(spec):
        assert op.get("summary"), f"{method} {path} has no summary"
        assert op.get("tags"), f"{method} {path} has no tag"
        for status in ("4XX", "5XX"):
            schema = op["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorPublic"}, (method, path, status)
        assert "422" not in op["responses"], f"{method} {path} documents a 422 the API never sends"


def test_the_error_model_is_the_envelope(spec: dict[str, Any]) -> None:
    error = spec["components"]["schemas"]["ErrorPublic"]
    assert set(error["properties"]) == {"ok", "error", "errors", "status"}
    assert set(error["required"]) == {"error", "errors", "status"}
