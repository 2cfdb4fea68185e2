"""The indicator registry: every shipped indicator loads, and bad formulas are configuration errors."""

from __future__ import annotations

from typing import Any

import pytest

from observatory.catalog.indicators import get_indicator, load_indicators, parse
from observatory.errors import ConfigurationError, NotFound
from observatory.model.indicator import POPULATION, IndicatorUnit

SHIPPED = {
    "sdg_16_1_1",
    "sdg_16_1_1_by_sex",
    "homicide_count",
    "prison_population_rate",
    "prison_occupancy",
    "sdg_16_3_2",
    "unsentenced_over_12_months_share",
    "women_share",
    "juveniles_share",
    "foreign_share",
    "deaths_in_custody_per_10k",
    "prosecuted_per_contact",
    "convicted_per_prosecuted",
    "children_in_detention_per_100k_children",
    "jj_3_children_in_pre_sentence_detention_per_100k_children",
    "jj_6_child_deaths_in_detention_per_1000_detained",
    "jj_9_custodial_sentencing_share",
    "jj_12_independent_inspections",
    "jj_13_complaints_mechanism",
    "jj_14_specialized_juvenile_justice_system",
    "jj_15_national_prevention_plan",
    "homicide_firearm_share",
    "homicide_partner_family_share",
    "homicide_organized_crime_share",
    "homicide_other_context_share",
    "homicide_unknown_context_share",
    "sdg_16_3_1",
    "sdg_16_5_1",
    "sdg_16_3_1_survey",
    "sdg_16_5_1_survey",
    "sdg_16_1_4_survey",
    "victimization_prevalence",
    "reporting_rate",
}


def _one(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "id": "test_rate",
        "name": "Test",
        "definition": "A test.",
        "unit": "rate-per-100k",
        "multiplier": 100000,
        "numerator": {"variable": "persons-held", "unit": "count"},
        "denominator": "population",
    }
    spec.update(overrides)
    return {"indicators": [spec]}


def test_every_shipped_indicator_loads() -> None:
    registry = load_indicators()
    assert set(registry) == SHIPPED
    rate = registry["sdg_16_1_1"]
    assert rate.denominator == POPULATION and rate.multiplier == 100_000
    assert rate.unit is IndicatorUnit.RATE_PER_100K and rate.reference == "SDG 16.1.1"
    assert rate.numerator.fixed() == {"sex": ("M", "F")}
    assert registry["prosecuted_per_contact"].disaggregations == ("offence",)
    assert registry["sdg_16_5_1"].denominator is None
    assert registry["children_in_detention_per_100k_children"].caveats


def test_unknown_variable_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"'test_rate'.*unknown variable 'persons-jailed'") as caught:
        parse(_one(numerator={"variable": "persons-jailed", "unit": "count"}))
    assert caught.value.code == "unknown-variable"


def test_mixed_units_are_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"'test_rate'.*count by percent") as caught:
        parse(_one(denominator={"variable": "VC_PRS_UNSEC", "unit": "percent"}))
    assert caught.value.code == "mixed-units"


def test_unknown_dimension_and_unit() -> None:
    with pytest.raises(ConfigurationError, match="unknown dimension 'colour'"):
        parse(_one(numerator={"variable": "persons-held", "unit": "count", "where": {"colour": "red"}}))
    with pytest.raises(ConfigurationError, match="cannot break down by 'colour'"):
        parse(_one(disaggregations=["colour"]))
    with pytest.raises(ConfigurationError, match="'per-mille' is not a valid IndicatorUnit"):
        parse(_one(unit="per-mille"))
    with pytest.raises(ConfigurationError, match="missing 'numerator'"):
        parse({"indicators": [{"id": "x", "name": "x", "definition": "x", "unit": "count"}]})


def test_duplicate_and_unknown_ids() -> None:
    twice = _one()
    twice["indicators"].append(dict(twice["indicators"][0]))
    with pytest.raises(ConfigurationError, match="defined twice"):
        parse(twice)
    with pytest.raises(NotFound, match="no indicator 'nope'") as caught:
        get_indicator("nope")
    assert caught.value.code == "unknown-indicator"
