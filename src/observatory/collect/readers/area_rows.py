"""Shared handling of the area cell for readers of multi-source files (SDG, World Bank)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator

from observatory.collect.readers.base import Item, ReadContext, Reader, RowView, row_views
from observatory.collect.source import TextSource
from observatory.model.area import Area
from observatory.model.problem import Problem


def resolve_area(
    row: RowView, ctx: ReadContext, code_col: str, name_col: str, seen_aggregates: set[str]
) -> Area | Problem | None:
    """The row's area; ``None`` for a known non-M49 aggregate (reported once per code)."""
    code = row[code_col].strip()
    area = ctx.areas.resolve(code) or ctx.areas.resolve(row[name_col].strip())
    if area is not None:
        return area
    aggregate = ctx.areas.non_area(code) or ctx.areas.non_area(row[name_col].strip())
    if aggregate is not None:
        if code in seen_aggregates:
            return None
        seen_aggregates.add(code)
        return row.cell(code_col).problem(
            "non-m49-aggregate",
            f"{code!r} ({aggregate}) is an aggregate with no UN M49 area; "
            "its rows were not imported (this is reported once per code)",
        )
    return row.cell(code_col).problem(
        "unknown-area",
        f"{code!r} ({row[name_col]!r}) is not a UN M49 area, an ISO 3166 code or a known aggregate",
    )


class AreaRowsReader(Reader):
    """A reader whose rows name their area by a code column and a name column (SDG, World Bank).

    Rows of known non-M49 aggregates are skipped with one warning per code; every other row goes to
    :meth:`read_row` with its resolved area.
    """

    code_column: str
    name_column: str
    optional: tuple[str, ...] = ()

    def read(self, source: TextSource, ctx: ReadContext) -> Iterator[Item]:
        aggregates: set[str] = set()
        for view in row_views(source, self.required + self.optional):
            area = resolve_area(view, ctx, self.code_column, self.name_column, aggregates)
            if isinstance(area, Area):
                yield from self.read_row(view, area)
            elif area is not None:
                yield area

    @abstractmethod
    def read_row(self, row: RowView, area: Area) -> Iterator[Item]:
        """Observations and problems of one row whose area is known."""
