"""``/api/v1/indicators/{id}/values.{format}``: an indicator's values as a file, as the explorer shows them.

The parameters are the explorer's (``area`` repeatable, ``from``, ``to``, and one repeatable parameter per
breakdown of the indicator, ``sex=F``), so a view's download links are its permalink's query string. CSV and
Excel carry every column of the explorer's table (formulas neutralised); SDMX-CSV and SDMX-ML carry the
values as observations of a dataflow named after the indicator.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from observatory.reports.export import ExportFormat, render
from observatory.web.deps import AreasDep, StoreDep
from observatory.web.explorer import explorer_view, field_error, parse_query, sdmx_rows

router = APIRouter(prefix="/indicators", tags=["indicators"])

SDMX = (ExportFormat.sdmx_csv, ExportFormat.sdmx_ml)


@router.get(
    "/{indicator_id}/values.{fmt}",
    summary="Download indicator values",
    response_class=Response,
    responses={200: {"content": {f.media_type.split(";")[0]: {} for f in ExportFormat}}},
)
def indicators_values_download(
    indicator_id: str,
    fmt: ExportFormat,
    request: Request,
    store: StoreDep,
    catalog: AreasDep,
    area: Annotated[list[str] | None, Query(description="Area code, M49 code or name; repeatable.")] = None,
    year_from: Annotated[int | None, Query(alias="from", ge=1900, le=2100, description="First year.")] = None,
    year_to: Annotated[int | None, Query(alias="to", ge=1900, le=2100, description="Last year.")] = None,
) -> Response:
    """The values of one indicator for the areas (regions are aggregated), years and breakdown values given
    (``sex=F``; repeatable), with flags, the release and where each figure came from."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "indicator"]
    query, errors = parse_query([("indicator", indicator_id), *items], catalog)
    if errors:
        raise field_error(errors)
    view = explorer_view(store, catalog, query)
    if view.errors:
        raise field_error(view.errors)
    assert view.indicator is not None
    if fmt in SDMX:
        body = render(sdmx_rows(view.indicator, view.rows), fmt)
    else:
        body = render(view.rows, fmt, columns=view.columns)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", f"observatory-{indicator_id}-release-{view.release or 0:04d}")
    headers = {
        "Content-Disposition": f'attachment; filename="{stem}{fmt.suffix}"',
        "X-Observatory-Release": str(view.release or 0),
        "X-Total-Count": str(len(view.rows)),
    }
    return Response(content=body, media_type=fmt.media_type, headers=headers)
