"""Helpers shared by the data-collection tests (this module holds no test).

Values come from the real UNODC data-portal exports in ``../shared/data/unodc_cts``: rows of a few countries
are cut out (header kept), read with the real portal reader, and typed into a generated questionnaire
workbook or written as the platform's long CSV, as a focal point would.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl

from observatory.auth import Role, User, add_user
from observatory.collect import rounds
from observatory.collect.importing import import_paths
from observatory.collect.parsing import parse_file
from observatory.model.observation import SERIES_DIMENSIONS, SeriesKey
from observatory.store.db import Store
from observatory.warehouse.release import publish

EXPORTS = "unodc_cts"
ROUND = 2022
YEARS = (2020, 2021)
DEADLINE = date(2022, 6, 30)
HELD = "persons-held._T._T._T._T._T._T.count"
HELD_F = "persons-held.F._T._T._T._T._T.count"
HELD_M = "persons-held.M._T._T._T._T._T.count"
PROSECUTED = "persons-prosecuted._T._T._T._T._T._T.count"
CONVICTED = "persons-convicted._T._T._T._T._T._T.count"
FACILITIES = "prison-facilities._T._T._T._T._T._T.count"
Values = dict[tuple[str, int], float]


def portal_rows(
    shared_data: Path,
    keep: Iterable[tuple[str, int]] | None = None,
    *,
    before: int | None = None,
    countries: Iterable[str] = (),
) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of the three UNODC exports for ``countries``, for years before ``before`` or in
    the (country, year) pairs of ``keep``."""
    wanted = set(countries)
    pairs = set(keep or ())
    header: list[str] = []
    rows: list[dict[str, str]] = []
    for path in sorted((shared_data / EXPORTS).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            for row in reader:
                year = int(row["Year"]) if row["Year"].isdigit() else 0
                past = before is not None and row["Iso3_code"] in wanted and year < before
                if past or (row["Iso3_code"], year) in pairs:
                    rows.append(row)
    return header, rows


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def seed_history(
    store: Store, shared_data: Path, folder: Path, countries: Iterable[str], before: int = 2020
) -> None:
    """Import and publish the countries' real figures of the years before ``before`` (their history)."""
    header, rows = portal_rows(shared_data, before=before, countries=countries)
    import_paths(store, [write_rows(folder / "history.csv", header, rows)])
    publish(store)


def clean(key: str) -> bool:
    """Series whose real figures the validation accepts as they are: the exports' prison counts by
    *selected* offence overlap, so their ICCS breakdowns do not add up and are left out."""
    series = SeriesKey.parse(key)
    return not (series.variable in {"persons-held", "persons-entering-prison"} and series.offence != "_T")


def real_values(shared_data: Path, folder: Path, country: str, years: Iterable[int] = YEARS) -> Values:
    """The real count figures of ``country`` for ``years``, by (series key, year)."""
    header, rows = portal_rows(shared_data, keep=[(country, y) for y in years])
    parsed = parse_file(write_rows(folder / f"real_{country}.csv", header, rows), max_bytes=1 << 30)
    return {(str(o.key), int(o.period)): o.value for o in parsed.observations if o.value is not None}


def input_cells(workbook: Path) -> dict[tuple[str, int], tuple[str, str]]:
    """(series key, year) -> (sheet, cell) of every value input cell, from the hidden ``_keys`` sheet."""
    book = openpyxl.load_workbook(workbook, read_only=True)
    try:
        found: dict[tuple[str, int], tuple[str, str]] = {}
        for sheet, cell, key, year, kind in book["_keys"].iter_rows(min_row=2, values_only=True):
            if kind == "value":
                found[(str(key), int(str(year)))] = (str(sheet), str(cell))
        return found
    finally:
        book.close()


def fill_workbook(
    source: Path, target: Path, values: Mapping[tuple[str, int], float | str]
) -> dict[tuple[str, int], tuple[str, str]]:
    """Type ``values`` into a copy of the workbook, as a focal point does; return where each went."""
    cells = input_cells(source)
    book = openpyxl.load_workbook(source)
    typed: dict[tuple[str, int], tuple[str, str]] = {}
    for slot, value in values.items():
        if slot in cells:
            sheet, cell = cells[slot]
            book[sheet][cell] = value
            typed[slot] = cells[slot]
    book.save(target)
    return typed


def long_csv(path: Path, country: str, values: Mapping[tuple[str, int], float | str]) -> Path:
    """The platform's long CSV (what ``observatory export`` writes) for one country's figures."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dataflow", "area", "period", *SERIES_DIMENSIONS, "value"])
        for (key, year), value in values.items():
            writer.writerow(["UN_CTS", country, year, *key.split("."), value])
    return path


@dataclass(frozen=True)
class Team:
    """The people of a round: an admin, a UNODC reviewer and the focal points of France and Mexico."""

    admin: User
    reviewer: User
    fra: User
    mex: User
    tokens: dict[str, str]


def make_team(store: Store) -> Team:
    admin, admin_token = add_user(store, None, "admin@unodc.org", Role.admin, name="Admin")
    reviewer, reviewer_token = add_user(store, admin, "reviewer@unodc.org", Role.reviewer)
    fra, fra_token = add_user(store, admin, "fp@interieur.gouv.fr", Role.focal_point, country="FRA")
    mex, mex_token = add_user(store, admin, "fp@inegi.org.mx", Role.focal_point, country="MEX")
    tokens = {"admin": admin_token, "reviewer": reviewer_token, "fra": fra_token, "mex": mex_token}
    return Team(admin, reviewer, fra, mex, tokens)


def open_round(store: Store, team: Team, year: int = ROUND, years: Iterable[int] = YEARS) -> rounds.Round:
    return rounds.open_round(store, team.reviewer, year, list(years), DEADLINE)


def small_values(real: Values, year: int = 2021) -> Values:
    """A handful of consistent real prison figures of one year (total, by sex, capacity, facilities)."""
    keys = (HELD, HELD_F, HELD_M, FACILITIES, "prison-capacity._T._T._T._T._T._T.count")
    return {(k, year): real[(k, year)] for k in keys if (k, year) in real}
