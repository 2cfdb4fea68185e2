"""Indicators as pure values: what is divided by what, scaled how, broken down by which dimensions.

An :class:`Indicator` names a numerator and (for ratios) a denominator, each a :class:`SeriesSelector`
over published observations, a multiplier (100,000 for rates, 100 for shares) and the unit of the result.
A pass-through indicator has no denominator: it republishes an imported series (SDG 16.3.1, 16.5.1).
Nothing here reads data; ``observatory.indicators.compile`` turns an indicator into an ibis expression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from observatory.model.observation import SERIES_DIMENSIONS

TOTAL = "_T"
#: The dimensions a selector may fix or an indicator may break down by (everything but the variable).
DIMENSIONS: tuple[str, ...] = tuple(d for d in SERIES_DIMENSIONS if d not in {"variable", "unit"})


class IndicatorUnit(StrEnum):
    """The unit of an indicator's values."""

    COUNT = "count"
    RATE_PER_100K = "rate-per-100k"
    RATE_PER_10K = "rate-per-10k"
    RATE_PER_1K = "rate-per-1000"
    PERCENT = "percent"
    RATIO = "ratio"
    YES_NO = "yes-no"  # a fact per country and year (1 yes, 0 no), passed through with its evidence


class IndicatorFlag(StrEnum):
    """Why a computed value is missing or should be read with care."""

    MISSING_DENOMINATOR = "missing-denominator"
    ZERO_DENOMINATOR = "zero-denominator"


#: Units of observations that can be divided by each other (counts and persons are both head counts).
COUNTABLE_UNITS = frozenset({"count", "persons"})


@dataclass(frozen=True)
class SeriesSelector:
    """One series of observations: a variable, its unit, and fixed values for some dimensions.

    A dimension not named is taken at its total (``_T``) unless the indicator breaks down by it.
    A dimension named with several values is summed over them, and only where every value is present
    (``sex = ["M", "F"]`` is a total built from its parts).
    """

    variable: str
    unit: str | None = None
    dataflow: str | None = None
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def fixed(self) -> dict[str, tuple[str, ...]]:
        return dict(self.where)

    def describe(self) -> str:
        parts = [f"{k}={'+'.join(v)}" for k, v in self.where]
        if self.unit:
            parts.append(f"unit={self.unit}")
        if self.dataflow:
            parts.append(f"dataflow={self.dataflow}")
        return f"{self.variable}[{', '.join(parts)}]" if parts else self.variable


#: The World Bank total population, the denominator of per-capita rates.
POPULATION = SeriesSelector(variable="population", unit="persons", dataflow="WB_WDI")


@dataclass(frozen=True)
class Indicator:
    """A declarative indicator: ``numerator / denominator x multiplier`` per area, year, disaggregation."""

    id: str
    name: str
    definition: str
    numerator: SeriesSelector
    unit: IndicatorUnit
    denominator: SeriesSelector | None = None
    multiplier: float = 1.0
    disaggregations: tuple[str, ...] = ()
    reference: str | None = None
    caveats: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None

    @property
    def per_capita(self) -> bool:
        return self.denominator is not None and self.denominator.variable == POPULATION.variable

    def formula(self) -> str:
        if self.denominator is None:
            return self.numerator.describe()
        scale = f" x {self.multiplier:,.0f}" if self.multiplier != 1 else ""
        return f"{self.numerator.describe()} / {self.denominator.describe()}{scale}"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "definition": self.definition,
            "formula": self.formula(),
            "numerator": self.numerator.describe(),
            "denominator": self.denominator.describe() if self.denominator else None,
            "multiplier": self.multiplier,
            "unit": self.unit.value,
            "disaggregations": list(self.disaggregations),
            "reference": self.reference,
            "caveats": list(self.caveats),
        }
