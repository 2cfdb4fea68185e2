"""Reading published releases: ibis expressions over the release's Parquet file.

The expressions are backend-neutral: :func:`observations_expr` runs unchanged on DuckDB (the embedded
default) and compiles for PostgreSQL (see the golden SQL in ``tests/golden``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import ibis
from ibis.expr.types import Table

from observatory.errors import NotFound
from observatory.model.observation import SERIES_DIMENSIONS
from observatory.model.release import Release
from observatory.store.db import Store
from observatory.warehouse.release import latest_release

ORDER = ("area", "variable", *SERIES_DIMENSIONS[1:], "period")
# Columns a caller may order observations by (``sort=`` of the API).
SORTABLE = ("area", "period", "value", "dataflow", *SERIES_DIMENSIONS, "source")
# DuckDB connections are not thread-safe: every query on a release table holds this lock.
RELEASE_LOCK = threading.Lock()


@dataclass(frozen=True)
class ObservationFilter:
    """Which observations to read. Empty tuples mean "any"."""

    area: tuple[str, ...] = ()
    dataflow: tuple[str, ...] = ()
    variable: tuple[str, ...] = ()
    sex: tuple[str, ...] = ()
    age: tuple[str, ...] = ()
    offence: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    citizenship: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    unit: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None

    def membership(self) -> dict[str, tuple[str, ...]]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in {"year_from", "year_to"} and getattr(self, f.name)
        }


@dataclass
class ObservationPage:
    data: list[dict[str, Any]]
    count: int
    release: int | None
    limit: int | None = None
    offset: int = 0
    filters: dict[str, Any] = field(default_factory=dict)
    released_at: datetime | None = None


def observations_expr(table: Table, flt: ObservationFilter, order: Sequence[tuple[str, bool]] = ()) -> Table:
    """The filtered, ordered observations: one ibis expression, any backend.

    ``order`` is ``(column, descending)`` pairs of :data:`SORTABLE` columns put before the default order
    (which breaks ties, so that pages never overlap); ``period`` sorts by year first.
    """
    predicates = [table[name].isin(list(values)) for name, values in flt.membership().items()]
    if flt.year_from is not None:
        predicates.append(table.year >= flt.year_from)
    if flt.year_to is not None:
        predicates.append(table.year <= flt.year_to)
    expr = table.filter(predicates) if predicates else table
    keys: list[Any] = []
    used: set[str] = set()
    for name, descending in order:
        if name not in SORTABLE:
            raise ValueError(f"cannot order observations by {name!r}")
        for column in ("year", "period") if name == "period" else (name,):
            keys.append(ibis.desc(expr[column]) if descending else expr[column])
            used.add(column)
    return expr.order_by([*keys, *(expr[c] for c in ORDER if c not in used)])


def series_expr(table: Table, area: str) -> Table:
    """The series one area has: one row per series key, with its number of years and span."""
    keys = list(SERIES_DIMENSIONS)
    rows = table.filter(table.area == area)
    return (
        rows.group_by(["dataflow", *keys])
        .aggregate(observations=rows.count(), first_year=rows.year.min(), last_year=rows.year.max())
        .order_by(["dataflow", *keys])
    )


@lru_cache(maxsize=4)
def _table(path: str) -> Table:
    con = ibis.duckdb.connect()
    return con.read_parquet(path, table_name="observations")


def release_table(store: Store, release: Release | None = None) -> tuple[Table, Release]:
    chosen = release or latest_release(store)
    if chosen is None:
        raise NotFound(
            "nothing has been published yet; run `observatory import FILE...` "
            "(which publishes) or `observatory publish`",
            code="no-release",
        )
    path = Path(store.settings.resolved_data_dir) / chosen.path
    with RELEASE_LOCK:
        return _table(str(path)), chosen


def query_observations(
    store: Store,
    flt: ObservationFilter,
    *,
    limit: int | None = None,
    offset: int = 0,
    order: Sequence[tuple[str, bool]] = (),
) -> ObservationPage:
    table, release = release_table(store)
    expr = observations_expr(table, flt, order)
    with RELEASE_LOCK:
        count = int(expr.count().execute())
        page = expr.limit(limit, offset=offset) if limit is not None else expr
        data = page.drop("year").to_pyarrow().to_pylist()
    return ObservationPage(
        data=data,
        count=count,
        release=release.number,
        limit=limit,
        offset=offset,
        filters={**flt.membership(), "year_from": flt.year_from, "year_to": flt.year_to},
        released_at=release.created_at,
    )


def area_series(store: Store, area: str) -> list[dict[str, Any]]:
    table, _ = release_table(store)
    with RELEASE_LOCK:
        rows: list[dict[str, Any]] = series_expr(table, area).to_pyarrow().to_pylist()
    return rows
