"""``/admin/users`` and ``/admin/rounds``: thin forms over the account and round services.

Each page needs the permission its service checks (users: admin; rounds: admin or reviewer); every form
carries the session's CSRF token and every post is authorized again by the service it calls. A refused
form answers with the page and the reason (400/409), nothing changed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from observatory.auth import Action, Role, User, add_user, authorize, list_users, parse_role, set_active
from observatory.auth.passwords import set_password
from observatory.collect.rounds import dispatch, list_rounds, open_round, parse_reference_years
from observatory.errors import Conflict, InvalidInput, NotFound
from observatory.store.db import Store
from observatory.web.deps import CurrentUser, StoreDep, TemplatesDep
from observatory.web.routes.workspace import _login
from observatory.web.security import web_session

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Field = Annotated[str, Form(max_length=2000)]
Refusals = (InvalidInput, Conflict, NotFound)


def _codes(text: str) -> list[str]:
    return [c for c in (p.strip() for p in text.replace(";", ",").split(",")) if c]


def _users_page(
    request: Request,
    templates: TemplatesDep,
    store: Store,
    user: User,
    *,
    status: int = 200,
    message: str | None = None,
    token: str | None = None,
    added: str | None = None,
) -> Response:
    authorize(user, Action.manage_users)
    context: dict[str, Any] = {
        "section": "workspace",
        "users": list_users(store),
        "roles": [r.value for r in Role if r is not Role.public],
        "message": message,
        "done": added or (request.query_params.get("done") if status == 200 else None),
        "token": token,
        "me": user,
    }
    return templates.TemplateResponse(request, "admin_users.html", context, status_code=status)


@router.get("/admin/users")
def users_page(request: Request, store: StoreDep, templates: TemplatesDep) -> Response:
    """Every account with its role, countries and state; forms to add, (de)activate and set a password."""
    session = web_session(request)
    if session is None:
        return _login(request)
    return _users_page(request, templates, store, session.user)


@router.post("/admin/users")
def users_add(
    request: Request,
    store: StoreDep,
    templates: TemplatesDep,
    user: CurrentUser,
    email: Field,
    role: Field,
    countries: Field = "",
    name: Field = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """A new account; its first API token is shown once, on the page that answers."""
    try:
        added, token = add_user(
            store, user, email, parse_role(role), countries=_codes(countries), name=name.strip() or None
        )
        if password:
            set_password(store, user, added.email, password)
    except Refusals as exc:
        return _users_page(request, templates, store, user, status=exc.status, message=str(exc))
    done = f"Added {added.describe()}." + (" Password set." if password else " No password yet.")
    return _users_page(request, templates, store, user, status=201, message=None, token=token, added=done)


@router.post("/admin/users/{email}/{verb}")
def users_change(
    request: Request,
    email: str,
    verb: str,
    store: StoreDep,
    templates: TemplatesDep,
    user: CurrentUser,
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """``activate``, ``deactivate`` or ``password`` (set a new one) for one account."""
    if verb not in ("activate", "deactivate", "password"):
        raise NotFound(f"no action {verb!r} on users", code="unknown-action")
    try:
        if verb == "password":
            set_password(store, user, email, password)
            done = f"Password of {email} set."
        else:
            changed = set_active(store, user, email, verb == "activate")
            done = f"{changed.email} is {'active' if changed.active else 'deactivated'}."
    except Refusals as exc:
        return _users_page(request, templates, store, user, status=exc.status, message=str(exc))
    return RedirectResponse(f"/admin/users?done={quote(done)}", status_code=303)


def _rounds_page(
    request: Request,
    templates: TemplatesDep,
    store: Store,
    user: User,
    *,
    status: int = 200,
    message: str | None = None,
) -> Response:
    authorize(user, Action.open_round)
    context: dict[str, Any] = {
        "section": "workspace",
        "rounds": list_rounds(store),
        "message": message,
        "done": request.query_params.get("done") if status == 200 else None,
    }
    return templates.TemplateResponse(request, "admin_rounds.html", context, status_code=status)


@router.get("/admin/rounds")
def rounds_page(request: Request, store: StoreDep, templates: TemplatesDep) -> Response:
    """The rounds, a form to open one and a button to dispatch each."""
    session = web_session(request)
    if session is None:
        return _login(request)
    return _rounds_page(request, templates, store, session.user)


@router.post("/admin/rounds")
def rounds_open(
    request: Request,
    store: StoreDep,
    templates: TemplatesDep,
    user: CurrentUser,
    year: Annotated[int, Form(ge=1900, le=2100)],
    reference_years: Field,
    deadline: Annotated[date, Form()],
) -> Response:
    try:
        opened = open_round(store, user, year, parse_reference_years(reference_years), deadline)
    except Refusals as exc:
        return _rounds_page(request, templates, store, user, status=exc.status, message=str(exc))
    return RedirectResponse(f"/admin/rounds?done={quote(f'Round {opened.year} opened.')}", status_code=303)


@router.post("/admin/rounds/{year}/dispatch")
def rounds_dispatch(
    request: Request,
    year: int,
    store: StoreDep,
    templates: TemplatesDep,
    user: CurrentUser,
    countries: Field = "",
    note: Field = "",
) -> Response:
    try:
        sent = dispatch(store, user, year, _codes(countries), note=note.strip() or None)
    except Refusals as exc:
        return _rounds_page(request, templates, store, user, status=exc.status, message=str(exc))
    names = ", ".join(e.country for e in sent) or "nobody new"
    return RedirectResponse(
        f"/admin/rounds?done={quote(f'Round {year} dispatched to {names}.')}", status_code=303
    )
