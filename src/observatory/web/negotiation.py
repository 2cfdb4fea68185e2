"""The representation of a list endpoint: JSON (default), CSV or SDMX-JSON, by ``format=`` or ``Accept``.

``?format=`` wins over the ``Accept`` header. In ``Accept``, ``text/csv`` and
``application/vnd.sdmx.data+json`` are recognised (with their ``q`` weights); anything else, ``*/*`` and a
missing header give JSON. SDMX-JSON is written in version 1.0.0 (see :mod:`observatory.reports.sdmx_json`):
an ``Accept`` asking for SDMX-JSON only in another version is refused with 406 ``not-acceptable``.
Responses negotiated on ``Accept`` carry ``Vary: Accept`` (added by :mod:`observatory.web.caching`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query, Request, Response

from observatory.errors import ObservatoryError
from observatory.reports.export import ExportFormat, render
from observatory.reports.sdmx_json import SDMX_JSON_VERSION
from observatory.web.schemas import PageLinks

SDMX_JSON_TYPE = "application/vnd.sdmx.data+json"


class NotAcceptable(ObservatoryError):
    code = "not-acceptable"
    status = 406


class ListFormat(StrEnum):
    """What a list endpoint can answer with."""

    json = "json"
    csv = "csv"
    sdmx_json = "sdmx-json"

    @property
    def export(self) -> ExportFormat:
        return ExportFormat(self.value)


MEDIA_TYPES = {ListFormat.csv: ("text/csv",), ListFormat.sdmx_json: (SDMX_JSON_TYPE,)}
FormatQuery = Annotated[
    ListFormat | None,
    Query(
        alias="format",
        description="json (default), csv or sdmx-json (SDMX-JSON 1.0 data message); overrides Accept.",
    ),
]
# The ``responses`` of a list endpoint that also speaks CSV and SDMX-JSON (for the OpenAPI document).
ALTERNATE_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            SDMX_JSON_TYPE: {"schema": {"type": "object"}},
        },
        "headers": {
            "Link": {
                "description": "CSV and SDMX-JSON pages: rel=next and rel=prev",
                "schema": {"type": "string"},
            }
        },
    }
}


def _media_ranges(accept: str) -> list[tuple[str, dict[str, str], float]]:
    ranges: list[tuple[str, dict[str, str], float]] = []
    for item in accept.split(","):
        kind, *raw = (part.strip() for part in item.split(";"))
        params = dict(p.partition("=")[::2] for p in raw if "=" in p)
        params = {k.strip().lower(): v.strip().strip('"') for k, v in params.items()}
        try:
            weight = float(params.pop("q", "1"))
        except ValueError:
            weight = 0.0
        if kind:
            ranges.append((kind.lower(), params, weight))
    return ranges


def negotiate(request: Request, asked: ListFormat | None) -> ListFormat:
    """The format ``?format=`` names, else the best one ``Accept`` names, else JSON."""
    if asked is not None:
        return asked
    best, best_weight = ListFormat.json, 0.0
    refused: list[str] = []
    for kind, params, weight in _media_ranges(request.headers.get("accept", "")):
        for fmt, types in MEDIA_TYPES.items():
            if kind not in types or weight <= 0:
                continue
            version = params.get("version")
            if fmt is ListFormat.sdmx_json and version not in (None, SDMX_JSON_VERSION, "1.0"):
                refused.append(f"{kind};version={version}")
                continue
            if weight > best_weight:
                best, best_weight = fmt, weight
        if kind in ("application/json", "*/*", "application/*") and weight > best_weight:
            best, best_weight = ListFormat.json, weight
    if refused and best_weight == 0.0:
        raise NotAcceptable(
            f"{', '.join(refused)} is not available; SDMX-JSON is served in version {SDMX_JSON_VERSION} "
            f"({SDMX_JSON_TYPE};version={SDMX_JSON_VERSION}), or ask for ?format=sdmx-json"
        )
    return best


def link_header(links: PageLinks) -> str | None:
    """``Link: <...>; rel="next", <...>; rel="prev"`` for a page's neighbours."""
    parts = [f'<{url}>; rel="{rel}"' for rel, url in (("next", links.next), ("prev", links.prev)) if url]
    return ", ".join(parts) or None


def rows_response(
    rows: Sequence[dict[str, Any]],
    fmt: ListFormat,
    *,
    columns: Sequence[str] | None = None,
    sdmx_rows: Sequence[Mapping[str, Any]] | None = None,
    prepared: datetime | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A page of ``rows`` as CSV or SDMX-JSON (``sdmx_rows`` when the SDMX observations differ)."""
    if fmt is ListFormat.sdmx_json:
        chosen = sdmx_rows if sdmx_rows is not None else rows
        body = render([dict(r) for r in chosen], fmt.export, prepared=prepared)
    else:
        body = render(list(rows), fmt.export, columns=columns)
    return Response(content=body, media_type=fmt.export.media_type, headers=dict(headers or {}))
