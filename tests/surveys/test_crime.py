"""Crime-survey indicators: domain estimates (rows kept), bases, small-base flags and suppression."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from observatory.errors import InvalidInput
from observatory.model.survey import Design
from observatory.surveys.crime import BaseRule, Concept, Status, crime_indicators
from observatory.surveys.design import SurveySample
from observatory.surveys.dictionary import Dictionary
from observatory.surveys.estimate import mean
from observatory.surveys.synthetic import DICTIONARY_TOML, Population, draw_sample, make_population

DESIGN = Design(ids=("ea", "household"), strata="stratum", weights="weight", fpc=("fpc_ea", "fpc_hh"))


@pytest.fixture(scope="module")
def population() -> Population:
    return make_population(60_000, seed=7)


@pytest.fixture(scope="module")
def sample(population: Population) -> SurveySample:
    return SurveySample.build(draw_sample(population, 3, eas=150, households=10), DESIGN)


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return Dictionary.from_mapping(tomllib.loads(DICTIONARY_TOML))


def test_reporting_rate_is_a_domain_mean_over_victims_with_the_whole_design(
    sample: SurveySample, dictionary: Dictionary
) -> None:
    figures = crime_indicators(sample, dictionary)
    found = next(
        f for f in figures if f.variable is Concept.reporting and f.offence == "0201" and f.sex == "_T"
    )
    data = sample.data
    victims = (data["v_assault"] == 1) & data["r_assault"].isin([1, 2])
    expected = np.average(data.loc[victims, "r_assault"] == 1, weights=data.loc[victims, "weight"]) * 100
    assert found.estimate == pytest.approx(expected)
    assert found.n == int(victims.sum())
    assert found.weighted_n == pytest.approx(data.loc[victims, "weight"].sum())
    # the same as R's svyby over a domain variable: every row stays in the design
    with_domain = replace(
        sample, data=data.assign(victim=np.where(victims, "yes", "no"), rep=data["r_assault"] == 1)
    )
    by = mean(with_domain, "rep", by="victim").get("yes")
    assert found.se == pytest.approx(by.se * 100) and found.ci_lower == pytest.approx(by.ci_lower * 100)
    # dropping the other rows would lose strata and PSUs: a different (wrong) variance
    dropped = SurveySample.build(
        data[victims].assign(rep=lambda d: d["r_assault"] == 1), DESIGN.update(fpc=())
    )
    assert mean(dropped, "rep").rows[0].se * 100 != pytest.approx(found.se, rel=1e-6)


def test_every_concept_by_sex_with_bases(sample: SurveySample, dictionary: Dictionary) -> None:
    figures = crime_indicators(sample, dictionary)
    kinds = {(f.variable, f.offence) for f in figures}
    assert (Concept.victimization, "_T") in kinds and (Concept.bribery, "_T") in kinds
    assert (Concept.safety, "_T") in kinds and (Concept.reporting, "0401") in kinds
    assert len(figures) == 3 * (5 + 1 + 5 + 1 + 1)
    for f in figures:
        if f.estimate is not None and f.status is not Status.suppressed:
            assert f.ci_lower is not None and f.ci_upper is not None
            assert f.ci_lower < f.estimate < f.ci_upper or f.estimate == 0
    total, female, male = (
        next(f for f in figures if f.variable is Concept.safety and f.sex == s) for s in ("_T", "F", "M")
    )
    assert female.n + male.n == total.n
    assert female.weighted_n + male.weighted_n == pytest.approx(total.weighted_n)
    assert female.estimate is not None and male.estimate is not None and female.estimate < male.estimate


def test_small_bases_are_flagged_and_tiny_ones_suppressed(
    sample: SurveySample, dictionary: Dictionary
) -> None:
    figures = crime_indicators(sample, dictionary, rule=BaseRule(small=200, suppress=60))
    for f in figures:
        expected = Status.suppressed if f.n < 60 else Status.small_base if f.n < 200 else Status.ok
        assert f.status is expected
    assert {f.status for f in figures} == set(Status)
    assert BaseRule().status(24) is Status.suppressed and BaseRule().status(25) is Status.small_base
    assert BaseRule().status(50) is Status.ok
    with pytest.raises(InvalidInput) as caught:
        BaseRule(small=10, suppress=20)
    assert caught.value.code == "invalid-base-rule"


def test_a_domain_without_respondents_is_suppressed_not_an_error(dictionary: Dictionary) -> None:
    data = pd.DataFrame(
        {
            "stratum": [1, 1, 2, 2],
            "weight": [1.0, 2.0, 3.0, 4.0],
            "sex": [1, 1, 1, 1],
            **{f"v_{n}": [2, 2, 2, 2] for n in ("assault", "robbery", "sexual", "burglary", "theft")},
            **{f"r_{n}": [np.nan] * 4 for n in ("assault", "robbery", "sexual", "burglary", "theft")},
            "contact": [2, 2, 2, 2],
            "bribe": [np.nan] * 4,
            "safe": [1, 3, 8, 2],
        }
    )
    sample = SurveySample.build(data, Design(strata="stratum", weights="weight"))
    figures = crime_indicators(sample, dictionary)
    reporting = [f for f in figures if f.variable is Concept.reporting]
    assert reporting and all(f.status is Status.suppressed and f.estimate is None for f in reporting)
    women = next(f for f in figures if f.variable is Concept.safety and f.sex == "F")
    assert women.n == 0 and women.status is Status.suppressed
    assert next(f for f in figures if f.variable is Concept.victimization and f.sex == "M").estimate == 0.0
