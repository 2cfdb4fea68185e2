"""``observatory user`` (countries, passwords, deactivation) and ``observatory audit list``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from cli.test_collection_cli import CLI, one_line_error
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.store.tables import UserRow

ADMIN, FP, ASSESSOR = "admin@unodc.org", "fp@inegi.org.mx", "assessor@unodc.org"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CLI:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("OBSERVATORY_USER", raising=False)
    return CLI(capsys)


def test_users_with_several_countries_passwords_and_the_audit_log(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("user", "add", ADMIN, "--role", "admin")
    fp = cli.ok(
        "user", "add", FP, "--role", "focal-point", "-c", "MEX", "--country", "gtm", "--user", ADMIN, "--json"
    ).json()
    assert fp["countries"] == ["GTM", "MEX"] and fp["country"] is None
    analyst = cli.ok("user", "add", "an@unodc.org", "--role", "analyst", "--user", ADMIN, "--json").json()
    assert analyst["role"] == "reviewer"
    one_line_error(cli("user", "add", ASSESSOR, "--role", "assessor", "--user", ADMIN), "[missing-country]")
    one_line_error(cli("user", "add", "p@x.org", "--role", "public", "--user", ADMIN), "[unknown-role]")
    cli.ok("user", "add", ASSESSOR, "--role", "assessor", "--country", "CHL", "--user", ADMIN)

    changed = cli.ok("user", "countries", FP, "--add", "HND", "--remove", "GTM", "--user", ADMIN, "--json")
    assert changed.json()["countries"] == ["HND", "MEX"]
    assert "acts for: HND, MEX" in cli.ok("user", "countries", FP).out
    one_line_error(cli("user", "countries", FP, "--add", "FRA", "--user", FP), "may not manage users")

    monkeypatch.setattr("sys.stdin", io.StringIO("too short\n"))
    one_line_error(cli("user", "password", FP, "--password-stdin", "--user", FP), "[password-too-short]")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        "Password set for fp@inegi.org.mx"
        in cli.ok("user", "password", FP, "--password-stdin", "--user", FP).out
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    one_line_error(cli("user", "password", ADMIN, "--password-stdin", "--user", FP), "may not manage users")
    store = Store(Settings(data_dir=tmp_path / "var"))
    with store.session() as session:
        hashed = session.scalar(select(UserRow.password_hash).where(UserRow.email == FP))
    store.dispose()
    assert hashed and hashed.startswith("$argon2id$") and PASSWORD not in hashed

    cli.ok("user", "deactivate", ASSESSOR, "--user", ADMIN)
    listed = {u["email"]: u for u in cli.ok("user", "list", "--json").json()["data"]}
    assert listed[ASSESSOR]["active"] is False and listed[ASSESSOR]["countries"] == ["CHL"]
    cli.ok("user", "activate", ASSESSOR, "--user", ADMIN)

    one_line_error(cli("audit", "list", "--user", FP), "may not read the audit log")
    log = cli.ok("audit", "list", "--user", ADMIN, "--json", "--limit", "100").json()
    rows = list(reversed(log["data"]))
    assert [(r["action"], r["outcome"]) for r in rows] == [
        ("user add", "ok"),  # the bootstrap, by nobody yet
        ("user add", "ok"),
        ("user add", "ok"),
        ("user add", "invalid"),
        ("user add", "invalid"),
        ("user add", "ok"),
        ("user countries", "ok"),
        ("user countries", "refused"),
        ("user password", "invalid"),
        ("user password", "ok"),
        ("user password", "refused"),
        ("user deactivate", "ok"),
        ("user activate", "ok"),
    ]
    assert rows[0]["email"] is None and rows[1]["email"] == ADMIN and rows[1]["via"] == "cli"
    assert rows[1]["request"].startswith("observatory user add fp@inegi.org.mx --role focal-point")
    assert rows[5]["country"] == "CHL" and rows[7]["email"] == FP and rows[7]["status"] == 403
    refused = cli.ok("audit", "list", "--user", ADMIN, "--outcome", "refused", "--who", FP, "--json").json()
    assert refused["count"] == 2
    assert "user countries" in cli.ok("audit", "list", "--user", ADMIN, "--since", "2000-01-01").out
    one_line_error(cli("audit", "list", "--user", ADMIN, "--since", "yesterday"), "[invalid-date]")
