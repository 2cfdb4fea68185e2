"""The case-level justice-chain benchmark at 20,000 cases: ibis, hand-written SQL and pandas agree.

No timing is asserted: this checks that ``benchmarks/indicators.py`` computes the same thing three ways.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

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
