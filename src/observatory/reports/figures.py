"""Shared pieces of the report builders: indicator figures with their provenance, and number formats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from observatory.errors import InvalidInput, NotFound
from observatory.indicators.compute import IndicatorValues, compute
from observatory.model.indicator import Indicator, IndicatorUnit
from observatory.model.observation import TOTAL
from observatory.reports.document import Figure, indicator_provenance

UNITS = {
    IndicatorUnit.COUNT: "",
    IndicatorUnit.RATE_PER_100K: "per 100,000",
    IndicatorUnit.RATE_PER_10K: "per 10,000",
    IndicatorUnit.RATE_PER_1K: "per 1,000",
    IndicatorUnit.YES_NO: "1 yes, 0 no",
    IndicatorUnit.PERCENT: "%",
    IndicatorUnit.RATIO: "ratio",
}


def today(as_of: date | None) -> date:
    return as_of or datetime.now(UTC).date()


def number(value: float, unit: IndicatorUnit) -> str:
    """``1,234`` for counts and yes/no, ``0.45`` for ratios, ``6.3`` otherwise."""
    if unit in (IndicatorUnit.COUNT, IndicatorUnit.YES_NO):
        return f"{value:,.0f}"
    if unit is IndicatorUnit.RATIO:
        return f"{value:,.2f}"
    return f"{value:,.1f}"


def percent(value: float) -> str:
    """A share in [0, 1] as ``45%`` (one decimal when not whole)."""
    pct = round(100 * value, 1)
    return f"{pct:.0f}%" if pct == int(pct) else f"{pct:.1f}%"


def safe_compute(store: Any, indicator_id: str, *, area: str | None = None) -> IndicatorValues | None:
    """The indicator's values, or ``None`` when nothing is published or the data are refused (mixed units)."""
    try:
        return compute(store, indicator_id, area=area)
    except (InvalidInput, NotFound):
        return None


def is_total(indicator: Indicator, row: Mapping[str, Any]) -> bool:
    return all(str(row.get(d)) == TOTAL for d in indicator.disaggregations)


@dataclass(frozen=True)
class LatestValue:
    year: int
    breakdown: str  # "" for the total, "sex=F" for a disaggregated value
    value: float
    figure: Figure


def breakdown(indicator: Indicator, row: Mapping[str, Any]) -> str:
    return ", ".join(f"{d}={row[d]}" for d in indicator.disaggregations if str(row.get(d)) != TOTAL)


def latest_values(values: IndicatorValues, area: str, as_of: date) -> list[LatestValue]:
    """The latest year's value of ``area`` with its provenance: the total, or each breakdown when the
    indicator has no total for that year (homicide counts by sex); empty without a value."""
    indicator = values.indicator
    rows = [r for r in values.rows if str(r["area"]) == area and r.get("value") is not None]
    if not rows:
        return []
    year = max(int(r["year"]) for r in rows)
    chosen = [r for r in rows if int(r["year"]) == year]
    totals = [r for r in chosen if is_total(indicator, r)]
    provenance = indicator_provenance(indicator.id, area, year, values.release, indicator.formula(), as_of)
    found = [
        LatestValue(
            year,
            breakdown(indicator, r),
            float(r["value"]),
            Figure(number(float(r["value"]), indicator.unit), provenance),
        )
        for r in (totals or chosen)
    ]
    return sorted(found, key=lambda v: v.breakdown)
