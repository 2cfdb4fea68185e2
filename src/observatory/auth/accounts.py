"""Users, the countries they are bound to, and API tokens.

API tokens come from :func:`secrets.token_urlsafe`; only their SHA-256 is stored, and the token is shown
once, when it is issued.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from observatory.auth.roles import Action, Role, Unauthenticated, User, authorize
from observatory.catalog.areas import load_areas
from observatory.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from observatory.store.db import Store
from observatory.store.tables import ApiTokenRow, UserCountryRow, UserRow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def country_code(text: str) -> str:
    """The catalogue code of a country or reporting unit (``fra``, ``250``, ``France`` -> ``FRA``)."""
    catalog = load_areas()
    area = catalog.resolve(text.strip())
    if area is None:
        catalog.get(text.strip())  # raises NotFound with suggestions
        raise NotFound(f"unknown area {text!r}")  # pragma: no cover - get() raises
    if area.is_aggregate:
        raise InvalidInput(
            f"{text!r} is the region {area.name} ({area.code}); give a country or reporting unit "
            "(ISO 3166 alpha-3 such as FRA, or GBR_E_W)",
            code="not-a-country",
        )
    return area.code


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_role(text: str) -> Role:
    """A role from its name (``analyst`` is a reviewer); ``public`` is nobody's account."""
    try:
        role = Role(text.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role if r is not Role.public)
        raise InvalidInput(f"unknown role {text!r}; expected one of {names}", code="unknown-role") from None
    if role is Role.public:
        raise InvalidInput(
            "public is the role of anyone who is not signed in; an account needs another role",
            code="unknown-role",
        )
    return role


def _countries(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    wanted = set(ids)
    found: dict[int, list[str]] = {}
    if wanted:
        rows = session.execute(
            select(UserCountryRow.user_id, UserCountryRow.country)
            .where(UserCountryRow.user_id.in_(wanted))
            .order_by(UserCountryRow.country)
        )
        for user_id, country in rows:
            found.setdefault(user_id, []).append(country)
    return {i: tuple(found.get(i, ())) for i in wanted}


def load_user(session: Session, row: UserRow) -> User:
    countries = _countries(session, [row.id])[row.id]
    return User(row.id, row.email, Role(row.role), countries, row.name, row.active)


def _email(text: str) -> str:
    email = text.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInput(
            f"{text!r} is not an e-mail address; expected name@agency.example", code="invalid-email"
        )
    return email


def _codes(role: Role, countries: Sequence[str]) -> list[str]:
    codes = sorted({country_code(c) for c in countries})
    if role.scoped and not codes:
        raise InvalidInput(
            f"a {role.value} acts for one or more countries; give --country ISO3 (repeat it for several)",
            code="missing-country",
        )
    if not role.scoped and codes:
        raise InvalidInput(
            f"only focal points and assessors are bound to countries; a {role.value} works for every country",
            code="unexpected-country",
        )
    return codes


def user_count(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count(UserRow.id))) or 0)


def add_user(
    store: Store,
    acting: User | None,
    email: str,
    role: Role,
    *,
    country: str | None = None,
    countries: Sequence[str] = (),
    name: str | None = None,
) -> tuple[User, str]:
    """Create a user and its first API token; return both (the token is not stored, only its hash).

    Without an ``acting`` user this works only while there is no user yet (bootstrap), and the first
    user must be an admin. Focal points and assessors need one or more countries; others none.
    """
    address = _email(email)
    if role is Role.public:
        parse_role(role.value)  # raises: no account has the public role
    codes = _codes(role, [*countries, *([country] if country else [])])
    with store.session() as session:
        existing = int(session.scalar(select(func.count(UserRow.id))) or 0)
        if acting is None:
            if existing:
                raise PermissionDenied(
                    "users exist already; act as an admin with --user EMAIL (or OBSERVATORY_USER) to add one",
                    code="unauthenticated",
                )
            if role is not Role.admin:
                raise InvalidInput("the first user must be an admin (--role admin)", code="bootstrap-admin")
        else:
            authorize(acting, Action.manage_users)
        if session.scalar(select(UserRow.id).where(UserRow.email == address)) is not None:
            raise Conflict(f"a user {address} exists already", code="duplicate-user")
        row = UserRow(
            email=address,
            name=name,
            role=role.value,
            active=True,
            created_at=datetime.now(UTC),
            created_by=acting.id if acting else None,
        )
        session.add(row)
        session.flush()
        session.add_all(UserCountryRow(user_id=row.id, country=c) for c in codes)
        token = _issue(session, row.id)
        return User(row.id, address, role, tuple(codes), name, True), token


def set_countries(
    store: Store, acting: User, email: str, *, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> User:
    """Bind a focal point or an assessor to more countries, or fewer (never none); admins only."""
    authorize(acting, Action.manage_users)
    target = get_user(store, email)
    adding = {country_code(c) for c in add}
    removing = {country_code(c) for c in remove}
    result = sorted((set(target.countries) | adding) - removing)
    _codes(target.role, result)  # refuses none for a scoped role, any for the others
    with store.session() as session:
        session.execute(delete(UserCountryRow).where(UserCountryRow.user_id == target.id))
        session.add_all(UserCountryRow(user_id=target.id, country=c) for c in result)
    return get_user(store, email)


def set_active(store: Store, acting: User, email: str, active: bool) -> User:
    """Deactivate (or reactivate) an account: its tokens and sessions stop working; admins only."""
    authorize(acting, Action.manage_users)
    target = get_user(store, email)
    if target.id == acting.id and not active:
        raise InvalidInput("an admin cannot deactivate their own account", code="self-deactivation")
    with store.session() as session:
        row = session.get(UserRow, target.id)
        assert row is not None
        row.active = active
    return get_user(store, email)


def _issue(session: Session, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiTokenRow(user_id=user_id, token_sha256=hash_token(token), created_at=datetime.now(UTC)))
    return token


def issue_token(store: Store, acting: User, email: str) -> str:
    """A new API token for ``email`` (an admin for anyone, or a user for themself)."""
    target = get_user(store, email)
    if target.id != acting.id:
        authorize(acting, Action.manage_users)
    with store.session() as session:
        return _issue(session, target.id)


def get_user(store: Store, email: str) -> User:
    address = email.strip().lower()
    with store.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.email == address))
        if row is None:
            known = session.scalar(select(func.count(UserRow.id))) or 0
            hint = "add one with `observatory user add`" if not known else "see `observatory user list`"
            raise NotFound(f"no user {address}; {hint}", code="unknown-user")
        return load_user(session, row)


def list_users(store: Store) -> list[User]:
    with store.session() as session:
        rows = list(session.scalars(select(UserRow).order_by(UserRow.email)))
        countries = _countries(session, [r.id for r in rows])
        return [User(r.id, r.email, Role(r.role), countries[r.id], r.name, r.active) for r in rows]


@dataclass(frozen=True)
class TokenUser:
    """The user an API token names, and which token it was (for the audit log)."""

    user: User
    token_id: int


def token_user(store: Store, token: str | None) -> TokenUser:
    """The active user an API token belongs to; :class:`Unauthenticated` otherwise."""
    if not token:
        raise Unauthenticated(
            "this needs an API token (send the header `Authorization: Bearer <token>`) "
            "or signing in at /login"
        )
    with store.session() as session:
        found = session.execute(
            select(ApiTokenRow, UserRow)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.token_sha256 == hash_token(token), ApiTokenRow.revoked_at.is_(None))
        ).first()
        if found is None or not found[1].active:
            raise Unauthenticated("the API token is unknown or revoked; ask an admin for a new one")
        found[0].last_used_at = datetime.now(UTC)
        return TokenUser(load_user(session, found[1]), found[0].id)


def user_for_token(store: Store, token: str | None) -> User:
    """The active user an API token belongs to; :class:`Unauthenticated` otherwise."""
    return token_user(store, token).user


def emails(session: Session, ids: set[int]) -> dict[int, str]:
    """User id -> e-mail, for showing who did what."""
    if not ids:
        return {}
    return dict(session.execute(select(UserRow.id, UserRow.email).where(UserRow.id.in_(ids))).all())
