"""``/api/v1/indicators``: the indicator registry, computed values and the provenance of one figure.

Areas may be spelled any way the catalogue resolves (``mex``, ``484``, ``Mexico``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from observatory.catalog.indicators import get_indicator, load_indicators
from observatory.indicators.compute import compute
from observatory.indicators.explain import explain
from observatory.web.deps import AreasDep, StoreDep
from observatory.web.lookups import find_area

router = APIRouter(prefix="/indicators", tags=["indicators"])

AreaQuery = Annotated[str | None, Query(description="Area: ISO alpha-3, M49 code or name.")]
YearQuery = Annotated[int | None, Query(description="One year.", ge=0, le=9999)]


@router.get("", summary="List indicators")
def indicators_list() -> dict[str, Any]:
    """Every indicator of the registry: definition, formula, unit, disaggregations, reference, caveats."""
    data = [i.to_dict() for i in load_indicators().values()]
    return {"data": data, "count": len(data)}


@router.get("/{indicator_id}", summary="Get one indicator")
def indicators_get(indicator_id: str) -> dict[str, Any]:
    """One indicator's definition and formula."""
    return get_indicator(indicator_id).to_dict()


@router.get("/{indicator_id}/values", summary="Compute an indicator")
def indicators_values(
    indicator_id: str, store: StoreDep, catalog: AreasDep, area: AreaQuery = None, year: YearQuery = None
) -> dict[str, Any]:
    """Values by area, year and disaggregation, with numerator, denominator and flags."""
    code = find_area(catalog, area).code if area else None
    return compute(store, indicator_id, area=code, year=year).to_dict()


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
