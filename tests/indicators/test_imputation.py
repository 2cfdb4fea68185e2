"""Imputation of missing country-years: interpolation, carry within a limit, percentiles."""

from __future__ import annotations

import pytest

from observatory.errors import InvalidInput
from observatory.indicators.imputation import (
    Filled,
    GroupStatistic,
    fill_from_own_series,
    group_rate,
    percentile,
    weighted_rate,
)
from observatory.model.aggregate import CoverageRule, ImputationMethod, ImputationRule

SERIES = {2000: 10.0, 2004: 20.0}


def test_reported_years_are_kept() -> None:
    assert fill_from_own_series(SERIES, 2000) == Filled(10.0)


def test_interpolation_between_reported_years() -> None:
    assert fill_from_own_series(SERIES, 2001) == Filled(12.5, ImputationMethod.interpolation)


def test_carry_within_the_limit_only() -> None:
    rule = ImputationRule(max_carry_years=2)
    assert fill_from_own_series(SERIES, 2006, rule) == Filled(20.0, ImputationMethod.carry)
    assert fill_from_own_series(SERIES, 1998, rule) == Filled(10.0, ImputationMethod.carry)
    assert fill_from_own_series(SERIES, 2007, rule) is None


def test_gap_too_wide_falls_back_to_carry() -> None:
    rule = ImputationRule(max_interpolation_gap=3, max_carry_years=2)
    assert fill_from_own_series(SERIES, 2001, rule) == Filled(10.0, ImputationMethod.carry)
    assert fill_from_own_series(SERIES, 2003, rule) == Filled(20.0, ImputationMethod.carry)


def test_methods_can_be_switched_off() -> None:
    rule = ImputationRule(methods=(ImputationMethod.carry,), max_carry_years=1)
    assert fill_from_own_series(SERIES, 2001, rule) == Filled(10.0, ImputationMethod.carry)
    assert fill_from_own_series(SERIES, 2002, rule) is None
    assert fill_from_own_series({}, 2002) is None


def test_weights_and_percentiles() -> None:
    assert weighted_rate([(10.0, 1.0), (20.0, 3.0)]) == pytest.approx(17.5)
    assert weighted_rate([]) is None
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 10) == pytest.approx(1.4)
    assert percentile([7.0], 90) == 7.0


def test_bad_rules_are_refused_with_a_code() -> None:
    with pytest.raises(InvalidInput) as caught:
        ImputationRule(max_carry_years=-1)
    assert caught.value.code == "invalid-imputation-rule"
    with pytest.raises(InvalidInput):
        ImputationRule(interval_percentiles=(90.0, 10.0))
    with pytest.raises(InvalidInput) as coverage:
        CoverageRule(min_population_share=1.5)
    assert coverage.value.code == "invalid-coverage-rule"


def test_group_statistics() -> None:
    pairs = [(1.0, 100.0), (2.0, 300.0), (30.0, 1.0), (5.0, 0.0)]  # the last has no population: left out
    assert group_rate(pairs) == pytest.approx((1.0 * 100 + 2.0 * 300 + 30.0) / 401)
    assert group_rate(pairs, GroupStatistic.mean) == pytest.approx(11.0)
    assert group_rate(pairs, GroupStatistic.median) == pytest.approx(2.0)
    assert group_rate([], GroupStatistic.median) is None
    assert [s.value for s in GroupStatistic] == ["weighted-mean", "mean", "median"]
