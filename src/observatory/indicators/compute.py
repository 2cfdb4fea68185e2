"""Computing indicators on the latest release: rows of ``indicator, area, year, value, numerator,
denominator, flags`` plus one column per disaggregation.

A selector that does not fix its unit and finds several units in the data is refused (``mixed-units``,
naming the indicator and the units) rather than adding counts to rates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.operations as ops
import pyarrow as pa
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


# Compiled SQL per indicator definition and table (name, namespace, schema): building and compiling the
# ibis expression costs more than DuckDB running it, and nothing else enters the SQL, so every release
# (same view name, same schema) reuses it: a new release costs no recompilation.
_SQL: dict[tuple[Indicator, str, object, ibis.Schema], str] = {}
# The mixed-units check reads the data: it runs once per indicator and data (a release's SHA-256).
_CHECKED: set[tuple[Indicator, str]] = set()


def clear_compiled() -> None:
    """Forget every compiled SQL and units check (the next call per indicator is cold again)."""
    _SQL.clear()
    _CHECKED.clear()


def compiled_sql(indicator: Indicator, table: Table) -> str:
    """The DuckDB SQL of ``indicator`` over ``table`` (``output_columns``, ordered), compiled once per
    database table; an expression that is not a plain table is compiled every time."""
    op = table.op()
    if not isinstance(op, ops.DatabaseTable):
        return str(ibis.to_sql(compile_indicator(indicator, table), dialect="duckdb"))
    key = (indicator, op.name, op.namespace, op.schema)
    sql = _SQL.get(key)
    if sql is None:  # over an unbound table of the same name and schema: the same SQL, no unbinding
        space = op.namespace
        unbound = ibis.table(op.schema, name=op.name, catalog=space.catalog, database=space.database)
        sql = _SQL[key] = str(ibis.to_sql(compile_indicator(indicator, unbound), dialect="duckdb"))
    return sql


def run_indicator(
    indicator: Indicator, table: Table, *, data: str, area: str | None = None, year: int | None = None
) -> pa.Table:
    """``indicator`` over a DuckDB release table as Arrow, optionally narrowed to one area and/or year.

    ``data`` names the table's contents (a release's SHA-256): the mixed-units check runs once per
    indicator and data. The caller serialises access to the connection (``warehouse.RELEASE_LOCK``).
    """
    if (indicator, data) not in _CHECKED:
        check_units(indicator, table)
        _CHECKED.add((indicator, data))
    return _run(indicator, table, compiled_sql(indicator, table), area, year)


def _run(indicator: Indicator, table: Table, sql: str, area: str | None, year: int | None) -> pa.Table:
    """The compiled SQL (already ordered), narrowed to one area and/or year (DuckDB pushes the filter
    down) and then ordered again."""
    con = table.get_backend().con
    if area is None and year is None:
        return con.sql(sql).to_arrow_table()
    where: list[str] = []
    params: list[object] = []
    if area is not None:
        where.append(f'"area" = ${len(params) + 1}')
        params.append(area)
    if year is not None:
        where.append(f'"year" = ${len(params) + 1}')
        params.append(year)
    order = ", ".join(f'"{c}"' for c in (*KEYS, *indicator.disaggregations))
    query = f"SELECT * FROM ({sql}) AS computed WHERE {' AND '.join(where)} ORDER BY {order}"
    return con.sql(query, params=params).to_arrow_table()


def compute_arrow(
    store: Store, indicator_id: str, *, area: str | None = None, year: int | None = None
) -> tuple[pa.Table, Release]:
    """:func:`compute` as one Arrow table (``output_columns``), with the release it comes from."""
    indicator = get_indicator(indicator_id)
    table, release = release_table(store)
    with warehouse.RELEASE_LOCK:  # one DuckDB connection per release, shared with the observation queries
        result = run_indicator(indicator, table, data=release.sha256, area=area, year=year)
    return result, release


def compute(
    store: Store, indicator_id: str, *, area: str | None = None, year: int | None = None
) -> IndicatorValues:
    """One indicator on the latest release, optionally for one area (platform code) and one year."""
    result, release = compute_arrow(store, indicator_id, area=area, year=year)
    rows: list[dict[str, Any]] = result.to_pylist()
    return IndicatorValues(indicator=get_indicator(indicator_id), release=release, rows=rows)


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
