"""Yes/no facts (indicators in unit ``yes-no``): each country's answer with its evidence, and aggregates.

A fact indicator passes one ``yes-no`` series through (1 yes, 0 no: the juvenile-justice policy indicators
12-15). :func:`with_evidence` adds to every computed row the answer spelled out and the evidence the
observation carries (:mod:`observatory.collect.readers.facts`: document title as ``source``; legal
reference, URL, assessment date and note in ``note``), plus the file and row it came from.

A regional or world aggregate of a fact is **the share of reporting member countries answering yes**,
counted, not population-weighted (:func:`share_answering_yes`): ``coverage`` is the share of member countries
that answered, and ``lower``/``upper`` bound the share had every member without an answer said no or yes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from observatory.catalog.areas import AreaCatalog, load_areas
from observatory.catalog.indicators import get_indicator
from observatory.collect.readers.facts import parse_note
from observatory.errors import InvalidInput
from observatory.indicators.aggregates import targets
from observatory.indicators.compile import output_columns, selector_filter
from observatory.indicators.compute import IndicatorValues, compute
from observatory.model.aggregate import (
    DEFAULT_COVERAGE,
    AggregateFlag,
    AggregateLevel,
    AggregateValue,
    CoverageRule,
)
from observatory.model.indicator import Indicator, IndicatorUnit
from observatory.model.release import Release
from observatory.store.db import Store
from observatory.warehouse import query as warehouse
from observatory.warehouse.query import release_table

EVIDENCE = ("answer", "document_title", "legal_reference", "url", "assessed_on", "note", "file_sha256", "row")
ANSWERS = {1.0: "yes", 0.0: "no"}


def is_fact(indicator: Indicator) -> bool:
    return indicator.unit is IndicatorUnit.YES_NO


@dataclass
class FactValues(IndicatorValues):
    """Computed values of a fact indicator, each row with its answer and evidence."""

    @property
    def columns(self) -> list[str]:
        return [*output_columns(self.indicator), *EVIDENCE]


def _evidence(store: Store, indicator: Indicator, release: Release) -> dict[tuple[str, int], dict[str, Any]]:
    """``(area, year) -> evidence`` of the observations the indicator's numerator reads in ``release``."""
    table, _ = release_table(store, release)
    rows = selector_filter(table, indicator.numerator, ()).select(
        "area", "year", "value", "source", "note", "file_sha256", "row"
    )
    with warehouse.RELEASE_LOCK:
        found = rows.to_pyarrow().to_pylist()
    evidence: dict[tuple[str, int], dict[str, Any]] = {}
    for r in found:
        fields = parse_note(r["note"])
        evidence[(r["area"], int(r["year"]))] = {
            "answer": ANSWERS.get(r["value"]),
            "document_title": r["source"],
            "legal_reference": fields.get("legal_reference"),
            "url": fields.get("url"),
            "assessed_on": fields.get("assessed_on"),
            "note": fields.get("note"),
            "file_sha256": r["file_sha256"],
            "row": r["row"],
        }
    return evidence


def with_evidence(store: Store, values: IndicatorValues) -> IndicatorValues:
    """``values`` unchanged for other indicators; for a fact, every row with its answer and evidence."""
    if not is_fact(values.indicator):
        return values
    evidence = _evidence(store, values.indicator, values.release)  # the release the values come from
    blank = dict.fromkeys(EVIDENCE)
    rows = [{**r, **evidence.get((r["area"], int(r["year"])), blank)} for r in values.rows]
    return FactValues(indicator=values.indicator, release=values.release, rows=rows)


def _answers(values: Iterable[Mapping[str, Any]]) -> dict[tuple[str, int], float]:
    found: dict[tuple[str, int], float] = {}
    for row in values:
        value = row.get("value")
        if value is None:
            continue
        if value not in (0, 1) or isinstance(value, bool):
            raise InvalidInput(
                f"{row.get('area')} {row.get('year')}: {value!r} is not a yes/no answer (1 or 0)",
                code="not-yes-no",
            )
        found[(str(row["area"]).strip().upper(), int(row["year"]))] = float(value)
    return found


def share_answering_yes(
    values: Iterable[Mapping[str, Any]],
    *,
    level: AggregateLevel = AggregateLevel.world,
    areas: Sequence[str] | None = None,
    years: Iterable[int] | None = None,
    coverage: CoverageRule = DEFAULT_COVERAGE,
    catalog: AreaCatalog | None = None,
) -> list[AggregateValue]:
    """Per aggregate and year: the percentage of member countries with an answer that answered yes.

    No imputation and no population weights: a fact is not a rate. ``coverage`` is the share of member
    countries that answered (below ``coverage.min_population_share`` the value is flagged ``low-coverage``);
    ``lower``/``upper`` are the shares had every member without an answer said no / yes; ``total`` is the
    number answering yes.
    """
    catalog = catalog or load_areas()
    answers = _answers(values)
    by_year: dict[int, dict[str, float]] = defaultdict(dict)
    for (area, year), answer in answers.items():
        by_year[year][area] = answer
    wanted = sorted(set(years) if years is not None else by_year)
    results: list[AggregateValue] = []
    for target in targets(catalog, level, areas):
        members = [m.code for m in catalog.members(target.code)]
        for year in wanted:
            given = [by_year[year][m] for m in members if m in by_year.get(year, {})]
            yes, n, total = sum(given), len(given), len(members)
            share = n / total if total else 0.0
            flags = {AggregateFlag.low_coverage} if share < coverage.min_population_share else set()
            if n == 0:
                results.append(
                    AggregateValue(
                        target.code,
                        year,
                        None,
                        None,
                        None,
                        share,
                        frozenset({*flags, AggregateFlag.no_data}),
                        members=total,
                    )
                )
                continue
            value: float | None = 100 * yes / n
            lower: float | None = 100 * yes / total
            upper: float | None = 100 * (yes + total - n) / total
            if coverage.withhold and flags:
                value = lower = upper = None
            results.append(
                AggregateValue(
                    target.code,
                    year,
                    value,
                    lower,
                    upper,
                    share,
                    frozenset(flags),
                    members=total,
                    reporting=n,
                    total=yes,
                )
            )
    return results


def aggregate_rows(
    store: Store, indicator_id: str, level: AggregateLevel, year: int | None
) -> list[dict[str, Any]]:
    """The CLI's aggregate rows of a fact indicator: ``indicator, area, year, value, lower, upper, coverage,
    flags`` plus ``reporting`` (countries that answered) and ``yes`` (how many said yes)."""
    if not is_fact(get_indicator(indicator_id)):
        raise InvalidInput(f"indicator {indicator_id!r} is not a yes/no fact", code="aggregate-unsupported")
    values = compute(store, indicator_id)
    found = share_answering_yes(values.rows, level=level, years=[year] if year else None)
    return [{**a.row(indicator_id), "reporting": a.reporting, "yes": a.total} for a in found]
