"""Benchmark: our world and regional homicide rates against UNODC's own aggregates, 2000-2022.

Inputs (``../shared/data``): the Our World in Data grapher CSV
``homicide/owid_homicide_rate_unodc_1990_2024.csv`` (UNODC country rates per 100,000, and UNODC's published
"(UN)" region rows and World, which the importer keeps apart as reference figures, dataflow
``OWID_UNODC_REFERENCE``) and the World Bank population
``population/worldbank_sp_pop_totl_1960_2024.csv``. Both are read with the importer's own readers.

Method (:func:`observatory.indicators.aggregates.aggregate`): members from the M49 catalogue (country parts
such as GBR_E_W and IRQ_KRI are not counted beside their country), each member's rate weighted by World
Bank population; missing country-years interpolated between reported years, else carried from the nearest
reported year (here without a limit, ``max_carry_years=30``: UNODC also carries the latest figure, and this
raises the agreement from 63% with a 5-year limit to 74%), else imputed at the population-weighted rate of
the sub-region (region, then World).

Result on the real data: 392 of 529 region-years (74.1%) within 5% of UNODC's figure, below the 90% target
(``tests/indicators/test_aggregates.py`` asserts it). The World is within 5% in 19 of 23 years (2019-2022
are 5-6% low), the Americas, Europe, Asia, Oceania and most of their sub-regions in nearly every year.
Where we differ, and why:

* Northern Africa (015): 0 of 23, our 0.9-1.7 against UNODC's 5.3-6.4 per 100,000, even at 80% coverage:
  UNODC's estimate does not follow the low rates Egypt and Algeria report, and fills Sudan and Libya (never
  in this file) with model estimates (WHO Global Health Estimates / covariate models), not neighbours' rates.
* Sub-Saharan Africa (202): reporting countries hold 13-50% of the population (DR Congo, Madagascar, Cote
  d'Ivoire, Burkina Faso, Mali, ... never report here); our sub-regional imputation is about 10% above
  UNODC's model estimates before 2017 and 6% below after 2018. Africa (002) as a whole still matches in 18
  years, the two errors partly cancelling.
* Western Asia (145): 20-35% low: Syria, Iraq and Yemen are carried or imputed from low neighbours, where
  UNODC uses conflict-era estimates.
* Eastern Asia (030): 5-8% low at 98% coverage: the missing 2% is North Korea, imputed at the sub-regional
  rate (about 0.6) where UNODC's estimate is higher; in 2000-2001 and 2022 China's rate is carried.
* Western Europe (155): 7-14% high in 2003-2011 at 90-94% coverage: the OWID country series are a later
  vintage (2025) than the regional series were computed from, and OWID's population is WPP, not World Bank.
* Micronesia (057), Polynesia (061), Central Asia (143), South-eastern Asia (035): few reporting countries
  (coverage 26-62%), so one imputed country moves the aggregate by more than 5%.

Run: ``python benchmarks/homicide_aggregates.py [--data ../shared/data] [--tolerance 0.05] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from observatory.catalog.areas import load_areas
from observatory.collect.parsing import parse_file
from observatory.collect.readers.base import ReadContext
from observatory.collect.readers.owid import DATAFLOW, REFERENCE_DATAFLOW
from observatory.indicators.aggregates import aggregate
from observatory.model.aggregate import AggregateValue, ImputationRule

HOMICIDE = "homicide/owid_homicide_rate_unodc_1990_2024.csv"
POPULATION = "population/worldbank_sp_pop_totl_1960_2024.csv"
YEARS = range(2000, 2023)
RULE = ImputationRule(max_carry_years=30)
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass(frozen=True)
class Row:
    area: str
    year: int
    reference: float
    ours: AggregateValue

    @property
    def difference(self) -> float:
        assert self.ours.value is not None
        return self.ours.value / self.reference - 1.0


def compare(data: Path, years: range = YEARS, rule: ImputationRule = RULE) -> list[Row]:
    """Our aggregate against UNODC's for every region-year both have (Channel Islands excluded)."""
    ctx = ReadContext()
    homicide = parse_file(data / HOMICIDE, max_bytes=1 << 30, ctx=ctx).observations
    population = parse_file(data / POPULATION, max_bytes=1 << 30, ctx=ctx).observations
    catalog = load_areas()
    rates = [
        {"area": o.area, "year": int(o.period), "value": o.value}
        for o in homicide
        if o.provenance.dataflow == DATAFLOW
    ]
    reference = {
        (o.area, int(o.period)): o.value
        for o in homicide
        if o.provenance.dataflow == REFERENCE_DATAFLOW and o.value and catalog.get(o.area).kind != "country"
    }
    codes = sorted({a for a, _ in reference if a != "830"})  # 830: OWID's "Channel Islands" country row
    people = [{"area": o.area, "year": int(o.period), "population": o.value} for o in population]
    ours = aggregate(rates, areas=codes, population=people, years=years, imputation=rule, catalog=catalog)
    return [
        Row(r.area, r.year, reference[(r.area, r.year)], r)
        for r in ours
        if r.value is not None and (r.area, r.year) in reference
    ]


def share_within(rows: list[Row], tolerance: float = 0.05) -> float:
    return sum(abs(r.difference) <= tolerance for r in rows) / len(rows) if rows else 0.0


def report(rows: list[Row], tolerance: float) -> str:
    catalog = load_areas()
    lines = [f"{'area':<5} {'name':<34} {'years':>5} {'within':>6} {'mean |diff|':>11} {'coverage':>8}"]
    by_area: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_area[row.area].append(row)
    for area, group in sorted(by_area.items()):
        within = sum(abs(r.difference) <= tolerance for r in group)
        mean = sum(abs(r.difference) for r in group) / len(group)
        cover = sum(r.ours.coverage for r in group) / len(group)
        name = catalog.get(area).name[:34]
        lines.append(f"{area:<5} {name:<34} {len(group):>5} {within:>6} {mean:>10.1%} {cover:>8.0%}")
    share = share_within(rows, tolerance)
    lines.append(f"\nregion-years within {tolerance:.0%}: {share:.1%} ({len(rows)} compared; target 90%)")
    lines.append("\nworst differences (ours vs UNODC, per 100,000; interval; coverage; imputed):")
    for row in sorted(rows, key=lambda r: -abs(r.difference))[:15]:
        o = row.ours
        imputed = ", ".join(f"{m}={n}" for m, n in sorted(o.imputed.items()))
        lines.append(
            f"  {row.area} {row.year}: {o.value:6.2f} vs {row.reference:6.2f} ({row.difference:+.0%}); "
            f"[{o.lower:.2f}, {o.upper:.2f}]; coverage {o.coverage:.0%}; {imputed}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--tolerance", type=float, default=0.05)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = compare(args.data)
    if args.json:
        print(json.dumps({"compared": len(rows), "share_within": share_within(rows, args.tolerance)}))
    else:
        print(report(rows, args.tolerance))
    return 0


if __name__ == "__main__":
    sys.exit(main())
