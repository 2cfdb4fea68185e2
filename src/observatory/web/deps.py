"""FastAPI dependencies as ``Annotated`` aliases: the store and settings of the running app, the user
(from an API token or the session cookie, with the CSRF check)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from observatory.auth import ANONYMOUS, User, token_user, user_for_token
from observatory.auth.sessions import CSRF_FIELD, CSRF_HEADER
from observatory.catalog.areas import AreaCatalog, load_areas
from observatory.catalog.iccs import load_iccs
from observatory.errors import InvalidInput
from observatory.model.classification import Scheme
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.web.security import SAFE_METHODS, CsrfFailed, note_user, web_session


def get_store(request: Request) -> Store:
    """The operational store the app was created with."""
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    """The settings the app was created with (not the process-wide ``get_settings()``)."""
    settings: Settings = request.app.state.settings
    return settings


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]


@dataclass(frozen=True)
class Page:
    """Which slice of a list to return."""

    limit: int
    offset: int


DEFAULT_LIMIT = 100


def get_page(
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, description="Rows per page (at most page_size_max).")] = (
        DEFAULT_LIMIT
    ),
    offset: Annotated[int, Query(ge=0, description="Rows to skip.")] = 0,
) -> Page:
    """``limit``/``offset`` from the query string; a limit above ``page_size_max`` is refused."""
    if limit > settings.page_size_max:
        raise InvalidInput(
            f"limit {limit} is above the maximum of {settings.page_size_max} rows per page; "
            f"ask for at most {settings.page_size_max} and follow links.next"
        )
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(get_page)]


def get_areas() -> AreaCatalog:
    """The areas catalogue (read once per process)."""
    return load_areas()


def get_scheme() -> Scheme:
    """The ICCS v1.0 code tree (read once per process)."""
    return load_iccs()


AreasDep = Annotated[AreaCatalog, Depends(get_areas)]
SchemeDep = Annotated[Scheme, Depends(get_scheme)]


bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from `observatory user add` or `observatory user token`.",
)


FORM_TYPES = ("application/x-www-form-urlencoded",)


async def _sent_csrf(request: Request) -> str | None:
    """The CSRF token a request sends: the ``X-CSRF-Token`` header, or the ``csrf_token`` field of a
    URL-encoded form (a multipart body is never read here: it may be a large upload streamed later)."""
    sent = request.headers.get(CSRF_HEADER)
    if sent:
        return sent
    if request.headers.get("content-type", "").split(";")[0].strip().lower() in FORM_TYPES:
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def get_current_user(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The user an ``Authorization: Bearer <token>`` header or the session cookie names; 401 without.

    A request authenticated by the session cookie that changes anything must carry the session's CSRF
    token (403 ``csrf-failed`` otherwise); Bearer-token requests need none (browsers never add the header
    on their own).
    """
    if credentials is not None:
        found = await run_in_threadpool(token_user, store, credentials.credentials)
        note_user(request, found.user, token_id=found.token_id)
        return found.user
    session = web_session(request)
    if session is None:
        return await run_in_threadpool(user_for_token, store, None)  # raises Unauthenticated
    note_user(request, session.user, session_id=session.id)
    if request.method not in SAFE_METHODS and not session.csrf_ok(await _sent_csrf(request)):
        raise CsrfFailed(
            f"the request comes with the session cookie but without its CSRF token; send the header "
            f'{CSRF_HEADER} (the page\'s <meta name="csrf-token">) or the form field {CSRF_FIELD}'
        )
    return session.user


def get_user_or_anonymous(request: Request) -> User:
    """The signed-in browser's user, or :data:`ANONYMOUS` (pages that only read)."""
    session = web_session(request)
    return session.user if session is not None else ANONYMOUS


CurrentUser = Annotated[User, Depends(get_current_user)]
MaybeUser = Annotated[User, Depends(get_user_or_anonymous)]
