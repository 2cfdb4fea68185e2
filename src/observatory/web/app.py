"""The web application: the JSON API under ``/api/v1``, the HTML pages and the static assets.

``create_app(settings)`` builds an app around one deployment's store. Charts use Vega, Vega-Lite
and vega-embed served from ``/static/vendor`` (``make assets`` copies them from ``node_modules``);
no page loads anything from another host. The API reference is the local ``/docs`` page built from
``/openapi.json`` (Swagger UI and ReDoc would load their scripts from a CDN, so they are off).
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from observatory.settings import Settings, get_settings
from observatory.store.db import Store
from observatory.web.caching import CACHE_DEPENDENCIES, install_caching
from observatory.web.errors import ERROR_RESPONSES, install_error_handlers
from observatory.web.i18n import LocaleMiddleware
from observatory.web.i18n import install as install_i18n
from observatory.web.i18n import router as language_router
from observatory.web.ratelimit import RateLimitMiddleware
from observatory.web.routes import (
    API_PREFIX,
    admin,
    api_router,
    assistance,
    audit,
    collection,
    correspondence,
    correspondence_pages,
    explore,
    indicator_downloads,
    indicators,
    norms,
    norms_pages,
    operation_id,
    pages,
    reports,
    rounds,
    session,
    surveys,
    workspace,
)
from observatory.web.routes.meta import package_version
from observatory.web.security import SecurityMiddleware, web_session

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
VENDOR_FILES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "countries-110m.json")

log = logging.getLogger(__name__)

DESCRIPTION = """Published crime and criminal-justice statistics (UNODC UN-CTS, SDG 16, World Bank
population), the areas catalogue and the ICCS classification. Errors always have the shape
`{"ok": false, "error", "errors": [...], "status"}`."""


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals["version"] = package_version()
    templates.env.filters["number"] = _number
    templates.env.globals["web_session"] = web_session  # who is signed in; its csrf_token
    install_i18n(templates)  # gettext, locale-aware number/date filters, area names (web/i18n.py)
    return templates


def _number(value: float | int | None, digits: int = 1) -> str:
    """Whole numbers with thousands separators (``230,000``), others with ``digits`` decimals."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def missing_assets(static: Path = STATIC) -> list[str]:
    """Vendor scripts the charts need that are not in ``static/vendor`` (run ``make assets``)."""
    return [name for name in VENDOR_FILES if not (static / "vendor" / name).is_file()]


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """An app serving the deployment ``settings`` describes (the environment's by default).

    The store is migrated to the newest schema on creation (idempotent).
    """
    settings = settings or get_settings()
    if store is None:
        store = Store(settings)
        store.init()
    app = FastAPI(
        title="Observatory",
        version=package_version(),
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        generate_unique_id_function=operation_id,
        responses=ERROR_RESPONSES,  # every operation documents the error envelope
        dependencies=CACHE_DEPENDENCIES,  # 304 before a published route runs its query
    )
    app.state.settings = settings
    app.state.store = store
    app.state.templates = _templates()
    install_error_handlers(app)
    app.include_router(api_router())
    for router in (rounds.router, rounds.focal_router, collection.router, correspondence.router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(indicators.router, prefix=API_PREFIX)
    app.include_router(surveys.router, prefix=API_PREFIX)  # /surveys/estimate
    app.include_router(indicator_downloads.router, prefix=API_PREFIX)  # /indicators/{id}/values.{format}
    app.include_router(explore.router)  # /explore
    app.include_router(audit.router, prefix=API_PREFIX)
    app.include_router(assistance.router, prefix=API_PREFIX)  # /assistance/projects, summary, iati.xml
    app.include_router(reports.router, prefix=API_PREFIX)  # /reports/profile/{iso3}.{fmt}, portfolio, annex
    app.include_router(session.router)  # /login, /logout
    install_caching(app)  # ETag, Cache-Control, Vary, 304 (web/caching.py)
    app.add_middleware(RateLimitMiddleware)  # 429 per client; sees the session, so added before Security
    app.add_middleware(SecurityMiddleware)  # session cookie lookup, audit of every write
    app.add_middleware(LocaleMiddleware)  # the request's language: ?lang=, cookie, Accept-Language
    app.include_router(language_router)  # /language/{lang}: the language switcher
    app.include_router(correspondence.page_router)  # /iccs/review before /iccs/{code}
    app.include_router(correspondence_pages.router)  # /iccs/correspondences before /iccs/{code}
    app.include_router(assistance.page_router)  # /assistance, /assistance/{code}
    app.include_router(norms.router, prefix=API_PREFIX)  # /api/v1/norms
    app.include_router(norms_pages.router)  # /norms/assess..., /norms/countries/{iso3} before /norms/{id}
    app.include_router(norms.page_router)  # /norms, /norms/{id}
    app.include_router(pages.router)
    app.include_router(rounds.page_router)
    app.include_router(workspace.router)  # /workspace, /workspace/{year}/{iso3}
    app.include_router(admin.router)  # /admin/users, /admin/rounds
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    if missing := missing_assets():
        log.warning("charts will not render: %s missing; run `make assets`", ", ".join(missing))
    return app
