"""World and M49 regional aggregates of country rates, population-weighted, with coverage and imputation.

:func:`aggregate` takes country-level rates (``area, year, value`` per 100,000, or ``area, year,
numerator, denominator``) and a population table (``area, year, population``) and returns one
:class:`~observatory.model.aggregate.AggregateValue` per aggregate area and year:

* **Members** come from the area catalogue (:meth:`AreaCatalog.members`): every country and reporting
  unit in the region, with the parts of a country (``GBR_E_W``, ``IRQ_KRI``: ``is-part``) left out, so a
  country and its parts are never counted twice. Rows for aggregates or parts are simply not used.
* **Rate** = sum over members of rate x population / sum of population: the rate of the pooled count.
  A member with no population that year is left out of both sums.
* **Coverage** = population share of members that reported that year. Below
  ``CoverageRule.min_population_share`` the value is flagged ``low-coverage`` (None with ``withhold``).
* **Imputation** (see :mod:`observatory.indicators.imputation`): interpolation, carry within a limit,
  else the sub-regional rate (``group_statistic``: population-weighted by default, or the plain mean or
  median of the country rates); each imputed member-year is counted by method.
* **Uncertainty interval**: members imputed at the sub-regional rate are re-imputed at the 10th and
  90th percentile (``ImputationRule.interval_percentiles``) of the country rates of their sub-region
  (region, then World, when the sub-region has fewer than three); reported, interpolated and carried
  values are held fixed. With nothing imputed at the sub-regional rate the interval is the point.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import pyarrow as pa

from observatory.catalog.areas import WORLD, AreaCatalog, load_areas
from observatory.errors import InvalidInput
from observatory.indicators.imputation import (
    Filled,
    GroupStatistic,
    fill_from_own_series,
    group_rate,
    percentile,
)
from observatory.model.aggregate import (
    DEFAULT_COVERAGE,
    DEFAULT_IMPUTATION,
    AggregateFlag,
    AggregateLevel,
    AggregateValue,
    CoverageRule,
    ImputationMethod,
    ImputationRule,
)
from observatory.model.area import Area

PER = 100_000.0
MIN_GROUP = 3  # countries a sub-region needs for its percentiles to bound an imputation

Rows: TypeAlias = pa.Table | Iterable[Mapping[str, Any]]


def _rows(data: Rows) -> list[Mapping[str, Any]]:
    return data.to_pylist() if isinstance(data, pa.Table) else list(data)


def _number(row: Mapping[str, Any], column: str) -> float | None:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{column} is {value!r} in {dict(row)}; expected a number", code="invalid-number")
    return float(value)


def _key(row: Mapping[str, Any]) -> tuple[str, int]:
    try:
        return str(row["area"]).strip().upper(), int(row["year"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(
            f"row {dict(row)} needs an area and an integer year", code="invalid-aggregate-input"
        ) from None


def read_population(population: Rows) -> dict[tuple[str, int], float]:
    """``(area, year) -> population`` from rows with ``area, year, population`` (or ``value``)."""
    found: dict[tuple[str, int], float] = {}
    for row in _rows(population):
        value = _number(row, "population" if "population" in row else "value")
        if value is None:
            continue
        if value < 0:
            raise InvalidInput(f"negative population in {dict(row)}", code="negative-population")
        found[_key(row)] = value
    return found


def read_rates(values: Rows) -> tuple[dict[str, dict[int, float]], dict[tuple[str, int], float]]:
    """Country rates per 100,000 by area and year, and the denominators given with counts."""
    rates: dict[str, dict[int, float]] = defaultdict(dict)
    denominators: dict[tuple[str, int], float] = {}
    for row in _rows(values):
        area, year = _key(row)
        if "numerator" in row or "denominator" in row:
            numerator, denominator = _number(row, "numerator"), _number(row, "denominator")
            if numerator is None:
                continue
            if denominator is None or denominator <= 0:
                raise InvalidInput(
                    f"{area} {year}: the denominator is {denominator!r}; a rate needs a positive population",
                    code="zero-denominator",
                )
            rate = numerator / denominator * PER
            denominators[(area, year)] = denominator
        else:
            value = _number(row, "value")
            if value is None:
                continue
            rate = value
        if year in rates[area]:
            raise InvalidInput(f"{area} {year} is given twice", code="duplicate-country-year")
        rates[area][year] = rate
    return dict(rates), denominators


def targets(catalog: AreaCatalog, level: AggregateLevel, areas: Sequence[str] | None) -> list[Area]:
    """The aggregate areas to compute: those named, else every area of ``level``."""
    if areas is not None:
        chosen = [catalog.get(code) for code in areas]
        bad = [a.code for a in chosen if not a.is_aggregate]
        if bad:
            raise InvalidInput(f"{', '.join(bad)} are not aggregates", code="not-an-aggregate")
        return chosen
    if level is AggregateLevel.world:
        return [catalog.get(WORLD)]
    return sorted((a for a in catalog.regions() if a.kind is level.kind), key=lambda a: a.code)


@dataclass
class _Groups:
    """Per year, the filled rates of each sub-region, region and the World (for imputation)."""

    pairs: dict[tuple[str, int], list[tuple[float, float]]]
    statistic: GroupStatistic = GroupStatistic.weighted_mean

    def rate(self, area: Area, year: int) -> float | None:
        for group in _group_codes(area):
            found = group_rate(self.pairs.get((group, year), []), self.statistic)
            if found is not None:
                return found
        return None

    def bounds(self, area: Area, year: int, low: float, high: float) -> tuple[float, float] | None:
        for group in _group_codes(area):
            rates = [r for r, _ in self.pairs.get((group, year), [])]
            if len(rates) >= MIN_GROUP or (group == WORLD and rates):
                return percentile(rates, low), percentile(rates, high)
        return None


def _group_codes(area: Area) -> list[str]:
    return [c for c in (area.subregion, area.region) if c] + [WORLD]


def aggregate(
    values: Rows,
    *,
    level: AggregateLevel = AggregateLevel.world,
    areas: Sequence[str] | None = None,
    population: Rows,
    coverage: CoverageRule = DEFAULT_COVERAGE,
    imputation: ImputationRule = DEFAULT_IMPUTATION,
    years: Iterable[int] | None = None,
    catalog: AreaCatalog | None = None,
    group_statistic: GroupStatistic = GroupStatistic.weighted_mean,
) -> list[AggregateValue]:
    """Population-weighted aggregate rates per 100,000 for the areas of ``level`` (or ``areas``).

    ``group_statistic`` says how a sub-region's country rates combine into the rate imputed to a member
    without data of its own (:class:`~observatory.indicators.imputation.GroupStatistic`).
    """
    catalog = catalog or load_areas()
    rates, denominators = read_rates(values)
    pop = read_population(population)
    pop.update(denominators)
    wanted = sorted(set(years) if years is not None else {y for s in rates.values() for y in s})
    chosen = targets(catalog, level, areas)
    members = {t.code: catalog.members(t.code) for t in chosen}
    universe = {m.code: m for ms in members.values() for m in ms}
    # Sub-regional rates come from every country of the World, not only the targets' members.
    everyone = {m.code: m for m in catalog.members(WORLD)} | universe
    filled: dict[tuple[str, int], Filled] = {}
    groups = _Groups(defaultdict(list), group_statistic)
    for code, area in everyone.items():
        series = rates.get(code, {})
        for year in wanted:
            got = fill_from_own_series(series, year, imputation)
            if got is None:
                continue
            filled[(code, year)] = got
            weight = pop.get((code, year))
            if weight:
                for group in _group_codes(area):
                    groups.pairs[(group, year)].append((got.value, weight))
    results: list[AggregateValue] = []
    for target in chosen:
        for year in wanted:
            results.append(
                _one(target, year, members[target.code], filled, groups, pop, coverage, imputation)
            )
    return results


def _member_rate(
    member: Area,
    year: int,
    filled: Mapping[tuple[str, int], Filled],
    groups: _Groups,
    imputation: ImputationRule,
) -> tuple[Filled, float, float] | None:
    """A member's rate that year with its interval bounds (the rate itself unless sub-regionally imputed)."""
    got = filled.get((member.code, year))
    if got is not None:
        return got, got.value, got.value
    if not imputation.uses(ImputationMethod.subregional_rate):
        return None
    rate = groups.rate(member, year)
    if rate is None:
        return None
    bounds = groups.bounds(member, year, *imputation.interval_percentiles)
    low, high = bounds if bounds else (rate, rate)
    return Filled(rate, ImputationMethod.subregional_rate), low, high


def _one(
    target: Area,
    year: int,
    members: list[Area],
    filled: Mapping[tuple[str, int], Filled],
    groups: _Groups,
    pop: Mapping[tuple[str, int], float],
    rule: CoverageRule,
    imputation: ImputationRule,
) -> AggregateValue:
    total = low_total = high_total = weight = base = reported_weight = 0.0
    counted = reporting = 0
    methods: Counter[ImputationMethod] = Counter()
    for member in members:
        people = pop.get((member.code, year))
        if not people:
            continue
        weight += people  # a member we know nothing about still counts against coverage
        found = _member_rate(member, year, filled, groups, imputation)
        if found is None:
            continue
        got, low, high = found
        counted += 1
        base += people
        if got.method is None:
            reporting += 1
            reported_weight += people
        else:
            methods[got.method] += 1
        total += got.value * people / PER
        low_total += min(low, got.value) * people / PER
        high_total += max(high, got.value) * people / PER
    share = reported_weight / weight if weight else 0.0
    flags: set[AggregateFlag] = set()
    if methods:
        flags.add(AggregateFlag.imputed)
    if share < rule.min_population_share:
        flags.add(AggregateFlag.low_coverage)
    if counted == 0:
        flags.add(AggregateFlag.no_data)
        return AggregateValue(target.code, year, None, None, None, share, frozenset(flags))
    value: float | None = total / base * PER
    lower: float | None = low_total / base * PER
    upper: float | None = high_total / base * PER
    if rule.withhold and AggregateFlag.low_coverage in flags:
        value = lower = upper = None
    return AggregateValue(
        target.code,
        year,
        value,
        lower,
        upper,
        share,
        frozenset(flags),
        imputed=dict(methods),
        members=counted,
        reporting=reporting,
        total=total,
        population=base,
    )
