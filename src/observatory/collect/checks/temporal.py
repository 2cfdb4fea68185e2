"""Time rules: a large change from the year before needs a note explaining it."""

from __future__ import annotations

from typing import ClassVar

import ibis
import ibis.expr.types as ir

from observatory.collect.checks.base import KEY, Check, Context, Finding, Params, Rule, RuleType, emit, fmt


class YearOnYearCheck(Check):
    """A value that moved by more than ``threshold`` (0.5 = 50%) from the year before, without a note.

    The year before may come from the round itself or from ``history`` (earlier published years). Changes
    between small numbers are left alone: the larger of the two values must reach ``min_base``. A value that
    follows a zero is a change beyond any threshold.
    """

    type = RuleType.year_on_year
    default_code = "unexplained-break"
    default_where: ClassVar[dict[str, str]] = {"unit": "count"}

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.threshold = params.number("threshold", 0.5, minimum=0)
        self.min_base = params.number("min_base", 20.0, minimum=0)

    def findings(self, ctx: Context) -> ir.Table:
        every = ctx.rows(self.rule.where, current=False)
        every = every.filter(every.year.notnull())
        keys = ["area", "year", *KEY]
        before = every.select(*keys[2:], area=every.area, year=every.year + 1, before=every.value)
        now = every.filter(every.current & (every.note.isnull() | (every.note.strip() == "")))
        j = now.join(before, keys)
        change = (j.value - j.before).abs()
        big = (ibis.greatest(j.value.abs(), j.before.abs()) >= self.min_base) & (
            change > self.threshold * j.before.abs()
        )
        bad = j.filter(big)
        return emit(bad, code=self.rule.code, expected=bad.before, found=bad.value)

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        before, found = row["expected"], row["found"]
        change = f"{(found - before) / abs(before):+.0%}" if before else "from zero"
        expected = f"within {self.threshold:.0%} of {fmt(before)}"
        message = f"{fmt(before)} the year before, {fmt(found)} now ({change}), and no note explains it"
        return message, expected, f"{fmt(found)} ({change})"
