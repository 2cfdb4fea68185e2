"""Trends: year-on-year and average annual change, breaks in series, Global-Study-on-Homicide summaries.

* :func:`year_on_year`: relative change from the previous year, for consecutive years only;
* :func:`average_annual_change`: compound rate ``(end / start) ** (1 / years) - 1`` over a period;
* :func:`breaks` / :func:`flag_breaks`: where a series breaks, either because the source flagged
  ``break-in-series`` or because the value jumps by more than a threshold (default: it halves or
  grows by more than half) from the previous reported year; flagged observations get ``break-in-series``
  with a note saying why;
* :func:`share_of_world`: each region's share of world homicides (from aggregate totals, so imputed
  members count the same way in the region and in the World);
* :func:`sex_ratio`: the male/female rate ratio by year.

A change from or a ratio over zero is ``None`` (never an infinity); a missing end of a period is an error.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from observatory.catalog.areas import WORLD
from observatory.errors import InvalidInput
from observatory.model.aggregate import AggregateValue
from observatory.model.observation import Flag, Observation


class BreakReason(StrEnum):
    flagged = "flagged-by-source"  # the observation carries break-in-series
    jump = "large-jump"  # the relative change exceeds the threshold


@dataclass(frozen=True)
class SeriesBreak:
    """A break between ``previous_year`` and ``year`` of one series."""

    year: int
    previous_year: int | None
    value: float
    previous: float | None
    change: float | None
    reason: BreakReason


def year_on_year(series: Mapping[int, float]) -> dict[int, float | None]:
    """Relative change from the previous year (``0.1`` = +10%); None when the previous year is zero."""
    changes: dict[int, float | None] = {}
    for year in sorted(series):
        if year - 1 in series:
            before = series[year - 1]
            changes[year] = None if before == 0 else series[year] / before - 1.0
    return changes


def average_annual_change(series: Mapping[int, float], start: int, end: int) -> float | None:
    """Compound average annual change from ``start`` to ``end``; None if the start value is zero."""
    if end <= start:
        raise InvalidInput(f"the period {start}-{end} must end after it starts", code="invalid-period")
    missing = [y for y in (start, end) if y not in series]
    if missing:
        raise InvalidInput(
            f"no value for {', '.join(map(str, missing))}; an average annual change needs both ends",
            code="missing-year",
        )
    first, last = series[start], series[end]
    if first <= 0 or last < 0:
        return None
    return math.pow(last / first, 1.0 / (end - start)) - 1.0


def _jump(before: float, after: float, threshold: float) -> float | None:
    """The relative change if it is a jump (up by more than ``threshold``, or down as much), else None.

    Down "as much" is symmetric on the ratio scale: with 0.5, up 1.5x or down to 1/1.5 (-33%).
    From zero to anything is a jump (``inf``).
    """
    if before == 0:
        return None if after == 0 else math.inf
    change = after / before - 1.0
    return change if change > threshold or change < 1.0 / (1.0 + threshold) - 1.0 else None


def breaks(
    series: Mapping[int, float], *, flagged: Iterable[int] = (), threshold: float = 0.5
) -> list[SeriesBreak]:
    """The breaks in one series: years the source flagged, and jumps beyond ``threshold``."""
    if threshold <= 0:
        raise InvalidInput(
            f"the jump threshold must be above zero, got {threshold}", code="invalid-threshold"
        )
    marked = set(flagged)
    found: list[SeriesBreak] = []
    previous: int | None = None
    for year in sorted(series):
        before = series[previous] if previous is not None else None
        change = None if before is None else (None if before == 0 else series[year] / before - 1.0)
        if year in marked:
            found.append(SeriesBreak(year, previous, series[year], before, change, BreakReason.flagged))
        elif before is not None and _jump(before, series[year], threshold) is not None:
            found.append(SeriesBreak(year, previous, series[year], before, change, BreakReason.jump))
        previous = year
    return found


def flag_breaks(observations: Iterable[Observation], *, threshold: float = 0.5) -> list[Observation]:
    """The observations, with ``break-in-series`` added where a value jumps beyond ``threshold``.

    Series are compared within one dataflow, area and series key, year against the previous reported year.
    """
    items = list(observations)
    groups: dict[tuple[str, str, str], dict[int, int]] = defaultdict(dict)
    for index, obs in enumerate(items):
        if obs.value is not None:
            groups[(obs.provenance.dataflow, obs.area, str(obs.key))][int(obs.period[:4])] = index
    for by_year in groups.values():
        values = {year: v for year, i in by_year.items() if (v := items[i].value) is not None}
        for found in breaks(values, threshold=threshold):
            index = by_year[found.year]
            change = "from zero" if found.change is None else f"{found.change:+.0%}"
            note = f"break in series: {change} from {found.previous_year} ({found.previous:g})"
            items[index] = items[index].with_flags(Flag.break_in_series, note=note)
    return items


def share_of_world(values: Iterable[AggregateValue]) -> dict[tuple[str, int], float | None]:
    """Each aggregate's share of the World's estimated total that year (``total`` over the World's)."""
    items = list(values)
    world = {v.year: v.total for v in items if v.area == WORLD}
    shares: dict[tuple[str, int], float | None] = {}
    for value in items:
        if value.area == WORLD:
            continue
        whole = world.get(value.year)
        shares[(value.area, value.year)] = value.total / whole if whole and value.total is not None else None
    return shares


def sex_ratio(male: Mapping[int, float], female: Mapping[int, float]) -> dict[int, float | None]:
    """Male/female rate ratio for the years both have; None where the female rate is zero."""
    return {y: (male[y] / female[y] if female[y] else None) for y in sorted(male.keys() & female.keys())}
