"""Outlier rules: robust z-scores against a country's own history and against its sub-region."""

from __future__ import annotations

import math
import statistics

from observatory.collect.checks.rules import load_rules
from observatory.collect.validation import validate
from observatory.model.observation import Observation, Provenance, SeriesKey

SPEC = ["code", "key", "expected", "found"]
RULES = load_rules()
WESTERN_EUROPE = ["AUT", "BEL", "CHE", "DEU", "FRA", "NLD"]  # M49 155


def obs(area: str, period: int, value: float, unit: str = "count") -> Observation:
    key = SeriesKey("persons-held", unit=unit)
    return Observation(area, str(period), key, value, Provenance("UN-CTS"))


def robust_z(values: list[float], x: float) -> float:
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    return (x - median) / (1.4826 * mad)


def series(changes: list[float], start: float = 1000.0) -> list[float]:
    values = [start]
    for change in changes:
        values.append(values[-1] * math.exp(change))
    return values


def test_a_change_far_from_the_series_usual_changes() -> None:
    changes = [0.01, 0.02, 0.03, 0.04, 0.05, 1.0]
    values = series(changes)
    history = [obs("AUT", 2016 + i, v) for i, v in enumerate(values[:-1])]
    report = validate(
        [obs("AUT", 2022, values[-1])], history=history, config=RULES.only("outlier-own-history")
    )
    z = robust_z(changes, 1.0)
    assert report.flatten(SPEC) == [
        [
            "outlier-own-history",
            "AUT 2022 persons-held._T._T._T._T._T._T.count",
            "robust z within ±3.5",
            f"z = {z:.1f}",
        ]
    ]
    message = report.problems[0].message
    assert message.startswith(f"from {values[-2]:.10g} the year before to {values[-1]:.10g}: a change 43.4 ")
    assert message.endswith(
        "robust standard deviations from this series' usual change over 6 years [rule outlier-own-history]"
    )


def test_usual_changes_and_short_series_pass() -> None:
    values = series([0.01, 0.02, 0.03, 0.04, 0.05, 0.06])
    round_ = [obs("AUT", 2016 + i, v) for i, v in enumerate(values)]
    assert validate(round_, config=RULES.only("outlier-own-history")).problems == []
    spiky = series([0.01, 0.02, 0.03, 1.0])  # only 4 changes: fewer than min_points
    round_ = [obs("AUT", 2018 + i, v) for i, v in enumerate(spiky)]
    assert validate(round_, config=RULES.only("outlier-own-history")).problems == []


def test_a_rate_far_from_the_sub_region() -> None:
    rates = [10.0, 11.0, 12.0, 13.0, 14.0, 100.0]
    round_ = [
        obs(area, 2022, rate, "rate-per-100k") for area, rate in zip(WESTERN_EUROPE, rates, strict=True)
    ]
    report = validate(round_, config=RULES.only("outlier-subregion"))
    logs = [math.log(r) for r in rates]
    z, median = robust_z(logs, math.log(100)), math.exp(statistics.median(logs))
    assert report.flatten(SPEC) == [
        [
            "outlier-subregion",
            "NLD 2022 persons-held._T._T._T._T._T._T.rate-per-100k",
            f"robust z within ±3.5 (median {median:.10g})",
            f"100 (z = {z:.1f})",
        ]
    ]
    assert "of the 6 values of Western Europe that year" in report.problems[0].message


def test_a_sub_region_too_small_or_counts_are_not_judged() -> None:
    rates = [10.0, 11.0, 12.0, 100.0]
    round_ = [
        obs(area, 2022, rate, "rate-per-100k") for area, rate in zip(WESTERN_EUROPE, rates, strict=False)
    ]
    assert validate(round_, config=RULES.only("outlier-subregion")).problems == []
    counts = [obs(area, 2022, v) for area, v in zip(WESTERN_EUROPE, [10, 11, 12, 13, 14, 100], strict=True)]
    assert validate(counts, config=RULES.only("outlier-subregion")).problems == []
