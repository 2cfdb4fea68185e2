"""Reading published releases: ibis expressions over the release's Parquet file.

The expressions are backend-neutral: :func:`observations_expr` runs unchanged on DuckDB (the embedded
default) and compiles for PostgreSQL (see the golden SQL in ``tests/golden``).

Serving (:func:`query_observations`, :func:`area_series`) takes a faster path on the same definitions:
compiling an ibis expression costs about 20 ms of Python per query, more than DuckDB takes to answer it,
and one shared connection serialised every request. A release is immutable, so its rows are loaded once
into an in-memory DuckDB database (:class:`ReleaseSnapshot`, about 150,000 rows for the real data),
and each thread asks it through its own cursor, without :data:`RELEASE_LOCK`, with parameterised SQL
that mirrors :func:`observations_expr` and :func:`series_expr` (filters, order and its tie-breaking
columns come from the same functions; ``tests/warehouse/test_query_fast.py`` checks both give the same
rows). Answers are cached per release SHA-256 and question in a bounded LRU (:data:`ANSWERS`): a new
release has a new SHA-256, so nothing cached for an older one is served.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa
from ibis.expr.types import Table

from observatory.errors import NotFound
from observatory.model.observation import SERIES_DIMENSIONS
from observatory.model.release import Release
from observatory.store.db import Store
from observatory.warehouse.lru import BoundedLRU
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
    return expr.order_by([ibis.desc(expr[c]) if desc else expr[c] for c, desc in order_columns(order)])


def order_columns(order: Sequence[tuple[str, bool]] = ()) -> list[tuple[str, bool]]:
    """``(column, descending)`` of the full order: ``order`` first (``period`` as year, period), then the
    columns of :data:`ORDER` not already used, ascending."""
    keys: list[tuple[str, bool]] = []
    used: set[str] = set()
    for name, descending in order:
        if name not in SORTABLE:
            raise ValueError(f"cannot order observations by {name!r}")
        for column in ("year", "period") if name == "period" else (name,):
            keys.append((column, descending))
            used.add(column)
    return [*keys, *((c, False) for c in ORDER if c not in used)]


def series_expr(table: Table, area: str) -> Table:
    """The series one area has: one row per series key, with its number of years and span."""
    keys = list(SERIES_DIMENSIONS)
    rows = table.filter(table.area == area)
    return (
        rows.group_by(["dataflow", *keys])
        .aggregate(observations=rows.count(), first_year=rows.year.min(), last_year=rows.year.max())
        .order_by(["dataflow", *keys])
    )


def _no_release() -> NotFound:
    return NotFound(
        "nothing has been published yet; run `observatory import FILE...` "
        "(which publishes) or `observatory publish`",
        code="no-release",
    )


@lru_cache(maxsize=4)
def _table(path: str) -> Table:
    con = ibis.duckdb.connect()
    return con.read_parquet(path, table_name="observations")


def release_table(store: Store, release: Release | None = None) -> tuple[Table, Release]:
    chosen = release or latest_release(store)
    if chosen is None:
        raise _no_release()
    path = Path(store.settings.resolved_data_dir) / chosen.path
    with RELEASE_LOCK:
        return _table(str(path)), chosen


class ReleaseSnapshot:
    """One release's rows in an in-memory DuckDB database, asked through one cursor per thread.

    DuckDB connections are not thread-safe but cursors (``con.cursor()``: a connection of its own to the
    same database) are, one per thread; DuckDB runs the queries of several cursors in parallel.
    """

    def __init__(self, path: Path) -> None:
        self._con = duckdb.connect(":memory:")
        # ``_ord``: each row's place in the default order, so that sorting by it (after any keys of the
        # caller's) breaks ties as :func:`order_columns` does, at the cost of one integer sort
        default = ", ".join(f'"{c}"' for c, _ in order_columns())
        self._con.execute(
            f"CREATE TABLE observations AS SELECT *, row_number() OVER (ORDER BY {default}) AS _ord "
            f"FROM read_parquet(?) ORDER BY _ord",
            [str(path)],
        )
        self._local = threading.local()
        self._lock = threading.Lock()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._lock:
                cursor = self._con.cursor()
            self._local.cursor = cursor
        return cursor

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        table: pa.Table = self.cursor().sql(sql, params=list(params)).to_arrow_table()
        return table


_SNAPSHOT_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _snapshot(path: str, sha256: str) -> ReleaseSnapshot:
    return ReleaseSnapshot(Path(path))


def release_snapshot(store: Store, release: Release | None = None) -> tuple[ReleaseSnapshot, Release]:
    """The snapshot of ``release`` (the latest by default), loaded on first use."""
    chosen = release or latest_release(store)
    if chosen is None:
        raise _no_release()
    path = Path(store.settings.resolved_data_dir) / chosen.path
    with _SNAPSHOT_LOCK:  # one load per release, even when many requests ask at once
        return _snapshot(str(path), chosen.sha256), chosen


Answer = tuple[int, pa.Table]  # count, rows
# About 5 MB for 512 typical pages; answers of more than 20,000 rows (whole downloads) are not kept.
ANSWERS: BoundedLRU[Answer] = BoundedLRU(512, size=lambda answer: answer[1].num_rows, max_item=20_000)


def _where(flt: ObservationFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for name, values in flt.membership().items():  # names are ObservationFilter's fields
        clauses.append(f'"{name}" IN ({", ".join("?" for _ in values)})')
        params.extend(values)
    if flt.year_from is not None:
        clauses.append('"year" >= ?')
        params.append(flt.year_from)
    if flt.year_to is not None:
        clauses.append('"year" <= ?')
        params.append(flt.year_to)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def observations_sql(
    flt: ObservationFilter, order: Sequence[tuple[str, bool]] = (), limit: int | None = None, offset: int = 0
) -> tuple[str, str, list[Any]]:
    """The page and the count of :func:`observations_expr` as parameterised DuckDB SQL."""
    where, params = _where(flt)
    used = {c for name, _ in order for c in (("year", "period") if name == "period" else (name,))}
    keys = [f'"{c}" {"DESC" if desc else "ASC"}' for c, desc in order_columns(order) if c in used]
    # the columns of ORDER the caller did not use come in ORDER's order: ``_ord`` orders by all of them,
    # which among rows equal on the caller's keys is the same
    order_by = ", ".join([*keys, "_ord"])
    page = f'SELECT * EXCLUDE ("year", _ord) FROM observations{where} ORDER BY {order_by}'
    if limit is not None:
        page += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    elif offset:
        page += f" OFFSET {int(offset)}"
    return page, f"SELECT count(*) FROM observations{where}", params


def query_observations(
    store: Store,
    flt: ObservationFilter,
    *,
    limit: int | None = None,
    offset: int = 0,
    order: Sequence[tuple[str, bool]] = (),
) -> ObservationPage:
    snapshot, release = release_snapshot(store)
    key = ("observations", release.sha256, flt, limit, offset, tuple(order))
    answer = ANSWERS.get(key)
    if answer is None:
        page_sql, count_sql, params = observations_sql(flt, order, limit, offset)
        answer = (int(snapshot.arrow(count_sql, params)[0][0].as_py()), snapshot.arrow(page_sql, params))
        ANSWERS.put(key, answer)
    count, rows = answer
    return ObservationPage(
        data=rows.to_pylist(),
        count=count,
        release=release.number,
        limit=limit,
        offset=offset,
        filters={**flt.membership(), "year_from": flt.year_from, "year_to": flt.year_to},
        released_at=release.created_at,
    )


def area_series(store: Store, area: str) -> list[dict[str, Any]]:
    """What :func:`series_expr` gives, from the release snapshot."""
    snapshot, release = release_snapshot(store)
    key = ("series", release.sha256, area)
    answer = ANSWERS.get(key)
    if answer is None:
        keys = ", ".join(f'"{c}"' for c in ("dataflow", *SERIES_DIMENSIONS))
        sql = (
            f'SELECT {keys}, count(*) AS observations, min("year") AS first_year, max("year") AS last_year '
            f'FROM observations WHERE "area" = ? GROUP BY {keys} ORDER BY {keys}'
        )
        table = snapshot.arrow(sql, [area])
        answer = (table.num_rows, table)
        ANSWERS.put(key, answer)
    rows: list[dict[str, Any]] = answer[1].to_pylist()
    return rows
