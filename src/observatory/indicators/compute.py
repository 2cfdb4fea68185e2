"""Computing indicators on the latest release: rows of ``indicator, area, year, value, numerator,
denominator, flags`` plus one column per disaggregation.

A selector that does not fix its unit and finds several units in the data is refused (``mixed-units``,
naming the indicator and the units) rather than adding counts to rates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
from ibis.expr.types import Table

from observatory.catalog.indicators import get_indicator
from observatory.errors import InvalidInput
from observatory.indicators.compile import KEYS, compile_indicator, output_columns, selector_filter
from observatory.model.indicator import POPULATION, Indicator, IndicatorUnit
from observatory.model.release import Release
from observatory.store.db import Store
from observatory.warehouse import query as warehouse
from observatory.warehouse.query import release_table


@dataclass
class IndicatorValues:
    """The computed values of one indicator, with the release they come from."""

    indicator: Indicator
    release: Release
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return output_columns(self.indicator)

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.to_dict(),
            "release": self.release.number,
            "count": len(self.rows),
            "data": self.rows,
        }


def restrict(table: Table, area: str | None = None, year: int | None = None) -> Table:
    """The release rows of one area and/or one year (all when ``None``)."""
    predicates = []
    if area is not None:
        predicates.append(table.area == area)
    if year is not None:
        predicates.append(table.year == year)
    return table.filter(predicates) if predicates else table


def check_units(indicator: Indicator, table: Table) -> None:
    """``InvalidInput(code="mixed-units")`` when a selector without a unit finds several in the data."""
    selectors = [indicator.numerator, *([indicator.denominator] if indicator.denominator else [])]
    for selector in selectors:
        if selector.unit is not None:
            continue
        rows = selector_filter(table, selector, indicator.disaggregations)
        units = sorted(str(u) for u in rows.select("unit").distinct().to_pyarrow().column("unit").to_pylist())
        if len(units) > 1:
            raise InvalidInput(
                f"indicator {indicator.id!r}: {selector.variable} comes in mixed units "
                f"({', '.join(units)}); name one unit in the formula",
                code="mixed-units",
            )


def compute_table(indicator: Indicator, table: Table) -> list[dict[str, Any]]:
    """Compute ``indicator`` over any release-shaped ibis table (any backend)."""
    check_units(indicator, table)
    rows: list[dict[str, Any]] = compile_indicator(indicator, table).to_pyarrow().to_pylist()
    return rows


# Compiled SQL per (indicator, release): releases are immutable, so an indicator's SQL over one release
# never changes. Building and compiling the ibis expression costs more than DuckDB running it.
_SQL: dict[tuple[str, str], str] = {}


def _release_sql(indicator: Indicator, table: Table, release: Release) -> str:
    key = (indicator.id, release.sha256)
    if key not in _SQL:
        check_units(indicator, table)
        _SQL[key] = str(ibis.to_sql(compile_indicator(indicator, table), dialect="duckdb"))
    return _SQL[key]


def _run(
    indicator: Indicator, table: Table, sql: str, area: str | None, year: int | None
) -> list[dict[str, Any]]:
    """The compiled SQL, narrowed to one area and/or year (DuckDB pushes the filter down)."""
    where: list[str] = []
    params: list[object] = []
    if area is not None:
        where.append(f'"area" = ${len(params) + 1}')
        params.append(area)
    if year is not None:
        where.append(f'"year" = ${len(params) + 1}')
        params.append(year)
    order = ", ".join(f'"{c}"' for c in (*KEYS, *indicator.disaggregations))
    query = f"SELECT * FROM ({sql}) AS computed"
    query += f" WHERE {' AND '.join(where)}" if where else ""
    query += f" ORDER BY {order}"
    result = table.get_backend().con.sql(query, params=params).to_arrow_table()
    rows: list[dict[str, Any]] = result.to_pylist()
    return rows


def compute(
    store: Store, indicator_id: str, *, area: str | None = None, year: int | None = None
) -> IndicatorValues:
    """One indicator on the latest release, optionally for one area (platform code) and one year."""
    indicator = get_indicator(indicator_id)
    table, release = release_table(store)
    with warehouse.RELEASE_LOCK:  # one DuckDB connection per release, shared with the observation queries
        rows = _run(indicator, table, _release_sql(indicator, table, release), area, year)
    return IndicatorValues(indicator=indicator, release=release, rows=rows)


def population_rows(store: Store, *, year: int | None = None) -> list[dict[str, Any]]:
    """``area, year, population`` from the World Bank series of the latest release."""
    table, _ = release_table(store)
    series = Indicator(
        id="population",
        name="Population",
        definition="Total population (World Bank SP.POP.TOTL).",
        numerator=POPULATION,
        unit=IndicatorUnit.COUNT,
    )
    with warehouse.RELEASE_LOCK:
        rows = compute_table(series, restrict(table, None, year))
    return [{"area": r["area"], "year": r["year"], "population": r["value"]} for r in rows]
