"""Compiling an :class:`~observatory.model.indicator.Indicator` to one backend-neutral ibis expression.

The numerator series and the denominator series are each reduced to one value per area, year and
disaggregation, then the numerator is left-joined to the denominator on area, year and the
disaggregations the denominator has. A missing or zero denominator gives a null value with a flag
(``missing-denominator``, ``zero-denominator``): never infinity, never a silent zero. The same expression
runs on DuckDB and compiles unchanged for PostgreSQL (golden SQL in ``tests/golden/indicators``).

One source per figure: a selector that names no dataflow takes, for each area, year and series key, the one
observation of the dataflow first in the source precedence (``catalog/data/source_precedence.toml``; then
the most recent import), so the same series from the UNODC portal and from a UN-CTS round is never added
up. A selector that names a dataflow reads that dataflow only.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis.expr.types import Table

from observatory.catalog.precedence import source_precedence
from observatory.model.indicator import DIMENSIONS, TOTAL, Indicator, IndicatorFlag, SeriesSelector

KEYS = ("area", "year")
#: What makes two observations the same series for one figure, whatever their dataflow.
SERIES_KEY = (*KEYS, "variable", "unit", *DIMENSIONS)
_PICK = "_source_pick"


def output_columns(indicator: Indicator) -> list[str]:
    """The columns of a computed indicator, in order."""
    return [
        "indicator",
        "area",
        "year",
        *indicator.disaggregations,
        "value",
        "numerator",
        "denominator",
        "flags",
    ]


def source_rank(table: Table) -> ir.IntegerValue:
    """0 for the first dataflow of the source precedence, 1 for the next, ...; unlisted ones last."""
    order = source_precedence()
    rank: ir.IntegerValue = ibis.cases(
        *((table.dataflow == dataflow, i) for i, dataflow in enumerate(order)), else_=len(order)
    )
    return rank


def _ranked(rows: Table) -> Table:
    """``rows`` with ``_source_pick``: 0 for the observation a figure uses among those of one series key
    (first dataflow in precedence, unlisted ones by name, then the most recent import), 1, 2, ... for the
    ones set aside."""
    window = ibis.window(
        group_by=[rows[c] for c in SERIES_KEY],
        order_by=[
            source_rank(rows),
            rows.dataflow,
            rows.import_id.coalesce(0).desc(),
            rows.period,
        ],
    )
    return rows.mutate(**{_PICK: ibis.row_number().over(window)})


def selector_filter(table: Table, selector: SeriesSelector, by: tuple[str, ...]) -> Table:
    """The observations of one selector: fixed dimensions as given, ``by`` free, the rest at ``_T``; one
    per area, year and series key by source precedence unless the selector names its dataflow."""
    rows = _matching(table, selector, by)
    if selector.dataflow is not None:
        return rows
    ranked = _ranked(rows)
    return ranked.filter(ranked[_PICK] == 0).drop(_PICK)


def selector_candidates(table: Table, selector: SeriesSelector, by: tuple[str, ...]) -> Table:
    """Every observation the selector matches in any dataflow, with ``used`` (boolean): whether the figure
    uses it or sets it aside for another dataflow's observation of the same series."""
    rows = _matching(table, selector, by)
    if selector.dataflow is not None:
        return rows.mutate(used=ibis.literal(True))
    ranked = _ranked(rows)
    return ranked.mutate(used=ranked[_PICK] == 0).drop(_PICK)


def _matching(table: Table, selector: SeriesSelector, by: tuple[str, ...]) -> Table:
    """The observations of one selector in every dataflow (or the one it names)."""
    predicates: list[ir.BooleanValue] = [table.variable == selector.variable]
    if selector.unit is not None:
        predicates.append(table.unit == selector.unit)
    if selector.dataflow is not None:
        predicates.append(table.dataflow == selector.dataflow)
    fixed = selector.fixed()
    for dim in DIMENSIONS:
        if dim in fixed:
            values = fixed[dim]
            predicates.append(table[dim] == values[0] if len(values) == 1 else table[dim].isin(list(values)))
        elif dim not in by:
            predicates.append(table[dim] == TOTAL)
    return table.filter(predicates)


def series(table: Table, selector: SeriesSelector, by: tuple[str, ...], name: str) -> Table:
    """One value per area, year and ``by``: summed over a fixed dimension's listed values, all present."""
    rows = selector_filter(table, selector, by)
    groups = [*KEYS, *by]
    parts = {dim: len(values) for dim, values in selector.where if len(values) > 1}
    metrics: dict[str, ir.Value] = {name: rows.value.sum()}
    metrics.update({f"_n_{dim}": rows[dim].nunique() for dim in parts})
    reduced = rows.group_by(groups).aggregate(**metrics)
    if parts:
        reduced = reduced.filter([reduced[f"_n_{dim}"] == count for dim, count in parts.items()])
    return reduced.select(*groups, name)


def compile_indicator(indicator: Indicator, table: Table) -> Table:
    """The indicator as an ibis expression over a release table (columns of ``output_columns``)."""
    by = indicator.disaggregations
    num = series(table, indicator.numerator, by, "numerator")
    label = ibis.literal(indicator.id)
    if indicator.denominator is None:
        expr = num.select(
            indicator=label,
            **{c: num[c] for c in (*KEYS, *by)},
            value=num.numerator,
            numerator=num.numerator,
            denominator=ibis.null("float64"),
            flags=ibis.literal(""),
        )
        return expr.order_by([expr[c] for c in (*KEYS, *by)])
    shared = tuple(d for d in by if d not in indicator.denominator.fixed())
    den = series(table, indicator.denominator, shared, "denominator")
    joined = num.left_join(den, [*KEYS, *shared])
    missing = joined.denominator.isnull()
    zero = joined.denominator == 0
    value = ibis.cases(
        (missing, ibis.null("float64")),
        (zero, ibis.null("float64")),
        else_=joined.numerator / joined.denominator * indicator.multiplier,
    )
    flags = ibis.cases(
        (missing, ibis.literal(IndicatorFlag.MISSING_DENOMINATOR.value)),
        (zero, ibis.literal(IndicatorFlag.ZERO_DENOMINATOR.value)),
        else_=ibis.literal(""),
    )
    expr = joined.select(
        indicator=label,
        **{c: joined[c] for c in (*KEYS, *by)},
        value=value,
        numerator=joined.numerator,
        denominator=joined.denominator,
        flags=flags,
    )
    return expr.order_by([expr[c] for c in (*KEYS, *by)])
