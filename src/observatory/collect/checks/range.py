"""Type and range rules: counts are whole and not negative, rates and percentages plausible, units right."""

from __future__ import annotations

from typing import ClassVar

import ibis
import ibis.expr.types as ir

from observatory.collect.checks.base import Check, Context, Finding, Params, Rule, RuleType, emit, fmt


class RangeCheck(Check):
    """Values of the selected series lie within ``[min, max]`` (either bound may be left out).

    For example ``{id = "rate-range", type = "range", code = "rate-out-of-range", min = 0, max = 5000,
    where = {unit = "rate-per-100k"}}``.
    """

    type = RuleType.range
    default_code = "negative-count"
    default_where: ClassVar[dict[str, str]] = {"unit": "count"}

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.minimum = params.optional_number("min")
        self.maximum = params.optional_number("max")
        if self.minimum is None and self.maximum is None:
            raise params.error("min", "or 'max' must be given")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise params.error("min", f"({self.minimum:g}) is above max ({self.maximum:g})")

    def findings(self, ctx: Context) -> ir.Table:
        t = ctx.rows(self.rule.where)
        outside = []
        if self.minimum is not None:
            outside.append(t.value < self.minimum)
        if self.maximum is not None:
            outside.append(t.value > self.maximum)
        bad = t.filter(ibis.or_(*outside))
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            bound: ir.Value | float | None = ibis.ifelse(bad.value < low, low, high)
        else:
            bound = low if high is None else high
        return emit(bad, code=self.rule.code, expected=bound, found=bad.value)  # expected: the bound crossed

    def expected(self) -> str:
        if self.maximum is None:
            return f">= {fmt(self.minimum)}"
        if self.minimum is None:
            return f"<= {fmt(self.maximum)}"
        return f"between {fmt(self.minimum)} and {fmt(self.maximum)}"

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        found = fmt(row["found"])
        return f"{row['unit']} value {found} is not {self.expected()}", self.expected(), found


class IntegerCheck(Check):
    """Counts are whole numbers (within ``tolerance``, for values that went through a spreadsheet)."""

    type = RuleType.integer
    default_code = "non-integer-count"
    default_where: ClassVar[dict[str, str]] = {"unit": "count"}

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.tolerance = params.number("tolerance", 1e-9, minimum=0)

    def findings(self, ctx: Context) -> ir.Table:
        t = ctx.rows(self.rule.where)
        fractional = (t.value - t.value.round()).abs() > self.tolerance
        return emit(t.filter(fractional), code=self.rule.code, found=t.value)

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        found = fmt(row["found"])
        return f"a count of {found} is not a whole number", "a whole number", found


class UnitCheck(Check):
    """The unit is the one the questionnaire asks for its variable, or one of the ``derived`` units.

    Variables the questionnaire does not ask for are left to ``unknown-cell``.
    """

    type = RuleType.unit
    default_code = "unit-mismatch"

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.derived = params.texts("derived", ())

    def findings(self, ctx: Context) -> ir.Table:
        t = ctx.rows(self.rule.where, values=False)
        joined = t.join(ctx.units, "variable")
        wrong = joined.unit != joined.expected_unit
        if self.derived:
            wrong &= joined.unit.notin(self.derived)
        bad = joined.filter(wrong)
        return emit(bad, code=self.rule.code, detail=bad.expected_unit)

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        allowed = " or ".join((row["detail"], *self.derived))
        message = f"{row['variable']} is given in {row['unit']!r}; the questionnaire asks for {allowed}"
        return message, allowed, row["unit"]
