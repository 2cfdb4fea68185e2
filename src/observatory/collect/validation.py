"""The validation service: every rule of a rule set run over one round of observations.

The round (and, for the rules that look back in time, ``history``: earlier published years) is loaded into
one DuckDB table; each rule is an ibis expression over it that returns the problems it finds, which become
:class:`~observatory.collect.checks.base.RuleProblem` values naming the sheet and cell (or the file row, or
the series key), the rule, and what was expected versus what was found. Nothing is checked row by row in
Python. Problems come in rule order, then by area, period and series key.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from observatory.catalog.areas import load_areas
from observatory.catalog.iccs import load_iccs
from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.checks.base import FINDING_SCHEMA, KEY, LOCATION, Check, Context
from observatory.collect.checks.rules import RuleSet, load_rules
from observatory.errors import InvalidInput
from observatory.model.observation import TOTAL, Flag, Observation
from observatory.model.problem import Problem, ValidationReport
from observatory.model.questionnaire import Questionnaire

REQUIRED: tuple[str, ...] = ("area", "period", *KEY, "value")
OPTIONAL: tuple[str, ...] = ("note", *LOCATION)
SCHEMA = pa.schema(
    [
        *((name, pa.string()) for name in ("area", "period", *KEY)),
        ("value", pa.float64()),
        ("note", pa.string()),
        ("file", pa.string()),
        ("sheet", pa.string()),
        ("cell", pa.string()),
        ("row", pa.int64()),
    ]
)
ORDER: tuple[str, ...] = ("area", "period", *KEY, "code", "detail", *LOCATION, "expected", "found")
Observations: TypeAlias = "Sequence[Observation] | pa.Table"
FINDINGS = FINDING_SCHEMA.to_pyarrow()


def _note(obs: Observation) -> str | None:
    if obs.note:
        return obs.note
    return "break in series" if Flag.break_in_series in obs.flags else None


def observations_table(observations: Observations) -> pa.Table:
    """Observations as an Arrow table of :data:`SCHEMA` (a ``break-in-series`` flag counts as a note)."""
    if isinstance(observations, pa.Table):
        return _conform(observations)
    columns: dict[str, list[object]] = {name: [] for name in SCHEMA.names}
    for obs in observations:
        columns["area"].append(obs.area)
        columns["period"].append(obs.period)
        for dim in KEY:
            columns[dim].append(getattr(obs.key, dim))
        columns["value"].append(obs.value)
        columns["note"].append(_note(obs))
        columns["file"].append(obs.provenance.file_name)
        columns["sheet"].append(obs.provenance.sheet)
        columns["cell"].append(obs.provenance.cell)
        columns["row"].append(obs.provenance.row)
    return pa.table(columns, schema=SCHEMA)


def _conform(table: pa.Table) -> pa.Table:
    missing = [name for name in REQUIRED if name not in table.column_names]
    if missing:
        raise InvalidInput(
            f"the observations table lacks the column(s) {', '.join(missing)}; it needs "
            f"{', '.join(REQUIRED)} and may have {', '.join(OPTIONAL)}"
        )
    arrays = []
    for field in SCHEMA:
        if field.name not in table.column_names:
            arrays.append(pa.nulls(table.num_rows, field.type))
            continue
        column = table.column(field.name)
        if pa.types.is_dictionary(column.type) and field.type == pa.string():
            arrays.append(column if pa.types.is_string(column.type.value_type) else column.cast(field.type))
        else:
            arrays.append(column if column.type == field.type else column.cast(field.type))
    return pa.table(arrays, names=SCHEMA.names)


def questionnaire_tables(questionnaire: Questionnaire) -> dict[str, pa.Table]:
    """``cells`` (table id, row and column labels, series dimensions) and ``units`` (variable, unit)."""
    rows = [
        {
            "table_id": table.id,
            "row_label": table.rows[cell.row].label.strip(),
            "column_label": table.columns[cell.column].label,
            **cell.key.as_dict(),
        }
        for table in questionnaire.tables
        for cell in table.cells()
    ]
    units = {row["variable"]: row["unit"] for row in rows}
    return {
        "cells": pa.Table.from_pylist(rows),
        "units": pa.table({"variable": list(units), "expected_unit": list(units.values())}),
    }


@cache
def catalogue_tables() -> dict[str, pa.Table]:
    """``subregions`` (area, M49 sub-region), ``iccs_tree`` (offence, ancestor, distance: every ICCS code
    with each category above it, ``_T`` standing above the sections) and ``iccs_sizes`` (ancestor,
    n_children, child_level)."""
    regions = [(a.code, a.subregion) for a in load_areas() if a.subregion]
    scheme = load_iccs()
    pairs: list[tuple[str, str, int]] = []
    sizes: list[tuple[str, int, int]] = [(TOTAL, len(scheme.roots()), 1)]
    for category in scheme:
        chain = [TOTAL, *(a.code for a in scheme.ancestors(category.code))]
        pairs += [(category.code, code, len(chain) - i) for i, code in enumerate(chain)]
        below = scheme.children(category.code)
        if below:
            sizes.append((category.code, len(below), category.level + 1))
    return {
        "subregions": _columns(("area", "subregion"), regions),
        "iccs_tree": _columns(("offence", "ancestor", "distance"), pairs),
        "iccs_sizes": _columns(("ancestor", "n_children", "child_level"), sizes),
    }


def _columns(names: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    return pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})


def reference_tables(questionnaire: Questionnaire) -> dict[str, pa.Table]:
    return {**questionnaire_tables(questionnaire), **catalogue_tables()}


def _distinct(column: pa.ChunkedArray) -> set[str]:
    """The values of a string column (of a dictionary column: its dictionaries, used or not)."""
    if pa.types.is_dictionary(column.type):
        return {v for chunk in column.chunks for v in chunk.dictionary.to_pylist() if v is not None}
    return {v for v in pc.unique(column).to_pylist() if v is not None}


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _load(con: Any, current: pa.Table, history: pa.Table) -> None:
    """One DuckDB table: the round (``current``) and the history rows the round does not give again.

    Dimensions become DuckDB ``ENUM`` types over the values present (in sorted order, so ordering is
    unchanged): grouping and joining on them is several times faster than on text.
    """
    raw = con.con
    raw.register("round_input", current)
    raw.register("history_input", history)
    casts = []
    for name in ("area", "period", *KEY):
        values = sorted(_distinct(current.column(name)) | _distinct(history.column(name)))
        raw.execute(f"CREATE TYPE {name}_code AS ENUM ({', '.join(map(_sql_text, values))})")
        casts.append(f"CAST(CAST({name} AS VARCHAR) AS {name}_code) AS {name}")
    rest = ", ".join(name for name in SCHEMA.names if name not in ("area", "period", *KEY))
    same = " AND ".join(f"h.{name} IS NOT DISTINCT FROM r.{name}" for name in ("area", "period", *KEY))
    raw.execute(
        f"""CREATE TABLE observations AS
        SELECT *, TRY_CAST(CAST(period AS VARCHAR) AS INTEGER) AS year FROM (
            SELECT {", ".join(casts)}, {rest}, TRUE AS current FROM round_input
            UNION ALL
            SELECT {", ".join(casts)}, {rest}, FALSE AS current FROM history_input h
            WHERE NOT EXISTS (SELECT 1 FROM round_input r WHERE {same}))"""
    )
    raw.unregister("round_input")
    raw.unregister("history_input")


def aggregate_codes() -> list[str]:
    """Codes of the catalogue's regions and groupings: they answer no questionnaire."""
    return sorted(a.code for a in load_areas() if a.is_aggregate)


def prepare(
    con: Any,
    current: pa.Table,
    history: pa.Table,
    questionnaire: Questionnaire,
    reference_years: Iterable[int | str] | None = None,
) -> Context:
    """Load the observations, the reference tables and the round's scope into ``con`` (an ibis backend).

    The scope is the (area, period) pairs the round should answer: each area of the round (regions and
    groupings left out) with each reference year, or by default with each year it gave values for.
    """
    _load(con, current, history)
    raw = con.con
    for name, table in reference_tables(questionnaire).items():
        raw.register(name, table)
    raw.register("aggregate_areas", pa.table({"area": aggregate_codes()}))
    area = "CAST(area AS VARCHAR)"
    answering = f"current AND {area} NOT IN (SELECT area FROM aggregate_areas)"
    if reference_years is None:
        scope = f"SELECT DISTINCT {area} AS area, CAST(period AS VARCHAR) AS period FROM observations"
        raw.execute(f"CREATE TABLE scope AS {scope} WHERE {answering}")
    else:
        years = ", ".join(_sql_text(y) for y in sorted({str(y) for y in reference_years}))
        areas = f"SELECT DISTINCT {area} AS area FROM observations WHERE {answering}"
        periods = f"SELECT unnest([{years}]::VARCHAR[]) AS period"
        raw.execute(f"CREATE TABLE scope AS SELECT * FROM ({areas}) CROSS JOIN ({periods})")
    return Context(con, questionnaire)


# SQL of each check, compiled once per questionnaire: checks refer to tables by name only.
_COMPILED: weakref.WeakKeyDictionary[Check, dict[str, str]] = weakref.WeakKeyDictionary()


def findings(check: Check, ctx: Context) -> pa.Table:
    """The problem rows ``check`` finds, in a stable order (Arrow)."""
    compiled = _COMPILED.setdefault(check, {})
    sql = compiled.get(ctx.questionnaire.name)
    if sql is None:
        sql = compiled[ctx.questionnaire.name] = str(
            ctx.con.compile(check.findings(ctx).order_by(list(ORDER)))
        )
    relation = ctx.con.con.sql(sql)
    table = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
    return table.cast(FINDINGS)  # DuckDB reads a literal such as 5000.0 as a decimal


def validate(
    observations: Observations,
    *,
    questionnaire: Questionnaire | None = None,
    history: Observations | None = None,
    config: RuleSet | Path | None = None,
    reference_years: Iterable[int | str] | None = None,
) -> ValidationReport:
    """Run every rule of ``config`` (a rule set, a rules file, or the shipped rules) over the observations.

    ``observations`` is the round: :class:`Observation` values or an Arrow table with the columns area,
    period, variable, sex, age, offence, status, citizenship, category, unit, value and optionally note,
    file, sheet, cell, row. ``history`` has the same shape (earlier published years, for the temporal and
    outlier rules). ``questionnaire`` defaults to the latest UN-CTS version; ``reference_years`` are the years
    the round asks for (by default, the years each area gave values for).
    """
    rules = config if isinstance(config, RuleSet) else load_rules(config)
    current = observations_table(observations)
    past = observations_table(history if history is not None else [])
    con = ibis.duckdb.connect()
    try:
        ctx = prepare(con, current, past, questionnaire or load_questionnaire(), reference_years)
        problems: list[Problem] = []
        for check in rules:
            problems.extend(check.problem(row) for row in findings(check, ctx).to_pylist())
    finally:
        con.disconnect()
    stats = {
        "observations": current.num_rows,
        "history": past.num_rows,
        "rules": len(rules),
        "problems": len(problems),
    }
    return ValidationReport(problems=problems, stats=stats)


def counts_by_rule(report: ValidationReport) -> dict[str, int]:
    """How many problems each rule found (rules that found none are left out)."""
    return dict(Counter(getattr(p, "rule", None) or p.code for p in report.problems))
