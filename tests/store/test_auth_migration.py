"""Migration 0005: a focal point's one country moves to ``user_countries`` (and back on downgrade)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from observatory.auth import get_user
from observatory.settings import Settings
from observatory.store.db import Store, alembic_config


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0005_moves_the_country_of_existing_users(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    store = Store(Settings(data_dir=tmp_path / "var", database_url=url))
    try:
        if backend == "postgres":
            with store.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        config = alembic_config(store.engine)
        command.upgrade(config, "0004")
        now = datetime.now(UTC)
        with store.engine.begin() as conn:
            for email, role, country in [
                ("admin@unodc.org", "admin", None),
                ("fp@inegi.org.mx", "focal-point", "MEX"),
            ]:
                conn.execute(
                    text(
                        "INSERT INTO users (email, role, country, active, created_at) "
                        "VALUES (:e, :r, :c, true, :t)"
                    ),
                    {"e": email, "r": role, "c": country, "t": now},
                )
            conn.execute(  # a row that refers to users: rebuilding the table would break it
                text("INSERT INTO api_tokens (user_id, token_sha256, created_at) VALUES (2, :h, :t)"),
                {"h": "0" * 64, "t": now},
            )
        command.upgrade(config, "head")
        assert get_user(store, "fp@inegi.org.mx").countries == ("MEX",)
        assert get_user(store, "admin@unodc.org").countries == ()
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO user_countries (user_id, country) VALUES (2, 'CHL')"))
        assert get_user(store, "fp@inegi.org.mx").countries == ("CHL", "MEX")
        command.downgrade(config, "0004")
        with store.engine.begin() as conn:
            rows = conn.execute(text("SELECT email, country FROM users ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("admin@unodc.org", None), ("fp@inegi.org.mx", "CHL")]
    finally:
        store.dispose()
