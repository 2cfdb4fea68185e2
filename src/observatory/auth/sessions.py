"""Sign-in with a password and server-side browser sessions.

A session is a row of ``web_sessions``; the browser's cookie holds a random id of which only the SHA-256
is stored. A session ends ``session_idle_minutes`` after its last use, ``session_max_hours`` after
sign-in, on sign-out, or when its user is deactivated. Each session has its own CSRF token: a request
made with the session cookie that changes anything must send it back (``X-CSRF-Token`` header or
``csrf_token`` form field). Every sign-in, failed or not, is counted for throttling and audited.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from observatory.auth.accounts import hash_token, load_user
from observatory.auth.audit import Outcome, record
from observatory.auth.passwords import check_password
from observatory.auth.roles import Unauthenticated, User
from observatory.auth.throttle import TooManyAttempts, aware, check_throttle, record_attempt
from observatory.store.db import Store
from observatory.store.tables import LoginAttemptRow, UserRow, WebSessionRow

SESSION_COOKIE = "observatory_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often
KEEP_ATTEMPTS = timedelta(days=1)
SIGN_IN = "sign-in"


@dataclass(frozen=True)
class WebSession:
    id: int
    user: User
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime

    def csrf_ok(self, sent: str | None) -> bool:
        """Whether ``sent`` is this session's CSRF token (compared in constant time)."""
        return bool(sent) and hmac.compare_digest(self.csrf_token.encode(), (sent or "").encode())


class WrongCredentials(Unauthenticated):
    code = "wrong-credentials"


def sign_in(store: Store, email: str, password: str, address: str) -> tuple[WebSession, str]:
    """Check the password and open a session; return it and the cookie value (shown to nobody else).

    Raises :class:`TooManyAttempts` (429) when the account or the address has failed too often lately,
    without checking the password, and :class:`WrongCredentials` (401) for a wrong e-mail or password.
    """
    address_ = address or "unknown"
    account = email.strip().lower()[:320]
    request = "POST /login"
    try:
        check_throttle(store, account, address_)
    except TooManyAttempts as exc:
        record(
            store,
            user=None,
            email=account,
            via="web",
            action=SIGN_IN,
            request=request,
            outcome=Outcome.refused,
            address=address_,
            status=429,
            detail=exc.message,
        )
        raise
    user = check_password(store, account, password)
    record_attempt(store, account, address_, user is not None)
    if user is None:
        record(
            store,
            user=None,
            email=account,
            via="web",
            action=SIGN_IN,
            request=request,
            outcome=Outcome.refused,
            address=address_,
            status=401,
            detail="wrong e-mail or password",
        )
        raise WrongCredentials("the e-mail address or the password is wrong")
    session, secret = _open(store, user, address_)
    record(
        store,
        user=user,
        via="web",
        action=SIGN_IN,
        request=request,
        outcome=Outcome.ok,
        session_id=session.id,
        address=address_,
        status=303,
    )
    return session, secret


def _open(store: Store, user: User, address: str) -> tuple[WebSession, str]:
    now = datetime.now(UTC)
    secret = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=store.settings.session_max_hours)
    with store.session() as db:
        db.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
        db.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < now - KEEP_ATTEMPTS))
        row = WebSessionRow(
            id_sha256=hash_token(secret),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=expires,
            address=address[:64],
        )
        db.add(row)
        db.flush()
        return WebSession(row.id, user, row.csrf_token, now, now, expires), secret


def session_for(store: Store, secret: str | None) -> WebSession | None:
    """The live session a cookie value names (its use noted), or None; an ended session is removed."""
    if not secret:
        return None
    now = datetime.now(UTC)
    idle = timedelta(minutes=store.settings.session_idle_minutes)
    with store.session() as db:
        found = db.execute(
            select(WebSessionRow, UserRow)
            .join(UserRow, UserRow.id == WebSessionRow.user_id)
            .where(WebSessionRow.id_sha256 == hash_token(secret))
        ).first()
        if found is None:
            return None
        row, user_row = found
        last_seen = aware(row.last_seen_at)
        if aware(row.expires_at) <= now or last_seen + idle <= now or not user_row.active:
            db.delete(row)
            return None
        if now - last_seen >= TOUCH_EVERY:
            row.last_seen_at = last_seen = now
        user = load_user(db, user_row)
        return WebSession(
            row.id, user, row.csrf_token, aware(row.created_at), last_seen, aware(row.expires_at)
        )


def sign_out(store: Store, session_id: int) -> None:
    """End a session (its cookie stops working at once)."""
    with store.session() as db:
        db.execute(delete(WebSessionRow).where(WebSessionRow.id == session_id))
