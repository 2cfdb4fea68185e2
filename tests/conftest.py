"""Shared fixtures: the real public data beside the repository, and fresh embedded stores."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from observatory.settings import Settings
from observatory.store.db import Store

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"


def _shared_data() -> Path:
    configured = os.environ.get("OBSERVATORY_SHARED_DATA")
    return Path(configured) if configured else (REPO.parent / "shared" / "data").resolve()


SHARED_DATA = _shared_data()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: the real public data sets (ICCS, UN-CTS exports, M49, ...)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"real data folder {SHARED_DATA} is missing; set OBSERVATORY_SHARED_DATA")
    return SHARED_DATA


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an empty embedded deployment under a temporary folder."""
    return Settings(data_dir=tmp_path / "var")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store(settings)
    s.init()
    yield s
    s.dispose()
