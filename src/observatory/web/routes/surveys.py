"""``POST /api/v1/surveys/estimate``: one design-based estimate from microdata, as the CLI's JSON.

A thin adapter over :func:`observatory.surveys.requests.estimate_request`: it needs a signed-in user (a
Bearer token, or the session with its CSRF token), refuses a body larger than the upload limit before
reading it, and stores nothing.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from observatory.errors import InvalidInput, PayloadTooLarge
from observatory.surveys.requests import FORMATS, estimate_request
from observatory.web.deps import CurrentUser, SettingsDep, StoreDep

router = APIRouter(prefix="/surveys", tags=["surveys"])

_DESIGN = {"type": "object", "description": "The fields of a design file's [design] table (R's svydesign)."}
REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["data", "variable"],
    "properties": {
        "data": {
            "type": "object",
            "description": "Inline microdata (content: CSV text, or base64 of a file with format and "
            "base64: true) "
            "or the sha256 of kept microdata (reviewers and admins).",
            "properties": {
                "content": {"type": "string"},
                "format": {"type": "string", "enum": list(FORMATS)},
                "base64": {"type": "boolean"},
                "sha256": {"type": "string"},
            },
        },
        "design": _DESIGN,
        "replicate": {
            "type": "object",
            "description": "The fields of a [replicate] table (R's svrepdesign).",
        },
        "estimator": {"type": "string", "enum": ["mean", "total", "proportion", "ratio", "quantile"]},
        "variable": {"type": "string", "description": "VAR, NUM/DEN for a ratio, VAR:P for a quantile."},
        "by": {"type": "string", "description": "Domain variable: one estimate per level."},
        "na_rm": {"type": "boolean"},
        "level": {"type": "number"},
    },
}
_BODY_OVERHEAD = 64 * 1024  # the JSON around the data, and base64's third


@router.post(
    "/estimate",
    summary="Estimate from survey microdata",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": REQUEST_SCHEMA}}}
    },
)
async def surveys_estimate(
    request: Request, store: StoreDep, settings: SettingsDep, user: CurrentUser
) -> dict[str, Any]:
    """estimate, se, ci_lower, ci_upper, deff, n and population (or ``estimates`` per domain and level),
    exactly as ``observatory survey estimate --json`` prints them."""
    limit = settings.max_upload_bytes * 4 // 3 + _BODY_OVERHEAD
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise PayloadTooLarge(f"the request of {int(length):,} bytes is larger than the {limit:,} allowed")
    raw = await request.body()
    if len(raw) > limit:
        raise PayloadTooLarge(f"the request of {len(raw):,} bytes is larger than the {limit:,} allowed")
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInput("the request body is not JSON", code="invalid-input") from None
    if not isinstance(body, dict):
        raise InvalidInput("the request body is a JSON object", code="invalid-input")
    result: dict[str, Any] = await run_in_threadpool(estimate_request, store, user, body)
    return result
