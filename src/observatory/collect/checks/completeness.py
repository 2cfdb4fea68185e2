"""Completeness rules: every questionnaire cell answered for each reference year, and nothing else given."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

import ibis
import ibis.expr.types as ir

from observatory.collect.checks.base import (
    KEY,
    Check,
    Context,
    Finding,
    Params,
    Rule,
    RuleType,
    emit,
    key_text,
    selected,
)


class Detail(StrEnum):
    """One problem per table and year (how many cells are missing), or one per missing cell."""

    table = "table"
    cell = "cell"


class CompletenessCheck(Check):
    """Questionnaire cells with no value for an area and reference year.

    A cell counts as answered when it has a value, or a note saying why it has none. The areas and years are
    those of the round (``reference_years`` of :func:`~observatory.collect.validation.validate`, or the area
    and year pairs the round has values for); ``where`` selects cells (``{variable = "persons-held"}``).
    """

    type = RuleType.completeness
    default_code = "missing-from-questionnaire"

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.detail = params.choice("detail", Detail, Detail.table)

    def _answered(self, ctx: Context) -> ir.Table:
        t = ctx.rows((), values=False)
        t = t.filter(t.value.notnull() | (t.note.notnull() & (t.note.strip() != "")))
        return t.select("area", "period", *KEY)

    def findings(self, ctx: Context) -> ir.Table:
        cells = ctx.cells.filter(selected(ctx.cells, self.rule.where))
        answered = self._answered(ctx)
        if self.detail is Detail.cell:
            wanted = ctx.scope.cross_join(cells)
            missing = wanted.join(answered, ["area", "period", *KEY], how="anti")
            label = missing.table_id + " " + missing.row_label + " / " + missing.column_label
            return emit(missing, code=self.rule.code, detail=label)
        counts = (
            answered.join(cells, list(KEY))
            .group_by(["area", "period", "table_id"])
            .aggregate(n=ibis._.count())
        )
        sizes = cells.group_by("table_id").aggregate(n_cells=cells.count())
        wanted = ctx.scope.cross_join(sizes)
        j = wanted.left_join(counts, ["area", "period", "table_id"])
        j = j.select("area", "period", "table_id", "n_cells", n=j.n.fill_null(0))
        bad = j.filter(j.n < j.n_cells)
        return emit(
            bad,
            code=self.rule.code,
            expected=bad.n_cells,
            found=bad.n,
            n=bad.n_cells - bad.n,
            detail=bad.table_id,
        )

    def key(self, row: Finding) -> str:
        if self.detail is Detail.cell:
            return key_text(row)
        return f"{key_text(row)} table {row['detail']}"

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        if self.detail is Detail.cell:
            return f"no value for {row['detail']}", "a value", None
        n_cells, answered = int(row["expected"]), int(row["found"])
        message = f"table {row['detail']}: {row['n']} of its {n_cells} cells have no value"
        return message, f"{n_cells} cells", f"{answered} answered"


class UnknownCellCheck(Check):
    """Values for series the questionnaire does not ask for (by default counts only: rates are derived)."""

    type = RuleType.unknown_cell
    default_code = "unknown-cell"
    default_where: ClassVar[dict[str, str]] = {"unit": "count"}

    def findings(self, ctx: Context) -> ir.Table:
        t = ctx.rows(self.rule.where, values=False)
        unknown = t.join(ctx.cells.select(*KEY), list(KEY), how="anti")
        return emit(unknown, code=self.rule.code)

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        return "the questionnaire asks for no such series", "a questionnaire cell", row["variable"]
