"""Shared handling of the area cell for readers of multi-source files (SDG, World Bank)."""

from __future__ import annotations

from observatory.collect.readers.base import ReadContext, RowView
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
