"""What the validation rules find in the three real UNODC data-portal exports: counts and worst examples.

Parses ``../shared/data/unodc_cts/*.csv``, runs every shipped rule, and prints JSON: how many problems each
rule and each code found, and for each rule the 5 worst examples. "Worst" is the size of the violation: the
robust z-score for outliers, the number of empty cells for completeness, otherwise how far the value found is
from the value expected, relative to the expected (a total of 100 with parts adding up to 300 scores 2).

    python benchmarks/validation_findings.py [--data ../shared/data/unodc_cts] [--worst 5]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from pathlib import Path
from typing import Any

import ibis

from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.checks.base import Finding
from observatory.collect.checks.rules import load_rules
from observatory.collect.parsing import parse_file
from observatory.collect.validation import findings, observations_table, prepare

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "unodc_cts"


def score(row: Finding) -> float:
    """How bad one finding is (bigger is worse)."""
    if row["extra"] is not None and row["code"].startswith("outlier"):
        return abs(row["extra"])
    if row["code"] == "missing-from-questionnaire":
        return float(row["n"])
    expected, found = row["expected"], row["found"]
    if row["code"] == "non-integer-count":
        return abs(found - round(found))
    if expected is None or found is None:
        return 0.0
    return abs(found - expected) / max(abs(expected), 1.0)


def run(folder: Path, worst: int) -> dict[str, Any]:
    start = time.perf_counter()
    observations = []
    for path in sorted(folder.glob("unodc_cts_*.csv")):
        observations += parse_file(path, max_bytes=50 * 1024 * 1024).observations
    parsed = time.perf_counter() - start
    rules = load_rules()
    con = ibis.duckdb.connect()
    ctx = prepare(con, observations_table(observations), observations_table([]), load_questionnaire())
    counts: dict[str, int] = {}
    codes: Counter[str] = Counter()
    examples: dict[str, list[dict[str, Any]]] = {}
    for check in rules:
        rows = findings(check, ctx).to_pylist()
        counts[check.rule.id] = len(rows)
        codes.update(row["code"] for row in rows)
        top = sorted(rows, key=lambda r: (-score(r), check.key(r)))[:worst]
        examples[check.rule.id] = [
            {
                "score": round(score(r), 3),
                **{k: v for k, v in check.problem(r).to_dict().items() if v is not None},
            }
            for r in top
            if math.isfinite(score(r))
        ]
    con.disconnect()
    return {
        "observations": len(observations),
        "parse_seconds": round(parsed, 1),
        "validate_seconds": round(time.perf_counter() - start - parsed, 1),
        "problems": sum(counts.values()),
        "counts_by_rule": counts,
        "counts_by_code": dict(sorted(codes.items())),
        "worst": examples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the UNODC exports")
    parser.add_argument("--worst", type=int, default=5, help="examples per rule")
    args = parser.parse_args()
    print(json.dumps(run(args.data, args.worst), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
