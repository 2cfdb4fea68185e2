"""Survey-based indicators on the indicator page: the interval column, the unweighted base, the error bars.

The store holds one synthetic victimization survey computed and published as ``observatory survey
indicators --publish`` does; expected bounds are the run's own figures, not read back from the page.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

import pytest

from observatory.catalog.indicators import get_indicator
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.surveys.crime import BaseRule, Status, SurveyFigure
from observatory.surveys.publishing import SurveyRun, compute_from_files, publish
from observatory.surveys.synthetic import draw_sample, make_population, write_survey
from observatory.web import create_app
from observatory.web.survey_intervals import survey_intervals

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient


@dataclass
class Published:
    store: Store
    run: SurveyRun
    client: TestClient

    def figure(self, variable: str, offence: str = "_T", sex: str = "_T") -> SurveyFigure:
        return next(
            f
            for f in self.run.figures
            if f.variable.value == variable and f.offence == offence and f.sex == sex
        )


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    folder = tmp_path_factory.mktemp("survey-web")
    population = make_population(20_000, seed=11)
    files = write_survey(folder, population, draw_sample(population, 3, eas=80, households=8), fmt="csv")
    run = compute_from_files(
        files["data"], files["dictionary"], files["design"], area="KEN", year=2023, rule=BaseRule(100, 40)
    )
    settings = Settings(data_dir=folder / "var")
    store = Store(settings)
    store.init()
    publish(store, run)
    app = create_app(settings, store=store)
    with TestClient(app) as client:
        yield Published(store, run, client)
    store.dispose()


def cells(html: str, table_class: str) -> list[list[str]]:
    """The text of each body row's cells of the first ``<table class="TABLE_CLASS">``."""
    table = html.split(f'<table class="{table_class}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    strip = lambda cell: " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())  # noqa: E731
    return [[strip(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows]


def spec_of(html: str) -> dict[str, object]:
    found = re.search(r'data-vega-spec="([^"]*)"', html)
    assert found, "no chart on the page"
    spec: dict[str, object] = json.loads(unescape(found.group(1)))
    return spec


def test_the_service_reads_the_intervals_beside_each_estimate(published: Published) -> None:
    found = survey_intervals(published.store, get_indicator("sdg_16_5_1_survey"), area="KEN")
    total = published.figure("bribery-prevalence")
    interval = found[("KEN", 2023, ("_T",))]
    assert interval.lower == pytest.approx(total.ci_lower) and interval.upper == pytest.approx(total.ci_upper)
    assert interval.se == pytest.approx(total.se) and interval.base == total.n
    assert interval.weighted_base == pytest.approx(total.weighted_n) and interval.level == "95%"
    assert interval.lower is not None and interval.upper is not None
    assert interval.lower < total.estimate < interval.upper
    assert survey_intervals(published.store, get_indicator("prison_population_rate")) == {}


def test_the_indicator_page_shows_the_interval_and_base_columns(published: Published) -> None:
    html = published.client.get("/indicators/sdg_16_5_1_survey", params={"area": "KEN"}).text
    assert "95% CI" in html and "Unweighted base" in html
    series = {row[1]: row for row in cells(html, "data")}  # Year, Breakdown, Value, CI, base, ...
    for sex, label in (("_T", "Total"), ("F", "sex=F"), ("M", "sex=M")):
        expected = published.figure("bribery-prevalence", sex=sex)
        row = series[label]
        assert row[0] == "2023"
        assert row[3] == f"{expected.ci_lower:,.2f} – {expected.ci_upper:,.2f}"
        assert row[4] == f"{expected.n:,}"
    latest = cells(html, "data latest")
    total = published.figure("bribery-prevalence")
    assert len(latest) == 1 and latest[0][3] == f"{total.ci_lower:,.2f} – {total.ci_upper:,.2f}"


def test_the_chart_has_an_error_bar_layer_with_the_bounds(published: Published) -> None:
    html = published.client.get("/indicators/sdg_16_1_4_survey", params={"area": "KEN"}).text
    spec = spec_of(html)
    layers = spec["layer"]
    assert isinstance(layers, list)
    bars = [layer for layer in layers if layer["mark"]["type"] == "errorbar"]
    assert len(bars) == 1
    assert bars[0]["encoding"]["y"]["field"] == "lower" and bars[0]["encoding"]["y2"]["field"] == "upper"
    data = spec["data"]
    assert isinstance(data, dict)
    (point,) = data["values"]  # one year, the total
    total = published.figure("feeling-safe")
    assert point["value"] == pytest.approx(total.estimate)
    assert point["lower"] == pytest.approx(total.ci_lower) and point["upper"] == pytest.approx(total.ci_upper)
    assert point["base"] == total.n and point["ci"] == f"{total.ci_lower:,.1f} – {total.ci_upper:,.1f}"
    tooltip = [t["title"] for t in layers[-1]["encoding"]["tooltip"]]
    assert "95% CI" in tooltip and "Unweighted base" in tooltip


def test_small_bases_are_flagged_and_suppressed_figures_are_noted(published: Published) -> None:
    html = published.client.get("/indicators/reporting_rate", params={"area": "KEN"}).text
    rows = cells(html, "data")
    by_breakdown = {row[1]: row for row in rows}
    small = [
        f
        for f in published.run.figures
        if f.variable.value == "reporting-rate" and f.status is Status.small_base
    ]
    gone = [
        f
        for f in published.run.figures
        if f.variable.value == "reporting-rate" and f.status is Status.suppressed
    ]
    assert small and gone, "the sample should give both a small and a suppressed base"

    def label(f: SurveyFigure) -> str:
        parts = [p for p in (f"offence={f.offence}", f"sex={f.sex}") if not p.endswith("=_T")]
        return ", ".join(parts) or "Total"

    for f in small:
        row = by_breakdown[label(f)]
        assert "small-base" in row[-1] and row[4] == f"{f.n:,}"
    for f in gone:
        row = by_breakdown[label(f)]
        assert "suppressed" in row[2] and row[3] == "—" and row[4] == f"{f.n:,}"


def test_an_indicator_without_survey_data_has_no_interval_column(published: Published) -> None:
    html = published.client.get("/indicators/prison_population_rate").text
    assert "Unweighted base" not in html
