"""Every estimate, standard error, interval and design effect against R's ``survey`` (golden JSON).

The reference values come from ``scripts/survey_reference.R`` (R and survey versions and the exact calls
are in the file). Tolerance: 1e-8 relative, far inside the 1e-6 asked for; only floating-point
summation order differs from R.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from observatory.surveys import estimate
from observatory.surveys.design import SurveySample
from observatory.surveys.quantile import quantile
from observatory.surveys.replication import ReplicateSample
from observatory.surveys.results import Estimates

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "surveys" / "r_reference.json"
Sample = SurveySample | ReplicateSample

CASES: list[dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="utf-8"))["cases"]
RELATIVE = 1e-8


def _run(sample: Sample, case: dict[str, Any]) -> Estimates:
    na_rm = "na.rm = TRUE" in case["call"]
    by = case["by"]
    statistic, variable = case["statistic"], case["variable"]
    if statistic == "ratio":
        numerator, denominator = variable.split("/")
        return estimate.ratio(sample, numerator, denominator, by=by, na_rm=na_rm)
    if statistic == "quantile":
        return quantile(sample, variable, case.get("p", 0.5), by=by, na_rm=na_rm)
    function = {"mean": estimate.mean, "total": estimate.total, "proportion": estimate.proportion}[statistic]
    return function(sample, variable, by=by, na_rm=na_rm)


def _close(ours: float | None, theirs: float | None) -> bool:
    if theirs is None:
        return ours is None or math.isnan(ours)
    assert ours is not None
    return math.isclose(ours, theirs, rel_tol=RELATIVE, abs_tol=1e-12)


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=[
        f"{c['design']}:{c['call'].split('(')[0]}:{c['variable']}:{c['by']}:{i}" for i, c in enumerate(CASES)
    ],
)
def test_matches_r(samples: dict[str, Sample], case: dict[str, Any]) -> None:
    result = _run(samples[case["design"]], case)
    assert len(result.rows) == len(case["rows"]), case["call"]
    for ours, theirs in zip(result.rows, case["rows"], strict=True):
        if case["by"]:
            assert ours.domain == theirs["term"]
        elif case["statistic"] == "proportion":
            assert theirs["term"] == f"{case['variable']}{ours.term}"
        assert _close(ours.estimate, theirs["estimate"]), (case["call"], ours, theirs)
        assert _close(ours.se, theirs["se"]), (case["call"], ours.se, theirs["se"])
        if not (case["by"] and case["statistic"] == "quantile"):  # svyby prints est +/- z se there
            assert _close(ours.ci_lower, theirs["ci_lower"]), (case["call"], ours, theirs)
            assert _close(ours.ci_upper, theirs["ci_upper"]), (case["call"], ours, theirs)
        if theirs["deff"] is not None:
            assert _close(ours.deff, theirs["deff"]), (case["call"], ours.deff, theirs["deff"])


def test_reference_records_its_provenance() -> None:
    provenance = json.loads(GOLDEN.read_text(encoding="utf-8"))["provenance"]
    assert provenance["survey_version"] and provenance["r_version"].startswith("R version")
    assert all(case["call"].startswith(("svy", "confint")) for case in CASES)
    assert len(CASES) >= 150
