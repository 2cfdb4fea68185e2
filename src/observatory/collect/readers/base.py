"""What every reader shares: the text and binary reader interfaces, and cell parsers that report problems."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from observatory.catalog.areas import AreaCatalog, load_areas
from observatory.collect.source import BinarySource, SourceKind, TextSource
from observatory.model.dataflow import Concept
from observatory.model.observation import Observation
from observatory.model.period import Period
from observatory.model.problem import Problem

Item = Observation | Problem | Concept


@dataclass
class Cell:
    """A cell being parsed: file, row and column for the problems it may raise."""

    source: TextSource
    row: int
    column: str
    raw: str

    def problem(self, code: str, message: str) -> Problem:
        return Problem(
            code,
            message,
            file=self.source.name,
            row=self.row,
            column=self.column,
            value=self.raw[:200],
        )


@dataclass
class RowView:
    """One data row: its values by column and a way to name a cell of it in a problem."""

    source: TextSource
    row: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def cell(self, column: str) -> Cell:
        return Cell(self.source, self.row, column, self.values.get(column, ""))


@dataclass(frozen=True)
class Claim:
    """Where a value for one series, area and period was given: for ``duplicate-key`` across files."""

    file: str
    value: float | None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None

    def describe(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet else f"row {self.row}"
        return f"{self.file} {where}"


@dataclass
class ReadContext:
    """What readers share across the files of one import.

    ``round_year`` and ``country`` are what the caller expects a questionnaire workbook to be for (a
    workbook for another round or country is ``wrong-round``). ``claims`` remembers, for readers that merge
    partial submissions (:attr:`BinaryReader.merges_files`), where each key was given.
    """

    areas: AreaCatalog = field(default_factory=load_areas)
    round_year: int | None = None
    country: str | None = None
    claims: dict[tuple[str, str, str, str], Claim] = field(default_factory=dict)


class Reader(ABC):
    """A file format. ``handles`` decides from the header; ``read`` yields observations and problems."""

    name: str
    dataflow: str
    required: tuple[str, ...]

    def handles(self, header: list[str]) -> bool:
        present = {h.strip().casefold() for h in header}
        return all(c.casefold() in present for c in self.required)

    def describe(self) -> str:
        return f"{self.name} ({', '.join(self.required)})"

    @abstractmethod
    def read(self, source: TextSource, ctx: ReadContext) -> Iterator[Item]:
        """Yield one Observation per good row and a Problem for everything wrong."""


class BinaryReader(ABC):
    """A binary format (a workbook, an XML message), chosen by the file's sniffed :class:`SourceKind`."""

    name: str
    dataflow: str
    kind: SourceKind
    merges_files: ClassVar[bool] = False  # partial files of one submission: a key twice is a conflict

    def handles_kind(self, kind: SourceKind) -> bool:
        return kind is self.kind

    def describe(self) -> str:
        return f"{self.name} ({self.kind.value})"

    @abstractmethod
    def read(self, source: BinarySource, ctx: ReadContext) -> Iterator[Item]:
        """Yield one Observation per value and a Problem for everything wrong."""


def column_map(source: TextSource, wanted: tuple[str, ...]) -> dict[str, str]:
    """Map each wanted column name to the file's own spelling (headers match case-insensitively)."""
    by_fold = {h.casefold(): h for h in source.header}
    return {w: by_fold[w.casefold()] for w in wanted if w.casefold() in by_fold}


def row_views(
    source: TextSource, wanted: tuple[str, ...], clean: Callable[[str], str] | None = None
) -> Iterator[RowView]:
    """The file's data rows as :class:`RowView`s keyed by the wanted column names."""
    cols = column_map(source, wanted)
    for row_no, row in source.rows():
        values = {k: row[v] for k, v in cols.items()}
        if clean is not None:
            values = {k: clean(v) for k, v in values.items()}
        yield RowView(source, row_no, values)


def parse_value(cell: Cell) -> float | Problem:
    text = cell.raw.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return cell.problem(
            "missing-value",
            "the value is empty; a number such as 1234 or 12.5 "
            "was expected (leave the row out if there is no figure)",
        )
    try:
        number = float(text)
    except ValueError:
        return cell.problem(
            "non-numeric-value",
            f"{cell.raw!r} is not a number; "
            "expected digits with an optional decimal point, such as 1234 or 12.5",
        )
    if not math.isfinite(number):
        return cell.problem(
            "non-finite-value",
            f"{cell.raw!r} is not a finite number; infinity and NaN are not figures",
        )
    return number


def parse_period(cell: Cell) -> Period | Problem:
    try:
        return Period.parse(cell.raw)
    except ValueError as exc:
        return cell.problem("invalid-period", str(exc))
