"""Page models computed once per release: what a published page shows depends only on the release, the
store it came from, the page's own key (an area code) and the interface language.

An area profile computes every indicator of the registry for its area (about 30 DuckDB queries) and
builds its charts: hundreds of milliseconds. Releases are immutable, so the model is kept in a bounded LRU
keyed by the release's SHA-256, the store, the page's key and the language (chart titles and labels are
translated when the model is built); a new release has a new SHA-256 and its pages are computed afresh.
A model whose release is not the one it was keyed under (a release published while it was being built)
is not kept.

:func:`release_json` does the same for the JSON of published API answers: the body is kept under the
answer's ETag (:mod:`observatory.web.caching`: the release's SHA-256, the normalised URL, ``Accept``,
``Accept-Language`` and the platform version) and the store, so a repeated question is answered without
building and serialising its models again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from observatory.store.db import Store
from observatory.warehouse.lru import BoundedLRU
from observatory.warehouse.release import latest_release
from observatory.web.i18n import current_language


class HasRelease(Protocol):
    @property
    def release(self) -> int | None: ...


M = TypeVar("M", bound=HasRelease)


class PageCache(BoundedLRU[M]):
    """Models of one kind of page, per release, store, key and language."""

    def model(self, store: Store, key: Hashable, build: Callable[[], M]) -> M:
        release = latest_release(store)
        if release is None:
            return build()
        full = (release.sha256, store.settings.sqlalchemy_url, key, current_language())
        found = self.get(full)
        if found is None:
            found = build()
            if found.release == release.number:
                self.put(full, found)
        return found


# Bodies of published JSON answers by ETag: a page of 100 observations is about 40 KB.
JSON_ANSWERS: BoundedLRU[bytes] = BoundedLRU(2048, size=len, max_item=1_000_000)


def release_json(request: Request, store: Store, build: Callable[[], BaseModel]) -> Response:
    """The JSON of ``build()``'s model, kept under the answer's ETag when the route has one."""
    from observatory.web.caching import ETAG_STATE  # caching imports the routes

    etag = request.scope.get("state", {}).get(ETAG_STATE)
    key = (etag, store.settings.sqlalchemy_url)
    body = JSON_ANSWERS.get(key) if etag else None
    if body is None:
        body = build().model_dump_json(by_alias=True).encode("utf-8")
        if etag:
            JSON_ANSWERS.put(key, body)
    return Response(body, media_type="application/json")
