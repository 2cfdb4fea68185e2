"""Coherence along the justice chain: fewer persons at each later stage, prison stocks match flows."""

from __future__ import annotations

import itertools
from typing import ClassVar

import ibis
import ibis.expr.types as ir

from observatory.collect.checks.base import (
    KEY,
    ROUNDING,
    Check,
    Context,
    Finding,
    Params,
    Rule,
    RuleType,
    emit,
    fmt,
)
from observatory.model.observation import TOTAL
from observatory.model.questionnaire import Questionnaire


def stages_of(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The questionnaire's variables that have a ``stage``, in the order of the justice chain."""
    staged = [v for v in questionnaire.variables.values() if v.stage is not None]
    return tuple(v.code for v in sorted(staged, key=lambda v: (v.stage, v.code)))


class StageOrderCheck(Check):
    """At each later stage no more persons than at the stage before: same area, year, offence, sex and age.

    ``stages`` lists the variables in order; left out, the questionnaire's ``stage`` numbers give the order.
    Each stage is compared with the one listed before it.
    """

    type = RuleType.stage_order
    default_code = "downstream-exceeds-upstream"
    default_where: ClassVar[dict[str, str]] = {"unit": "count"}

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.stages = params.texts("stages", ())
        if len(self.stages) == 1:
            raise params.error("stages", "must list at least two variables")
        self.tolerance = params.number("tolerance", 0.0, minimum=0)

    def findings(self, ctx: Context) -> ir.Table:
        stages = self.stages or stages_of(ctx.questionnaire)
        t = ctx.rows(self.rule.where)
        keys = ["area", "period", *(d for d in KEY if d != "variable")]
        found: list[ir.Table] = []
        for upstream, downstream in itertools.pairwise(stages):
            up = t.filter(t.variable == upstream)
            down = t.filter(t.variable == downstream)
            j = down.join(up.select(*keys, up_value=up.value), keys)
            bad = j.filter(j.value > j.up_value + self.tolerance)
            found.append(
                emit(bad, code=self.rule.code, expected=bad.up_value, found=bad.value, detail=upstream)
            )
        return ibis.union(*found) if len(found) > 1 else found[0]

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        found, upstream = fmt(row["found"]), fmt(row["expected"])
        message = f"{found} {row['variable']} exceed the {upstream} {row['detail']} (same offence and year)"
        return message, f"<= {upstream}", found


class PrisonFlowCheck(Check):
    """Persons held at the end of a year are no more than those held a year before plus those who entered.

    ``held(t) <= held(t-1) + entering(t)`` for the same area and breakdown (by default totals and sex only:
    persons change sentencing status and age group without entering again).
    """

    type = RuleType.prison_flow
    default_code = "prison-flow-inconsistent"
    default_where: ClassVar[dict[str, str]] = {
        "unit": "count",
        "status": TOTAL,
        "age": TOTAL,
        "citizenship": TOTAL,
        "category": TOTAL,
    }

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.held = params.text("held", "persons-held")
        self.entering = params.text("entering", "persons-entering-prison")
        self.tolerance = params.number("tolerance", ROUNDING, minimum=0)

    def findings(self, ctx: Context) -> ir.Table:
        every = ctx.rows(self.rule.where, current=False)
        every = every.filter(every.year.notnull())
        current = every.filter(every.current & (every.variable == self.held))
        keys = ["area", "year", *(d for d in KEY if d != "variable")]
        before = every.filter(every.variable == self.held)
        before = before.select(*keys[2:], area=before.area, year=before.year + 1, before=before.value)
        entered = every.filter(every.variable == self.entering)
        entered = entered.select(*keys, entered=entered.value)
        j = current.join(before, keys).join(entered, keys)
        bad = j.filter(j.value > j.before + j.entered + self.tolerance)
        return emit(
            bad, code=self.rule.code, expected=bad.before + bad.entered, found=bad.value, extra=bad.before
        )

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        found, limit, before = fmt(row["found"]), fmt(row["expected"]), fmt(row["extra"])
        entered = fmt(row["expected"] - row["extra"])
        message = (
            f"{found} {self.held} at the end of {row['period']}, more than the {before} held a year before "
            f"plus the {entered} {self.entering}"
        )
        return message, f"<= {limit}", found
