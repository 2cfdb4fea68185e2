"""The one error handler: every failure becomes the canonical envelope, or an HTML error page.

API paths (``/api/...`` and ``/openapi.json``) answer with the JSON envelope of
:class:`observatory.errors.ErrorEnvelope`, ``{"ok": false, "error", "errors": [...], "status"}``,
whatever went wrong: an :class:`ObservatoryError` raised by the domain, a request that failed
validation, an unknown path, a wrong method, or a bug. Pages answer with ``templates/error.html``
carrying the same message and status.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from observatory.errors import ErrorEnvelope, ObservatoryError

log = logging.getLogger(__name__)

JSON_PATHS = ("/api/", "/openapi.json")
HTTP_CODES = {404: "not-found", 405: "method-not-allowed", 413: "payload-too-large"}
INVALID_PARAMETER = "invalid-parameter"
_MAX_SHOWN = 80


def wants_json(request: Request) -> bool:
    """Whether ``request`` is an API call (JSON errors) rather than a page (HTML errors)."""
    return request.url.path.startswith(JSON_PATHS)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _validation_problem(error: dict[str, Any]) -> dict[str, Any]:
    loc: Sequence[Any] = error.get("loc", ())
    where = str(loc[0]) if loc else "request"
    name = str(loc[1]) if len(loc) > 1 else where  # ("query", "unit", 0): the parameter
    what = f"{where} parameter {name!r}" if where in {"query", "path", "header"} else where
    value = error.get("input")
    shown = "" if value is None or error.get("type") == "missing" else f" is {_shown(value)}"
    return {
        "code": INVALID_PARAMETER,
        "message": f"{what}{shown}: {error.get('msg', 'invalid')}",
        "location": {"field": name},
    }


def envelope_for(request: Request, exc: Exception) -> tuple[ErrorEnvelope, dict[str, str]]:
    """The envelope for ``exc`` and any headers the response must carry (``Allow`` on a 405)."""
    if isinstance(exc, ObservatoryError):
        return ErrorEnvelope.from_error(exc), {}
    if isinstance(exc, RequestValidationError):
        problems = [_validation_problem(dict(e)) for e in exc.errors()]
        message = "; ".join(p["message"] for p in problems) or "invalid request"
        return ErrorEnvelope(status=400, error=message, errors=problems), {}
    if isinstance(exc, StarletteHTTPException):
        status = exc.status_code
        phrase = HTTPStatus(status).phrase
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
        if detail is None and status == 404:
            detail = f"nothing at {request.url.path}; see /docs for the API and the pages"
        elif detail is None and status == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        message = detail or phrase
        code = HTTP_CODES.get(status, f"http-{status}")
        problem = {"code": code, "message": message}
        headers = dict(exc.headers or {})
        return ErrorEnvelope(status=status, error=message, errors=[problem]), headers
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = "internal error; it was logged, please report it"
    problem = {"code": "internal-error", "message": message}
    return ErrorEnvelope(status=500, error=message, errors=[problem]), {}


async def handle_error(request: Request, exc: Exception) -> Response:
    """Render ``exc`` as the JSON envelope (API) or the HTML error page (pages)."""
    envelope, headers = envelope_for(request, exc)
    if wants_json(request):
        return JSONResponse(envelope.to_dict(), status_code=envelope.status, headers=headers)
    templates: Jinja2Templates = request.app.state.templates
    context = {
        "title": HTTPStatus(envelope.status).phrase,
        "status": envelope.status,
        "message": envelope.error,
        "errors": envelope.errors,
    }
    return templates.TemplateResponse(
        request, "error.html", context, status_code=envelope.status, headers=headers
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure through :func:`handle_error`."""
    for kind in (ObservatoryError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, handle_error)
