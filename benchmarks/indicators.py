"""Benchmark: the indicator engine against hand-written DuckDB SQL and pandas, in the same run.

1. Real data: ``../shared/data/unodc_cts``, ``population`` and ``sdg16`` are imported into a temporary
   store and published. Every indicator of the registry (``catalog/data/indicators.toml``) is computed for
   every country, year and disaggregation three ways: the engine (:func:`observatory.indicators.compute
   .compute`, ibis on DuckDB over the release Parquet file), the same computations as SQL text run by
   DuckDB on the same file (:func:`hand_sql_query`: one ``WITH num AS (...), den AS (...)`` query per
   indicator, written as string templates, not through ibis), and pandas (``read_parquet`` then boolean
   masks, ``groupby`` and ``merge``). The three results are compared: rows and max absolute difference.
2. Justice chain: a synthetic case-level table (case id, area, year, ICCS offence, sex, age group, stage
   reached: contact, prosecuted or convicted), generated vectorised with numpy and written once as Parquet.
   Persons are counted per area, year, offence, sex and age at each stage (a convicted person was also
   prosecuted and in contact), with the attrition ratios prosecuted per contact and convicted per
   prosecuted (null where the denominator is zero): as an ibis expression on DuckDB
   (:func:`chain_expr`, the platform's way), as hand-written DuckDB SQL (:data:`CHAIN_SQL`) and in pandas.
   Each side reads the same Parquet file; the results must agree exactly on counts, to 1e-12 on ratios.
3. Memory: each measurement runs in a forked child and reports its own peak RSS
   (``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the whole process, including DuckDB's native memory and
   whatever the child inherited from the parent at fork time, which is reported as ``base_mb``).

Targets: the engine within 1.3x of hand SQL, at least 3x faster than pandas.

Run: ``python benchmarks/indicators.py [--cases N] [--skip-real] [--data ../shared/data] [--repeat R]
[--json]``. Prints a table and, last, the JSON of every figure.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa
import pyarrow.parquet as pq

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCES = ("unodc_cts", "population", "sdg16")
TOTAL = "_T"

# --------------------------------------------------------------------------------------------- measuring


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the RSS inherited at fork
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    conn.send({"seconds": seconds, "peak_mb": rss, "base_mb": base, "result": result})
    conn.close()


def warm_imports() -> None:
    """Import what every side uses before any timing (a Python import is not a computation)."""
    import duckdb  # noqa: F401
    import ibis

    import observatory.indicators.compute  # noqa: F401

    ibis.duckdb  # noqa: B018  (loads the DuckDB backend module; no connection, no threads)


def measure(fn: Callable[..., Any], *args: Any, isolate: bool = True) -> dict[str, Any]:
    """Wall time and peak RSS of ``fn(*args)``, in a forked child unless ``isolate`` is false."""
    warm_imports()
    if not isolate:
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        result = fn(*args)
        seconds = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"seconds": seconds, "peak_mb": rss, "base_mb": base, "result": result}
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, fn, args))
    process.start()
    child.close()  # so that a child dying without an answer ends recv() with EOFError
    try:
        outcome: dict[str, Any] = parent.recv()
    except EOFError:
        outcome = {}
    process.join()
    if process.exitcode != 0 or not outcome:
        raise RuntimeError(f"benchmark child failed with exit code {process.exitcode}")
    return outcome


def best(fn: Callable[..., Any], *args: Any, repeat: int, isolate: bool = True) -> dict[str, Any]:
    """The fastest of ``repeat`` measurements (peak memory: the largest)."""
    runs = [measure(fn, *args, isolate=isolate) for _ in range(repeat)]
    fastest = min(runs, key=lambda r: r["seconds"])
    fastest["peak_mb"] = max(r["peak_mb"] for r in runs)
    return fastest


# ------------------------------------------------------------------------------------ 1. real indicators


def prepare_release(data: Path, workdir: Path) -> Path:
    """Import the real data into a store under ``workdir`` and publish; the data directory."""
    from observatory.collect.importing import import_paths
    from observatory.settings import Settings
    from observatory.store.db import Store
    from observatory.warehouse.release import publish

    store = Store(Settings(data_dir=workdir / "var"))
    store.init()
    import_paths(store, [data / name for name in SOURCES])
    publish(store)
    store.dispose()
    return workdir / "var"


def release_parquet(data_dir: Path) -> Path:
    from observatory.settings import Settings
    from observatory.store.db import Store
    from observatory.warehouse.release import latest_release

    store = Store(Settings(data_dir=data_dir))
    release = latest_release(store)
    store.dispose()
    assert release is not None
    return Path(store.settings.resolved_data_dir) / release.path


Row = tuple[Any, ...]


def _keyed(indicator: Any, rows: list[dict[str, Any]]) -> dict[Row, float | None]:
    by = indicator.disaggregations
    return {
        (indicator.id, r["area"], int(r["year"]), *(r[d] for d in by)): (
            None if r["value"] is None or r["value"] != r["value"] else float(r["value"])
        )
        for r in rows
    }


def run_engine(data_dir: Path) -> dict[Row, float | None]:
    """Every indicator through the platform's public function."""
    from observatory.catalog.indicators import load_indicators
    from observatory.indicators.compute import compute
    from observatory.settings import Settings
    from observatory.store.db import Store

    store = Store(Settings(data_dir=data_dir))
    out: dict[Row, float | None] = {}
    for indicator in load_indicators().values():
        out.update(_keyed(indicator, compute(store, indicator.id).rows))
    store.dispose()
    return out


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _where_sql(selector: Any, by: tuple[str, ...]) -> str:
    from observatory.model.indicator import DIMENSIONS

    clauses = [f"variable = {_quote(selector.variable)}"]
    if selector.unit is not None:
        clauses.append(f"unit = {_quote(selector.unit)}")
    if selector.dataflow is not None:
        clauses.append(f"dataflow = {_quote(selector.dataflow)}")
    fixed = selector.fixed()
    for dim in DIMENSIONS:
        if dim in fixed:
            clauses.append(f"{dim} IN ({', '.join(_quote(v) for v in fixed[dim])})")
        elif dim not in by:
            clauses.append(f"{dim} = {_quote(TOTAL)}")
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
    num = _series_sql(indicator.numerator, by, "numerator")
    if indicator.denominator is None:
        return f"WITH num AS ({num}) SELECT {cols}, num.numerator AS value FROM num ORDER BY {cols}"
    shared = tuple(d for d in by if d not in indicator.denominator.fixed())
    den = _series_sql(indicator.denominator, shared, "denominator")
    on = " AND ".join(f"num.{c} = den.{c}" for c in ("area", "year", *shared))
    return (
        f"WITH num AS ({num}), den AS ({den}) "
        f"SELECT {cols}, CASE WHEN den.denominator IS NULL OR den.denominator = 0 THEN NULL "
        f"ELSE num.numerator / den.denominator * {indicator.multiplier!r} END AS value "
        f"FROM num LEFT JOIN den ON {on} ORDER BY {cols}"
    )


def run_hand_sql(parquet: Path) -> dict[Row, float | None]:
    import duckdb

    from observatory.catalog.indicators import load_indicators

    con = duckdb.connect()
    con.execute(f"CREATE VIEW obs AS SELECT * FROM read_parquet({_quote(str(parquet))})")
    out: dict[Row, float | None] = {}
    for indicator in load_indicators().values():
        rows = con.sql(hand_sql_query(indicator)).to_arrow_table().to_pylist()
        out.update(_keyed(indicator, rows))
    con.close()
    return out


def _pandas_series(obs: pd.DataFrame, selector: Any, by: tuple[str, ...], name: str) -> pd.DataFrame:
    from observatory.model.indicator import DIMENSIONS

    mask = obs["variable"] == selector.variable
    if selector.unit is not None:
        mask &= obs["unit"] == selector.unit
    if selector.dataflow is not None:
        mask &= obs["dataflow"] == selector.dataflow
    fixed = selector.fixed()
    for dim in DIMENSIONS:
        if dim in fixed:
            mask &= obs[dim].isin(list(fixed[dim]))
        elif dim not in by:
            mask &= obs[dim] == TOTAL
    rows = obs[mask]
    groups = ["area", "year", *by]
    parts = {dim: len(values) for dim, values in selector.where if len(values) > 1}
    grouped = rows.groupby(groups, sort=False, observed=True, dropna=False)
    reduced = grouped["value"].sum().rename(name).reset_index()
    keep = np.ones(len(reduced), dtype=bool)
    for dim, count in parts.items():
        keep &= grouped[dim].nunique().to_numpy() == count
    return reduced[keep]


def run_pandas(parquet: Path) -> dict[Row, float | None]:
    from observatory.catalog.indicators import load_indicators

    obs = pd.read_parquet(parquet)
    out: dict[Row, float | None] = {}
    for indicator in load_indicators().values():
        by: tuple[str, ...] = indicator.disaggregations
        num = _pandas_series(obs, indicator.numerator, by, "numerator")
        if indicator.denominator is None:
            num["value"] = num["numerator"]
            frame = num
        else:
            shared = [d for d in by if d not in indicator.denominator.fixed()]
            den = _pandas_series(obs, indicator.denominator, tuple(shared), "denominator")
            frame = num.merge(den, on=["area", "year", *shared], how="left")
            denominator = frame["denominator"].where(frame["denominator"] != 0)
            frame["value"] = frame["numerator"] / denominator * indicator.multiplier
        rows = frame[["area", "year", *by, "value"]].to_dict("records")
        out.update(_keyed(indicator, rows))
    return out


def compare_values(a: dict[Row, float | None], b: dict[Row, float | None]) -> dict[str, Any]:
    """Rows on each side, keys only on one side, and the max absolute difference of the shared values."""
    shared = a.keys() & b.keys()
    nulls = sum(1 for k in shared if (a[k] is None) != (b[k] is None))
    diffs = [abs(x - y) for k in shared if (x := a[k]) is not None and (y := b[k]) is not None]
    return {
        "rows": [len(a), len(b)],
        "only_one_side": len(a.keys() ^ b.keys()),
        "null_mismatches": nulls,
        "max_abs_diff": max(diffs, default=0.0),
    }


def bench_real(data: Path, repeat: int, isolate: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-indicators-") as tmp:
        start = time.perf_counter()
        prepared = measure(prepare_release, data, Path(tmp), isolate=isolate)
        data_dir: Path = prepared["result"]
        parquet = release_parquet(data_dir)
        observations = pq.ParquetFile(parquet).metadata.num_rows
        from observatory.catalog.indicators import load_indicators

        n_indicators = len(load_indicators())
        sides = {
            "engine": best(run_engine, data_dir, repeat=repeat, isolate=isolate),
            "hand_sql": best(run_hand_sql, parquet, repeat=repeat, isolate=isolate),
            "pandas": best(run_pandas, parquet, repeat=repeat, isolate=isolate),
        }
        engine = sides["engine"]["result"]
        report = {
            "observations": observations,
            "indicators": n_indicators,
            "import_publish_seconds": round(time.perf_counter() - start, 2),
            **_summary(sides),
            "agreement": {
                "engine_vs_hand_sql": compare_values(engine, sides["hand_sql"]["result"]),
                "engine_vs_pandas": compare_values(engine, sides["pandas"]["result"]),
            },
        }
    return report


# ----------------------------------------------------------------------------------- 2. justice chain

CHAIN_KEYS = ("area", "year", "offence", "sex", "age")
STAGES = ("contact", "prosecuted", "convicted")
OFFENCES = ("0101", "0201", "0202", "0301", "0401", "0501", "0502", "0601", "0701", "0801", "0901", "1101")
SEXES = ("M", "F")
AGES = ("Y_LT18", "Y_GE18")
AREAS = tuple(f"A{i:02d}" for i in range(50))
YEARS = tuple(range(2015, 2025))


def generate_cases(n: int, seed: int = 11) -> pa.Table:
    """``n`` case records, vectorised: offence-dependent attrition (about 60% prosecuted, 70% of those
    convicted), dictionary-encoded text columns (pandas reads them as categoricals)."""
    rng = np.random.default_rng(seed)

    def pick(values: tuple[Any, ...], p: list[float] | None = None) -> pa.Array:
        codes = rng.choice(len(values), size=n, p=p).astype(np.int32)
        return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(values))

    offence_codes = rng.integers(0, len(OFFENCES), size=n)
    prosecute_p = 0.45 + 0.03 * offence_codes  # offences differ in attrition
    u = rng.random(n)
    stage = np.where(u < prosecute_p * 0.7, 2, np.where(u < prosecute_p, 1, 0)).astype(np.int32)
    return pa.table(
        {
            "case_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "area": pick(AREAS),
            "year": pa.array(rng.choice(np.array(YEARS, dtype=np.int32), size=n)),
            "offence": pa.DictionaryArray.from_arrays(
                pa.array(offence_codes.astype(np.int32)), pa.array(OFFENCES)
            ),
            "sex": pick(SEXES, [0.8, 0.2]),
            "age": pick(AGES, [0.1, 0.9]),
            "stage": pa.DictionaryArray.from_arrays(pa.array(stage), pa.array(STAGES)),
        }
    )


def chain_expr(cases: Any) -> Any:
    """Persons at each stage and the attrition ratios per area, year, offence, sex and age (ibis)."""
    import ibis

    prosecuted = cases.stage.isin(["prosecuted", "convicted"])
    convicted = cases.stage == "convicted"
    counts = cases.group_by(list(CHAIN_KEYS)).aggregate(
        contact=cases.count(),
        prosecuted=cases.count(where=prosecuted),
        convicted=cases.count(where=convicted),
    )
    return counts.mutate(
        prosecuted_per_contact=counts.prosecuted / counts.contact.nullif(0),
        convicted_per_prosecuted=counts.convicted / counts.prosecuted.nullif(0),
    ).order_by([ibis._[k] for k in CHAIN_KEYS])


CHAIN_SQL = """
SELECT area, year, offence, sex, age, contact, prosecuted, convicted,
       prosecuted / NULLIF(contact, 0) AS prosecuted_per_contact,
       convicted / NULLIF(prosecuted, 0) AS convicted_per_prosecuted
FROM (
    SELECT area, year, offence, sex, age,
           count(*) AS contact,
           count(*) FILTER (WHERE stage IN ('prosecuted', 'convicted')) AS prosecuted,
           count(*) FILTER (WHERE stage = 'convicted') AS convicted
    FROM read_parquet({path})
    GROUP BY ALL
)
ORDER BY area, year, offence, sex, age
"""


def _normalise(table: pa.Table) -> pa.Table:
    """Plain column types, for comparing the three sides."""
    return pa.table(
        {
            **{k: table.column(k).cast(pa.string()) for k in ("area", "offence", "sex", "age")},
            "year": table.column("year").cast(pa.int64()),
            **{k: table.column(k).cast(pa.int64()) for k in STAGES},
            **{
                k: table.column(k).cast(pa.float64())
                for k in ("prosecuted_per_contact", "convicted_per_prosecuted")
            },
        }
    ).sort_by([(k, "ascending") for k in CHAIN_KEYS])


def chain_ibis(path: Path) -> pa.Table:
    import ibis

    con = ibis.duckdb.connect()
    result = chain_expr(con.read_parquet(str(path), table_name="cases")).to_pyarrow()
    con.disconnect()
    return _normalise(result)


def chain_hand_sql(path: Path) -> pa.Table:
    import duckdb

    con = duckdb.connect()
    result = con.sql(CHAIN_SQL.format(path=_quote(str(path)))).to_arrow_table()
    con.close()
    return _normalise(result)


def chain_pandas(path: Path) -> pa.Table:
    cases = pd.read_parquet(path)
    stage = cases["stage"]
    cases["prosecuted"] = stage.isin(["prosecuted", "convicted"])
    cases["convicted"] = stage == "convicted"
    counts = (
        cases.groupby(list(CHAIN_KEYS), observed=True, sort=True)
        .agg(contact=("case_id", "size"), prosecuted=("prosecuted", "sum"), convicted=("convicted", "sum"))
        .reset_index()
    )
    counts["prosecuted_per_contact"] = counts["prosecuted"] / counts["contact"].where(counts["contact"] != 0)
    counts["convicted_per_prosecuted"] = counts["convicted"] / counts["prosecuted"].where(
        counts["prosecuted"] != 0
    )
    return _normalise(pa.Table.from_pandas(counts, preserve_index=False))


def compare_chain(a: pa.Table, b: pa.Table) -> dict[str, Any]:
    """Rows, keys and counts must be equal; the max absolute difference of the ratios (nulls must match)."""
    same_keys = (
        all(a.column(k).equals(b.column(k)) for k in (*CHAIN_KEYS, *STAGES)) if len(a) == len(b) else False
    )
    diff = 0.0
    nulls_match = True
    for k in ("prosecuted_per_contact", "convicted_per_prosecuted"):
        x = a.column(k).to_numpy(zero_copy_only=False)
        y = b.column(k).to_numpy(zero_copy_only=False)
        if len(x) != len(y):
            nulls_match = False
            continue
        nx, ny = np.isnan(x), np.isnan(y)
        nulls_match = nulls_match and bool((nx == ny).all())
        both = ~(nx | ny)
        if both.any():
            diff = max(diff, float(np.abs(x[both] - y[both]).max()))
    return {
        "rows": [len(a), len(b)],
        "keys_and_counts_equal": bool(same_keys),
        "null_ratios_match": nulls_match,
        "max_abs_diff": diff,
    }


def bench_chain(cases: int, repeat: int, isolate: bool = True, seed: int = 11) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-chain-") as tmp:
        path = Path(tmp) / "cases.parquet"
        start = time.perf_counter()
        pq.write_table(generate_cases(cases, seed), path)
        generated = time.perf_counter() - start
        sides = {
            "engine": best(chain_ibis, path, repeat=repeat, isolate=isolate),
            "hand_sql": best(chain_hand_sql, path, repeat=repeat, isolate=isolate),
            "pandas": best(chain_pandas, path, repeat=repeat, isolate=isolate),
        }
        engine = sides["engine"]["result"]
        return {
            "cases": cases,
            "groups": len(engine),
            "generate_seconds": round(generated, 2),
            "parquet_mb": round(path.stat().st_size / 2**20, 1),
            **_summary(sides),
            "agreement": {
                "engine_vs_hand_sql": compare_chain(engine, sides["hand_sql"]["result"]),
                "engine_vs_pandas": compare_chain(engine, sides["pandas"]["result"]),
            },
        }


def chain_agrees(report: dict[str, Any], tolerance: float = 1e-12) -> bool:
    return all(
        c["keys_and_counts_equal"] and c["null_ratios_match"] and c["max_abs_diff"] <= tolerance
        for c in report["agreement"].values()
    )


# ----------------------------------------------------------------------------------------------- report


def _summary(sides: dict[str, dict[str, Any]]) -> dict[str, Any]:
    engine = sides["engine"]["seconds"]
    return {
        "seconds": {k: round(v["seconds"], 3) for k, v in sides.items()},
        "peak_mb": {k: round(v["peak_mb"], 1) for k, v in sides.items()},
        "base_mb": {k: round(v["base_mb"], 1) for k, v in sides.items()},
        "engine_over_hand_sql": round(engine / sides["hand_sql"]["seconds"], 2),
        "pandas_over_engine": round(sides["pandas"]["seconds"] / engine, 2),
        "targets": {
            "within_1_3x_of_hand_sql": engine <= 1.3 * sides["hand_sql"]["seconds"],
            "3x_faster_than_pandas": sides["pandas"]["seconds"] >= 3 * engine,
        },
    }


def print_table(name: str, part: dict[str, Any]) -> None:
    print(f"\n{name}")
    print(f"  {'side':<10} {'seconds':>9} {'peak MB':>9} {'base MB':>9}")
    for side in ("engine", "hand_sql", "pandas"):
        seconds, peak, base = part["seconds"][side], part["peak_mb"][side], part["base_mb"][side]
        print(f"  {side:<10} {seconds:>9.3f} {peak:>9.1f} {base:>9.1f}")
    print(
        f"  engine / hand SQL = {part['engine_over_hand_sql']:.2f}x (target <= 1.3), "
        f"pandas / engine = {part['pandas_over_engine']:.2f}x (target >= 3)"
    )
    for pair, result in part["agreement"].items():
        print(f"  {pair}: {result}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=10_000_000, help="synthetic case records (10,000,000)")
    parser.add_argument("--skip-real", action="store_true", help="skip the real-data indicators")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the fastest counts")
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    args = parser.parse_args(argv)

    report: dict[str, Any] = {
        "memory": "ru_maxrss of a forked child per measurement (whole process: DuckDB native memory "
        "included; base_mb = the child's RSS at fork, inherited from the parent)",
    }
    if not args.skip_real:
        report["real"] = bench_real(args.data, args.repeat)
        if not args.json:
            print_table(
                f"1. Every indicator on the real data ({report['real']['indicators']} indicators, "
                f"{report['real']['observations']:,} observations)",
                report["real"],
            )
    report["chain"] = bench_chain(args.cases, args.repeat)
    if not args.json:
        print_table(
            f"2. Justice chain from {args.cases:,} cases ({report['chain']['groups']:,} groups)",
            report["chain"],
        )
        print()
    print(json.dumps(report, indent=2))
    ok = chain_agrees(report["chain"])
    if "real" in report:
        ok = ok and all(
            c["only_one_side"] == 0 and c["null_mismatches"] == 0 and c["max_abs_diff"] <= 1e-6
            for c in report["real"]["agreement"].values()
        )
    if not ok:
        print("the three methods disagree", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
