"""schemathesis against the app's own OpenAPI document, in process (ASGI transport, no server).

Every operation of ``/openapi.json`` is called with generated parameters and bodies, anonymously and (for
the reading operations) with an admin's API token, on a deployment of its own seeded from extracts of the
real UNODC prisons and SDG files. Every answer must not be a server error and must match the documented
responses (status codes, the error envelope, the JSON schemas of 200 answers).
``MAX_EXAMPLES`` keeps the run near a minute on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from observatory.auth import Role, add_user
from observatory.collect.importing import import_paths
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish
from observatory.web import create_app

from .conftest import PRISONS, SDG, SDG_SERIES, extract

MAX_EXAMPLES = 12
CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance)
AREAS = frozenset({"MEX", "FRA"})
SHARDS = 4  # the operations split in four tests, for pytest-xdist
ALL_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[tuple[FastAPI, str]]:
    """An app on its own store (writes by the fuzzer stay there) and an admin's token."""
    folder = tmp_path_factory.mktemp("schemathesis")
    prisons, sdg = folder / "prisons.csv", folder / "sdg.csv"
    extract(shared_data / PRISONS, prisons, lambda r: r["Iso3_code"] in AREAS)
    extract(shared_data / SDG, sdg, lambda r: r["geo_area_m49"] == "484" and r["series_code"] in SDG_SERIES)
    settings_ = Settings(data_dir=folder / "var", rate_limit_enabled=False)
    store = Store(settings_)
    store.init()
    import_paths(store, [prisons, sdg])
    publish(store)
    _, token = add_user(store, None, "fuzz-admin@example.org", Role.admin)
    yield create_app(settings_, store=store), token
    store.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzzed: tuple[FastAPI, str]) -> Any:
    app, _ = fuzzed
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _run(operation: Any, headers: dict[str, str] | None) -> None:
    """Generated cases of one operation, each called and checked; hypothesis shrinks a failure."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def _failures(
    schema: Any, shard: int, *, methods: frozenset[str], headers: dict[str, str] | None
) -> list[str]:
    failures: list[str] = []
    operations = [op.ok() for op in schema.get_all_operations()]
    chosen = [op for op in operations if op.method.upper() in methods]
    for operation in chosen[shard::SHARDS]:
        try:
            _run(operation, headers)
        except Exception as exc:  # collect every operation's failure, then fail once
            failures.append(f"{operation.label}: {exc}")
    return failures


@pytest.mark.parametrize("shard", range(SHARDS))
def test_anonymous_calls_get_no_server_error(api_schema: Any, shard: int) -> None:
    failures = _failures(api_schema, shard, methods=ALL_METHODS, headers=None)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_reads_with_an_admin_token_get_no_server_error(
    api_schema: Any, fuzzed: tuple[FastAPI, str], shard: int
) -> None:
    _, token = fuzzed
    failures = _failures(
        api_schema, shard, methods=frozenset({"GET"}), headers={"Authorization": f"Bearer {token}"}
    )
    assert not failures, "\n\n".join(failures)
