"""Outlier rules: robust z-scores (median and MAD) against a country's own history and against its sub-region.

The robust z-score of ``x`` in a group is ``(x - median) / (1.4826 * MAD)``, where MAD is the median absolute
deviation from the median; 1.4826 makes the MAD estimate the standard deviation of normal data. Groups with
fewer than the minimum number of values, or with a MAD of zero, are not judged.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

import ibis.expr.types as ir

from observatory.catalog.areas import load_areas
from observatory.collect.checks.base import KEY, Check, Context, Finding, Params, Rule, RuleType, emit, fmt

MAD_SCALE = 1.4826


class Scale(StrEnum):
    """Whether values are compared as they are or as logarithms (rates spread over orders of magnitude)."""

    linear = "linear"
    log = "log"


def robust_z(t: ir.Table, group: list[str], x: str) -> ir.Table:
    """``t`` with the group's ``median``, ``mad``, size ``n`` and the robust ``z`` of column ``x``."""
    centre = t.group_by(group).aggregate(median=t[x].median(), n=t.count())
    t = t.join(centre, group)
    spread = t.group_by(group).aggregate(mad=(t[x] - t.median).abs().median())
    t = t.join(spread, group)
    return t.mutate(z=(t[x] - t.median) / (MAD_SCALE * t.mad))


class OwnHistoryCheck(Check):
    """The change from the year before is far from the series' usual year-on-year changes.

    Changes are log ratios ``ln(x_t / x_t-1)`` over every pair of consecutive years of the series (the round
    and ``history``), between positive values the larger of which reaches ``min_base``.
    """

    type = RuleType.outlier_history
    default_code = "outlier-own-history"
    default_where: ClassVar[dict[str, str]] = {"unit": "count"}

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.threshold = params.number("threshold", 3.5, minimum=0)
        self.min_points = params.integer("min_points", 5, minimum=3)
        self.min_base = params.number("min_base", 20.0, minimum=0)

    def findings(self, ctx: Context) -> ir.Table:
        every = ctx.rows(self.rule.where, current=False)
        every = every.filter(every.year.notnull() & (every.value > 0))
        series = ["area", *KEY]
        before = every.select(*series, year=every.year + 1, before=every.value)
        pairs = every.join(before, [*series, "year"])
        pairs = pairs.filter((pairs.value >= self.min_base) | (pairs.before >= self.min_base))
        pairs = pairs.mutate(change=pairs.value.ln() - pairs.before.ln())
        scored = robust_z(pairs, series, "change")
        bad = scored.filter(
            scored.current
            & (scored.n >= self.min_points)
            & (scored.mad > 0)
            & (scored.z.abs() > self.threshold)
        )
        return emit(bad, code=self.rule.code, expected=bad.before, found=bad.value, extra=bad.z, n=bad.n)

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        before, found, z = fmt(row["expected"]), fmt(row["found"]), row["extra"]
        message = (
            f"from {before} the year before to {found}: a change {abs(z):.1f} robust standard deviations "
            f"from this series' usual change over {row['n']} years"
        )
        return message, f"robust z within ±{self.threshold:g}", f"z = {z:.1f}"


class SubregionCheck(Check):
    """A value far from those of the other areas of its sub-region (UN M49) in the same year.

    Meant for rates per 100,000 and shares, which are comparable across areas; ``scale = "log"`` compares
    logarithms (positive values only).
    """

    type = RuleType.outlier_subregion
    default_code = "outlier-subregion"
    default_where: ClassVar[dict[str, list[str]]] = {"unit": ["rate-per-100k", "percent"]}

    def __init__(self, rule: Rule, params: Params) -> None:
        super().__init__(rule, params)
        self.threshold = params.number("threshold", 3.5, minimum=0)
        self.min_group = params.integer("min_group", 5, minimum=3)
        self.scale = params.choice("scale", Scale, Scale.log)

    def findings(self, ctx: Context) -> ir.Table:
        regions = ctx.subregions
        every = ctx.rows(self.rule.where, current=False)
        if self.scale is Scale.log:
            every = every.filter(every.value > 0)
        every = every.join(regions, "area")
        every = every.mutate(x=every.value.ln() if self.scale is Scale.log else every.value)
        scored = robust_z(every, ["subregion", "period", *KEY], "x")
        bad = scored.filter(
            scored.current
            & (scored.n >= self.min_group)
            & (scored.mad > 0)
            & (scored.z.abs() > self.threshold)
        )
        median = bad.median.exp() if self.scale is Scale.log else bad.median
        return emit(
            bad,
            code=self.rule.code,
            expected=median,
            found=bad.value,
            extra=bad.z,
            n=bad.n,
            detail=bad.subregion,
        )

    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        region = load_areas().get(row["detail"]).name
        found, median, z = fmt(row["found"]), fmt(row["expected"]), row["extra"]
        message = (
            f"{found} is {abs(z):.1f} robust standard deviations from the median {median} of the "
            f"{row['n']} values of {region} that year"
        )
        return message, f"robust z within ±{self.threshold:g} (median {median})", f"{found} (z = {z:.1f})"
