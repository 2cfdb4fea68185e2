"""A small deployment for the API-contract tests: a few observations in the platform's own long CSV."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from observatory.collect.importing import import_paths
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish
from observatory.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

ROWS = (
    ("MEX", 2018, "persons-held", 190_000),
    ("MEX", 2019, "persons-held", 200_000),
    ("MEX", 2020, "persons-held", 210_000),
    ("FRA", 2019, "persons-held", 71_000),
    ("FRA", 2020, "persons-held", 70_000),
    ("CHL", 2020, "persons-held", 40_000),
)


def write_rows(path: Path, rows: tuple[tuple[str, int, str, float], ...] = ROWS) -> Path:
    lines = ["area,period,variable,value", *(f"{a},{y},{v},{x}" for a, y, v, x in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def small_store(folder: Path, **settings: Any) -> Store:
    """A store under ``folder`` with :data:`ROWS` imported and published (release 1)."""
    store = Store(Settings(data_dir=folder / "var", **settings))
    store.init()
    import_paths(store, [write_rows(folder / "observations.csv")])
    publish(store)
    return store


def client_for(store: Store, **kwargs: Any) -> TestClient:
    return TestClient(create_app(store.settings, store=store), **kwargs)
