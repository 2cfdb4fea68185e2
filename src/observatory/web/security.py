"""Browser sessions and the audit of every write, as one ASGI middleware, plus the cookie helpers.

For each request that carries the session cookie, the middleware looks the session up once (off the
event loop) and keeps it in ``request.state``, where :func:`observatory.web.deps.get_current_user` and
the templates (``web_session(request)``: the header's "signed in as", the ``csrf-token`` meta tag) find
it. A response to a signed-in browser's page is never stored by a shared cache.

Every request with an unsafe method (POST, PUT, PATCH, DELETE) that reaches a route is written to the
audit log once it has been answered: who (token or session), the route's operation id, the country and
the other path parameters, method and path, client address, status and outcome (refused ones too). A
route that audits itself (sign-in) sets ``request.state.audited``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observatory.auth import Unauthenticated, User, country_code
from observatory.auth.audit import Outcome, outcome_of, record
from observatory.auth.sessions import SESSION_COOKIE, WebSession, session_for
from observatory.errors import ObservatoryError, PermissionDenied
from observatory.settings import Settings
from observatory.store.db import Store

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_STATE = "web_session"
AUTH_STATE = "auth"
AUDITED_STATE = "audited"
_DETAIL_BYTES = 4096


class CsrfFailed(PermissionDenied):
    code = "csrf-failed"


def web_session(request: Request) -> WebSession | None:
    """The live session of the signed-in browser making ``request``, if any."""
    found: WebSession | None = request.scope.get("state", {}).get(SESSION_STATE)
    return found


def note_user(
    request: Request, user: User, *, token_id: int | None = None, session_id: int | None = None
) -> None:
    """Remember who made ``request`` (for the audit log)."""
    request.scope.setdefault("state", {})[AUTH_STATE] = (user, token_id, session_id)


def mark_audited(request: Request) -> None:
    """The route wrote its own audit row; the middleware writes none."""
    request.scope.setdefault("state", {})[AUDITED_STATE] = True


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(response: Response, request: Request, settings: Settings, secret: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure unless plain-http localhost (or settings say)."""
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=settings.session_max_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies(request.url.scheme, request.url.hostname or ""),
    )


def clear_session_cookie(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies(request.url.scheme, request.url.hostname or ""),
    )


def _country(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return country_code(value)
    except ObservatoryError:
        return value.upper()[:20]


def _detail(body: bytes) -> str | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    return str(error) if error else None


def _action(route: Any) -> str:
    """The route's OpenAPI operation id (``submissions-submit``), or its name for a page."""
    from observatory.web.routes import operation_id  # the routes import this module

    return operation_id(route) if isinstance(route, APIRoute) else str(getattr(route, "name", "route"))


class SecurityMiddleware:
    """Looks up the session cookie; audits every write (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        store: Store = scope["app"].state.store
        secret = Request(scope).cookies.get(SESSION_COOKIE)
        session = await run_in_threadpool(session_for, store, secret) if secret else None
        state[SESSION_STATE] = session
        unsafe = scope["method"] not in SAFE_METHODS
        answer: dict[str, Any] = {"status": 500, "body": b"", "json": False}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                headers = [(k.lower(), v) for k, v in message.get("headers", [])]
                answer["json"] = (b"content-type", b"application/json") in headers
                if session is not None and (b"content-type", b"text/html; charset=utf-8") in headers:
                    kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                    message = {**message, "headers": [*kept, (b"cache-control", b"private, no-store")]}
            elif message["type"] == "http.response.body" and answer["status"] >= 400 and answer["json"]:
                answer["body"] = (answer["body"] + message.get("body", b""))[:_DETAIL_BYTES]
            await send(message)

        if not unsafe:
            await self.app(scope, receive, watch if session is not None else send)
            return
        try:
            await self.app(scope, receive, watch)
        except Exception:
            answer["status"] = 500
            await run_in_threadpool(self._audit, store, scope, session, answer)
            raise
        await run_in_threadpool(self._audit, store, scope, session, answer)

    @staticmethod
    def _audit(store: Store, scope: Scope, session: WebSession | None, answer: dict[str, Any]) -> None:
        state: dict[str, Any] = scope.get("state", {})
        route = scope.get("route")
        if state.get(AUDITED_STATE) or route is None:
            return
        user: User | None = None
        token_id = session_id = None
        if AUTH_STATE in state:
            user, token_id, session_id = state[AUTH_STATE]
        elif session is not None:
            user, session_id = session.user, session.id
        params: dict[str, Any] = dict(scope.get("path_params", {}))
        country = _country(params.pop("iso3", None))
        target = " ".join(f"{k}={v}" for k, v in params.items()) or None
        status = int(answer["status"])
        request = Request(scope)
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        record(
            store,
            user=user,
            via="web",
            action=_action(route),
            request=f"{scope['method']} {path}",
            outcome=outcome_of(status) if status != 500 else Outcome.error,
            country=country,
            target=target,
            token_id=token_id,
            session_id=session_id,
            address=request.client.host if request.client else None,
            status=status,
            detail=_detail(answer["body"]) if answer["body"] else None,
        )


def require_session(request: Request) -> WebSession:
    """The signed-in browser's session; :class:`Unauthenticated` (401) otherwise."""
    session = web_session(request)
    if session is None:
        raise Unauthenticated("you are not signed in; sign in at /login")
    return session
