"""FastAPI dependencies as ``Annotated`` aliases: the store and settings of the running app, the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates

from observatory.auth import User, user_for_token
from observatory.catalog.areas import AreaCatalog, load_areas
from observatory.catalog.iccs import load_iccs
from observatory.errors import InvalidInput
from observatory.model.classification import Scheme
from observatory.settings import Settings
from observatory.store.db import Store


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


def get_current_user(
    store: StoreDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> User:
    """The user the ``Authorization: Bearer <token>`` header names; 401 without a valid token."""
    return user_for_token(store, credentials.credentials if credentials else None)


CurrentUser = Annotated[User, Depends(get_current_user)]
