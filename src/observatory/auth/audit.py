"""The audit log: every write (and every refused write), who made it, through what, and how it ended.

The web app writes one row per state-changing request (``web/security.py``), sign-in writes its own
(successes, failures, throttled attempts), and the CLI one per command that acts as a user. Admins read
the log with ``GET /api/v1/audit`` and ``observatory audit list``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select

from observatory.auth.roles import Action, User, authorize
from observatory.auth.throttle import aware
from observatory.store.db import Store
from observatory.store.tables import AuditRow


class Outcome(StrEnum):
    ok = "ok"
    refused = "refused"  # not signed in, not allowed, throttled, CSRF check failed
    invalid = "invalid"  # refused for what was sent (bad input, conflict, not found)
    error = "error"  # a server error


REFUSED_STATUSES = frozenset({401, 403, 429})


def outcome_of(status: int) -> Outcome:
    if status < 400:
        return Outcome.ok
    if status in REFUSED_STATUSES:
        return Outcome.refused
    return Outcome.invalid if status < 500 else Outcome.error


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    user_id: int | None
    email: str | None
    role: str | None
    token_id: int | None
    session_id: int | None
    via: str
    action: str
    country: str | None
    target: str | None
    request: str
    address: str | None
    outcome: str
    status: int | None
    detail: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cut(text: str | None, size: int) -> str | None:
    return None if text is None else text[:size]


def record(
    store: Store,
    *,
    user: User | None,
    via: str,
    action: str,
    request: str,
    outcome: Outcome,
    country: str | None = None,
    target: str | None = None,
    token_id: int | None = None,
    session_id: int | None = None,
    address: str | None = None,
    status: int | None = None,
    detail: str | None = None,
    email: str | None = None,
) -> None:
    """Write one audit row (``email`` names an account tried when there is no ``user``)."""
    known = user is not None and not user.anonymous
    with store.session() as session:
        session.add(
            AuditRow(
                at=datetime.now(UTC),
                user_id=user.id if known and user else None,
                email=_cut(user.email if known and user else email, 320),
                token_id=token_id,
                session_id=session_id,
                role=user.role.value if user is not None else None,
                via=via,
                action=_cut(action, 120) or "",
                country=_cut(country, 20),
                target=_cut(target, 500),
                request=_cut(request, 1000) or "",
                address=_cut(address, 64),
                outcome=outcome.value,
                status=status,
                detail=_cut(detail, 2000),
            )
        )


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        row.id,
        aware(row.at),
        row.user_id,
        row.email,
        row.role,
        row.token_id,
        row.session_id,
        row.via,
        row.action,
        row.country,
        row.target,
        row.request,
        row.address,
        row.outcome,
        row.status,
        row.detail,
    )


def list_entries(
    store: Store,
    acting: User,
    *,
    user: str | None = None,
    country: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    outcome: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """Audit rows, newest first, and how many match (admins only).

    ``user`` is an e-mail; ``country`` a country code; ``since`` inclusive, ``until`` exclusive.
    """
    authorize(acting, Action.read_audit)
    query = select(AuditRow)
    if user:
        query = query.where(AuditRow.email == user.strip().lower())
    if country:
        query = query.where(AuditRow.country == country.strip().upper())
    if since is not None:
        query = query.where(AuditRow.at >= _utc(since))
    if until is not None:
        query = query.where(AuditRow.at < _utc(until))
    if outcome:
        query = query.where(AuditRow.outcome == outcome)
    with store.session() as session:
        count = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        newest = query.order_by(AuditRow.at.desc(), AuditRow.id.desc())
        rows = session.scalars(newest.limit(limit).offset(offset))
        return [_entry(r) for r in rows], count


def _utc(at: datetime) -> datetime:
    """In UTC, as stored (SQLite compares the text, so an offset must be applied first)."""
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
