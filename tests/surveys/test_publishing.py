"""Survey indicators stored as observations, released, and read by the indicator registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from observatory.cli.main import app
from observatory.errors import InvalidInput
from observatory.indicators.compute import compute
from observatory.store.db import Store
from observatory.surveys.crime import BaseRule, Status
from observatory.surveys.publishing import compute_from_files, observations, publish
from observatory.surveys.synthetic import draw_sample, make_population, write_survey
from observatory.warehouse.query import release_table


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    population = make_population(40_000, seed=5)
    folder = tmp_path_factory.mktemp("survey")
    return write_survey(folder, population, draw_sample(population, 9, eas=120, households=10), fmt="sav")


def test_published_survey_values_enter_the_indicator_registry(store: Store, survey: dict[str, Path]) -> None:
    run = compute_from_files(
        survey["data"], survey["dictionary"], survey["design"], area="KEN", year=2023, rule=BaseRule(100, 40)
    )
    assert run.post_stratified_by == "ps_cell" and run.area == "KEN"
    found = observations(run)
    assert len(found) == 6 * len(run.figures)
    result = publish(store, run)
    assert result.new_release and result.counts.inserted == len(found)
    again = publish(store, run)
    assert not again.new_release and again.counts.unchanged == len(found)

    values = compute(store, "sdg_16_3_1_survey", area="KEN")
    assault = {r["sex"]: r for r in values.rows}
    figure = next(f for f in run.figures if f.variable.value == "reporting-rate" and f.offence == "0201")
    assert assault["_T"]["value"] == pytest.approx(figure.estimate)
    by_type = compute(store, "victimization_prevalence", area="KEN", year=2023).rows
    assert {r["offence"] for r in by_type} == {"0201", "0401", "0301", "0501", "0502", "_T"}

    table, _ = release_table(store)
    rows = table.filter(table.dataflow == "SURVEY").to_pyarrow().to_pylist()
    bounds = {(r["variable"], r["offence"], r["sex"], r["category"]): r for r in rows}
    lower = bounds[("reporting-rate", "0201", "_T", "ci-lower")]
    assert lower["value"] == pytest.approx(figure.ci_lower) and lower["unit"] == "percent"
    assert bounds[("reporting-rate", "0201", "_T", "base-unweighted")]["value"] == figure.n
    estimate = bounds[("reporting-rate", "0201", "_T", "_T")]
    assert estimate["file_sha256"] == run.data_sha256
    assert "95% CI" in estimate["note"] and run.design_sha256[:12] in estimate["note"]
    assert "estimated" in estimate["flags"]
    small = [f for f in run.figures if f.status is Status.small_base]
    suppressed = [f for f in run.figures if f.status is Status.suppressed]
    assert small and suppressed
    key = (small[0].variable.value, small[0].offence, small[0].sex, "_T")
    assert "small-base" in bounds[key]["flags"]
    gone = (suppressed[0].variable.value, suppressed[0].offence, suppressed[0].sex, "_T")
    assert gone not in bounds  # suppressed: stored without a value, kept out of the release


def test_an_unknown_area_is_refused(survey: dict[str, Path]) -> None:
    with pytest.raises(InvalidInput) as caught:
        compute_from_files(survey["data"], survey["dictionary"], survey["design"], area="XXQ", year=2023)
    assert caught.value.code == "unknown-area"


def test_cli_survey_indicators_json(
    survey: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(tmp_path / "var"))
    args = ["survey", "indicators", str(survey["data"]), "--dictionary", str(survey["dictionary"])]
    args += ["--design", str(survey["design"]), "--area", "KEN", "--year", "2023", "--json", "--publish"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["published"]["release"] == 1 and body["area"] == "KEN"
    safety = next(f for f in body["figures"] if f["variable"] == "feeling-safe" and f["sex"] == "_T")
    assert safety["ci_lower"] < safety["estimate"] < safety["ci_upper"] and safety["n"] > 500
