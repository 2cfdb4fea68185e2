"""Rate limiting: a token bucket per client, in process, with ``429``, ``Retry-After`` and ``RateLimit-*``.

Every request but the static assets draws one token from its client's bucket. Anonymous clients are told
apart by address (``request.client.host``: behind a reverse proxy run uvicorn with ``--proxy-headers``
and ``--forwarded-allow-ips`` so that it is the real client's); a valid API token
(``Authorization: Bearer``) or a signed-in browser session has a bucket of its own with the higher
``OBSERVATORY_RATE_LIMIT_AUTHENTICATED`` limit. A token is checked against the store once and then
remembered for :data:`TOKEN_TTL` seconds; a token that is not valid counts as anonymous, so made-up
tokens cannot escape the address's limit.

A bucket holds ``limit`` tokens and refills at ``limit`` per ``OBSERVATORY_RATE_LIMIT_WINDOW_SECONDS``:
bursts of up to ``limit`` requests, then a steady ``limit`` per window. Every answer carries
``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` (seconds until the bucket is full
again) and ``RateLimit-Policy`` (``<limit>;w=<window>``), after the IETF draft "RateLimit header fields
for HTTP"; a refused request gets ``429`` (``rate-limited``, the JSON error envelope or the error page)
with ``Retry-After`` in seconds.

The buckets live in the process's memory: a deployment running several worker processes or hosts
enforces the limit per process, so it needs a shared store (Redis or the reverse proxy's own limiter)
for one global limit. ``OBSERVATORY_RATE_LIMIT_ENABLED=false`` turns it off (the test suite's default).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observatory.auth import token_user
from observatory.errors import ObservatoryError
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.web.errors import handle_error
from observatory.web.security import SESSION_STATE

EXEMPT_PATHS = ("/static/",)
TOKEN_TTL = 300.0
MAX_BUCKETS = 50_000
MAX_TOKENS_KEPT = 10_000


class Tier(StrEnum):
    anonymous = "anonymous"
    authenticated = "authenticated"


class RateLimited(ObservatoryError):
    """Too many requests from one client; ``retry_after`` is in seconds."""

    code = "rate-limited"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class Decision:
    """The outcome of drawing one token: allowed or not, and the numbers for the headers."""

    allowed: bool
    limit: int
    window: int
    remaining: int
    reset: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        found = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.limit};w={self.window}",
        }
        if not self.allowed:
            found["Retry-After"] = str(self.retry_after)
        return found


class TokenBuckets:
    """Token buckets by key, each holding ``limit`` tokens and refilling ``limit`` per ``window`` seconds."""

    def __init__(self, limit: int, window: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.rate = limit / window
        self.clock = clock
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> Decision:
        """Draw one token from ``key``'s bucket."""
        with self._lock:
            now = self.clock()
            bucket = self._buckets.pop(key, None) or Bucket(float(self.limit), now)
            bucket.tokens = min(float(self.limit), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            allowed = bucket.tokens >= 1.0
            if allowed:
                bucket.tokens -= 1.0
            self._buckets[key] = bucket  # most recently used last
            if len(self._buckets) > MAX_BUCKETS:
                self._buckets.popitem(last=False)
            return Decision(
                allowed=allowed,
                limit=self.limit,
                window=self.window,
                remaining=int(bucket.tokens),
                reset=math.ceil((self.limit - bucket.tokens) / self.rate),
                retry_after=0 if allowed else max(1, math.ceil((1.0 - bucket.tokens) / self.rate)),
            )


class RateLimiter:
    """The buckets of one app: one set per tier, and the API tokens known to be valid."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        window = settings.rate_limit_window_seconds
        self.buckets = {
            Tier.anonymous: TokenBuckets(settings.rate_limit_anonymous, window, clock),
            Tier.authenticated: TokenBuckets(settings.rate_limit_authenticated, window, clock),
        }
        self.clock = clock
        self._tokens: OrderedDict[str, tuple[bool, float]] = OrderedDict()  # sha256 -> (valid, until)

    def _remembered(self, digest: str) -> bool | None:
        found = self._tokens.get(digest)
        if found is None or found[1] < self.clock():
            return None
        return found[0]

    def _remember(self, digest: str, valid: bool) -> None:
        self._tokens[digest] = (valid, self.clock() + TOKEN_TTL)
        self._tokens.move_to_end(digest)
        if len(self._tokens) > MAX_TOKENS_KEPT:
            self._tokens.popitem(last=False)

    async def client(self, scope: Scope, store: Store) -> tuple[Tier, str]:
        """Which bucket a request draws from."""
        session = scope.get("state", {}).get(SESSION_STATE)
        if session is not None:
            return Tier.authenticated, f"session:{session.id}"
        scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            digest = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
            valid = self._remembered(digest)
            if valid is None:
                valid = await run_in_threadpool(_valid_token, store, token.strip())
                self._remember(digest, valid)
            if valid:
                return Tier.authenticated, f"token:{digest}"
        client = scope.get("client")
        return Tier.anonymous, f"address:{client[0] if client else 'unknown'}"

    async def take(self, scope: Scope, store: Store) -> Decision:
        tier, key = await self.client(scope, store)
        return self.buckets[tier].take(key)


def _valid_token(store: Store, token: str) -> bool:
    try:
        token_user(store, token)
    except ObservatoryError:
        return False
    return True


class RateLimitMiddleware:
    """Applies the app's :class:`RateLimiter` (see the module's docstring)."""

    def __init__(self, app: ASGIApp, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self._limiter: RateLimiter | None = None

    def limiter(self, settings: Settings) -> RateLimiter:
        if self._limiter is None:
            self._limiter = RateLimiter(settings, self.clock)
        return self._limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings: Settings | None = scope.get("app") and scope["app"].state.settings
        if (
            scope["type"] != "http"
            or settings is None
            or not settings.rate_limit_enabled
            or scope["path"].startswith(EXEMPT_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        decision = await self.limiter(settings).take(scope, scope["app"].state.store)
        if not decision.allowed:
            request = Request(scope, receive)
            error = RateLimited(
                f"too many requests: at most {decision.limit} per {decision.window} s from one client; "
                f"retry in {decision.retry_after} s",
                retry_after=decision.retry_after,
            )
            response = await handle_error(request, error)
            response.headers.update({**decision.headers(), "Cache-Control": "no-store"})
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in decision.headers().items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
