"""Login throttling: too many failed sign-ins for one account, or from one address, in a window.

Failures are counted in ``login_attempts`` (so every worker process sees them) within the last
``login_window_seconds`` (for an account, only those since its last successful sign-in; a success from
an address does not clear the address's failures, or one valid account would reset them). Past
``login_max_failures_account`` (or ``..._address``) a sign-in is refused without looking at the
password, until enough failures have left the window: :class:`TooManyAttempts` says how long.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observatory.errors import ObservatoryError
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.store.tables import LoginAttemptRow


class TooManyAttempts(ObservatoryError):
    """Sign-in refused for a while; ``retry_after`` is in seconds."""

    code = "too-many-attempts"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def aware(at: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored in UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _retry_after(
    session: Session, column: Any, value: str, limit: int, settings: Settings, *, reset: bool
) -> int:
    """Seconds until fewer than ``limit`` failures remain in the window (0: not throttled)."""
    now = datetime.now(UTC)
    since = now - timedelta(seconds=settings.login_window_seconds)
    if reset:
        last_success = session.scalar(
            select(func.max(LoginAttemptRow.at)).where(column == value, LoginAttemptRow.success.is_(True))
        )
        if last_success is not None and aware(last_success) > since:
            since = aware(last_success)
    failures = list(
        session.scalars(
            select(LoginAttemptRow.at)
            .where(column == value, LoginAttemptRow.success.is_(False), LoginAttemptRow.at > since)
            .order_by(LoginAttemptRow.at.desc())
            .limit(limit)
        )
    )
    if len(failures) < limit:
        return 0
    # The limit-th most recent failure must leave the window before another attempt is allowed.
    leaves = aware(failures[-1]) + timedelta(seconds=settings.login_window_seconds)
    return max(1, math.ceil((leaves - now).total_seconds()))


def check_throttle(store: Store, email: str, address: str) -> None:
    """Raise :class:`TooManyAttempts` if ``email`` or ``address`` has failed too often lately."""
    settings = store.settings
    with store.session() as session:
        by_account = _retry_after(
            session, LoginAttemptRow.email, email, settings.login_max_failures_account, settings, reset=True
        )
        by_address = _retry_after(
            session,
            LoginAttemptRow.address,
            address,
            settings.login_max_failures_address,
            settings,
            reset=False,
        )
    if by_account or by_address:
        which = "this account" if by_account >= by_address else "this address"
        wait = max(by_account, by_address)
        raise TooManyAttempts(
            f"too many failed sign-ins for {which}; try again in {wait} seconds", retry_after=wait
        )


def record_attempt(store: Store, email: str, address: str, success: bool) -> None:
    with store.session() as session:
        session.add(LoginAttemptRow(at=datetime.now(UTC), email=email, address=address, success=success))
