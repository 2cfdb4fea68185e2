"""URLs the API and the pages hand out: pagination links and per-series API links."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from observatory.model.observation import SERIES_DIMENSIONS
from observatory.web.schemas import PageLinks

API = "/api/v1"


def page_links(request: Request, count: int, limit: int, offset: int) -> PageLinks:
    """Absolute links to the next and previous pages, keeping every other query parameter."""
    nxt = offset + limit if offset + limit < count else None
    prev = max(offset - limit, 0) if offset > 0 else None
    url = request.url
    return PageLinks(
        next=None if nxt is None else str(url.include_query_params(limit=limit, offset=nxt)),
        prev=None if prev is None else str(url.include_query_params(limit=limit, offset=prev)),
    )


def series_params(area: str, series: Mapping[str, Any]) -> dict[str, str]:
    """Query parameters selecting exactly one series of one area."""
    params = {"area": area, "dataflow": str(series["dataflow"])}
    params.update({dim: str(series[dim]) for dim in SERIES_DIMENSIONS})
    return params


def series_links(area: str, series: Mapping[str, Any]) -> dict[str, str]:
    """Relative links to one series in the JSON API and as a CSV download."""
    query = urlencode(series_params(area, series))
    return {
        "json": f"{API}/observations?{query}",
        "csv": f"{API}/observations.csv?{query}",
    }
