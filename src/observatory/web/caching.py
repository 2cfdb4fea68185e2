"""HTTP caching of the API: strong ETags, ``Cache-Control``, ``Vary`` and ``304 Not Modified``.

Each API route has a cache policy, decided once per route (not by its handler):

* ``release`` — the answer is a function of the published release: observations, indicators, areas,
  releases. The ETag is computed *before* the handler runs, from the latest release's SHA-256, the
  normalised URL (scheme, host, path, query parameters grouped by name), the ``Accept`` and
  ``Accept-Language`` headers and the platform version; a matching ``If-None-Match`` is answered ``304``
  without running the query.
* ``content`` — reference data that is not part of a release (ICCS with UNODC's texts, dataflows,
  variables): the ETag is the SHA-256 of the body, so the handler runs and only the transfer is saved.
* ``private`` — the answer depends on who asks: ``Cache-Control: private, no-store``, no ETag.

A route says its policy with ``openapi_extra={"x-cache": "release"}`` (shown in ``/openapi.json``);
without it, a route that depends on the signed-in user (:func:`observatory.web.deps.get_current_user`) is
``private`` and otherwise its first tag decides (:data:`TAG_POLICIES`). Successful (200) ``release`` and
``content`` answers get ``Cache-Control: public, max-age=<OBSERVATORY_CACHE_MAX_AGE>`` and ``Vary: Accept,
Accept-Language``; other statuses get ``no-store``. Any other ``/api`` answer without its own
``Cache-Control`` gets ``private, no-store`` when the request carries credentials (a Bearer token or the
session cookie) and ``no-cache`` otherwise.

Two parts, because FastAPI resolves the route inside the app: :func:`check_not_modified`, an app-wide
dependency, sees the matched route, computes a ``release`` ETag and raises :class:`NotModified` (answered
``304``) before the route's own dependencies and handler; :class:`CachingMiddleware` sets the headers on
the way out (and hashes ``content`` bodies).
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL, Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observatory.auth.sessions import SESSION_COOKIE
from observatory.settings import Settings
from observatory.warehouse.release import latest_release
from observatory.web.routes.meta import package_version

CACHE_EXTRA = "x-cache"
API_PATHS = ("/api/",)
VARY = "Accept, Accept-Language"
NO_STORE = "no-store"
PRIVATE = "private, no-store"
READING = frozenset({"GET", "HEAD"})
ETAG_STATE = "release_etag"


class CachePolicy(StrEnum):
    release = "release"
    content = "content"
    private = "private"


TAG_POLICIES: dict[str, CachePolicy] = {
    "observations": CachePolicy.release,
    "indicators": CachePolicy.release,
    "areas": CachePolicy.release,
    "releases": CachePolicy.release,
    "dataflows": CachePolicy.content,
    "variables": CachePolicy.content,
    "iccs": CachePolicy.content,
}


def cache_extra(policy: CachePolicy) -> dict[str, Any]:
    """``openapi_extra`` giving a route ``policy`` (``@router.get(..., openapi_extra=cache_extra(...))``)."""
    return {CACHE_EXTRA: policy.value}


def _needs_user(dependant: Dependant) -> bool:
    from observatory.web.deps import get_current_user  # deps imports the security middleware

    return any(d.call is get_current_user or _needs_user(d) for d in dependant.dependencies)


def route_policy(route: APIRoute) -> CachePolicy | None:
    """The cache policy of ``route`` (see the module's docstring); ``None``: no policy of its own."""
    extra = (route.openapi_extra or {}).get(CACHE_EXTRA)
    if extra is not None:
        return CachePolicy(extra)
    if _needs_user(route.dependant):
        return CachePolicy.private
    for tag in route.tags:
        if str(tag) in TAG_POLICIES:
            return TAG_POLICIES[str(tag)]
    return None


def if_none_match(headers: Headers) -> set[str]:
    """The entity tags of ``If-None-Match`` (weak ones without ``W/``: GET compares weakly)."""
    raw = headers.get("if-none-match", "")
    return {tag.strip().removeprefix("W/") for tag in raw.split(",") if tag.strip()}


def normalised_url(scope: Scope) -> str:
    """``scheme://host/path?query`` with the parameters grouped by name (values of one name keep their
    order, which may matter), so that ``?b=1&a=2`` and ``?a=2&b=1`` share an ETag."""
    url = URL(scope=scope)
    items = sorted(((k, v) for k, v in _query_items(url.query)), key=lambda item: item[0])
    query = "&".join(f"{k}={v}" for k, v in items)
    return f"{url.scheme}://{url.netloc}{url.path}?{query}"


def _query_items(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)


def release_etag(release_sha256: str, scope: Scope) -> str:
    """The strong ETag of a ``release`` answer (see the module's docstring)."""
    headers = Headers(scope=scope)
    parts = (
        release_sha256,
        package_version(),
        normalised_url(scope),
        " ".join(headers.get("accept", "").lower().split()),
        " ".join(headers.get("accept-language", "").lower().split()),
    )
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return f'"r-{digest[:40]}"'


def content_etag(body: bytes, content_type: str) -> str:
    digest = hashlib.sha256(content_type.encode("latin-1") + b"\n" + body).hexdigest()
    return f'"c-{digest[:40]}"'


def has_credentials(scope: Scope) -> bool:
    """Whether the request carries a Bearer token or the session cookie."""
    headers = Headers(scope=scope)
    return bool(headers.get("authorization")) or f"{SESSION_COOKIE}=" in headers.get("cookie", "")


class NotModified(Exception):
    """Raised by :func:`check_not_modified` to answer ``304`` without running the handler."""

    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


async def check_not_modified(request: Request) -> None:
    """App-wide dependency: for a ``release`` route, the ETag of the answer (kept in the request's state
    for the middleware) and ``304`` (:class:`NotModified`) when ``If-None-Match`` names it."""
    route = request.scope.get("route")
    if request.method not in READING or not isinstance(route, APIRoute):
        return
    if route_policy(route) is not CachePolicy.release:
        return
    release = await run_in_threadpool(latest_release, request.app.state.store)
    if release is None:  # nothing published: the handler answers (404 no-release)
        return
    etag = release_etag(release.sha256, request.scope)
    request.scope.setdefault("state", {})[ETAG_STATE] = etag
    if etag in if_none_match(request.headers):
        raise NotModified(etag)


async def not_modified(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotModified)
    settings: Settings = request.app.state.settings
    headers = {"ETag": exc.etag, "Cache-Control": public_cache(settings), "Vary": VARY}
    return Response(status_code=304, headers=headers)


def public_cache(settings: Settings) -> str:
    return f"public, max-age={settings.cache_max_age}"


class CachingMiddleware:
    """Adds the cache headers once the route is known (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PATHS):
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        chunks: list[bytes] = []
        settings: Settings = scope["app"].state.settings

        async def sending(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if _set_headers(scope, message, settings):
                    held = message  # a ``content`` answer: its body's hash is the ETag
                else:
                    await send(message)
            elif held is None:
                await send(message)
            else:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await _send_content(scope, send, held, b"".join(chunks), settings)

        await self.app(scope, receive, sending)


def _set_headers(scope: Scope, message: Message, settings: Settings) -> bool:
    """Set the cache headers of a response's start; ``True`` when it waits for its body (``content``)."""
    route = scope.get("route")
    policy = route_policy(route) if isinstance(route, APIRoute) else None
    fresh = scope["method"] in READING and message["status"] == 200
    headers = MutableHeaders(scope=message)
    if message["status"] == 304:
        return False
    if fresh and policy is CachePolicy.content:
        return True
    if fresh and policy is CachePolicy.release:
        etag = scope.get("state", {}).get(ETAG_STATE)
        if etag:
            headers["ETag"] = etag
        headers["Cache-Control"] = public_cache(settings)
        headers.append("Vary", VARY)
    elif policy in (CachePolicy.release, CachePolicy.content):
        headers["Cache-Control"] = NO_STORE
    elif policy is CachePolicy.private:
        headers["Cache-Control"] = PRIVATE
    elif "cache-control" not in headers:
        headers["Cache-Control"] = PRIVATE if has_credentials(scope) else "no-cache"
    return False


async def _send_content(scope: Scope, send: Send, start: Message, body: bytes, settings: Settings) -> None:
    headers = MutableHeaders(scope=start)
    etag = content_etag(body, headers.get("content-type", ""))
    if etag in if_none_match(Headers(scope=scope)):
        await _not_modified(send, etag, public_cache(settings))
        return
    headers["ETag"] = etag
    headers["Cache-Control"] = public_cache(settings)
    headers.append("Vary", VARY)
    if "content-length" in headers:
        headers["Content-Length"] = str(len(body))
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


def install_caching(app: FastAPI) -> None:
    """The middleware and the ``304`` answer; :func:`check_not_modified` is an app-wide dependency
    (``FastAPI(dependencies=CACHE_DEPENDENCIES)``)."""
    app.add_exception_handler(NotModified, not_modified)
    app.add_middleware(CachingMiddleware)


CACHE_DEPENDENCIES = [Depends(check_not_modified)]


async def _not_modified(send: Send, etag: str, cache_control: str) -> None:
    headers = [
        (b"etag", etag.encode("latin-1")),
        (b"cache-control", cache_control.encode("latin-1")),
        (b"vary", VARY.encode("latin-1")),
    ]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b"", "more_body": False})
