"""Users, roles, API tokens and the one authorization check every write goes through.

Three roles: an **admin** may do everything; a **reviewer** (UNODC staff) runs rounds, reviews, validates
and publishes for every country; a **focal point** is scoped to one country and may upload, edit, submit
and answer queries for that country only. :func:`authorize` is called by the service functions (so the CLI
and the API share it) and raises :class:`PermissionDenied` naming the role, the action and the country.

API tokens come from :func:`secrets.token_urlsafe`; only their SHA-256 is stored, and the token is shown
once, when it is issued.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observatory.catalog.areas import load_areas
from observatory.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from observatory.store.db import Store
from observatory.store.tables import ApiTokenRow, UserRow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Role(StrEnum):
    admin = "admin"
    reviewer = "reviewer"
    focal_point = "focal-point"


class Action(StrEnum):
    """Everything that needs a permission, named as the messages show it."""

    manage_users = "manage users"
    open_round = "open a round"
    manage_focal_points = "register focal points"
    view_focal_points = "see focal points"
    track_round = "record dispatch, reminders and extensions"
    download_workbook = "download the workbook"
    view_submission = "see the submission"
    upload = "upload files"
    edit_value = "edit values"
    submit = "submit"
    check = "run the validation"
    answer_query = "answer queries"
    start_review = "start the review"
    raise_query = "raise queries"
    close_query = "close queries"
    request_changes = "request changes"
    validate = "validate"
    publish = "publish"
    edit_correspondence = "propose or edit a correspondence table"
    review_correspondence = "confirm, correct or dispute correspondence links"


# What a focal point may do, for its own country only.
FOCAL_POINT_ACTIONS = frozenset(
    {
        Action.view_focal_points,
        Action.download_workbook,
        Action.view_submission,
        Action.upload,
        Action.edit_value,
        Action.submit,
        Action.check,
        Action.answer_query,
        Action.edit_correspondence,
    }
)
# What a reviewer may do, for every country.
REVIEWER_ACTIONS = frozenset(
    {
        Action.open_round,
        Action.manage_focal_points,
        Action.view_focal_points,
        Action.track_round,
        Action.download_workbook,
        Action.view_submission,
        Action.check,
        Action.start_review,
        Action.raise_query,
        Action.close_query,
        Action.request_changes,
        Action.validate,
        Action.publish,
        Action.edit_correspondence,
        Action.review_correspondence,
    }
)


class Unauthenticated(PermissionDenied):
    """No credentials, or credentials that do not name an active user."""

    code = "unauthenticated"
    status = 401


@dataclass(frozen=True)
class User:
    id: int
    email: str
    role: Role
    country: str | None = None
    name: str | None = None
    active: bool = True

    def describe(self) -> str:
        """``focal-point ana@example.org (FRA)``: the role first, as permission messages name it."""
        scope = f" ({self.country})" if self.country else ""
        return f"{self.role.value} {self.email}{scope}"


def may(user: User, action: Action, country: str | None = None) -> bool:
    """Whether ``user`` may take ``action`` (for ``country``, when the action concerns one)."""
    if not user.active:
        return False
    if user.role is Role.admin:
        return True
    if user.role is Role.reviewer:
        return action in REVIEWER_ACTIONS
    return action in FOCAL_POINT_ACTIONS and (country is None or country == user.country)


def authorize(user: User, action: Action, country: str | None = None) -> None:
    """Return if ``user`` may take ``action`` for ``country``; raise :class:`PermissionDenied` if not."""
    if may(user, action, country):
        return
    target = f" for {country}" if country else ""
    if not user.active:
        reason = "the account is deactivated"
    elif user.role is Role.focal_point and action in FOCAL_POINT_ACTIONS:
        reason = f"a focal point acts only for its own country ({user.country})"
    else:
        allowed = [r.value for r in Role if r is Role.admin or action in _actions_of(r)]
        reason = f"that needs the role {' or '.join(allowed)}"
        if Role.focal_point.value in allowed and country:
            reason += f" (the focal point of {country})"
    raise PermissionDenied(f"{user.describe()} may not {action.value}{target}: {reason}")


def _actions_of(role: Role) -> frozenset[Action]:
    return REVIEWER_ACTIONS if role is Role.reviewer else FOCAL_POINT_ACTIONS


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


def _user(row: UserRow) -> User:
    return User(row.id, row.email, Role(row.role), row.country, row.name, row.active)


def _email(text: str) -> str:
    email = text.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInput(
            f"{text!r} is not an e-mail address; expected name@agency.example", code="invalid-email"
        )
    return email


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
    name: str | None = None,
) -> tuple[User, str]:
    """Create a user and its first API token; return both (the token is not stored, only its hash).

    Without an ``acting`` user this works only while there is no user yet (bootstrap), and the first
    user must be an admin.
    """
    address = _email(email)
    code = country_code(country) if country else None
    if role is Role.focal_point and code is None:
        raise InvalidInput(
            "a focal point is scoped to one country; give --country ISO3", code="missing-country"
        )
    if role is not Role.focal_point and code is not None:
        raise InvalidInput(
            f"only focal points are scoped to a country; a {role.value} works for every country",
            code="unexpected-country",
        )
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
            country=code,
            active=True,
            created_at=datetime.now(UTC),
            created_by=acting.id if acting else None,
        )
        session.add(row)
        session.flush()
        token = _issue(session, row.id)
        return _user(row), token


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
        return _user(row)


def list_users(store: Store) -> list[User]:
    with store.session() as session:
        return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.email))]


def user_for_token(store: Store, token: str | None) -> User:
    """The active user an API token belongs to; :class:`Unauthenticated` otherwise."""
    if not token:
        raise Unauthenticated("this needs an API token: send the header `Authorization: Bearer <token>`")
    with store.session() as session:
        found = session.execute(
            select(ApiTokenRow, UserRow)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.token_sha256 == hash_token(token), ApiTokenRow.revoked_at.is_(None))
        ).first()
        if found is None or not found[1].active:
            raise Unauthenticated("the API token is unknown or revoked; ask an admin for a new one")
        found[0].last_used_at = datetime.now(UTC)
        return _user(found[1])


def emails(session: Session, ids: set[int]) -> dict[int, str]:
    """User id -> e-mail, for showing who did what."""
    if not ids:
        return {}
    return dict(session.execute(select(UserRow.id, UserRow.email).where(UserRow.id.in_(ids))).all())
