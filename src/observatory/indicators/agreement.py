"""Agreement of ``sdg_16_1_1`` with UNODC's published rates, every difference decomposed and classified.

For each country-year with both, ``ours / published`` is exactly the product of two parts:

* the **count part**, our numerator over UNODC's count (male + female VC_IHR_PSRCN): 1 unless the counts
  were revised between the vintages compared;
* the **population part**, UNODC's implied population (``count / rate x 100,000`` per sex, summed: UN
  World Population Prospects) over our denominator (World Bank SP.POP.TOTL).

A difference above ``tolerance`` is classified by which part moves by more than ``part_tolerance``:
``population-definition`` (only the population), ``count-revision`` (only the count), ``both``; whatever
the two parts leave over (``residual``, rounding of the published rates) above ``part_tolerance`` is
``unexplained``. :func:`unodc_population_rates` is the variant ``sdg_16_1_1_unodc_population``: the same
counts over UNODC's implied population where UNODC publishes one (World Bank population rescaled by the
country's nearest implied/World Bank ratio elsewhere), so that this platform's rate can be put on UNODC's
population basis. It agrees with UNODC by construction wherever UNODC publishes the rate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from observatory.catalog.areas import load_areas
from observatory.errors import InvalidInput
from observatory.indicators.compute import compute, population_rows
from observatory.indicators.unodc import (
    COUNT,
    PER,
    RATE,
    PopulationBasis,
    PublishedTotal,
    population_basis,
    published_totals,
)
from observatory.store.db import Store
from observatory.warehouse.query import ObservationFilter, query_observations

INDICATOR = "sdg_16_1_1"
VARIANT = "sdg_16_1_1_unodc_population"
SUPPORTED = (INDICATOR, VARIANT)


class Difference(StrEnum):
    """What a country-year's difference from UNODC's published rate comes from."""

    agrees = "agrees"  # within the tolerance
    population_definition = "population-definition"  # World Bank and UN WPP populations differ
    count_revision = "count-revision"  # our count is not UNODC's
    both = "both"
    unexplained = "unexplained"  # the two parts do not account for the difference


@dataclass(frozen=True)
class Comparison:
    area: str
    year: int
    ours: float
    published: float
    numerator: float
    denominator: float
    count: float  # UNODC's count, male + female
    population: float  # UNODC's implied population, male + female
    kind: Difference

    @property
    def ratio(self) -> float:
        return self.ours / self.published

    @property
    def count_part(self) -> float:
        return self.numerator / self.count

    @property
    def population_part(self) -> float:
        return self.population / self.denominator

    @property
    def residual(self) -> float:
        return self.ratio / (self.count_part * self.population_part) - 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "year": self.year,
            "ours": self.ours,
            "published": self.published,
            "difference": self.ratio - 1.0,
            "population_part": self.population_part,
            "count_part": self.count_part,
            "residual": self.residual,
            "world_bank_population": self.denominator,
            "unodc_population": self.population,
            "kind": self.kind.value,
        }


@dataclass
class Agreement:
    indicator: str
    tolerance: float
    part_tolerance: float
    comparisons: list[Comparison] = field(default_factory=list)

    def share_within(self, tolerance: float) -> float:
        if not self.comparisons:
            return 0.0
        return sum(abs(c.ratio - 1.0) <= tolerance for c in self.comparisons) / len(self.comparisons)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(c.kind.value for c in self.comparisons)
        return {kind.value: found.get(kind.value, 0) for kind in Difference}

    @property
    def differences(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.kind is not Difference.agrees]

    def by_area(self) -> list[dict[str, Any]]:
        """One line per country with differences: years, range of the population part, classes."""
        groups: dict[str, list[Comparison]] = defaultdict(list)
        for c in self.differences:
            groups[c.area].append(c)
        lines = []
        for area, found in groups.items():
            parts = [c.population_part for c in found]
            lines.append(
                {
                    "area": area,
                    "years": len(found),
                    "first": min(c.year for c in found),
                    "last": max(c.year for c in found),
                    "population_part_min": min(parts),
                    "population_part_max": max(parts),
                    "largest_difference": max((c.ratio - 1.0 for c in found), key=abs),
                    "kinds": sorted({c.kind.value for c in found}),
                }
            )
        return sorted(lines, key=lambda line: -abs(line["largest_difference"]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "compared": len(self.comparisons),
            "tolerance": self.tolerance,
            "part_tolerance": self.part_tolerance,
            "within_1_percent": self.share_within(0.01),
            "within_5_percent": self.share_within(0.05),
            "counts": self.counts,
            "by_area": self.by_area(),
            "differences": [c.to_dict() for c in self.differences],
        }


def classify(
    ratio: float, count_part: float, population_part: float, tolerance: float, part: float
) -> Difference:
    if abs(ratio - 1.0) <= tolerance:
        return Difference.agrees
    if abs(ratio / (count_part * population_part) - 1.0) > part:
        return Difference.unexplained
    counts, people = abs(count_part - 1.0) > part, abs(population_part - 1.0) > part
    if counts and people:
        return Difference.both
    if counts:
        return Difference.count_revision
    if people:
        return Difference.population_definition
    return Difference.unexplained  # neither part moves, yet the ratio does: cannot happen but for rounding


def published(store: Store) -> dict[tuple[str, int], PublishedTotal]:
    """UNODC's published totals (both sexes) from the latest release."""
    rows = query_observations(store, ObservationFilter(variable=(RATE, COUNT))).data
    return published_totals(rows)


def unodc_population_rates(store: Store) -> list[dict[str, Any]]:
    """``sdg_16_1_1_unodc_population``: our counts over UNODC's implied population where it has one.

    ``flags`` is empty on UNODC's own population, ``rescaled-population`` where the World Bank population
    was rescaled by the nearest implied/World Bank ratio, ``world-bank-population`` where UNODC publishes
    no population for the country at all.
    """
    totals = published(store)
    base = compute(store, INDICATOR).rows
    years = sorted({int(r["year"]) for r in base})
    world_bank = {(r["area"], int(r["year"])): float(r["population"]) for r in population_rows(store)}
    people = population_basis(world_bank, totals, PopulationBasis.unodc_implied, years)
    has_totals = {area for area, _ in totals}
    rows = []
    for r in base:
        key = (r["area"], int(r["year"]))
        denominator = people.get(key)
        if r["numerator"] is None or not denominator:
            value, flags = None, "missing-denominator"
        else:
            value = float(r["numerator"]) / denominator * PER
            flags = (
                ""
                if key in totals
                else "rescaled-population"
                if key[0] in has_totals
                else "world-bank-population"
            )
        rows.append(
            {
                "indicator": VARIANT,
                "area": key[0],
                "year": key[1],
                "value": value,
                "numerator": r["numerator"],
                "denominator": denominator,
                "flags": flags,
            }
        )
    return rows


def agreement(
    store: Store, indicator_id: str = INDICATOR, *, tolerance: float = 0.01, part_tolerance: float = 0.001
) -> Agreement:
    """Every country-year of ``indicator_id`` against UNODC's published total rate, decomposed."""
    if indicator_id not in SUPPORTED:
        raise InvalidInput(
            f"agreement with UNODC's published rates is defined for {', '.join(SUPPORTED)}, "
            f"not {indicator_id!r}",
            code="agreement-unsupported",
        )
    totals = published(store)
    rows = unodc_population_rates(store) if indicator_id == VARIANT else compute(store, INDICATOR).rows
    catalog = load_areas()
    result = Agreement(indicator_id, tolerance, part_tolerance)
    for r in rows:
        key = (r["area"], int(r["year"]))
        if key[0] not in catalog or catalog.get(key[0]).is_aggregate:
            continue  # country-years only: the SDG regional rows are UNODC's own estimates
        total = totals.get(key)
        if total is None or r["value"] is None or not r["denominator"] or not total.count:
            continue  # nothing published, or nothing to divide: not comparable
        ours, numerator, denominator = float(r["value"]), float(r["numerator"]), float(r["denominator"])
        ratio = ours / total.rate
        kind = classify(
            ratio, numerator / total.count, total.population / denominator, tolerance, part_tolerance
        )
        result.comparisons.append(
            Comparison(
                key[0], key[1], ours, total.rate, numerator, denominator, total.count, total.population, kind
            )
        )
    return result
