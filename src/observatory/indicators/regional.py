"""World and regional values of a registry indicator on the latest release, for the pages and downloads.

The country values come from :func:`observatory.indicators.compute.compute`, the population from the
World Bank series of the same release, and the aggregation (members, coverage, imputation, interval) from
:func:`observatory.indicators.aggregates.aggregate`. Only indicators without disaggregations whose unit is a
rate or a percentage are aggregated: a rate becomes the pooled rate (population-weighted), a percentage the
population-weighted mean of the country percentages (it says so in ``method``).

Releases are immutable, so results are kept per release SHA-256 (a few entries, most recent last).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from threading import Lock

from observatory.catalog.indicators import get_indicator
from observatory.errors import InvalidInput
from observatory.indicators.aggregates import aggregate
from observatory.indicators.compute import compute, population_rows
from observatory.model.aggregate import AggregateLevel, AggregateValue
from observatory.model.indicator import Indicator, IndicatorUnit
from observatory.model.release import Release
from observatory.store.db import Store

AGGREGATABLE = frozenset({IndicatorUnit.RATE_PER_100K, IndicatorUnit.RATE_PER_10K, IndicatorUnit.PERCENT})
POOLED = "population-weighted rate of the member countries (the pooled rate)"
WEIGHTED_MEAN = "population-weighted mean of the member countries' percentages"
_KEPT = 16

_cache: dict[tuple[str, str, str, tuple[str, ...]], list[AggregateValue]] = {}
_lock = Lock()


def can_aggregate(indicator: Indicator) -> bool:
    """Whether :func:`regional_values` can aggregate ``indicator``."""
    return indicator.unit in AGGREGATABLE and not indicator.disaggregations


def method(indicator: Indicator) -> str:
    """How the aggregates of ``indicator`` are formed, in words."""
    return WEIGHTED_MEAN if indicator.unit is IndicatorUnit.PERCENT else POOLED


@dataclass(frozen=True)
class RegionalValues:
    """Aggregates of one indicator, the release they come from and how they were formed."""

    indicator: Indicator
    release: Release
    values: list[AggregateValue]

    @property
    def method(self) -> str:
        return method(self.indicator)


def regional_values(
    store: Store,
    indicator_id: str,
    *,
    level: AggregateLevel = AggregateLevel.world,
    areas: Sequence[str] | None = None,
) -> RegionalValues:
    """Every year's aggregate of ``indicator_id`` for the areas of ``level`` (or the M49 ``areas``).

    ``InvalidInput(code="aggregate-unsupported")`` for an indicator that cannot be aggregated.
    """
    indicator = get_indicator(indicator_id)
    if not can_aggregate(indicator):
        raise InvalidInput(
            f"indicator {indicator_id!r} is in {indicator.unit.value}"
            f"{' with disaggregations' if indicator.disaggregations else ''}: only rates and percentages "
            "without disaggregations are aggregated",
            code="aggregate-unsupported",
        )
    values = compute(store, indicator_id)  # every year: imputation needs the neighbouring years
    chosen = tuple(sorted(areas)) if areas is not None else ()
    key = (values.release.sha256, indicator_id, level.value, chosen)
    with _lock:
        found = _cache.get(key)
    if found is None:
        rates = [
            {"area": r["area"], "year": r["year"], "value": r["value"]}
            for r in values.rows
            if r["value"] is not None
        ]
        found = aggregate(
            rates,
            level=level,
            areas=list(chosen) if areas is not None else None,
            population=population_rows(store),
        )
        with _lock:
            _cache[key] = found
            while len(_cache) > _KEPT:
                del _cache[next(iter(_cache))]
    return RegionalValues(values.indicator, values.release, found)
