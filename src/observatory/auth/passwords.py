"""Passwords: Argon2id hashes (argon2-cffi's default parameters), never the password itself."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from observatory.auth.accounts import get_user, load_user
from observatory.auth.roles import Action, User, authorize
from observatory.errors import InvalidInput
from observatory.store.db import Store
from observatory.store.tables import UserRow

MAX_PASSWORD_LENGTH = 1024  # longer input is refused before hashing (hashing costs memory and time)
_HASHER = PasswordHasher()
# Verified against when the account is unknown, so that an unknown e-mail takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone: equalises the time of unknown accounts")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_rules(password: str, min_length: int) -> None:
    """Refuse a password that is too short or too long, saying the rule."""
    if len(password) < min_length:
        raise InvalidInput(
            f"the password has {len(password)} characters; use at least {min_length} "
            "(a few unrelated words make a good one)",
            code="password-too-short",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"the password is longer than {MAX_PASSWORD_LENGTH} characters", code="password-too-long"
        )
    if not password.strip():
        raise InvalidInput("the password is only spaces", code="password-too-short")


def set_password(store: Store, acting: User, email: str, password: str) -> User:
    """Set the password of ``email`` (yourself, or anyone for an admin); only the Argon2 hash is kept."""
    target = get_user(store, email)
    if target.id != acting.id:
        authorize(acting, Action.manage_users)
    check_rules(password, store.settings.password_min_length)
    with store.session() as session:
        row = session.get(UserRow, target.id)
        assert row is not None
        row.password_hash = hash_password(password)
        row.password_changed_at = datetime.now(UTC)
    return target


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password(store: Store, email: str, password: str) -> User | None:
    """The active user whose e-mail and password these are, or None (same work either way).

    A hash made with older parameters is replaced by one with the current defaults.
    """
    address = email.strip().lower()
    if len(password) > MAX_PASSWORD_LENGTH:
        return None
    with store.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.email == address))
        stored = row.password_hash if row is not None else None
        if row is None or stored is None:
            _verify(_DUMMY_HASH, password)
            return None
        if not _verify(stored, password) or not row.active:
            return None
        if _HASHER.check_needs_rehash(stored):
            row.password_hash = hash_password(password)
        return load_user(session, row)
