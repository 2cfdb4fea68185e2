"""Passwords (Argon2id), sign-in, sessions, throttling and the audit log, at the service level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from observatory.auth import Role, add_user
from observatory.auth.audit import Outcome, list_entries, record
from observatory.auth.passwords import check_password, set_password
from observatory.auth.sessions import WrongCredentials, session_for, sign_in, sign_out
from observatory.auth.throttle import TooManyAttempts
from observatory.errors import InvalidInput, PermissionDenied
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.store.tables import AuditRow, UserRow, WebSessionRow

PASSWORD = "correct horse battery staple"


@pytest.fixture
def strict(tmp_path: Path) -> Store:
    """A store whose throttling trips after 3 failures per account and 5 per address."""
    settings = Settings(data_dir=tmp_path / "var", login_max_failures_account=3, login_max_failures_address=5)
    store = Store(settings)
    store.init()
    return store


def test_only_the_argon2_hash_is_stored_and_short_passwords_are_refused(store: Store) -> None:
    admin, _ = add_user(store, None, "admin@unodc.org", Role.admin)
    fp, _ = add_user(store, admin, "fp@inegi.org.mx", Role.focal_point, country="MEX")
    with pytest.raises(InvalidInput) as short:
        set_password(store, fp, fp.email, "short")
    assert short.value.code == "password-too-short"
    assert "use at least 12" in str(short.value)
    set_password(store, fp, fp.email, PASSWORD)  # a user sets their own
    with pytest.raises(PermissionDenied):
        set_password(store, fp, admin.email, PASSWORD)  # not someone else's
    set_password(store, admin, admin.email, PASSWORD + "!")
    with store.session() as session:
        rows = {r.email: r for r in session.scalars(select(UserRow))}
        stored = [r.password_hash or "" for r in rows.values()]
        every_column = [str(getattr(r, c.key)) for r in rows.values() for c in UserRow.__table__.columns]
    assert all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") for h in stored)
    assert stored[0] != stored[1]
    assert not any(PASSWORD in value for value in every_column)
    assert check_password(store, "FP@inegi.org.mx", PASSWORD) == fp
    assert check_password(store, fp.email, PASSWORD + "x") is None
    assert check_password(store, "nobody@x.org", PASSWORD) is None


def test_a_session_ends_when_idle_expired_signed_out_or_the_user_is_deactivated(store: Store) -> None:
    admin, _ = add_user(store, None, "admin@unodc.org", Role.admin)
    set_password(store, admin, admin.email, PASSWORD)
    session, secret = sign_in(store, admin.email, PASSWORD, "10.0.0.1")
    assert len(secret) >= 40 and len(session.csrf_token) >= 40
    assert session.expires_at - session.created_at == timedelta(hours=12)
    found = session_for(store, secret)
    assert found is not None and found.user == admin and found.csrf_ok(session.csrf_token)
    assert not found.csrf_ok(None) and not found.csrf_ok(session.csrf_token[:-1])
    assert session_for(store, secret + "x") is None
    with store.session() as db:
        assert db.scalar(select(WebSessionRow.id_sha256)) != secret  # only the hash of the cookie value
        db.execute(update(WebSessionRow).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=121)))
    assert session_for(store, secret) is None  # idle too long: removed
    with store.session() as db:
        assert db.scalar(select(WebSessionRow.id)) is None
    _, again = sign_in(store, admin.email, PASSWORD, "10.0.0.1")
    second = session_for(store, again)
    assert second is not None
    sign_out(store, second.id)
    assert session_for(store, again) is None


def test_sign_in_is_throttled_per_account_and_per_address_and_audited(strict: Store) -> None:
    store = strict
    admin, _ = add_user(store, None, "admin@unodc.org", Role.admin)
    set_password(store, admin, admin.email, PASSWORD)
    for _ in range(3):
        with pytest.raises(WrongCredentials):
            sign_in(store, admin.email, "wrong password!", "10.0.0.1")
    with pytest.raises(TooManyAttempts) as locked:
        sign_in(store, admin.email, PASSWORD, "10.0.0.2")  # even the right password, from elsewhere
    assert locked.value.status == 429 and 890 <= locked.value.retry_after <= 900
    assert "this account" in str(locked.value)
    for n in range(2):  # the address has 3 failures; 2 more on other accounts reach its limit of 5
        with pytest.raises(WrongCredentials):
            sign_in(store, f"other{n}@x.org", "whatever it is", "10.0.0.1")
    with pytest.raises(TooManyAttempts) as by_address:
        sign_in(store, "fresh@x.org", "whatever it is", "10.0.0.1")
    assert "this address" in str(by_address.value)
    entries, count = list_entries(store, admin, outcome="refused")
    assert count == 7
    assert [e.status for e in reversed(entries)] == [401, 401, 401, 429, 401, 401, 429]
    assert all(e.action == "sign-in" and e.via == "web" for e in entries)
    assert entries[-1].email == "admin@unodc.org" and entries[-1].address == "10.0.0.1"


def test_the_audit_log_filters_and_pages_for_admins_only(store: Store) -> None:
    admin, _ = add_user(store, None, "admin@unodc.org", Role.admin)
    fp, _ = add_user(store, admin, "fp@inegi.org.mx", Role.focal_point, country="MEX")
    for n in range(5):
        record(
            store,
            user=fp if n % 2 else admin,
            via="cli",
            action="submission upload",
            request=f"observatory submission upload {n}",
            outcome=Outcome.ok,
            country="MEX" if n % 2 else "FRA",
        )
    entries, count = list_entries(store, admin, limit=2, offset=1)
    assert count == 5 and [e.request[-1] for e in entries] == ["3", "2"]
    assert list_entries(store, admin, user="FP@inegi.org.mx")[1] == 2
    assert list_entries(store, admin, country="fra")[1] == 3
    later = datetime.now(UTC) + timedelta(hours=1)
    assert list_entries(store, admin, since=later)[1] == 0
    assert list_entries(store, admin, until=later.astimezone(tz=None))[1] == 5
    with pytest.raises(PermissionDenied, match="may not read the audit log"):
        list_entries(store, fp)
    with store.session() as db:
        assert db.scalar(select(AuditRow.role).where(AuditRow.country == "MEX").limit(1)) == "focal-point"
