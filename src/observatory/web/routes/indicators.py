"""``/api/v1/indicators``: the indicator registry, computed values and the provenance of one figure.

Areas may be spelled any way the catalogue resolves (``mex``, ``484``, ``Mexico``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from observatory.catalog.indicators import get_indicator, load_indicators
from observatory.indicators.compute import compute
from observatory.indicators.explain import explain
from observatory.indicators.facts import with_evidence
from observatory.web.deps import AreasDep, StoreDep
from observatory.web.explorer import sdmx_rows
from observatory.web.lookups import find_area
from observatory.web.negotiation import ALTERNATE_CONTENT, FormatQuery, ListFormat, negotiate, rows_response
from observatory.web.sorting import SortKey, sort_param, sort_rows

router = APIRouter(prefix="/indicators", tags=["indicators"])

AreaQuery = Annotated[str | None, Query(description="Area: ISO alpha-3, M49 code or name.")]
YearQuery = Annotated[int | None, Query(description="One year.", ge=0, le=9999)]
VALUE_SORT = ("area", "year", "value", "numerator", "denominator", "sex", "age")


@router.get("", summary="List indicators")
def indicators_list() -> dict[str, Any]:
    """Every indicator of the registry: definition, formula, unit, disaggregations, reference, caveats."""
    data = [i.to_dict() for i in load_indicators().values()]
    return {"data": data, "count": len(data)}


@router.get("/{indicator_id}", summary="Get one indicator")
def indicators_get(indicator_id: str) -> dict[str, Any]:
    """One indicator's definition and formula."""
    return get_indicator(indicator_id).to_dict()


@router.get(
    "/{indicator_id}/values", summary="Compute an indicator", response_model=None, responses=ALTERNATE_CONTENT
)
def indicators_values(
    indicator_id: str,
    request: Request,
    store: StoreDep,
    catalog: AreasDep,
    area: AreaQuery = None,
    year: YearQuery = None,
    sort: Annotated[tuple[SortKey, ...], Depends(sort_param(VALUE_SORT))] = (),
    fmt: FormatQuery = None,
) -> dict[str, Any] | Response:
    """Values by area, year and disaggregation, with numerator, denominator and flags (ordered by ``sort``);
    as JSON, or as CSV or SDMX-JSON (``format``, or ``Accept``)."""
    chosen = negotiate(request, fmt)
    code = find_area(catalog, area).code if area else None
    result = with_evidence(store, compute(store, indicator_id, area=code, year=year))
    if sort:
        result.rows = [dict(r) for r in sort_rows(result.rows, sort)]
    if chosen is ListFormat.json:
        return result.to_dict()
    return rows_response(
        result.rows,
        chosen,
        sdmx_rows=sdmx_rows(result.indicator, result.rows),
        prepared=result.release.created_at,
        headers={"X-Observatory-Release": str(result.release.number), "X-Total-Count": str(len(result.rows))},
    )


@router.get("/{indicator_id}/explain", summary="Explain one figure")
def indicators_explain(
    indicator_id: str,
    store: StoreDep,
    catalog: AreasDep,
    area: Annotated[str, Query(description="Area: ISO alpha-3, M49 code or name.")],
    year: Annotated[int, Query(description="The year.", ge=0, le=9999)],
) -> dict[str, Any]:
    """The formula, the input observations (file SHA-256 and row), flags and release of one figure."""
    return explain(store, indicator_id, area=find_area(catalog, area).code, year=year)
