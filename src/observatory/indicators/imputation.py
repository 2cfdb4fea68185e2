"""Filling missing country-years of a rate series before aggregation.

Methods, tried in this order (each one only if the :class:`ImputationRule` lists it):

1. ``interpolation``: linear between the nearest reported years before and after, when they are at most
   ``max_interpolation_gap`` years apart;
2. ``carry``: the nearest reported year's value, forward or back, at most ``max_carry_years`` away (the
   earlier year wins a tie);
3. ``subregional-rate``: the rate of the other countries of the same M49 sub-region (reported or imputed
   by 1-2) that year; failing that, of the region, then of the World. How the sub-region's rates are
   combined is a policy choice, :class:`GroupStatistic`: population-weighted (the rate of the pooled
   count, the default), or the plain mean or median of the country rates (UNODC speaks of "regional
   averages"; the mean and median give a small country the weight of a large one).

Every imputed value carries its method, so aggregates can count and flag them.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from observatory.model.aggregate import DEFAULT_IMPUTATION, ImputationMethod, ImputationRule


class GroupStatistic(StrEnum):
    """How a sub-region's country rates combine into the rate imputed to a country without data."""

    weighted_mean = "weighted-mean"  # population-weighted: the rate of the pooled count
    mean = "mean"  # the plain mean of the country rates
    median = "median"  # the median of the country rates


@dataclass(frozen=True)
class Filled:
    """A country-year rate: reported (``method`` None) or imputed by ``method``."""

    value: float
    method: ImputationMethod | None = None


def fill_from_own_series(
    reported: Mapping[int, float], year: int, rule: ImputationRule = DEFAULT_IMPUTATION
) -> Filled | None:
    """The country's value for ``year`` from its own series: reported, interpolated or carried, or None."""
    if year in reported:
        return Filled(reported[year])
    years = sorted(reported)
    if not years:
        return None
    at = bisect.bisect_left(years, year)
    before = years[at - 1] if at > 0 else None
    after = years[at] if at < len(years) else None
    if (
        rule.uses(ImputationMethod.interpolation)
        and before is not None
        and after is not None
        and after - before <= rule.max_interpolation_gap
    ):
        share = (year - before) / (after - before)
        value = reported[before] + share * (reported[after] - reported[before])
        return Filled(value, ImputationMethod.interpolation)
    if rule.uses(ImputationMethod.carry):
        candidates = [y for y in (before, after) if y is not None and abs(year - y) <= rule.max_carry_years]
        if candidates:
            nearest = min(candidates, key=lambda y: (abs(year - y), y))
            return Filled(reported[nearest], ImputationMethod.carry)
    return None


def weighted_rate(pairs: Sequence[tuple[float, float]]) -> float | None:
    """The population-weighted mean of ``(rate, population)`` pairs, None without population."""
    weight = sum(p for _, p in pairs)
    if weight <= 0:
        return None
    return sum(r * p for r, p in pairs) / weight


def group_rate(
    pairs: Sequence[tuple[float, float]], statistic: GroupStatistic = GroupStatistic.weighted_mean
) -> float | None:
    """The rate of a group of ``(rate, population)`` pairs by ``statistic``; None for an empty group.

    Only countries with a population count, whichever the statistic, so the three agree on who is in.
    """
    present = [(r, p) for r, p in pairs if p > 0]
    if not present:
        return None
    if statistic is GroupStatistic.weighted_mean:
        return weighted_rate(present)
    rates = [r for r, _ in present]
    return statistics.fmean(rates) if statistic is GroupStatistic.mean else statistics.median(rates)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values`` by linear interpolation (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])
