"""Helpers for the workbook tests: generate a workbook, fill it in with openpyxl as a focal point would."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook
from sqlalchemy import func, select

from observatory.catalog.areas import load_areas
from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.workbook import KEYS_SHEET, CellKind, generate_workbook
from observatory.model.questionnaire import Questionnaire
from observatory.store.db import Store
from observatory.store.tables import ImportRun, ObservationRow, SourceFile

QUESTIONNAIRE = load_questionnaire("2025.1")
GENERATED_AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
YEARS = (2022, 2023, 2024)
ROUND = 2025
MAX_BYTES = 50 * 1024 * 1024


def generate(
    folder: Path,
    name: str = "uncts-MEX-2025.xlsx",
    *,
    country: str = "MEX",
    round_year: int = ROUND,
    previous: Sequence[Mapping[str, Any]] = (),
    questionnaire: Questionnaire = QUESTIONNAIRE,
) -> Path:
    path = folder / name
    path.write_bytes(
        generate_workbook(
            questionnaire,
            country=load_areas().get(country),
            round_year=round_year,
            reference_years=YEARS,
            previous=previous,
            generated_at=GENERATED_AT,
        )
    )
    return path


def key(table: str, row: int, column: int, questionnaire: Questionnaire = QUESTIONNAIRE) -> str:
    """The series key of a questionnaire cell, by table id and 0-based row and column."""
    t = questionnaire.table(table)
    return str(t.key(t.rows[row], t.columns[column]))


@dataclass(frozen=True)
class Place:
    sheet: str
    cell: str
    row: int


def places(path: Path) -> dict[tuple[str, int, CellKind], Place]:
    """Input cells by (series key, year, kind), read from the hidden ``_keys`` sheet."""
    return dict(_places(path, path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=32)
def _places(path: Path, mtime: int) -> dict[tuple[str, int, CellKind], Place]:
    book = openpyxl.load_workbook(path, read_only=True)
    found: dict[tuple[str, int, CellKind], Place] = {}
    for sheet, cell, keys, year, kind in book[KEYS_SHEET].iter_rows(min_row=2, values_only=True):
        row = int("".join(ch for ch in str(cell) if ch.isdigit()))
        for k in str(keys).split():
            found[(k, int(year), CellKind(kind))] = Place(str(sheet), str(cell), row)
    book.close()
    return found


Entries = Mapping[tuple[str, int, CellKind], Any]


def fill(
    path: Path, target: Path, entries: Entries, edit: Callable[[Workbook], None] | None = None
) -> dict[tuple[str, int, CellKind], Place]:
    """Type ``entries`` into a copy of the workbook at ``target``; return where each went."""
    where = places(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: data validation extensions
        book = openpyxl.load_workbook(path)
    used = {}
    for ident, value in entries.items():
        place = where[ident]
        book[place.sheet][place.cell] = value
        used[ident] = place
    if edit is not None:
        edit(book)
    book.save(target)
    return used


def value(table: str, row: int, column: int, year: int) -> tuple[str, int, CellKind]:
    return (key(table, row, column), year, CellKind.value)


def note(table: str, row: int, year: int) -> tuple[str, int, CellKind]:
    return (key(table, row, 0), year, CellKind.note)


def flag(table: str, row: int, year: int) -> tuple[str, int, CellKind]:
    return (key(table, row, 0), year, CellKind.flag)


def snapshot(store: Store) -> tuple[int, int, int]:
    with store.session() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (ObservationRow, ImportRun, SourceFile)
        )
