"""UNODC's published totals, its implied population, and the population and rate-source options."""

from __future__ import annotations

import pytest

from observatory.indicators.unodc import (
    PopulationBasis,
    PublishedTotal,
    RateSource,
    national_rates,
    population_basis,
    published_totals,
)


def _rows(
    area: str, year: int, male: tuple[float, float], female: tuple[float, float]
) -> list[dict[str, object]]:
    """Rate and count for each sex, as observation rows of the SDG series."""
    found: list[dict[str, object]] = []
    for sex, (rate, count) in (("M", male), ("F", female)):
        found.append(
            {"area": area, "period": str(year), "variable": "VC_IHR_PSRC", "sex": sex, "value": rate}
        )
        found.append(
            {"area": area, "period": str(year), "variable": "VC_IHR_PSRCN", "sex": sex, "value": count}
        )
    return found


def test_the_total_rate_is_the_pooled_rate_of_both_sexes() -> None:
    totals = published_totals(_rows("MDA", 2015, (10.0, 200.0), (2.0, 42.0)))
    total = totals[("MDA", 2015)]
    assert total.count == 242.0
    assert total.population == pytest.approx(200 / 10.0 * 1e5 + 42 / 2.0 * 1e5)
    assert total.rate == pytest.approx(242 / 4.1e6 * 1e5)


def test_a_missing_sex_or_a_zero_rate_gives_no_total() -> None:
    one_sex = _rows("FRA", 2015, (1.0, 300.0), (0.5, 160.0))[:2]
    zero = _rows("ISL", 2015, (0.0, 0.0), (1.0, 2.0))
    other = [{"area": "FRA", "year": 2015, "variable": "VC_PRS_UNSEC", "sex": "M", "value": 30.0}]
    assert published_totals([*one_sex, *zero, *other]) == {}


def test_population_basis_rescales_world_bank_by_the_nearest_ratio() -> None:
    world_bank = {("MDA", 2015): 2.8e6, ("MDA", 2019): 2.7e6, ("FRA", 2015): 66.0e6}
    totals = {
        ("MDA", 2015): PublishedTotal("MDA", 2015, 100.0, 4.2e6),
        ("REU", 2014): PublishedTotal("REU", 2014, 20.0, 8.5e5),
    }
    assert population_basis(world_bank, totals, PopulationBasis.world_bank, [2015, 2019]) == world_bank
    found = population_basis(world_bank, totals, PopulationBasis.unodc_implied, [2015, 2019])
    assert found[("MDA", 2015)] == 4.2e6
    assert found[("MDA", 2019)] == pytest.approx(2.7e6 * 4.2 / 2.8)
    assert found[("FRA", 2015)] == 66.0e6  # nothing published: the World Bank figure
    assert found[("REU", 2019)] == 8.5e5  # no World Bank figure at all: the nearest implied one


def test_rate_sources() -> None:
    owid = {"BEL": {2002: 3.09, 2021: 1.08}}
    totals = {
        ("BEL", 2002): PublishedTotal("BEL", 2002, 300.0, 1.0e7),
        ("BEL", 2005): PublishedTotal("BEL", 2005, 210.0, 1.0e7),
    }
    assert national_rates(owid, totals, RateSource.owid) == [
        {"area": "BEL", "year": 2002, "value": 3.09},
        {"area": "BEL", "year": 2021, "value": 1.08},
    ]
    filled = national_rates(owid, totals, RateSource.owid_then_sdg)
    assert [(r["year"], r["value"]) for r in filled] == [
        (2002, 3.09),
        (2005, pytest.approx(2.1)),
        (2021, 1.08),
    ]
