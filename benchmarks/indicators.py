"""Benchmark: the indicator engine against hand-written DuckDB SQL and pandas, in the same run.

1. Every indicator on the real data: ``../shared/data/unodc_cts``, ``population`` and ``sdg16`` are
   imported into a temporary store and published. Every indicator of the registry
   (``catalog/data/indicators.toml``) is computed for every country, year and disaggregation three ways,
   each producing the same Arrow tables (the engine's columns: indicator, area, year, disaggregations,
   value, numerator, denominator, flags; ordered) in two passes in one process (``indicator_methods.py``):
   the engine (:func:`observatory.indicators.compute.compute_arrow`: first pass cold, compiling the ibis
   expressions; second pass warm, compiled SQL cached), hand-written SQL run by DuckDB on the same file
   (first pass includes connecting), and pandas (first pass reads the file; second pass reuses the
   DataFrame). The results must agree: keys, flags, null positions, values to 1e-9 relative.
2. The same on a larger input (``--copies``, default 68: about 10 million observations): the real
   release's rows copied under synthetic area codes, written as one Parquet file; the engine runs its
   release path (:func:`observatory.indicators.compute.run_indicator`) over a DuckDB view of that file.
   On the real data the whole run is tens of milliseconds per side, mostly fixed per-query costs; this
   is the regime the targets are about.
3. Justice chain (``chain_methods.py``): a synthetic case-level table (``--cases``, default 10 million:
   case id, area, year, ICCS offence, sex, age group, stage reached), generated vectorised with numpy and
   written once as Parquet. Persons per area, year, offence, sex and age at each stage and the attrition
   ratios: as an ibis expression on DuckDB (the platform's way), as hand-written DuckDB SQL and in pandas.
   Each side reads the same Parquet file and returns Arrow; the results must agree exactly on counts, to
   1e-12 on ratios.
4. Memory: each measurement runs in a forked child and reports its own peak RSS
   (``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the whole process, including DuckDB's native memory and
   whatever the child inherited from the parent at fork time, which is reported as ``base_mb``).

Targets: the engine within 1.3x of hand SQL, at least 3x faster than pandas. With ``--repeat R`` each
side runs R times (each in its own child, the sides interleaved) and the fastest of each pass counts:
on a shared machine the other processes' load is the main source of noise.

Run: ``python benchmarks/indicators.py [--cases N] [--copies K] [--skip-real] [--data ../shared/data]
[--repeat R] [--json]``. Prints a table and, last, the JSON of every figure.
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

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # when loaded by path (the tests), not run as a script
    sys.path.insert(0, str(HERE))

import chain_methods as chain  # noqa: E402
import indicator_methods as methods  # noqa: E402
from chain_methods import chain_hand_sql, chain_ibis, chain_pandas, compare_chain, generate_cases  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCES = ("unodc_cts", "population", "sdg16")

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


def interleaved(
    sides: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]], repeat: int, isolate: bool = True
) -> dict[str, dict[str, Any]]:
    """Each side ``repeat`` times, the sides taking turns; per side the fastest whole call (``seconds``)
    and, when the side reports them, the fastest of each of its passes (``passes``), the largest peak
    memory, and the result of the first run (one is enough to compare)."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, (fn, args) in sides.items():
            run = measure(fn, *args, isolate=isolate)
            result = run.pop("result")
            if isinstance(result, dict) and "passes" in result:
                run["passes"], run["cpu"] = result["passes"], result["cpu"]
            results.setdefault(name, result)
            runs[name].append(run)
    out: dict[str, dict[str, Any]] = {}
    for name, measured in runs.items():
        out[name] = {
            "seconds": min(r["seconds"] for r in measured),
            "peak_mb": max(r["peak_mb"] for r in measured),
            "base_mb": measured[0]["base_mb"],
            "result": results[name],
        }
        for field in ("passes", "cpu"):
            if field in measured[0]:
                out[name][field] = {p: min(r[field][p] for r in measured) for p in measured[0][field]}
    return out


# ------------------------------------------------------------------------------- 1 and 2. every indicator


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


def bench_indicators(
    engine: tuple[Callable[..., Any], tuple[Any, ...]], parquet: Path, repeat: int, isolate: bool = True
) -> dict[str, Any]:
    """Every indicator three ways over ``parquet``: timings per pass, memory and agreement."""
    sides = interleaved(
        {
            "engine": engine,
            "hand_sql": (methods.hand_sql, (parquet,)),
            "pandas": (methods.pandas_all, (parquet,)),
        },
        repeat,
        isolate,
    )
    tables = {name: side["result"]["tables"] for name, side in sides.items()}
    n = len(tables["engine"])
    return {
        "observations": pq.ParquetFile(parquet).metadata.num_rows,
        "indicators": n,
        "result_rows": methods.result_rows(tables["engine"]),
        **_pass_summary(sides, n),
        "agreement": {
            "engine_vs_hand_sql": methods.compare(tables["engine"], tables["hand_sql"]),
            "engine_vs_pandas": methods.compare(tables["engine"], tables["pandas"]),
        },
    }


def bench_real(data_dir: Path, repeat: int, isolate: bool = True) -> dict[str, Any]:
    """Section 1: the engine's public path on the published release."""
    parquet = release_parquet(data_dir)
    return bench_indicators((methods.engine_release, (data_dir,)), parquet, repeat, isolate)


def bench_large(data_dir: Path, copies: int, repeat: int, isolate: bool = True) -> dict[str, Any]:
    """Section 2: the real release replicated ``copies`` times under synthetic areas."""
    with tempfile.TemporaryDirectory(prefix="bench-indicators-large-") as tmp:
        path = Path(tmp) / "observations.parquet"
        start = time.perf_counter()
        methods.replicate(release_parquet(data_dir), path, copies)
        generated = time.perf_counter() - start
        report = bench_indicators((methods.engine_file, (path,)), path, repeat, isolate)
        return {
            "copies": copies,
            "generate_seconds": round(generated, 2),
            "parquet_mb": round(path.stat().st_size / 2**20, 1),
            **report,
        }


def indicators_agree(report: dict[str, Any]) -> bool:
    return all(methods.agrees(c) for c in report["agreement"].values())


# ----------------------------------------------------------------------------------- 3. justice chain


def bench_chain(cases: int, repeat: int, isolate: bool = True, seed: int = 11) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-chain-") as tmp:
        path = Path(tmp) / "cases.parquet"
        start = time.perf_counter()
        pq.write_table(generate_cases(cases, seed), path)
        generated = time.perf_counter() - start
        sides = interleaved(
            {
                "engine": (chain_ibis, (path,)),
                "hand_sql": (chain_hand_sql, (path,)),
                "pandas": (chain_pandas, (path,)),
            },
            repeat,
            isolate,
        )
        results = {name: chain.normalise(side["result"]) for name, side in sides.items()}
        engine = results["engine"]
        return {
            "cases": cases,
            "groups": len(engine),
            "generate_seconds": round(generated, 2),
            "parquet_mb": round(path.stat().st_size / 2**20, 1),
            **_summary(sides),
            "agreement": {
                "engine_vs_hand_sql": compare_chain(engine, results["hand_sql"]),
                "engine_vs_pandas": compare_chain(engine, results["pandas"]),
            },
        }


def chain_agrees(report: dict[str, Any], tolerance: float = 1e-12) -> bool:
    return all(
        c["keys_and_counts_equal"] and c["null_ratios_match"] and c["max_abs_diff"] <= tolerance
        for c in report["agreement"].values()
    )


# ----------------------------------------------------------------------------------------------- report


def _targets(engine: float, hand_sql: float, pandas: float) -> dict[str, Any]:
    return {
        "engine_over_hand_sql": round(engine / hand_sql, 2),
        "pandas_over_engine": round(pandas / engine, 2),
        "within_1_3x_of_hand_sql": engine <= 1.3 * hand_sql,
        "3x_faster_than_pandas": pandas >= 3 * engine,
    }


def _summary(sides: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One timing per side (the justice chain)."""
    seconds = {k: v["seconds"] for k, v in sides.items()}
    return {
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "peak_mb": {k: round(v["peak_mb"], 1) for k, v in sides.items()},
        "base_mb": {k: round(v["base_mb"], 1) for k, v in sides.items()},
        "ratios": _targets(seconds["engine"], seconds["hand_sql"], seconds["pandas"]),
    }


def _pass_summary(sides: dict[str, dict[str, Any]], indicators: int) -> dict[str, Any]:
    """Two passes per side (first: cold engine, connecting, reading; second: warm)."""
    passes = {k: v["passes"] for k, v in sides.items()}
    return {
        "seconds": {k: {p: round(s, 3) for p, s in v.items()} for k, v in passes.items()},
        "cpu_seconds": {k: {p: round(s, 3) for p, s in v["cpu"].items()} for k, v in sides.items()},
        "ms_per_indicator": {k: round(1000 * v["second"] / max(indicators, 1), 1) for k, v in passes.items()},
        "peak_mb": {k: round(v["peak_mb"], 1) for k, v in sides.items()},
        "base_mb": {k: round(v["base_mb"], 1) for k, v in sides.items()},
        "ratios": {
            p: _targets(passes["engine"][p], passes["hand_sql"][p], passes["pandas"][p])
            for p in ("first", "second")
        },
    }


def _ratio_line(label: str, r: dict[str, Any]) -> str:
    return (
        f"  {label}: engine / hand SQL = {r['engine_over_hand_sql']:.2f}x (target <= 1.3), "
        f"pandas / engine = {r['pandas_over_engine']:.2f}x (target >= 3)"
    )


def print_table(name: str, part: dict[str, Any]) -> None:
    print(f"\n{name}")
    two = isinstance(part["seconds"]["engine"], dict)
    if two:
        print(
            f"  {'side':<10} {'first s':>9} {'second s':>9} {'ms/ind.':>8} {'cpu 1st':>8} {'cpu 2nd':>8} "
            f"{'peak MB':>9} {'base MB':>9}"
        )
    else:
        print(f"  {'side':<10} {'seconds':>9} {'peak MB':>9} {'base MB':>9}")
    for side in ("engine", "hand_sql", "pandas"):
        peak, base = part["peak_mb"][side], part["base_mb"][side]
        if two:
            first, second = part["seconds"][side]["first"], part["seconds"][side]["second"]
            per, cpu = part["ms_per_indicator"][side], part["cpu_seconds"][side]
            print(
                f"  {side:<10} {first:>9.3f} {second:>9.3f} {per:>8.1f} {cpu['first']:>8.2f} "
                f"{cpu['second']:>8.2f} {peak:>9.1f} {base:>9.1f}"
            )
        else:
            print(f"  {side:<10} {part['seconds'][side]:>9.3f} {peak:>9.1f} {base:>9.1f}")
    if two:
        print(_ratio_line("first pass (engine cold)", part["ratios"]["first"]))
        print(_ratio_line("second pass (engine warm)", part["ratios"]["second"]))
    else:
        print(_ratio_line("one pass", part["ratios"]))
    for pair, result in part["agreement"].items():
        print(f"  {pair}: {result}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=10_000_000, help="synthetic case records (10,000,000)")
    parser.add_argument("--copies", type=int, default=68, help="copies of the real data (68; 0: skip)")
    parser.add_argument("--skip-real", action="store_true", help="skip the real and replicated data")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the fastest counts")
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    args = parser.parse_args(argv)

    report: dict[str, Any] = {
        "memory": "ru_maxrss of a forked child per measurement (whole process: DuckDB native memory "
        "included; base_mb = the child's RSS at fork, inherited from the parent)",
        "repeat": args.repeat,
    }
    ok = True
    if not args.skip_real:
        with tempfile.TemporaryDirectory(prefix="bench-indicators-") as tmp:
            start = time.perf_counter()
            data_dir: Path = measure(prepare_release, args.data, Path(tmp))["result"]
            report["import_publish_seconds"] = round(time.perf_counter() - start, 2)
            report["real"] = real = bench_real(data_dir, args.repeat)
            ok = ok and indicators_agree(real)
            if not args.json:
                print_table(
                    f"1. Every indicator on the real data ({real['indicators']} indicators, "
                    f"{real['observations']:,} observations, {real['result_rows']:,} values)",
                    real,
                )
            if args.copies > 0:
                report["large"] = large = bench_large(data_dir, args.copies, args.repeat)
                ok = ok and indicators_agree(large)
                if not args.json:
                    print_table(
                        f"2. Every indicator on the real data x {args.copies} synthetic areas "
                        f"({large['observations']:,} observations, {large['result_rows']:,} values)",
                        large,
                    )
    if args.cases > 0:
        report["chain"] = chain = bench_chain(args.cases, args.repeat)
        ok = ok and chain_agrees(chain)
        if not args.json:
            print_table(f"3. Justice chain from {args.cases:,} cases ({chain['groups']:,} groups)", chain)
    if not args.json:
        print()
    print(json.dumps(report, indent=2))
    if not ok:
        print("the three methods disagree", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
