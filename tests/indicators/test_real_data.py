"""Indicators on the real data: hand-checked figures, UNODC's published rates, flags, provenance."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from observatory.catalog.indicators import load_indicators
from observatory.indicators.compute import compute, population_rows
from observatory.indicators.explain import explain
from observatory.store.db import Store
from observatory.warehouse.query import ObservationFilter, query_observations

PRISONS_CSV = "unodc_cts/unodc_cts_prisons_and_prisoners_2023-05-11.csv"


def _csv_value(shared_data: Path, indicator: str, category: str, year: int, unit: str = "Counts") -> float:
    """A MEX figure read straight from the UNODC export (Sex and Age Total), not through the platform."""
    with (shared_data / PRISONS_CSV).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (
                row["Iso3_code"] == "MEX"
                and row["Indicator"] == indicator
                and row["Category"] == category
                and row["Sex"] == "Total"
                and row["Age"] == "Total"
                and row["Year"] == str(year)
                and row["Unit of measurement"] == unit
            ):
                return float(row["VALUE"])
    raise AssertionError(f"no MEX {indicator} {category} {year} in {PRISONS_CSV}")


def test_mex_prison_population_rate_matches_unodc(real_store: Store) -> None:
    (row,) = compute(real_store, "prison_population_rate", area="MEX", year=2018).rows
    published = query_observations(
        real_store,
        ObservationFilter(
            area=("MEX",),
            variable=("persons-held",),
            unit=("rate-per-100k",),
            sex=("_T",),
            status=("_T",),
            offence=("_T",),
            year_from=2018,
            year_to=2018,
        ),
    ).data
    assert [p["value"] for p in published] == [pytest.approx(158.3065, rel=1e-6)]
    assert row["numerator"] == 196_322
    assert row["value"] == pytest.approx(published[0]["value"], rel=0.01)
    assert row["flags"] == ""


def test_mex_occupancy_by_hand_from_the_csv(real_store: Store, shared_data: Path) -> None:
    held = _csv_value(shared_data, "Persons held", "Total", 2018)
    capacity = _csv_value(shared_data, "Prisons facilities and capacity", "Official prison capacity", 2018)
    assert (held, capacity) == (196_322, 227_344)
    (row,) = compute(real_store, "prison_occupancy", area="MEX", year=2018).rows
    assert row["value"] == pytest.approx(held / capacity * 100)
    assert round(row["value"], 2) == 86.35


def test_prison_shares_are_percentages_of_the_total(real_store: Store) -> None:
    for indicator in ("sdg_16_3_2", "women_share", "juveniles_share", "foreign_share"):
        rows = compute(real_store, indicator).rows
        assert rows, indicator
        values = [r["value"] for r in rows if r["value"] is not None]
        assert len(values) > 0.8 * len(rows), indicator
        assert all(r["flags"] in {"", "missing-denominator", "zero-denominator"} for r in rows)
        assert all(r["value"] is None for r in rows if r["flags"])
    (unsentenced,) = compute(real_store, "sdg_16_3_2", area="MEX", year=2018).rows
    assert 0 < unsentenced["value"] < 100
    assert unsentenced["denominator"] == 196_322


def test_zero_denominators_in_the_real_data_are_flagged_not_infinite(real_store: Store) -> None:
    rows = compute(real_store, "sdg_16_3_2").rows
    zero = [r for r in rows if r["flags"] == "zero-denominator"]
    assert zero and all(r["value"] is None and r["denominator"] == 0 for r in zero)
    assert all(r["value"] is None or r["value"] < float("inf") for r in rows)


def test_children_in_detention_says_the_denominator_is_missing(real_store: Store) -> None:
    rows = compute(real_store, "children_in_detention_per_100k_children").rows
    assert rows
    assert all(r["value"] is None and r["flags"] == "missing-denominator" for r in rows)
    assert any(r["numerator"] for r in rows)


def test_deaths_in_custody_and_pass_through_series(real_store: Store) -> None:
    deaths = compute(real_store, "deaths_in_custody_per_10k").rows
    assert any(r["value"] for r in deaths)
    bribes = compute(real_store, "sdg_16_5_1").rows
    assert bribes and all(r["value"] == r["numerator"] and r["denominator"] is None for r in bribes)
    assert {r["sex"] for r in bribes} >= {"F", "M"}
    assert compute(real_store, "sdg_16_3_1").rows
    counts = compute(real_store, "homicide_count", area="MEX", year=2015).rows
    assert {r["sex"] for r in counts} == {"F", "M"}
    (total,) = compute(real_store, "sdg_16_1_1", area="MEX", year=2015).rows
    assert total["numerator"] == pytest.approx(sum(r["value"] for r in counts))


def test_every_indicator_computes(real_store: Store) -> None:
    for indicator in load_indicators():
        result = compute(real_store, indicator, year=2015)
        assert result.release.number == 1
        assert all(set(r) == set(result.columns) for r in result.rows)


def test_explain_traces_inputs_to_file_rows(real_store: Store, shared_data: Path) -> None:
    story = explain(real_store, "prison_occupancy", area="MEX", year=2018)
    assert story["formula"] == "persons-held[unit=count] / prison-capacity[unit=count] x 100"
    (held,) = story["inputs"]["numerator"]
    (capacity,) = story["inputs"]["denominator"]
    lines = (shared_data / PRISONS_CSV).read_text(encoding="utf-8").splitlines()
    assert lines[held["row"] - 1].split(",")[-2] == "196322"
    assert lines[capacity["row"] - 1].split(",")[-2] == "227344"
    assert len(held["file_sha256"]) == 64
    assert "computed" in story["flags"]  # the capacity total is flagged computed by UNODC
    assert story["release"]["number"] == 1


def test_population_rows(real_store: Store) -> None:
    rows = {(r["area"], r["year"]): r["population"] for r in population_rows(real_store, year=2018)}
    assert rows[("MEX", 2018)] == 124_573_711
