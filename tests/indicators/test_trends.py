"""Trends: changes, compound averages, breaks in series, shares of world homicides, sex ratios."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from observatory.errors import InvalidInput
from observatory.indicators.aggregates import aggregate
from observatory.indicators.trends import (
    BreakReason,
    average_annual_change,
    breaks,
    flag_breaks,
    sex_ratio,
    share_of_world,
    year_on_year,
)
from observatory.model.aggregate import AggregateLevel
from observatory.model.observation import Flag, Observation, Provenance, SeriesKey


def test_year_on_year_only_for_consecutive_years() -> None:
    changes = year_on_year({2000: 10.0, 2001: 11.0, 2003: 12.0, 2004: 6.0})
    assert changes == pytest.approx({2001: 0.1, 2004: -0.5})
    assert year_on_year({2000: 0.0, 2001: 1.0}) == {2001: None}


def test_average_annual_change_is_compound() -> None:
    series = {2010: 100.0, 2015: 120.0, 2020: 121.0}
    assert average_annual_change(series, 2010, 2020) == pytest.approx(1.21 ** (1 / 10) - 1)
    assert average_annual_change({2010: 0.0, 2011: 3.0}, 2010, 2011) is None
    with pytest.raises(InvalidInput) as missing:
        average_annual_change(series, 2010, 2019)
    assert missing.value.code == "missing-year"
    with pytest.raises(InvalidInput):
        average_annual_change(series, 2020, 2010)


def test_breaks_from_jumps_and_source_flags() -> None:
    series = {2000: 10.0, 2001: 10.5, 2002: 20.0, 2003: 19.0, 2005: 12.0, 2006: 12.5}
    found = breaks(series, flagged=[2006])
    assert [(b.year, b.reason) for b in found] == [
        (2002, BreakReason.jump),
        (2005, BreakReason.jump),
        (2006, BreakReason.flagged),
    ]
    assert found[1].previous_year == 2003 and found[1].change == pytest.approx(12 / 19 - 1)
    assert breaks({2000: 0.0, 2001: 3.0})[0].change is None
    with pytest.raises(InvalidInput):
        breaks(series, threshold=0)


def _obs(area: str, year: int, value: float) -> Observation:
    return Observation(area, str(year), SeriesKey("homicide-count"), value, Provenance("UNODC_CTS"))


def test_flag_breaks_adds_the_flag_with_a_note() -> None:
    observations = [_obs("FRA", 2000, 800.0), _obs("FRA", 2001, 820.0), _obs("FRA", 2002, 2000.0)]
    observations.append(_obs("DEU", 2002, 5.0))
    flagged = flag_breaks(observations)
    assert [Flag.break_in_series in o.flags for o in flagged] == [False, False, True, False]
    assert flagged[2].note == "break in series: +144% from 2001 (820)"


def test_sex_ratio() -> None:
    assert sex_ratio({2019: 9.0, 2020: 8.0, 2021: 1.0}, {2019: 2.0, 2020: 0.0}) == {2019: 4.5, 2020: None}


def test_regions_share_of_world_homicides_on_real_data(shared_data: Path) -> None:
    """GSH-style: each region's share of world homicides; the five M49 regions add up to the World."""
    with (shared_data / "homicide/owid_homicide_rate_unodc_1990_2024.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Code"] and not r["Code"].startswith(("UN_", "OWID_W"))]
    rates = [
        {"area": r["Code"], "year": int(r["Year"]), "value": float(r["Homicide rate per 100,000 population"])}
        for r in rows
        if r["Year"] == "2019" and r["Code"] != "OWID_KOS"
    ]
    with (shared_data / "population/worldbank_sp_pop_totl_1960_2024.csv").open(encoding="utf-8") as f:
        people = [
            {"area": r["Country Code"], "year": 2019, "population": float(r["Value"])}
            for r in csv.DictReader(f)
            if r["Year"] == "2019" and r["Value"]
        ]
    values = aggregate(rates, level=AggregateLevel.world, population=people) + aggregate(
        rates, level=AggregateLevel.region, population=people
    )
    shares = share_of_world(values)
    assert sum(s for s in shares.values() if s is not None) == pytest.approx(1.0)
    share = {area: shares[(area, 2019)] or 0.0 for area in ("002", "009", "019", "142", "150")}
    # GSH 2019 (for 2017): Americas 37%, Africa 35%, Asia 23%, Europe 5%, Oceania under 1%.
    assert 0.3 < share["002"] < 0.45 and 0.3 < share["019"] < 0.45
    assert 0.15 < share["142"] < 0.3 and 0.02 < share["150"] < 0.06 and share["009"] < 0.01


def test_male_female_ratio_of_the_world_rate_on_real_data(shared_data: Path) -> None:
    """SDG VC_IHR_PSRC for the World: men are about four times as likely to be killed (GSH 2019: 4.4x)."""
    by_sex: dict[str, dict[int, float]] = {"male": {}, "female": {}}
    with (shared_data / "sdg16/sdg_goal16_series_unsd_2020.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["series_code"] == "VC_IHR_PSRC" and row["geo_area_m49"] == "1" and row["sex"] in by_sex:
                by_sex[row["sex"]][int(row["year"])] = float(row["value"])
    ratios = sex_ratio(by_sex["male"], by_sex["female"])
    assert ratios[2015] == pytest.approx(9.65467 / 2.16469)
    assert all(r is not None and 3.5 < r < 5.5 for r in ratios.values())
    change = average_annual_change(by_sex["male"], 2000, 2015)
    assert change is not None and -0.05 < change < 0  # the male rate fell, by under 5% a year
