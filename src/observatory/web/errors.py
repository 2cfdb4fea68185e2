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
from sqlalchemy.exc import StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from observatory.errors import ErrorEnvelope, ObservatoryError
from observatory.web.schemas import ErrorPublic

log = logging.getLogger(__name__)

JSON_PATHS = ("/api/", "/openapi.json")
HTTP_CODES = {404: "not-found", 405: "method-not-allowed", 413: "payload-too-large"}
INVALID_PARAMETER = "invalid-parameter"
OUT_OF_RANGE = "out-of-range"
_MAX_SHOWN = 80


def _documented(what: str) -> dict[str, Any]:
    return {"model": ErrorPublic, "description": what}


# The error answers every API operation documents (``FastAPI(responses=...)``); a documented 4XX also
# replaces FastAPI's 422, which this API never sends (a request that fails validation is a 400).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": _documented(
        "The request was refused: invalid parameter (400), not signed in (401), not allowed (403), "
        "not found (404), not acceptable (406), conflict (409), too large (413), too many requests "
        "(429, with Retry-After)."
    ),
    "5XX": _documented("The server failed; the error was logged."),
}


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


def _out_of_range(exc: BaseException) -> bool:
    """An integer parameter too large for the store: SQLite's ``OverflowError``, PostgreSQL's
    numeric_value_out_of_range (SQLSTATE 22003), either wrapped by SQLAlchemy."""
    if isinstance(exc, OverflowError):
        return True
    orig = exc.orig if isinstance(exc, StatementError) else None
    return isinstance(orig, OverflowError) or getattr(orig, "sqlstate", None) == "22003"


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
    if _out_of_range(exc):  # an id or year too large for the database's integers
        message = "a number in the request is out of range (integers are at most 2^63 - 1)"
        problem = {"code": OUT_OF_RANGE, "message": message}
        return ErrorEnvelope(status=400, error=message, errors=[problem]), {}
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
    # OverflowError and StatementError: database errors that may be an out-of-range parameter (400).
    known = (ObservatoryError, RequestValidationError, StarletteHTTPException, OverflowError, StatementError)
    for kind in (*known, Exception):
        app.add_exception_handler(kind, handle_error)
