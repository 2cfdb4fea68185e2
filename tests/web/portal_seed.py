"""A store for the public-portal tests: every country's prison and homicide series, with population.

Extracts of the real public data (header kept, rows filtered) are written to a temporary folder and imported
with the real importers, then published: the UNODC prisons export (persons held, total and by sentencing
status), the SDG Goal 16 file (homicide counts and rates, every area) and the World Bank population since
2000. Nothing of the shared data is copied into the repository.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from observatory.collect.importing import import_paths
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish

PRISONS = Path("unodc_cts") / "unodc_cts_prisons_and_prisoners_2023-05-11.csv"
SDG = Path("sdg16") / "sdg_goal16_series_unsd_2020.csv"
POPULATION = Path("population") / "worldbank_sp_pop_totl_1960_2024.csv"
SDG_SERIES = frozenset({"VC_IHR_PSRCN", "VC_IHR_PSRC"})
FIRST_YEAR = 2000


def extract(source: Path, target: Path, keep: Callable[[dict[str, str]], bool]) -> list[dict[str, str]]:
    """Copy the header and the rows ``keep`` accepts from ``source`` to ``target``; return them."""
    with source.open(encoding="utf-8-sig", newline="") as inp:
        reader = csv.DictReader(inp)
        fields = list(reader.fieldnames or [])
        kept = [row for row in reader if keep(row)]
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fields)
        writer.writeheader()
        writer.writerows(kept)
    return kept


@dataclass
class Portal:
    """The seeded deployment and the extract rows tests compute their expectations from."""

    settings: Settings
    store: Store
    prisons: list[dict[str, str]]
    sdg: list[dict[str, str]]
    population: dict[tuple[str, int], float] = field(default_factory=dict)

    def persons_held(self, year: int) -> dict[str, float]:
        """ISO3 -> total persons held (count) in ``year``."""
        return {
            r["Iso3_code"]: float(r["VALUE"])
            for r in self.prisons
            if r["Indicator"] == "Persons held"
            and all(r[k] == "Total" for k in ("Dimension", "Category", "Sex", "Age"))
            and r["Year"] == str(year)
            and r["Unit of measurement"] == "Counts"
        }


def portal(folder: Path, shared_data: Path) -> Portal:
    """The portal store under ``folder``, seeded and published (the caller disposes of ``store``)."""
    prisons = extract(
        shared_data / PRISONS,
        folder / "prisons.csv",
        lambda r: r["Indicator"] == "Persons held" and r["Dimension"] in {"Total", "by status"},
    )
    sdg = extract(shared_data / SDG, folder / "sdg.csv", lambda r: r["series_code"] in SDG_SERIES)
    population = extract(
        shared_data / POPULATION, folder / "population.csv", lambda r: int(r["Year"]) >= FIRST_YEAR
    )
    settings = Settings(data_dir=folder / "var")
    store = Store(settings)
    store.init()
    import_paths(store, [folder / "prisons.csv", folder / "sdg.csv", folder / "population.csv"])
    publish(store)
    return Portal(
        settings,
        store,
        prisons,
        sdg,
        {(r["Country Code"], int(r["Year"])): float(r["Value"]) for r in population if r["Value"]},
    )
