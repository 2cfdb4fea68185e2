"""Regional and world aggregates of country rates: levels, the coverage rule, imputation and results.

Pure types; the computation is :mod:`observatory.indicators.aggregates`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from observatory.errors import InvalidInput
from observatory.model.area import AreaKind


class AggregateLevel(StrEnum):
    """Which M49 aggregates to compute: the World ``001``, regions, sub-regions, intermediate regions."""

    world = "world"
    region = "region"
    subregion = "subregion"
    intermediate_region = "intermediate-region"

    @property
    def kind(self) -> AreaKind:
        return AreaKind(self.value)


class ImputationMethod(StrEnum):
    """How a missing country-year was filled, in the order they are tried."""

    interpolation = "interpolation"  # linear between the nearest reported years before and after
    carry = "carry"  # the nearest reported year, forward or back, within a limit
    subregional_rate = "subregional-rate"  # the population-weighted rate of the country's sub-region


class AggregateFlag(StrEnum):
    """Flags of an aggregate value."""

    low_coverage = "low-coverage"  # reporting countries cover less population than the rule asks
    imputed = "imputed"  # at least one member country-year was imputed (counts in ``imputed``)
    no_data = "no-data"  # nothing reported or imputable: value is None


@dataclass(frozen=True)
class CoverageRule:
    """Publish an aggregate only when reporting countries hold at least this share of its population.

    Below it the value is still computed but flagged ``low-coverage``; with ``withhold`` it is None.
    """

    min_population_share: float = 0.6
    withhold: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_population_share <= 1.0:
            raise InvalidInput(
                f"min_population_share must be between 0 and 1, got {self.min_population_share}",
                code="invalid-coverage-rule",
            )


@dataclass(frozen=True)
class ImputationRule:
    """Which imputation methods to use and how far a value may be carried (in years)."""

    methods: tuple[ImputationMethod, ...] = tuple(ImputationMethod)
    max_carry_years: int = 5
    max_interpolation_gap: int = 10
    interval_percentiles: tuple[float, float] = (10.0, 90.0)

    def __post_init__(self) -> None:
        if self.max_carry_years < 0 or self.max_interpolation_gap < 0:
            raise InvalidInput("imputation limits must be zero or more years", code="invalid-imputation-rule")
        low, high = self.interval_percentiles
        if not 0.0 <= low <= high <= 100.0:
            raise InvalidInput(
                f"interval percentiles must satisfy 0 <= low <= high <= 100, got {low}, {high}",
                code="invalid-imputation-rule",
            )

    def uses(self, method: ImputationMethod) -> bool:
        return method in self.methods


DEFAULT_COVERAGE = CoverageRule()
DEFAULT_IMPUTATION = ImputationRule()


@dataclass(frozen=True)
class AggregateValue:
    """One aggregate rate (per 100,000) of area ``area`` (an M49 code) in ``year``.

    ``coverage`` is the population share of the members that reported that year (imputed ones excluded);
    ``lower``/``upper`` the uncertainty interval from imputation (equal to ``value`` when nothing was
    imputed at the sub-regional rate); ``imputed`` counts imputed member-years by method; ``members`` is
    how many member countries had a population that year and ``reporting`` how many of them reported.
    """

    area: str
    year: int
    value: float | None
    lower: float | None
    upper: float | None
    coverage: float
    flags: frozenset[AggregateFlag] = frozenset()
    imputed: dict[ImputationMethod, int] = field(default_factory=dict)
    members: int = 0
    reporting: int = 0
    total: float | None = None  # the estimated count (rate x population / 100,000)
    population: float = 0.0

    @property
    def publishable(self) -> bool:
        return self.value is not None and AggregateFlag.low_coverage not in self.flags

    def row(self, indicator_id: str) -> dict[str, Any]:
        """The output row of the CLI and the exports: ``indicator, area, year, value, lower, upper, coverage,
        flags`` (comma-separated, sorted)."""
        return {
            "indicator": indicator_id,
            "area": self.area,
            "year": self.year,
            "value": self.value,
            "lower": self.lower,
            "upper": self.upper,
            "coverage": self.coverage,
            "flags": ",".join(sorted(str(f) for f in self.flags)),
        }
