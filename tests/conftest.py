"""Shared fixtures: the real public data beside the repository, and fresh embedded stores."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from observatory.settings import Settings
from observatory.store.db import Store

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = Path(__file__).resolve().parent / "data"

# Property tests check invariants, not speed: under pytest-xdist on two shared cores a first example can take
# longer than Hypothesis's 200 ms default deadline, which would make the suite flaky. Timing claims live in
# benchmarks/.
hypothesis_settings.register_profile(
    "observatory", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("observatory")


def _shared_data() -> Path:
    configured = os.environ.get("OBSERVATORY_SHARED_DATA")
    return Path(configured) if configured else (REPO.parent / "shared" / "data").resolve()


SHARED_DATA = _shared_data()
# The per-client rate limit is off in tests (many requests from one address); tests/web/test_ratelimit.py
# turns it on for its own apps.
os.environ.setdefault("OBSERVATORY_RATE_LIMIT_ENABLED", "false")


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


def _postgres_admin_url() -> str:
    url = os.environ.get("OBSERVATORY_TEST_POSTGRES_URL")
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but OBSERVATORY_TEST_POSTGRES_URL is not set; .ci/run starts PostgreSQL")
    pytest.skip("set OBSERVATORY_TEST_POSTGRES_URL to run the PostgreSQL tests")


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """A fresh PostgreSQL database for this test worker, dropped at the end of the session."""
    from uuid import uuid4

    from sqlalchemy import create_engine, make_url, text

    admin_url = make_url(_postgres_admin_url())
    name = f"observatory_test_{worker_id}_{uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, migrated store on each backend: embedded SQLite and a real PostgreSQL server."""
    if request.param == "sqlite":
        settings = Settings(data_dir=tmp_path / "var")
    else:
        settings = Settings(data_dir=tmp_path / "var", database_url=request.getfixturevalue("postgres_url"))
    s = Store(settings)
    if request.param == "postgres":
        _reset_postgres(s)
    s.init()
    yield s
    s.dispose()


def _reset_postgres(store: Store) -> None:
    from sqlalchemy import text

    with store.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
