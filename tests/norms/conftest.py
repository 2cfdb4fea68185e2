"""A small checklist for hand-computed scores, users, and the real prison statistics published once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from observatory.auth import Role, User, add_user
from observatory.collect.importing import import_paths
from observatory.model.assessment import Checklist
from observatory.norms.checklists import parse_checklist
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish


def small_checklist_data() -> dict[str, Any]:
    return {
        "id": "small",
        "version": "1.0",
        "title": "Small",
        "gap_below": 2,
        "scale": {"levels": [[0, "No"], [1, "Low"], [2, "Mid"], [3, "Full"]], "not_applicable": True},
        "items": [
            {"id": "A", "section": "S1", "prompt": "a", "tests": ["bangkok:1"], "weight": 1},
            {"id": "B", "section": "S1", "prompt": "b", "tests": ["bangkok:2", "mandela:7"], "weight": 2},
            {"id": "C", "section": "S2", "prompt": "c", "tests": ["mandela:11"], "weight": 1},
            {"id": "D", "section": "S2", "prompt": "d", "tests": ["mandela:12"], "kind": "text"},
            {"id": "E", "section": "S2", "prompt": "e", "tests": ["mandela:12"], "weight": 1},
        ],
    }


@pytest.fixture(scope="session")
def small() -> Checklist:
    return parse_checklist(small_checklist_data(), "small.toml")


@pytest.fixture
def people(store: Store) -> dict[str, User]:
    admin, _ = add_user(store, None, "admin@example.org", Role.admin)
    one, _ = add_user(store, admin, "one@example.org", Role.assessor, countries=["MEX"])
    two, _ = add_user(store, admin, "two@example.org", Role.assessor, countries=["MEX", "FRA"])
    other, _ = add_user(store, admin, "other@example.org", Role.assessor, countries=["BRA"])
    return {"admin": admin, "one": one, "two": two, "other": other}


@pytest.fixture(scope="session")
def prison_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Store]:
    """The real UN-CTS prison statistics and World Bank population, published once."""
    store = Store(Settings(data_dir=tmp_path_factory.mktemp("norms") / "var"))
    store.init()
    prisons = sorted((shared_data / "unodc_cts").glob("unodc_cts_prisons_and_prisoners_*.csv"))
    import_paths(store, [*prisons, shared_data / "population"])
    publish(store)
    yield store
    store.dispose()
