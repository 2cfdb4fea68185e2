"""Regenerate the areas catalogue (``src/observatory/catalog/data/*.csv``) from the shared data.

Usage::

    .venv/bin/python scripts/build_area_catalogue.py [--shared-data ../shared/data]

Inputs (read-only, see each folder's PROVENANCE.md):

* ``m49/unsd_m49_overview_2019_export.csv``: UNSD's M49 overview: regions, names, LDC/LLDC/SIDS;
* ``m49/iso3166_m49_regions_lukes.csv``: ISO 3166-1 (alpha-2, alpha-3, short names), adds Taiwan;
* ``unodc_cts/*.csv``, ``population/*.csv``, ``sdg16/sdg_goal16_series_unsd_2020.csv``,
  ``homicide/*.csv``: only to collect the names and codes those sources use (aliases) and the
  aggregates they publish that are not M49 areas.

Decisions, in one place:

* UNSD is the reference where the M49 files disagree (names; GGY/JEY in intermediate region 830).
* Sark (M49 680) has no ISO 3166 code; its platform code is its M49 code, ``680``.
* Taiwan (TWN, 158) comes from the ISO file, which gives it no region: its parent is the World.
* Antarctica (ATA) has no region in either file: its parent is the World.
* Reporting units are UNODC's: the GBR and IRQ parts add up to their country (``is-part``); Kosovo
  under UNSCR 1244 (XKX) is placed where UNODC places it, in Southern Europe (parent 039, not SRB),
  and is never summed into another area (``separate``): it counts on its own in its regions.
* The SDG database's numeric codes for those units (827-829, 369, 370, 412) are aliases, not M49.

The script fails, listing them, if a code or name in a source neither resolves to an area nor is
recognised as a non-M49 aggregate.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from observatory.catalog.areas import (
    ALIAS_COLUMNS,
    AREA_COLUMNS,
    NON_AREA_COLUMNS,
    WORLD,
    Alias,
    AreaCatalog,
    NonArea,
    Source,
    area_to_row,
    normalise,
)
from observatory.model.area import Aggregation, Area, AreaKind

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "observatory" / "catalog" / "data"
UNSD = "m49/unsd_m49_overview_2019_export.csv"
ISO = "m49/iso3166_m49_regions_lukes.csv"

# (code, UNODC's name, parent, aggregation); a part's regions are its country's.
REPORTING_UNITS = (
    ("GBR_E_W", "United Kingdom (England and Wales)", "GBR", Aggregation.is_part),
    ("GBR_S", "United Kingdom (Scotland)", "GBR", Aggregation.is_part),
    ("GBR_NI", "United Kingdom (Northern Ireland)", "GBR", Aggregation.is_part),
    ("IRQ_C", "Iraq (Central Iraq)", "IRQ", Aggregation.is_part),
    ("IRQ_KRI", "Iraq (Kurdistan Region)", "IRQ", Aggregation.is_part),
    ("XKX", "Kosovo under UNSCR 1244", "039", Aggregation.separate),
)
# Regions of units whose parent is a region: UNODC's Region/Subregion (Europe, Southern Europe).
UNIT_REGIONS = {"XKX": ("150", "039")}

# Source codes for areas that are neither the platform code, an ISO code nor an M49 code.
CODE_ALIASES = {
    (Source.unodc_cts, "WORLD"): WORLD,
    (Source.worldbank, "WLD"): WORLD,
    (Source.worldbank, "CHI"): "830",  # Channel Islands
    (Source.owid, "OWID_WRL"): WORLD,
    (Source.owid, "OWID_KOS"): "XKX",
    (Source.owid, "OWID_CIS"): "830",
    (Source.owid, "UN_AFR"): "002",
    (Source.owid, "UN_ASI"): "142",
    (Source.owid, "UN_EUR"): "150",
    (Source.owid, "UN_LAC"): "419",
    (Source.owid, "UN_NAM"): "021",
    (Source.owid, "UN_OCE"): "009",
    (Source.sdg16, "827"): "GBR_E_W",
    (Source.sdg16, "828"): "GBR_NI",
    (Source.sdg16, "829"): "GBR_S",
    (Source.sdg16, "369"): "IRQ_C",
    (Source.sdg16, "370"): "IRQ_KRI",
    (Source.sdg16, "412"): "XKX",
}
# Names given without a code (OWID leaves Code blank for these).
NAME_ALIASES = {
    (Source.owid, "England and Wales"): "GBR_E_W",
    (Source.owid, "Scotland"): "GBR_S",
    (Source.owid, "Northern Ireland"): "GBR_NI",
}
OWID_UN_SUFFIX = " (UN)"  # OWID's label for UNODC's regional series: "Europe (UN)" is M49 150


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build_regions(unsd: list[dict[str, str]]) -> dict[str, Area]:
    levels = (
        (AreaKind.region, "Region"),
        (AreaKind.subregion, "Sub-region"),
        (AreaKind.intermediate_region, "Intermediate Region"),
    )
    regions = {WORLD: Area(code=WORLD, name="World", kind=AreaKind.world, m49=WORLD)}
    for row in unsd:
        above: list[str | None] = [WORLD]
        for kind, column in levels:
            code = row[f"{column} Code"]
            if not code:
                continue
            region, subregion = [*above[1:], None, None][:2]
            area = Area(
                code,
                row[f"{column} Name"],
                kind,
                m49=code,
                parent=above[-1],
                region=region,
                subregion=subregion,
            )
            if regions.setdefault(code, area) != area:
                raise SystemExit(f"region {code} is described two ways: {area} / {regions[code]}")
            above.append(code)
    return regions


def country(row: dict[str, str], iso2: str | None, flags: frozenset[str]) -> Area:
    """A country from a row with UNSD-style keys (``M49 Code``, ``Region Code``, ...)."""
    codes = [row["Region Code"], row["Sub-region Code"], row["Intermediate Region Code"]]
    return Area(
        code=row["ISO-alpha3 Code"] or row["M49 Code"],  # Sark: no ISO code, use M49
        name=row["Country or Area"],
        kind=AreaKind.country,
        m49=row["M49 Code"],
        iso2=iso2,
        iso3=row["ISO-alpha3 Code"] or None,
        parent=next((c for c in reversed(codes) if c), WORLD),
        region=codes[0] or None,
        subregion=codes[1] or None,
        intermediate_region=codes[2] or None,
        flags=flags,
    )


def build_countries(unsd: list[dict[str, str]], iso: list[dict[str, str]]) -> dict[str, Area]:
    flag_columns = {
        "ldc": "Least Developed Countries (LDC)",
        "lldc": "Land Locked Developing Countries (LLDC)",
        "sids": "Small Island Developing States (SIDS)",
    }
    iso2 = {row["country-code"]: row["alpha-2"] for row in iso}
    countries = {}
    for row in unsd:
        flags = frozenset(f for f, column in flag_columns.items() if row[column] == "x")
        area = country(row, iso2.get(row["M49 Code"]), flags)
        countries[area.code] = area
    for row in iso:
        if row["alpha-3"] not in countries:  # Taiwan: only in the ISO list
            as_unsd = {
                "ISO-alpha3 Code": row["alpha-3"],
                "M49 Code": row["country-code"],
                "Country or Area": row["name"],
                "Region Code": row["region-code"],
                "Sub-region Code": row["sub-region-code"],
                "Intermediate Region Code": row["intermediate-region-code"],
            }
            countries[row["alpha-3"]] = country(as_unsd, row["alpha-2"], frozenset())
    return dict(sorted(countries.items()))


def build_units(countries: dict[str, Area]) -> dict[str, Area]:
    units = {}
    for code, name, parent, aggregation in REPORTING_UNITS:
        above = countries.get(parent)
        region, subregion = UNIT_REGIONS.get(code) or (
            (above.region, above.subregion) if above else (None, None)
        )
        units[code] = Area(
            code,
            name,
            AreaKind.reporting_unit,
            parent=parent,
            region=region,
            subregion=subregion,
            aggregation=aggregation,
        )
    return units


def source_rows(shared: Path) -> Iterator[tuple[Source, str, str]]:
    """(source, code, name) for every distinct area label in the sources, in a stable order."""
    for row in read(shared / ISO):
        yield Source.iso3166, row["alpha-3"], row["name"]
    for path in sorted((shared / "unodc_cts").glob("*.csv")):
        for row in read(path):
            yield Source.unodc_cts, row["Iso3_code"], row["Country"]
    for row in read(shared / "sdg16" / "sdg_goal16_series_unsd_2020.csv"):
        yield Source.sdg16, row["geo_area_m49"], row["geo_area_name"]
    for path in sorted((shared / "homicide").glob("*.csv")):
        for row in read(path):
            yield Source.owid, row["Code"], row["Entity"]
    for path in sorted((shared / "population").glob("*.csv")):
        for row in read(path):
            yield Source.worldbank, row["Country Code"], row["Country Name"]


def target(base: AreaCatalog, source: Source, code: str, name: str) -> str | None:
    """The area code a source row stands for; None for an aggregate that is not an area."""
    if code:
        found = base.resolve(code)
        return CODE_ALIASES.get((source, code)) or (found.code if found else None)
    if (source, name) in NAME_ALIASES:
        return NAME_ALIASES[source, name]
    found = base.resolve(name.removesuffix(OWID_UN_SUFFIX))
    if found is None:
        raise SystemExit(f"{source}: {name!r} has no code and no area of that name; add it")
    return found.code


def collect(base: AreaCatalog, shared: Path) -> tuple[list[Alias], list[NonArea]]:
    aliases: dict[str, Alias] = {}
    non_areas: dict[tuple[Source, str], NonArea] = {}

    def add(text: str, code: str, source: Source) -> None:
        found = base.resolve(text)
        if found is not None and found.code != code:
            raise SystemExit(f"{source}: {text!r} means {code} but already names {found.code}")
        if found is None:
            aliases.setdefault(normalise(text), Alias(text, code, source))

    for source, code, name in dict.fromkeys(source_rows(shared)):
        area = target(base, source, code, name)
        if area is None:
            non_areas.setdefault((source, code), NonArea(source, code, name))
            continue
        if code:
            add(code, area, source)
        add(name, area, source)
    return list(aliases.values()), list(non_areas.values())


def write(name: str, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    sys.stdout.write(f"{name}: {len(rows)} rows\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=REPO.parent / "shared" / "data")
    shared = parser.parse_args().shared_data
    unsd, iso = read(shared / UNSD), read(shared / ISO)
    countries = build_countries(unsd, iso)
    regions = build_regions(unsd)
    areas = [*dict(sorted(regions.items())).values(), *countries.values()]
    areas += build_units(countries).values()
    aliases, non_areas = collect(AreaCatalog(areas), shared)
    AreaCatalog(areas, aliases, non_areas)  # fails on a dangling parent or an ambiguous alias
    write("areas.csv", AREA_COLUMNS, [area_to_row(a) for a in areas])
    write("area_aliases.csv", ALIAS_COLUMNS, [vars(a) for a in aliases])
    write("non_m49_aggregates.csv", NON_AREA_COLUMNS, [vars(n) for n in non_areas])


if __name__ == "__main__":
    main()
