"""Benchmarks: each measurement is reported as a ratio to a baseline measured in the same run.

1. Import: ``import_paths`` on the real UNODC prisons export (65,797 rows: parse, validate, map to ICCS,
   store with provenance) against the floor of merely reading the same file with ``csv.DictReader``.
2. Re-import of the same file (idempotency check path) against the first import.
3. Query: one area's series from the published Parquet release through ibis/DuckDB against the same
   question asked of the operational SQLite store with SQLAlchemy.

Run with ``make bench`` (or ``python benchmarks/run.py [--repeat N]``). Prints a table and JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from observatory.collect.importing import import_paths
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.store.tables import ObservationRow
from observatory.warehouse.query import ObservationFilter, query_observations
from observatory.warehouse.release import publish

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PRISONS = SHARED / "unodc_cts" / "unodc_cts_prisons_and_prisoners_2023-05-11.csv"


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read_floor() -> int:
    with PRISONS.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not PRISONS.exists():
        sys.exit(f"benchmark data missing: {PRISONS}")
    results: dict[str, dict[str, float]] = {}

    baseline = timed(read_floor, args.repeat)

    def fresh_import() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Settings(data_dir=Path(tmp)))
            store.init()
            import_paths(store, [PRISONS])
            store.dispose()

    first = timed(fresh_import, args.repeat)
    results["import"] = {"baseline_s": baseline, "measured_s": first, "ratio": first / baseline}

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Settings(data_dir=Path(tmp)))
        store.init()
        import_paths(store, [PRISONS])
        again = timed(lambda: import_paths(store, [PRISONS]), args.repeat)
        results["reimport"] = {"baseline_s": first, "measured_s": again, "ratio": again / first}
        publish(store)
        flt = ObservationFilter(area=("MEX",), variable=("persons-held",))
        query_observations(store, flt)  # warm the connection

        def sqlite_query() -> None:
            with store.session() as session:
                session.execute(
                    select(ObservationRow).where(
                        ObservationRow.area == "MEX", ObservationRow.variable == "persons-held"
                    )
                ).all()

        sql = timed(sqlite_query, args.repeat * 5)
        duck = timed(lambda: query_observations(store, flt), args.repeat * 5)
        results["query"] = {"baseline_s": sql, "measured_s": duck, "ratio": duck / sql}
        store.dispose()

    print(f"{'benchmark':<10} {'baseline (s)':>13} {'measured (s)':>13} {'ratio':>8}")
    for name, r in results.items():
        print(f"{name:<10} {r['baseline_s']:>13.4f} {r['measured_s']:>13.4f} {r['ratio']:>8.2f}")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
