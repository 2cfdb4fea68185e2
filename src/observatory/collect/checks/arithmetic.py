"""Arithmetic rules: parts add up to their total, subsets stay within it, ICCS children within parents."""

from __future__ import annotations

from typing import ClassVar

import ibis
import ibis.expr.types as ir

from observatory.collect.checks.base import (
    KEY,
    LOCATION,
    ROUNDING,
    Check,
    Context,
    Finding,
    Params,
    Rule,
    RuleType,
    dims,
    emit,
    fmt,
    selected,
)
from observatory.model.observation import TOTAL

COUNTS: dict[str, str] = {"unit": "count"}


def _dimension(params: Params, name: str) -> str:
    value = params.text(name)
    if value not in KEY or value == "unit":
        choices = ", ".join(d for d in KEY if d != "unit")
        raise params.error(name, f"is {value!r}; choose one of {choices}")
    return value


class SumOfPartsCheck(Check):
    """The parts of one dimension add up to its total: ``M + F + _U = _T``.

    Applied to every series (same area, period and other dimensions) that has the total and at least one
    part. When every part is present (``optional`` parts may be missing, counting as zero) and ``exact`` is
    true, the sum must equal the total (the rule's code, ``sum-of-parts-mismatch``); otherwise the parts
    present must not add up to more than the total (``partial_code``, ``parts-exceed-total``).
    """

    type = RuleType.sum_of_parts
    default_code = "sum-of-parts-mismatch"
    default_where: ClassVar[dict[str, str]] = COUNTS

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.dimension = _dimension(params, "dimension")
        self.parts = params.texts("parts", minimum=1)
        self.total = params.text("total", TOTAL)
        self.optional = params.texts("optional", ())
        self.exact = params.flag("exact", True)
        self.tolerance = params.number("tolerance", ROUNDING, minimum=0)
        self.partial_code = params.code("partial_code", "parts-exceed-total")
        if self.total in self.parts:
            raise params.error("parts", f"include the total {self.total!r}")
        if not set(self.optional) <= set(self.parts):
            raise params.error("optional", f"names {sorted(set(self.optional) - set(self.parts))}, not parts")
        self.required = tuple(p for p in self.parts if p not in self.optional)

    def findings(self, ctx: Context) -> ir.Table:
        t = ctx.rows(self.rule.where)
        group = ["area", "period", *(d for d in KEY if d != self.dimension)]
        parts = t.filter(t[self.dimension].isin(self.parts))
        sums = parts.group_by(group).aggregate(
            parts_sum=parts.value.sum(),
            n_parts=parts.count(),
            n_required=parts.count(where=parts[self.dimension].isin(self.required)),
        )
        totals = t.filter(t[self.dimension] == self.total)
        j = sums.join(totals.select(*group, *LOCATION, total=totals.value), group)
        complete = j.n_required == len(self.required)
        mismatch = complete & ((j.parts_sum - j.total).abs() > self.tolerance) if self.exact else False
        j = j.mutate(mismatch=mismatch, exceeds=j.parts_sum > j.total + self.tolerance)
        bad = j.filter(j.mismatch | j.exceeds)
        return emit(
            bad,
            code=ibis.ifelse(bad.mismatch, self.rule.code, self.partial_code),
            expected=bad.total,
            found=bad.parts_sum,
            n=bad.n_parts,
            detail=ibis.ifelse(bad.mismatch, "=", "<="),
            columns={self.dimension: ibis.literal(self.total)},
        )

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        parts = " + ".join(self.parts)
        total, found = fmt(row["expected"]), fmt(row["found"])
        if row["detail"] == "=":
            message = f"{self.dimension} {parts} add up to {found}; the total ({self.total}) is {total}"
            return message, total, found
        message = (
            f"{row['n']} of the parts {parts} of {self.dimension} add up to {found}, "
            f"more than the total ({self.total}) {total}"
        )
        return message, f"<= {total}", found


class SubsetCheck(Check):
    """A subset never exceeds what it is a subset of: ``subset`` and ``of`` select the two series.

    For example ``subset = {variable = "persons-held-unsentenced"}, of = {variable = "persons-held"}``: the
    two are compared for the same area, period and every dimension neither selector names.
    """

    type = RuleType.subset
    default_code = "subset-exceeds-total"
    default_where: ClassVar[dict[str, str]] = COUNTS

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.subset = params.selector("subset")
        self.of = params.selector("of")
        self.tolerance = params.number("tolerance", 0.0, minimum=0)
        if not self.subset or not self.of:
            raise params.error("subset", "and 'of' must each fix at least one dimension")

    def findings(self, ctx: Context) -> ir.Table:
        t = ctx.rows(self.rule.where)
        named = dims(self.subset) | dims(self.of)
        keys = ["area", "period", *(d for d in KEY if d not in named)]
        a = t.filter(selected(t, self.subset))
        b = t.filter(selected(t, self.of))
        label = ibis.literal(", ").join([ibis.literal(f"{d}=") + b[d] for d, _ in self.of])
        j = a.join(b.select(*keys, of_value=b.value, of_label=label), keys)
        bad = j.filter(j.value > j.of_value + self.tolerance)
        return emit(bad, code=self.rule.code, expected=bad.of_value, found=bad.value, detail=bad.of_label)

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        expected, found = f"<= {fmt(row['expected'])}", fmt(row["found"])
        return f"{found} is more than the {fmt(row['expected'])} of {row['detail']}", expected, found


class IccsHierarchyCheck(Check):
    """ICCS categories present in the data add up to no more than the category above them.

    Each category is compared with its nearest ancestor present in the same series (the offence total ``_T``
    stands above the sections; the tree is :func:`~observatory.collect.validation.catalogue_tables`).
    ``exhaustive_levels`` lists the ICCS levels (1 = sections) whose categories, when all present, must add
    up exactly to their parent (``mismatch_code``).
    """

    type = RuleType.iccs_hierarchy
    default_code = "iccs-children-exceed-parent"
    default_where: ClassVar[dict[str, str]] = COUNTS

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.exhaustive = params.integers("exhaustive_levels", (), minimum=1, maximum=4)
        self.tolerance = params.number("tolerance", ROUNDING, minimum=0)
        self.mismatch_code = params.code("mismatch_code", "sum-of-parts-mismatch")

    def findings(self, ctx: Context) -> ir.Table:
        anc, sizes = ctx.iccs_tree, ctx.iccs_sizes
        t = ctx.rows(self.rule.where)
        group = ["area", "period", *(d for d in KEY if d != "offence")]
        present = t.select(*group, *LOCATION, ancestor=t.offence, parent_value=t.value)
        candidates = t.select(*group, "offence", "value").join(anc, "offence")
        candidates = candidates.join(present.select(*group, "ancestor"), [*group, "ancestor"], how="semi")
        nearest = candidates.group_by([*group, "offence"]).aggregate(
            ancestor=candidates.ancestor.argmin(candidates.distance),
            distance=candidates.distance.min(),
            value=candidates.value.max(),
        )
        sums = nearest.group_by([*group, "ancestor"]).aggregate(
            children_sum=nearest.value.sum(),
            n=nearest.count(),
            n_direct=nearest.count(where=nearest.distance == 1),
        )
        j = sums.join(present, [*group, "ancestor"]).join(sizes, "ancestor")
        complete = (j.n_direct == j.n_children) & j.child_level.isin(self.exhaustive or (0,))
        j = j.mutate(
            mismatch=complete & ((j.children_sum - j.parent_value).abs() > self.tolerance),
            exceeds=j.children_sum > j.parent_value + self.tolerance,
        )
        bad = j.filter(j.mismatch | j.exceeds)
        code = ibis.ifelse(bad.mismatch, self.mismatch_code, self.rule.code)
        return emit(
            bad,
            code=code,
            expected=bad.parent_value,
            found=bad.children_sum,
            n=bad.n,
            detail=ibis.ifelse(bad.mismatch, "=", "<="),
            columns={"offence": bad.ancestor},
        )

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        parent, found = fmt(row["expected"]), fmt(row["found"])
        what = "all offences" if row["offence"] == TOTAL else f"ICCS {row['offence']}"
        if row["detail"] == "=":
            message = f"the {row['n']} categories under {what} add up to {found}, not to its {parent}"
            return message, parent, found
        message = f"{row['n']} ICCS categories under {what} add up to {found}, more than its {parent}"
        return message, f"<= {parent}", found
