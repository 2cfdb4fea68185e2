"""``observatory indicators``: list the registry, compute an indicator, explain one figure."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from observatory.catalog.indicators import get_indicator, load_indicators
from observatory.cli.data import area_code
from observatory.cli.options import JsonOpt, open_store, out, print_json
from observatory.errors import InvalidInput
from observatory.indicators import spark
from observatory.indicators.aggregates import aggregate
from observatory.indicators.agreement import agreement as agreement_with_unodc
from observatory.indicators.compute import IndicatorValues, compute, population_rows
from observatory.indicators.explain import explain
from observatory.indicators.facts import aggregate_rows, is_fact, with_evidence
from observatory.model.aggregate import AggregateLevel
from observatory.model.indicator import IndicatorUnit
from observatory.reports.export import ExportFormat, render
from observatory.store.db import Store

indicators_app = typer.Typer(help="Indicators: list, compute and explain.", no_args_is_help=True)


class OutputFormat(StrEnum):
    json = "json"
    csv = "csv"


class Backend(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def _compute(
    store: Store, indicator_id: str, backend: Backend, *, area: str | None = None, year: int | None = None
) -> IndicatorValues:
    """The indicator's values computed by DuckDB (in process) or Spark (the ``spark`` extra)."""
    if backend is Backend.spark:
        return spark.compute(store, indicator_id, area=area, year=year)
    return compute(store, indicator_id, area=area, year=year)


def _aggregate(
    store: Store, indicator_id: str, level: AggregateLevel, year: int | None, backend: Backend
) -> list[dict[str, Any]]:
    """World or regional aggregates of a per-100,000 rate (``observatory.indicators.aggregates``)."""
    if is_fact(get_indicator(indicator_id)):  # a yes/no fact: the share of countries answering yes
        return aggregate_rows(store, indicator_id, level, year)
    values = _compute(store, indicator_id, backend)  # every year: imputation needs the neighbours
    if values.indicator.unit is not IndicatorUnit.RATE_PER_100K or values.indicator.disaggregations:
        raise InvalidInput(
            f"indicator {indicator_id!r} is in {values.indicator.unit.value}: only rates per 100,000 "
            "without disaggregations can be aggregated",
            code="aggregate-unsupported",
        )
    rates = [
        {"area": r["area"], "year": r["year"], "value": r["value"]}
        for r in values.rows
        if r["value"] is not None
    ]
    found = aggregate(rates, level=level, population=population_rows(store), years=[year] if year else None)
    return [a.row(indicator_id) for a in found]


@indicators_app.command("list")
def list_command(as_json: JsonOpt = False) -> None:
    """List the indicators of the registry."""
    registry = load_indicators()
    if as_json:
        print_json([i.to_dict() for i in registry.values()])
        return
    table = Table("id", "name", "unit", "by", "reference")
    for i in registry.values():
        table.add_row(i.id, i.name, i.unit.value, ", ".join(i.disaggregations), i.reference or "")
    out.print(table)


@indicators_app.command("compute")
def compute_command(
    indicator: Annotated[str, typer.Argument(help="Indicator id (see `observatory indicators list`).")],
    area: Annotated[str | None, typer.Option("--area", "-a", help="ISO alpha-3 or M49 code.")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="One year.")] = None,
    aggregate: Annotated[
        AggregateLevel | None, typer.Option("--aggregate", help="World or regional aggregates.")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.csv,
    backend: Annotated[
        Backend,
        typer.Option(
            "--backend",
            help=f"Where to compute: duckdb, or spark (needs `{spark.INSTALL_HINT}` and Java 17+).",
        ),
    ] = Backend.duckdb,
) -> None:
    """Compute an indicator for every area and year (or one), with its flags."""
    store = open_store()
    try:
        if aggregate is not None:
            rows: list[dict[str, Any]] = _aggregate(store, indicator, aggregate, year, backend)
            columns = ["indicator", "area", "year", "value", "lower", "upper", "coverage", "flags"]
            payload: Any = {"indicator": indicator, "aggregate": aggregate.value, "data": rows}
        else:
            values = _compute(store, indicator, backend, area=area_code(area) if area else None, year=year)
            values = with_evidence(store, values)  # a yes/no fact: each answer with its evidence
            rows, columns, payload = values.rows, values.columns, values.to_dict()
    finally:
        store.dispose()
    if fmt is OutputFormat.json:
        print_json(payload)
        return
    shown = [c for c in columns or () if c not in {"numerator", "denominator"}]
    sys.stdout.write(render(rows, ExportFormat.csv, shown or None).decode("utf-8"))


@indicators_app.command("explain")
def explain_command(
    indicator: Annotated[str, typer.Argument(help="Indicator id.")],
    area: Annotated[str, typer.Option("--area", "-a", help="ISO alpha-3 or M49 code.")],
    year: Annotated[int, typer.Option("--year", "-y", help="The year.")],
    as_json: JsonOpt = False,
) -> None:
    """Explain one figure: formula, input observations (file SHA-256 and row), flags, release."""
    store = open_store()
    try:
        story = explain(store, indicator, area=area_code(area), year=year)
    finally:
        store.dispose()
    if as_json:
        print_json(story)
        return
    out.print(f"[bold]{story['indicator']}[/bold] {story['area']} {story['year']}: {story['name']}")
    out.print(f"formula: {escape(story['formula'])}  (release {story['release']['number']})")
    for value in story["values"]:
        out.print(
            f"  value {value['value']}  numerator {value['numerator']}  denominator {value['denominator']}"
            f"  {value['flags']}"
        )
    table = Table("role", "variable", "key", "value", "flags", "file sha256", "row")
    for role, rows in story["inputs"].items():
        for r in rows:
            key = ".".join(str(r[d]) for d in ("sex", "age", "offence", "status", "citizenship", "category"))
            table.add_row(
                role,
                r["variable"],
                key,
                str(r["value"]),
                r["flags"] or "",
                r["file_sha256"][:12],
                str(r["row"]),
            )
    out.print(table)
    for role, rows in story["set_aside"].items():
        for r in rows:
            out.print(
                f"set aside ({role}): {r['dataflow']} {r['variable']} {r['period']} = {r['value']} "
                f"(file {str(r['file_sha256'])[:12]} row {r['row']}); {r['preferred']} takes precedence"
            )
    for caveat in story["caveats"]:
        out.print(f"caveat: {escape(caveat)}")


@indicators_app.command("agreement")
def agreement_command(
    indicator: Annotated[str, typer.Argument(help="sdg_16_1_1 or sdg_16_1_1_unodc_population.")],
    tolerance: Annotated[float, typer.Option("--tolerance", help="Largest agreeing difference.")] = 0.01,
    as_json: JsonOpt = False,
) -> None:
    """Compare with UNODC's published rates; decompose every larger difference (population, count)."""
    store = open_store()
    try:
        result = agreement_with_unodc(store, indicator, tolerance=tolerance)
    finally:
        store.dispose()
    if as_json:
        print_json(result.to_dict())
        return
    out.print(
        f"[bold]{indicator}[/bold]: {len(result.comparisons)} country-years; within 1%: "
        f"{result.share_within(0.01):.1%}, within 5%: {result.share_within(0.05):.1%}"
    )
    out.print("  ".join(f"{kind}: {n}" for kind, n in result.counts.items()))
    table = Table("area", "years", "first", "last", "population part", "largest difference", "kind")
    for line in result.by_area():
        table.add_row(
            line["area"],
            str(line["years"]),
            str(line["first"]),
            str(line["last"]),
            f"{line['population_part_min']:.3f}-{line['population_part_max']:.3f}",
            f"{line['largest_difference']:+.1%}",
            ", ".join(line["kinds"]),
        )
    out.print(table)
