"""Population-weighted aggregates: membership, coverage, imputation, intervals; against UNODC's figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pytest

from observatory.catalog.areas import load_areas
from observatory.errors import InvalidInput, NotFound
from observatory.indicators.aggregates import aggregate
from observatory.indicators.imputation import GroupStatistic
from observatory.indicators.unodc import PopulationBasis
from observatory.model.aggregate import (
    AggregateFlag,
    AggregateLevel,
    CoverageRule,
    ImputationMethod,
    ImputationRule,
)

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "homicide_aggregates.py"
NORTHERN_AMERICA = ["BMU", "CAN", "GRL", "SPM", "USA"]


def population(year: int = 2020, **people: float) -> list[dict[str, object]]:
    return [{"area": a, "year": year, "population": p} for a, p in people.items()]


def test_northern_america_members_are_what_the_catalogue_says() -> None:
    assert [a.code for a in load_areas().members("021")] == NORTHERN_AMERICA


def test_population_weighted_rate_of_reporting_members() -> None:
    pop = population(USA=300.0e6, CAN=40.0e6, BMU=0.0, GRL=0.0, SPM=0.0)
    rates = pa.table({"area": ["USA", "CAN"], "year": [2020, 2020], "value": [6.0, 2.0]})
    (result,) = aggregate(rates, areas=["021"], population=pop)
    assert result.area == "021" and result.year == 2020
    assert result.value == pytest.approx((6.0 * 300 + 2.0 * 40) / 340)
    assert result.coverage == pytest.approx(1.0)
    assert result.lower == result.upper == result.value
    assert result.flags == frozenset() and result.imputed == {}
    assert result.total == pytest.approx(6.0 * 3000 + 2.0 * 400)


def test_counts_and_denominators_give_the_pooled_rate() -> None:
    rows = [
        {"area": "USA", "year": 2020, "numerator": 18_000.0, "denominator": 300.0e6},
        {"area": "CAN", "year": 2020, "numerator": 800.0, "denominator": 40.0e6},
    ]
    (result,) = aggregate(rows, areas=["021"], population=[])
    assert result.value == pytest.approx(18_800 / 340e6 * 1e5)


def test_parts_of_a_country_are_not_counted_twice() -> None:
    rates = [
        {"area": "GBR", "year": 2020, "value": 1.0},
        {"area": "GBR_E_W", "year": 2020, "value": 1.1},
        {"area": "GBR_S", "year": 2020, "value": 2.0},
    ]
    pop = population(GBR=67.0e6, GBR_E_W=60.0e6, GBR_S=5.0e6)
    (result,) = aggregate(rates, areas=["154"], population=pop, imputation=ImputationRule(methods=()))
    assert result.value == pytest.approx(1.0)
    assert result.members == 1


def test_low_coverage_is_flagged_or_withheld() -> None:
    pop = population(USA=300.0e6, CAN=40.0e6)
    rates = [{"area": "CAN", "year": 2020, "value": 2.0}]
    (flagged,) = aggregate(rates, areas=["021"], population=pop)
    assert AggregateFlag.low_coverage in flagged.flags and not flagged.publishable
    assert flagged.coverage == pytest.approx(40 / 340)
    (withheld,) = aggregate(rates, areas=["021"], population=pop, coverage=CoverageRule(0.1, withhold=True))
    assert withheld.value is not None and withheld.flags == frozenset({AggregateFlag.imputed})
    (gone,) = aggregate(rates, areas=["021"], population=pop, coverage=CoverageRule(0.5, withhold=True))
    assert gone.value is None and AggregateFlag.low_coverage in gone.flags


def test_imputed_members_are_counted_by_method_and_widen_the_interval() -> None:
    rows = [
        {"area": "USA", "year": 2018, "value": 5.0},
        {"area": "USA", "year": 2020, "value": 7.0},
        {"area": "CAN", "year": 2017, "value": 2.0},
        {"area": "MEX", "year": 2019, "value": 29.0},
        {"area": "GTM", "year": 2019, "value": 22.0},
        {"area": "BRA", "year": 2019, "value": 21.0},
        {"area": "FRA", "year": 2019, "value": 1.0},
    ]
    pop = population(2019, USA=300.0e6, CAN=40.0e6, GRL=56_000.0)
    (result,) = aggregate(rows, areas=["021"], population=pop, years=[2019])
    assert result.imputed == {
        ImputationMethod.interpolation: 1,
        ImputationMethod.carry: 1,
        ImputationMethod.subregional_rate: 1,
    }
    assert result.coverage == 0.0 and result.reporting == 0 and result.members == 3
    assert {AggregateFlag.imputed, AggregateFlag.low_coverage} <= result.flags
    assert result.lower is not None and result.upper is not None and result.value is not None
    assert result.lower < result.value < result.upper


def test_the_group_statistic_decides_the_rate_imputed_to_a_member_without_data() -> None:
    rows = [
        {"area": "USA", "year": 2020, "value": 6.0},
        {"area": "CAN", "year": 2020, "value": 2.0},
        {"area": "BMU", "year": 2020, "value": 1.0},
    ]
    pop = population(USA=300.0e6, CAN=40.0e6, BMU=60_000.0, GRL=56_000.0)
    imputed = {}
    for statistic in GroupStatistic:
        (result,) = aggregate(rows, areas=["021"], population=pop, group_statistic=statistic)
        assert result.imputed == {ImputationMethod.subregional_rate: 1}
        assert result.total is not None
        imputed[statistic] = (result.total - (6.0 * 3000 + 2.0 * 400 + 1.0 * 0.6)) / 0.56
    assert imputed[GroupStatistic.weighted_mean] == pytest.approx((6.0 * 300 + 2.0 * 40 + 0.06) / 340.06)
    assert imputed[GroupStatistic.mean] == pytest.approx(3.0)
    assert imputed[GroupStatistic.median] == pytest.approx(2.0)


def test_levels_choose_the_catalogue_areas() -> None:
    rows = [{"area": "FRA", "year": 2020, "value": 1.0}]
    pop = population(FRA=68.0e6)
    world = aggregate(rows, level=AggregateLevel.world, population=pop)
    assert [r.area for r in world] == ["001"]
    regions = aggregate(rows, level=AggregateLevel.region, population=pop)
    assert [r.area for r in regions] == ["002", "009", "019", "142", "150"]
    europe = next(r for r in regions if r.area == "150")
    assert europe.value == pytest.approx(1.0)
    africa = next(r for r in regions if r.area == "002")
    assert africa.value is None and AggregateFlag.no_data in africa.flags
    subregions = aggregate(rows, level=AggregateLevel.subregion, population=pop)
    assert "155" in [r.area for r in subregions] and "150" not in [r.area for r in subregions]


def test_bad_input_is_an_error_never_a_silent_zero() -> None:
    with pytest.raises(InvalidInput) as zero:
        aggregate([{"area": "FRA", "year": 2020, "numerator": 5.0, "denominator": 0.0}], population=[])
    assert zero.value.code == "zero-denominator"
    with pytest.raises(InvalidInput) as twice:
        aggregate([{"area": "FRA", "year": 2020, "value": 1.0}] * 2, population=[])
    assert twice.value.code == "duplicate-country-year"
    with pytest.raises(InvalidInput) as text:
        aggregate([{"area": "FRA", "year": 2020, "value": "1"}], population=[])
    assert text.value.code == "invalid-number"
    with pytest.raises(InvalidInput) as country:
        aggregate([], areas=["FRA"], population=[])
    assert country.value.code == "not-an-aggregate"
    with pytest.raises(NotFound):
        aggregate([], areas=["999"], population=[])


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("homicide_aggregates_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_agreement_with_unodc_regional_aggregates(shared_data: Path) -> None:
    """Share of region-years 2000-2022 within 5% of UNODC's published "(UN)" and World figures.

    Measured 74.5% (394 of 529) with the default method (74.1% on World Bank population), below the 90%
    target: UNODC fills non-reporting countries (Sudan, Libya, most of Sub-Saharan Africa, Syria, Iraq,
    Yemen, North Korea) with model estimates we do not have. ``docs/method-aggregates.md`` explains every
    area that misses; the report gives each miss's population shares and the rate its imputed members
    would need.
    """
    bench = _benchmark()
    rows = bench.compare(shared_data)
    assert len(rows) == 529
    assert bench.share_within(rows) == pytest.approx(394 / 529)
    world = [r for r in rows if r.area == "001"]
    assert sum(abs(r.difference) <= 0.05 for r in world) >= 21
    assert all(abs(r.difference) <= 0.1 for r in world)
    report = bench.report(rows, 0.05)
    assert "region-years within 5%: 74.5%" in report
    misses = [r for r in rows if abs(r.difference) > 0.05]
    assert all(r.cause for r in misses) and len(misses) == 529 - 394
    # Northern Africa: the rate UNODC's figure implies for the members without data is far above ours.
    sudan_years = [r for r in misses if r.area == "015" and 2006 <= r.year <= 2010]
    assert sudan_years and all(r.needed is not None and r.needed > 10 * r.imputed_rate for r in sudan_years)


def test_the_policy_choices_are_options(shared_data: Path) -> None:
    """World Bank population instead of UNODC's implied population gives the earlier 74.1%."""
    bench = _benchmark()
    method = bench.Method(population=PopulationBasis.world_bank)
    assert bench.share_within(bench.compare(shared_data, method=method)) == pytest.approx(392 / 529)
    median = bench.Method(statistic=GroupStatistic.median)
    assert bench.share_within(bench.compare(shared_data, method=median)) < 392 / 529
