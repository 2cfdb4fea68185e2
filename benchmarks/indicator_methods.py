"""The three ways ``indicators.py`` computes every indicator of the registry, and how they are compared.

Every side produces the same thing: one Arrow table per indicator with the engine's output columns
(``indicator, area, year, <disaggregations>, value, numerator, denominator, flags``), ordered by area,
year and disaggregations, and runs two passes in the same process:

* the **engine** (:mod:`observatory.indicators.compute`): first pass cold (compiled-SQL cache cleared: the
  release connection, the ibis expressions and their compilation to SQL, then DuckDB), second pass warm
  (SQL cached, connection open), reading the release Parquet file through its DuckDB view each time;
* **hand-written DuckDB SQL** (:func:`hand_sql_query`, one ``WITH num, den`` query per indicator, written
  as string templates, the way an analyst who knows DuckDB would): first pass includes connecting and
  creating the view, second pass reuses them; also reading the Parquet file each time;
* **pandas** (:func:`pandas_indicator`): first pass reads the Parquet file (only the columns needed, text
  columns as categoricals: the fast, idiomatic way, several times faster than object strings), second pass
  reuses the DataFrame in memory (an advantage DuckDB's passes do not get); boolean masks, ``groupby``
  and ``merge``, no loop over rows.

:func:`replicate` builds the larger input: the real observations copied under synthetic area codes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa
import pyarrow.parquet as pq

TOTAL = "_T"
NUMBERS = ("value", "numerator", "denominator")
MISSING, ZERO = "missing-denominator", "zero-denominator"


def _dimensions() -> tuple[str, ...]:
    from observatory.model.indicator import DIMENSIONS

    return DIMENSIONS


def _indicators() -> list[Any]:
    from observatory.catalog.indicators import load_indicators

    return list(load_indicators().values())


def _keys(indicator: Any) -> list[str]:
    return ["area", "year", *indicator.disaggregations]


def _timed(fn: Any, *args: Any) -> tuple[Any, tuple[float, float]]:
    """``fn(*args)``, its wall time and its CPU time (this process, every thread: DuckDB's included)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, (time.perf_counter() - start, time.process_time() - cpu)


def _passes(result: Any, first: tuple[float, float], second: tuple[float, float]) -> dict[str, Any]:
    return {
        "tables": result,
        "passes": {"first": first[0], "second": second[0]},
        "cpu": {"first": first[1], "second": second[1]},
    }


# ------------------------------------------------------------------------------------------------ engine


def engine_release(data_dir: Path) -> dict[str, Any]:
    """Every indicator on the latest release through the platform's public
    :func:`~observatory.indicators.compute.compute_arrow` (``compute`` without its ``to_pylist``),
    cold then warm."""
    from observatory.indicators import compute
    from observatory.settings import Settings
    from observatory.store.db import Store

    compute.clear_compiled()
    store = Store(Settings(data_dir=data_dir))

    def one_pass() -> dict[str, pa.Table]:
        return {i.id: compute.compute_arrow(store, i.id)[0] for i in _indicators()}

    tables, cold = _timed(one_pass)
    _, warm = _timed(one_pass)
    store.dispose()
    return _passes(tables, cold, warm)


def engine_file(parquet: Path) -> dict[str, Any]:
    """The same engine path (:func:`~observatory.indicators.compute.run_indicator`) over any Parquet file
    shaped like a release, through a DuckDB view of it: cold (connection, compilation), then warm."""
    import ibis

    from observatory.indicators import compute

    compute.clear_compiled()

    def one_pass(table: Any) -> dict[str, pa.Table]:
        return {i.id: compute.run_indicator(i, table, data=str(parquet)) for i in _indicators()}

    def cold() -> tuple[Any, dict[str, pa.Table]]:
        con = ibis.duckdb.connect()
        table = con.read_parquet(str(parquet), table_name="observations")
        return con, one_pass(table)

    (con, tables), first = _timed(cold)
    _, second = _timed(one_pass, con.table("observations"))
    con.disconnect()
    return _passes(tables, first, second)


# ---------------------------------------------------------------------------------------------- hand SQL


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _where_sql(selector: Any, by: tuple[str, ...]) -> str:
    clauses = [f"variable = {quote(selector.variable)}"]
    if selector.unit is not None:
        clauses.append(f"unit = {quote(selector.unit)}")
    if selector.dataflow is not None:
        clauses.append(f"dataflow = {quote(selector.dataflow)}")
    fixed = selector.fixed()
    for dim in _dimensions():
        if dim in fixed:
            clauses.append(f"{dim} IN ({', '.join(quote(v) for v in fixed[dim])})")
        elif dim not in by:
            clauses.append(f"{dim} = {quote(TOTAL)}")
    return " AND ".join(clauses)


def _series_sql(selector: Any, by: tuple[str, ...], name: str) -> str:
    groups = ", ".join(["area", "year", *by])
    parts = [(dim, len(values)) for dim, values in selector.where if len(values) > 1]
    having = " AND ".join(f"count(DISTINCT {dim}) = {n}" for dim, n in parts)
    return (
        f"SELECT {groups}, sum(value) AS {name} FROM obs WHERE {_where_sql(selector, by)} "
        f"GROUP BY {groups}" + (f" HAVING {having}" if having else "")
    )


def hand_sql_query(indicator: Any) -> str:
    """The indicator as one SQL query over a view ``obs`` of the release (same semantics as the engine)."""
    by: tuple[str, ...] = indicator.disaggregations
    cols = ", ".join(f"num.{c}" for c in ("area", "year", *by))
    head = f"SELECT {quote(indicator.id)} AS indicator, {cols}"
    num = _series_sql(indicator.numerator, by, "numerator")
    if indicator.denominator is None:
        return (
            f"WITH num AS ({num}) {head}, num.numerator AS value, num.numerator, "
            f"CAST(NULL AS DOUBLE) AS denominator, '' AS flags FROM num ORDER BY {cols}"
        )
    shared = tuple(d for d in by if d not in indicator.denominator.fixed())
    den = _series_sql(indicator.denominator, shared, "denominator")
    on = " AND ".join(f"num.{c} = den.{c}" for c in ("area", "year", *shared))
    return (
        f"WITH num AS ({num}), den AS ({den}) {head}, "
        f"CASE WHEN den.denominator IS NULL OR den.denominator = 0 THEN NULL "
        f"ELSE num.numerator / den.denominator * {indicator.multiplier!r} END AS value, "
        f"num.numerator, den.denominator, "
        f"CASE WHEN den.denominator IS NULL THEN '{MISSING}' WHEN den.denominator = 0 THEN '{ZERO}' "
        f"ELSE '' END AS flags "
        f"FROM num LEFT JOIN den ON {on} ORDER BY {cols}"
    )


def hand_sql(parquet: Path) -> dict[str, Any]:
    """Every indicator as hand-written SQL run by DuckDB on the Parquet file: first and second pass."""
    import duckdb

    queries = {i.id: hand_sql_query(i) for i in _indicators()}  # written once, like an analyst's script

    def one_pass(con: Any) -> dict[str, pa.Table]:
        return {key: con.sql(query).to_arrow_table() for key, query in queries.items()}

    def first() -> tuple[Any, dict[str, pa.Table]]:
        con = duckdb.connect()
        con.execute(f"CREATE VIEW obs AS SELECT * FROM read_parquet({quote(str(parquet))})")
        return con, one_pass(con)

    (con, tables), first_seconds = _timed(first)
    _, second_seconds = _timed(one_pass, con)
    con.close()
    return _passes(tables, first_seconds, second_seconds)


# ------------------------------------------------------------------------------------------------ pandas


def read_observations(parquet: Path) -> pd.DataFrame:
    """The columns the indicators use, text as categoricals with their categories in lexical order."""
    text = ["dataflow", "area", "variable", "unit", *_dimensions()]
    frame = pq.read_table(parquet, columns=[*text, "year", "value"], read_dictionary=text).to_pandas()
    for column in text:  # so that sorting on a key column sorts lexically, like SQL's ORDER BY
        frame[column] = frame[column].cat.reorder_categories(sorted(frame[column].cat.categories))
    return frame


def _pandas_series(obs: pd.DataFrame, selector: Any, by: tuple[str, ...], name: str) -> pd.DataFrame:
    mask = obs["variable"] == selector.variable
    if selector.unit is not None:
        mask &= obs["unit"] == selector.unit
    if selector.dataflow is not None:
        mask &= obs["dataflow"] == selector.dataflow
    fixed = selector.fixed()
    for dim in _dimensions():
        if dim in fixed:
            mask &= obs[dim].isin(list(fixed[dim]))
        elif dim not in by:
            mask &= obs[dim] == TOTAL
    groups = ["area", "year", *by]
    parts = {dim: len(values) for dim, values in selector.where if len(values) > 1}
    grouped = obs[mask].groupby(groups, sort=False, observed=True, dropna=False)
    reduced = grouped["value"].sum().rename(name).reset_index()
    keep = np.ones(len(reduced), dtype=bool)
    for dim, count in parts.items():
        keep &= grouped[dim].nunique().to_numpy() == count
    return reduced[keep]


def pandas_indicator(obs: pd.DataFrame, indicator: Any) -> pa.Table:
    """One indicator from the observations DataFrame, as an Arrow table of the engine's columns."""
    by: tuple[str, ...] = indicator.disaggregations
    frame = _pandas_series(obs, indicator.numerator, by, "numerator")
    if indicator.denominator is None:
        frame = frame.assign(value=frame["numerator"], denominator=np.nan, flags="")
    else:
        shared = [d for d in by if d not in indicator.denominator.fixed()]
        den = _pandas_series(obs, indicator.denominator, tuple(shared), "denominator")
        frame = frame.merge(den, on=["area", "year", *shared], how="left")
        missing, zero = frame["denominator"].isna(), frame["denominator"].eq(0)
        frame["value"] = frame["numerator"] / frame["denominator"].mask(zero) * indicator.multiplier
        frame["flags"] = np.select([missing.to_numpy(), zero.to_numpy()], [MISSING, ZERO], "")
    frame = frame.sort_values(_keys(indicator), ignore_index=True).assign(indicator=indicator.id)
    columns = ["indicator", *_keys(indicator), *NUMBERS, "flags"]
    return pa.Table.from_pandas(frame[columns], preserve_index=False)


def pandas_all(parquet: Path) -> dict[str, Any]:
    """Every indicator in pandas: first pass reads the file, second reuses the DataFrame."""

    def one_pass(obs: pd.DataFrame) -> dict[str, pa.Table]:
        return {i.id: pandas_indicator(obs, i) for i in _indicators()}

    def first() -> tuple[pd.DataFrame, dict[str, pa.Table]]:
        obs = read_observations(parquet)
        return obs, one_pass(obs)

    (obs, tables), first_seconds = _timed(first)
    _, second_seconds = _timed(one_pass, obs)
    return _passes(tables, first_seconds, second_seconds)


# -------------------------------------------------------------------------------------------- comparing


def normalise(indicator: Any, table: pa.Table) -> pa.Table:
    """Plain types (dictionaries decoded, year int64, numbers float64), ordered by the keys."""
    keys = _keys(indicator)
    columns: dict[str, pa.Array] = {}
    for name in ("indicator", *keys, *NUMBERS, "flags"):
        target = pa.int64() if name == "year" else pa.float64() if name in NUMBERS else pa.string()
        columns[name] = table.column(name).cast(target)
    return pa.table(columns).sort_by([(k, "ascending") for k in keys])


def compare(a: dict[str, pa.Table], b: dict[str, pa.Table]) -> dict[str, Any]:
    """Rows, whether keys and flags are equal, null mismatches and the largest relative difference of
    value, numerator and denominator, over every indicator."""
    registry = {i.id: i for i in _indicators()}
    rows = [0, 0]
    keys_equal = flags_equal = True
    nulls = 0
    worst = 0.0
    for key in sorted(a.keys() | b.keys()):
        if key not in a or key not in b:
            keys_equal = False
            continue
        x, y = normalise(registry[key], a[key]), normalise(registry[key], b[key])
        rows[0] += len(x)
        rows[1] += len(y)
        if len(x) != len(y):
            keys_equal = False
            continue
        keys_equal &= all(x.column(k).equals(y.column(k)) for k in ("indicator", *_keys(registry[key])))
        flags_equal &= x.column("flags").equals(y.column("flags"))
        for name in NUMBERS:
            u = x.column(name).to_numpy(zero_copy_only=False)
            v = y.column(name).to_numpy(zero_copy_only=False)
            nu, nv = np.isnan(u), np.isnan(v)
            nulls += int((nu != nv).sum())
            both = ~(nu | nv)
            if both.any():
                scale = np.maximum(np.abs(u[both]), 1.0)
                worst = max(worst, float((np.abs(u[both] - v[both]) / scale).max()))
    return {
        "rows": rows,
        "keys_equal": bool(keys_equal),
        "flags_equal": bool(flags_equal),
        "null_mismatches": nulls,
        "max_rel_diff": worst,
    }


def agrees(comparison: dict[str, Any], tolerance: float = 1e-9) -> bool:
    return bool(
        comparison["keys_equal"]
        and comparison["flags_equal"]
        and comparison["null_mismatches"] == 0
        and comparison["max_rel_diff"] <= tolerance
        and comparison["rows"][0] == comparison["rows"][1]
    )


# ----------------------------------------------------------------------------------------- larger input


def replicate(parquet: Path, target: Path, copies: int) -> int:
    """The release's rows ``copies`` times, copy ``k > 0`` under area codes ``<area>_<k>`` (population
    included, so every copy computes like the original); written by DuckDB with its default row groups.
    Returns the number of rows."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * REPLACE (CASE WHEN k = 0 THEN area ELSE area || '_' || k END AS area) "
        f"FROM read_parquet({quote(str(parquet))}), range({copies}) AS copies(k)) "
        f"TO {quote(str(target))} (FORMAT parquet, COMPRESSION zstd)"
    )
    con.close()
    return int(pq.ParquetFile(target).metadata.num_rows)


def result_rows(tables: dict[str, pa.Table]) -> int:
    return sum(len(t) for t in tables.values())
