"""UNODC's published national homicide figures as inputs: its totals, its implied population, rate sources.

UNODC publishes the homicide rate by sex (SDG series ``VC_IHR_PSRC``) with the counts (``VC_IHR_PSRCN``).
The population it divided by is ``count / rate x 100,000`` for each sex (UN World Population Prospects,
WPP), so its total rate is ``(male + female count) / (male + female implied population) x 100,000``:
:func:`published_totals` rebuilds it per country-year (both sexes needed, rates above zero).

Two policy choices of the homicide aggregates live here as enums:

* :class:`PopulationBasis`: weight countries by World Bank population, or by UNODC's implied (WPP)
  population where it publishes one, with World Bank population rescaled by the country's nearest
  implied/World Bank ratio in the other years (:func:`population_basis`);
* :class:`RateSource`: national rates from the Our World in Data file only (UNODC's newest vintage), or
  with the SDG database's 2020 vintage filling the years the newer file lacks (:func:`national_rates`).

Nothing here reads UNODC's regional aggregates: they are the reference the aggregates are compared with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

PER = 100_000.0
RATE = "VC_IHR_PSRC"
COUNT = "VC_IHR_PSRCN"
SEXES = ("M", "F")


@dataclass(frozen=True)
class PublishedTotal:
    """UNODC's total (male + female) homicide count and the population it implies for one country-year."""

    area: str
    year: int
    count: float
    population: float

    @property
    def rate(self) -> float:
        return self.count / self.population * PER


class PopulationBasis(StrEnum):
    """Which population weights a country's rate in an aggregate."""

    world_bank = "world-bank"  # World Bank SP.POP.TOTL as imported
    unodc_implied = "unodc-implied"  # UNODC's implied (WPP) population, World Bank rescaled elsewhere


class RateSource(StrEnum):
    """Where national homicide rates come from."""

    owid = "owid"  # the OWID grapher file: UNODC's newest vintage, as published
    owid_then_sdg = "owid-then-sdg"  # the SDG 2020 vintage fills the years the OWID file lacks


def _year(row: Mapping[str, Any]) -> int:
    return int(row["year"] if "year" in row else row["period"])


def published_totals(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[str, int], PublishedTotal]:
    """UNODC's totals from observation rows (``area, period|year, variable, sex, value``) of both series.

    A country-year needs the rate and the count of both sexes, and rates above zero (a zero rate implies
    no population); other rows are ignored.
    """
    found: dict[tuple[str, int, str], dict[str, float]] = defaultdict(dict)
    for row in rows:
        if row["variable"] in (RATE, COUNT) and row["sex"] in SEXES and row["value"] is not None:
            found[(str(row["area"]), _year(row), str(row["sex"]))][str(row["variable"])] = float(row["value"])
    parts: dict[tuple[str, int], list[tuple[float, float]]] = defaultdict(list)
    for (area, year, _), values in found.items():
        rate, count = values.get(RATE), values.get(COUNT)
        if rate and rate > 0 and count is not None:
            parts[(area, year)].append((count, count / rate * PER))
    return {
        (area, year): PublishedTotal(area, year, sum(c for c, _ in pair), sum(p for _, p in pair))
        for (area, year), pair in parts.items()
        if len(pair) == len(SEXES)
    }


def population_basis(
    world_bank: Mapping[tuple[str, int], float],
    totals: Mapping[tuple[str, int], PublishedTotal],
    basis: PopulationBasis = PopulationBasis.unodc_implied,
    years: Iterable[int] = (),
) -> dict[tuple[str, int], float]:
    """``(area, year) -> population`` on the chosen basis.

    With ``unodc-implied``: UNODC's implied population where it publishes one; in the country's other
    ``years``, the World Bank figure times the implied/World Bank ratio of the nearest year with both (the
    earlier year wins a tie), or, for an area the World Bank does not cover (Reunion, Taiwan), the nearest
    implied population itself.
    """
    found = dict(world_bank)
    if basis is PopulationBasis.world_bank:
        return found
    ratios: dict[str, dict[int, float]] = defaultdict(dict)
    implied: dict[str, dict[int, float]] = defaultdict(dict)
    for (area, year), total in totals.items():
        implied[area][year] = total.population
        found[(area, year)] = total.population
        if world_bank.get((area, year)):
            ratios[area][year] = total.population / world_bank[(area, year)]
    for area, known in implied.items():
        for year in years:
            if year in known:
                continue
            people = world_bank.get((area, year))
            if people and ratios[area]:
                found[(area, year)] = people * ratios[area][_nearest(ratios[area], year)]
            elif not people:
                found[(area, year)] = known[_nearest(known, year)]
    return found


def _nearest(values: Mapping[int, float], year: int) -> int:
    return min(values, key=lambda y: (abs(y - year), y))


def national_rates(
    owid: Mapping[str, Mapping[int, float]],
    totals: Mapping[tuple[str, int], PublishedTotal],
    source: RateSource = RateSource.owid,
) -> list[dict[str, Any]]:
    """``area, year, value`` rows: the OWID rates, with SDG totals filling the years OWID lacks if asked."""
    rates = {area: dict(series) for area, series in owid.items()}
    if source is RateSource.owid_then_sdg:
        for (area, year), total in totals.items():
            rates.setdefault(area, {}).setdefault(year, total.rate)
    return [
        {"area": area, "year": year, "value": value}
        for area, series in sorted(rates.items())
        for year, value in sorted(series.items())
    ]
