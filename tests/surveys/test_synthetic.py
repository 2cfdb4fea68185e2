"""The synthetic victimization survey: its estimates recover the known population values."""

from __future__ import annotations

import tomllib

import pytest

from observatory.model.survey import Design
from observatory.surveys.calibration import post_stratify
from observatory.surveys.crime import Status, SurveyFigure, crime_indicators
from observatory.surveys.design import SurveySample
from observatory.surveys.dictionary import Dictionary
from observatory.surveys.synthetic import (
    DICTIONARY_TOML,
    Population,
    design_toml,
    draw_sample,
    make_population,
    truth,
)


@pytest.fixture(scope="module")
def population() -> Population:
    return make_population(300_000, seed=11)


def _figures(population: Population, seed: int) -> list[SurveyFigure]:
    spec = tomllib.loads(design_toml(population))
    sample = SurveySample.build(draw_sample(population, seed), Design.from_mapping(spec["design"]))
    sample = post_stratify(sample, "ps_cell", spec["post_stratify"]["population"])
    return crime_indicators(sample, Dictionary.from_mapping(tomllib.loads(DICTIONARY_TOML)))


def _covered(population: Population, figures: list[SurveyFigure]) -> list[bool]:
    known = {(r["variable"], r["offence"], r["sex"]): r["value"] for r in truth(population)}
    found = []
    for f in figures:
        if f.status is Status.ok:
            assert f.ci_lower is not None and f.ci_upper is not None
            found.append(f.ci_lower <= known[(f.variable.value, f.offence, f.sex)] <= f.ci_upper)
    return found


def test_the_population_is_realistic(population: Population) -> None:
    p = population.persons
    assert 290_000 < population.size <= 300_000
    assert p["stratum"].nunique() == 12 and p["ea"].nunique() > 800
    sizes = p.groupby("household").size()
    assert 2.0 < sizes.mean() < 2.5
    values = {(r["variable"], r["offence"], r["sex"]): r["value"] for r in truth(population)}
    assert 2 < values[("victimization-prevalence", "0201", "_T")] < 9  # assault, per cent
    assert (
        values[("victimization-prevalence", "0301", "F")]
        > 2 * values[("victimization-prevalence", "0301", "M")]
    )
    assert values[("feeling-safe", "_T", "F")] < values[("feeling-safe", "_T", "M")]
    assert sum(population.margins().values()) == population.size


def test_one_survey_recovers_the_truth_within_its_intervals(population: Population) -> None:
    figures = _figures(population, seed=101)
    covered = _covered(population, figures)
    assert len(covered) >= 35
    assert sum(covered) >= len(covered) - 3  # 95% intervals: about 2 of 37 may miss
    assert 6_000 < len(draw_sample(population, 101)) < 10_000
    everyone = draw_sample(population, 101, nonresponse=False)
    assert everyone["weight"].sum() == pytest.approx(population.size, rel=0.05)  # design weights, unbiased


def test_coverage_over_repeated_surveys_is_close_to_95_percent(population: Population) -> None:
    covered = [hit for seed in range(200, 212) for hit in _covered(population, _figures(population, seed))]
    share = sum(covered) / len(covered)
    assert len(covered) > 400
    assert 0.90 <= share <= 0.985, f"coverage {share:.3f} over {len(covered)} intervals"
