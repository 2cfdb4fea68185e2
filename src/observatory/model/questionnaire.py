"""The UN-CTS questionnaire as data: sections, tables, rows and columns whose cells are series keys.

A :class:`Table` asks for one variable; each :class:`Line` (a row or a column) fixes some dimensions of the
series key, so every cell (row x column) is exactly one :class:`SeriesKey`. A :class:`Questionnaire` is
versioned: a round names the version it sends, and a returned workbook must match it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from observatory.model.observation import SERIES_DIMENSIONS, TOTAL, SeriesKey, Unit


class Section(StrEnum):
    """The questionnaire's sections, in the order of the justice chain."""

    police = "police"
    prosecution = "prosecution"
    courts = "courts"
    prisons = "prisons"
    homicide = "homicide"
    personnel = "personnel"
    juvenile_justice = "juvenile-justice"  # policy facts (yes/no with evidence), asked in no table


class Counting(StrEnum):
    """What one unit of a count is."""

    offences = "offences"
    persons = "persons"
    victims = "victims"
    places = "places"
    staff = "staff"
    facilities = "facilities"
    facts = "facts"  # a yes/no answer (unit ``yes-no``), not a count


@dataclass(frozen=True)
class Variable:
    """Something the questionnaire counts, with its definition (in our words, after the UN-CTS)."""

    code: str
    name: str
    section: Section
    counting: Counting
    definition: str
    unit: Unit = Unit.number
    stage: int | None = None  # position along the justice chain: contact 1, prosecuted 2, convicted 3


@dataclass(frozen=True)
class Line:
    """A row or a column: a label and the series dimensions it fixes (``{"sex": "F"}``)."""

    label: str
    dims: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    note: str | None = None

    def __post_init__(self) -> None:
        unknown = set(self.dims) - set(SERIES_DIMENSIONS)
        if unknown:
            raise ValueError(
                f"line {self.label!r} fixes unknown dimension(s) {sorted(unknown)}; "
                f"dimensions are {', '.join(SERIES_DIMENSIONS)}"
            )


@dataclass(frozen=True)
class Cell:
    table: str
    row: int  # 0-based positions in the table
    column: int
    key: SeriesKey


@dataclass(frozen=True)
class Table:
    """One table of a section: a variable, rows and columns, and the instructions shown with it."""

    id: str
    section: Section
    title: str
    variable: str
    rows: tuple[Line, ...]
    columns: tuple[Line, ...]
    instructions: str = ""
    unit: Unit = Unit.number
    dims: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # fixed for every cell

    def key(self, row: Line, column: Line) -> SeriesKey:
        dims = {d: TOTAL for d in SERIES_DIMENSIONS}
        dims.update(variable=self.variable, unit=self.unit.value)
        dims.update(self.dims)
        dims.update(row.dims)
        dims.update(column.dims)
        return SeriesKey(**dims)

    def cells(self) -> Iterator[Cell]:
        for r, row in enumerate(self.rows):
            for c, column in enumerate(self.columns):
                yield Cell(self.id, r, c, self.key(row, column))


@dataclass(frozen=True)
class Questionnaire:
    """A versioned questionnaire: variables and tables. Every cell must map to a distinct series key."""

    id: str
    version: str
    title: str
    variables: Mapping[str, Variable]
    tables: tuple[Table, ...]

    def __post_init__(self) -> None:
        seen: dict[str, Cell] = {}
        for table in self.tables:
            if table.variable not in self.variables and not all("variable" in r.dims for r in table.rows):
                raise ValueError(f"table {table.id!r} asks for unknown variable {table.variable!r}")
            for cell in table.cells():
                if cell.key.variable not in self.variables:
                    raise ValueError(f"table {table.id!r} asks for unknown variable {cell.key.variable!r}")
                other = seen.get(str(cell.key))
                if other is not None:
                    raise ValueError(
                        f"{cell.key} is asked twice: table {other.table!r} and table {table.id!r}"
                    )
                seen[str(cell.key)] = cell

    @property
    def name(self) -> str:
        return f"{self.id} {self.version}"

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(f"{self.name} has no table {table_id!r}; tables: {[t.id for t in self.tables]}")

    def cells(self) -> Iterator[Cell]:
        for table in self.tables:
            yield from table.cells()

    def cell_index(self) -> dict[str, Cell]:
        """Series key (as text) -> the one cell that asks for it."""
        return {str(cell.key): cell for cell in self.cells()}

    def sections(self) -> list[Section]:
        return [s for s in Section if any(t.section is s for t in self.tables)]

    def with_version(self, version: str) -> Questionnaire:
        return replace(self, version=version)
