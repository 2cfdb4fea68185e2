"""``/login`` and ``/logout``: signing in with an e-mail and a password, and out again.

The sign-in form carries a one-time token that must match a short-lived cookie set with the form
(so another site cannot sign a browser in to an account of its choosing). A successful sign-in opens a
server-side session (``auth/sessions.py``), sets the session cookie and redirects to ``next`` (a path of
this site only). Too many failures answer 429 with ``Retry-After``. Signing out needs the session's
CSRF token, like every other write made with the session cookie.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from observatory.auth.sessions import CSRF_FIELD, CSRF_HEADER, WrongCredentials, sign_in, sign_out
from observatory.auth.throttle import TooManyAttempts
from observatory.web.deps import SettingsDep, StoreDep, TemplatesDep
from observatory.web.security import (
    CsrfFailed,
    clear_session_cookie,
    client_address,
    mark_audited,
    note_user,
    require_session,
    set_session_cookie,
    web_session,
)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
LOGIN_COOKIE = "observatory_login"
LOGIN_FORM_MINUTES = 30


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _form(
    request: Request,
    templates: TemplatesDep,
    settings: SettingsDep,
    *,
    status: int = 200,
    email: str = "",
    message: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The sign-in page with a fresh form token (also set as a cookie)."""
    token = secrets.token_urlsafe(24)
    context: dict[str, Any] = {
        "section": "login",
        "form_token": token,
        "email": email,
        "message": message,
        "next": safe_next(request.query_params.get("next") or request.scope.get("login_next")),
        "min_length": settings.password_min_length,
    }
    response = templates.TemplateResponse(request, "login.html", context, status_code=status, headers=headers)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=LOGIN_FORM_MINUTES * 60,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies(request.url.scheme, request.url.hostname or ""),
    )
    return response


@router.get("/login")
def login_page(request: Request, templates: TemplatesDep, settings: SettingsDep) -> Response:
    """The sign-in form (or who is signed in, with a sign-out button)."""
    return _form(request, templates, settings)


@router.post("/login")
async def login(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    templates: TemplatesDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=2048)],
    form_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password, open a session, set its cookie and go to ``next``."""
    request.scope["login_next"] = next
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), form_token.encode()):
        message = "the sign-in form has expired; please sign in again"
        return _form(request, templates, settings, status=403, email=email, message=message)
    mark_audited(request)  # sign_in writes the audit row, with the account tried
    try:
        session, secret = await run_in_threadpool(sign_in, store, email, password, client_address(request))
    except TooManyAttempts as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return _form(
            request, templates, settings, status=429, email=email, message=exc.message, headers=headers
        )
    except WrongCredentials as exc:
        return _form(request, templates, settings, status=401, email=email, message=exc.message)
    previous = web_session(request)
    if previous is not None:
        await run_in_threadpool(sign_out, store, previous.id)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, request, settings, secret)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    note_user(request, session.user, session_id=session.id)
    return response


@router.post("/logout")
async def logout(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """End the session (needs its CSRF token: header or form field) and go home."""
    session = require_session(request)
    note_user(request, session.user, session_id=session.id)
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not session.csrf_ok(sent):
        raise CsrfFailed(f"signing out needs the session's CSRF token (form field {CSRF_FIELD})")
    await run_in_threadpool(sign_out, store, session.id)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response, request, settings)
    return response
