"""``benchmarks/indicators.py`` at test size: the engine, hand-written SQL and pandas agree on every
indicator of the real data, on the real data replicated under synthetic areas, and on the case-level
justice chain at 20,000 cases.

No timing is asserted: this checks that the benchmark computes the same thing three ways.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from observatory.catalog.indicators import load_indicators
from observatory.store.db import Store

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "indicators.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("indicators_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_chain_three_methods_agree_on_20000_cases(bench: ModuleType) -> None:
    report = bench.bench_chain(20_000, repeat=1, isolate=False)
    assert report["cases"] == 20_000
    assert report["groups"] > 0
    for comparison in report["agreement"].values():
        assert comparison["rows"][0] == comparison["rows"][1] == report["groups"]
        assert comparison["keys_and_counts_equal"]
        assert comparison["null_ratios_match"]
        assert comparison["max_abs_diff"] <= 1e-12
    assert bench.chain_agrees(report)


def test_chain_counts_are_cumulative_stages(bench: ModuleType, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    cases = bench.generate_cases(20_000, seed=3)
    path = tmp_path / "cases.parquet"
    pq.write_table(cases, path)
    result = bench.chain_ibis(path)
    assert sum(result.column("contact").to_pylist()) == 20_000
    stages = cases.column("stage").cast("string").to_pylist()
    assert sum(result.column("convicted").to_pylist()) == stages.count("convicted")
    assert sum(result.column("prosecuted").to_pylist()) == stages.count("prosecuted") + stages.count(
        "convicted"
    )
    for row in result.to_pylist():
        assert row["convicted"] <= row["prosecuted"] <= row["contact"]


def _agree(report: dict[str, Any]) -> None:
    for comparison in report["agreement"].values():
        assert comparison["rows"][0] == comparison["rows"][1] == report["result_rows"]
        assert comparison["keys_equal"] and comparison["flags_equal"]
        assert comparison["null_mismatches"] == 0
        assert comparison["max_rel_diff"] <= 1e-9


def test_every_indicator_three_methods_agree_on_the_real_data(bench: ModuleType, real_store: Store) -> None:
    report = bench.bench_real(real_store.settings.resolved_data_dir, repeat=1, isolate=False)
    assert report["indicators"] == len(load_indicators())
    assert report["result_rows"] > 10_000
    _agree(report)
    assert bench.indicators_agree(report)
    for side in ("engine", "hand_sql", "pandas"):
        assert set(report["seconds"][side]) == {"first", "second"}
    assert set(report["ratios"]) == {"first", "second"}


def test_replicated_data_computes_each_copy_like_the_original(bench: ModuleType, real_store: Store) -> None:
    data_dir = real_store.settings.resolved_data_dir
    real = bench.bench_real(data_dir, repeat=1, isolate=False)
    large = bench.bench_large(data_dir, 2, repeat=1, isolate=False)
    assert large["observations"] == 2 * real["observations"]
    assert large["result_rows"] == 2 * real["result_rows"]
    _agree(large)
