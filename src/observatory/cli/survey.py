"""``observatory survey``: design-based estimates from microdata, as R's ``survey`` package gives them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from observatory.cli.options import JsonOpt, open_store, out, print_json
from observatory.errors import InvalidInput
from observatory.model.survey import Design, SinglePSU
from observatory.surveys.crime import BaseRule
from observatory.surveys.publishing import SurveyRun, compute_from_files
from observatory.surveys.publishing import publish as publish_survey
from observatory.surveys.results import Estimates
from observatory.surveys.service import Estimator, bind, load_design, read_microdata, run
from observatory.surveys.synthetic import draw_sample, make_population, write_survey

survey_app = typer.Typer(
    help="Survey estimation: means, totals, proportions with design-based SEs.", no_args_is_help=True
)


def _estimator(
    mean: str | None, total: str | None, prop: str | None, ratio: str | None, quantile: str | None
) -> tuple[Estimator, str]:
    given = [
        (kind, value)
        for kind, value in (
            (Estimator.mean, mean),
            (Estimator.total, total),
            (Estimator.proportion, prop),
            (Estimator.ratio, ratio),
            (Estimator.quantile, quantile),
        )
        if value
    ]
    if len(given) != 1:
        raise InvalidInput(
            "give exactly one of --mean, --total, --prop, --ratio NUM/DEN, --quantile VAR:P",
            code="invalid-estimator",
        )
    return given[0]


def _table(result: Estimates) -> Table:
    table = Table(
        title=f"{result.statistic.value} of {result.variable}" + (f" by {result.by}" if result.by else "")
    )
    percent = f"{result.level:.0%}"
    for name in ("domain", "term", "estimate", "SE", f"{percent} lower", f"{percent} upper", "DEff", "n"):
        table.add_column(name, justify="left" if name in ("domain", "term") else "right")
    for row in result.rows:
        table.add_row(
            row.domain or "",
            row.term,
            f"{row.estimate:.6g}",
            f"{row.se:.6g}",
            f"{row.ci_lower:.6g}",
            f"{row.ci_upper:.6g}",
            "" if row.deff is None else f"{row.deff:.4g}",
            str(row.n),
        )
    return table


@survey_app.command("estimate")
def estimate_command(
    data: Annotated[Path, typer.Argument(help="Microdata file (.csv, .parquet).")],
    design: Annotated[
        Path | None, typer.Option("--design", help="Design file (TOML, see docs/reference.md).")
    ] = None,
    ids: Annotated[
        str | None, typer.Option("--ids", help="Cluster columns by stage, COL[+COL]; 1 for none.")
    ] = None,
    strata: Annotated[str | None, typer.Option("--strata", help="Stratum column.")] = None,
    weights: Annotated[str | None, typer.Option("--weights", help="Sampling weight column.")] = None,
    probs: Annotated[str | None, typer.Option("--probs", help="Selection probability column.")] = None,
    fpc: Annotated[str | None, typer.Option("--fpc", help="Population sizes or fractions by stage.")] = None,
    nest: Annotated[bool, typer.Option("--nest", help="Cluster ids repeat across strata.")] = False,
    single_psu: Annotated[
        SinglePSU, typer.Option("--single-psu", help="Strata with one PSU.")
    ] = SinglePSU.fail,
    mean: Annotated[str | None, typer.Option("--mean", help="Mean of VAR.")] = None,
    total: Annotated[str | None, typer.Option("--total", help="Total of VAR.")] = None,
    prop: Annotated[str | None, typer.Option("--prop", help="Proportion of each level of VAR.")] = None,
    ratio: Annotated[str | None, typer.Option("--ratio", help="Ratio NUM/DEN of totals.")] = None,
    quantile: Annotated[str | None, typer.Option("--quantile", help="Quantile VAR:P (api00:0.5).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Domain variable: one estimate per level.")] = None,
    na_rm: Annotated[bool, typer.Option("--na-rm", help="Estimate over rows with a value.")] = False,
    level: Annotated[float, typer.Option("--level", help="Confidence level.")] = 0.95,
    json_output: JsonOpt = False,
) -> None:
    """Estimate from microdata under a design (R: svydesign(ids=, strata=, weights=, fpc=))."""
    estimator, variable = _estimator(mean, total, prop, ratio, quantile)
    frame = read_microdata(data)
    if design is not None:
        if any(v is not None for v in (ids, strata, weights, probs, fpc)):
            raise InvalidInput(
                "give --design or the inline --ids/--strata/--weights/--fpc, not both", code="invalid-design"
            )
        spec = load_design(design, [str(c) for c in frame.columns])
    else:
        if ids is None:
            raise InvalidInput("give --design FILE or --ids (1 for no clusters)", code="invalid-design")
        spec = Design(
            ids=(ids,),
            strata=(strata,) if strata else (),
            weights=weights,
            probs=probs,
            fpc=(fpc,) if fpc else (),
            nest=nest,
            single_psu=single_psu,
        )
    sample = bind(frame, spec, str(data))
    result = run(sample, estimator, variable, by=by, na_rm=na_rm, level=level)
    if json_output:
        print_json(result.to_dict())
    else:
        out.print(_table(result))


def _figures_table(run: SurveyRun) -> Table:
    table = Table(title=f"Survey indicators, {run.area} {run.year} ({run.respondents} respondents)")
    percent = f"{run.level:.0%}"
    for name in (
        "indicator",
        "offence",
        "sex",
        "%",
        "SE",
        f"{percent} CI",
        "DEff",
        "n",
        "weighted n",
        "status",
    ):
        table.add_column(
            name, justify="left" if name in ("indicator", "offence", "sex", "status") else "right"
        )
    for f in run.figures:
        shown = f.estimate is not None and f.ci_lower is not None and f.ci_upper is not None
        table.add_row(
            f.variable.value,
            f.offence,
            f.sex,
            f"{f.estimate:.2f}" if shown and f.estimate is not None else "",
            f"{f.se:.2f}" if f.se is not None else "",
            f"{f.ci_lower:.2f} to {f.ci_upper:.2f}" if shown else "",
            f"{f.deff:.2f}" if f.deff is not None else "",
            str(f.n),
            f"{f.weighted_n:,.0f}",
            f.status.value,
        )
    return table


@survey_app.command("indicators")
def indicators_command(
    data: Annotated[Path, typer.Argument(help="Microdata file (.csv, .parquet, .sav, .dta).")],
    dictionary: Annotated[Path, typer.Option("--dictionary", help="Data dictionary (TOML).")],
    design: Annotated[Path, typer.Option("--design", help="Design file (TOML; optional [post_stratify]).")],
    area: Annotated[str, typer.Option("--area", help="Country (ISO3 or any known code).")],
    year: Annotated[int, typer.Option("--year", help="Reference year.")],
    small_base: Annotated[int, typer.Option("--small-base", help="Flag bases below this (small-base).")] = 50,
    suppress_below: Annotated[
        int, typer.Option("--suppress-below", help="Suppress estimates on bases below this.")
    ] = 25,
    level: Annotated[float, typer.Option("--level", help="Confidence level.")] = 0.95,
    publish: Annotated[
        bool, typer.Option("--publish", help="Store as observations (dataflow SURVEY) and publish a release.")
    ] = False,
    json_output: JsonOpt = False,
) -> None:
    """Crime-survey indicators from microdata: victimization, reporting (16.3.1), bribery (16.5.1), safety."""
    rule = BaseRule(small=small_base, suppress=suppress_below)
    run = compute_from_files(data, dictionary, design, area=area, year=year, rule=rule, level=level)
    published = publish_survey(open_store(), run) if publish else None
    if json_output:
        body = run.to_dict()
        body["published"] = published.to_dict() if published else None
        print_json(body)
        return
    out.print(_figures_table(run))
    if published:
        out.print(
            f"Stored {published.counts.inserted} new, {published.counts.updated} revised, "
            f"{published.counts.unchanged} unchanged observations; release {published.release.number}"
            + ("" if published.new_release else " (unchanged)")
        )


@survey_app.command("synthetic")
def synthetic_command(
    folder: Annotated[Path, typer.Argument(help="Folder to write the survey into.")],
    population: Annotated[int, typer.Option("--population", help="Persons aged 15+.")] = 2_000_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the population.")] = 20240601,
    sample_seed: Annotated[int, typer.Option("--sample-seed", help="Seed of the sample.")] = 1,
    eas: Annotated[int, typer.Option("--eas", help="Enumeration areas to sample.")] = 400,
    households: Annotated[int, typer.Option("--households", help="Households per sampled area.")] = 12,
    fmt: Annotated[str, typer.Option("--format", help="Microdata format: csv, sav or dta.")] = "csv",
    json_output: JsonOpt = False,
) -> None:
    """Write a synthetic victimization survey with known truth: microdata, design, dictionary, truth.json."""
    if fmt not in ("csv", "sav", "dta"):
        raise InvalidInput(f"--format is csv, sav or dta, not {fmt!r}", code="unknown-format")
    people = make_population(population, seed=seed)
    sample = draw_sample(people, sample_seed, eas=eas, households=households)
    paths = write_survey(folder, people, sample, fmt=fmt)
    body = {"population": people.size, "respondents": len(sample), **{k: str(v) for k, v in paths.items()}}
    if json_output:
        print_json(body)
    else:
        for key, value in body.items():
            out.print(f"{key}: {value}")
