"""The routers: the JSON API under ``/api/v1`` (one router per resource) and the HTML pages."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from observatory.web.links import API
from observatory.web.routes import areas, iccs, meta, observations, pages

API_PREFIX = API


def operation_id(route: APIRoute) -> str:
    """Stable OpenAPI operation ids for generated clients: ``areas-list``, ``iccs-get``, ..."""
    tag = str(route.tags[0]) if route.tags else "pages"
    name = route.name if route.name.startswith(tag) else f"{tag}_{route.name}"
    return name.replace("_", "-")


def api_router() -> APIRouter:
    """Every API resource under ``/api/v1``."""
    router = APIRouter(prefix=API_PREFIX)
    for module in (areas, iccs, observations, meta):
        router.include_router(module.router)
    return router


__all__ = ["API_PREFIX", "api_router", "operation_id", "pages"]
