"""Filling the actual values of outcome indicators from the published statistics, with their provenance.

An outcome indicator linked to an Observatory indicator is computed for its area (or the project's only
country) on the latest release, with :func:`observatory.indicators.compute.compute`; the value of each of
its periods becomes the actual, recorded with the indicator, area, year and release (number and SHA-256)
it comes from. For an indicator with disaggregations the total row (``_T`` in every disaggregation) is
used. A period without a published value keeps what it had; an actual reported by the project is replaced
only with ``overwrite``. The filled project is stored as a new revision.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from observatory.assistance.portfolio import Saved, get_project, save_project
from observatory.auth import Action, User, authorize
from observatory.indicators.compute import compute
from observatory.model.assistance import OutcomeIndicator, ResultPeriod, StatisticsSource
from observatory.store.db import Store

TOTAL = "_T"


@dataclass
class FillResult:
    code: str
    filled: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    saved: Saved | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "filled": self.filled,
            "skipped": self.skipped,
            "revision": self.saved.revision if self.saved else None,
            "outcome": self.saved.outcome if self.saved else "unchanged",
        }


def _totals(rows: list[dict[str, Any]], disaggregations: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    return {
        int(r["year"]): r
        for r in rows
        if r.get("value") is not None and all(r.get(d) == TOTAL for d in disaggregations)
    }


def _fill_indicator(
    store: Store, item: OutcomeIndicator, countries: tuple[str, ...], overwrite: bool, result: FillResult
) -> OutcomeIndicator:
    if not item.indicator_id:
        return item
    area = item.area or (countries[0] if len(countries) == 1 else None)
    if area is None:
        result.skipped.append(
            {"ref": item.ref, "reason": "the project has several countries; give the indicator an area"}
        )
        return item
    values = compute(store, item.indicator_id, area=area)
    by_year = _totals(values.rows, values.indicator.disaggregations)
    periods = []
    for period in item.periods:
        row = by_year.get(period.year)
        if row is None or (period.actual is not None and period.actual_source is None and not overwrite):
            reason = "no published value" if row is None else "an actual reported by the project is kept"
            result.skipped.append({"ref": item.ref, "year": period.year, "reason": reason})
            periods.append(period)
            continue
        source = StatisticsSource(
            item.indicator_id, area, period.year, values.release.number, values.release.sha256
        )
        value = Decimal(str(row["value"]))
        periods.append(ResultPeriod(period.year, period.target, value, source))
        result.filled.append({"ref": item.ref, **vars(source), "actual": float(value)})
    return dataclasses.replace(item, periods=tuple(periods))


def fill_from_statistics(store: Store, user: User, code: str, *, overwrite: bool = False) -> FillResult:
    """Fill project ``code``'s actuals from the latest release; store a new revision if any changed."""
    authorize(user, Action.manage_assistance)
    project = get_project(store, code).project
    result = FillResult(code)
    items = tuple(_fill_indicator(store, i, project.countries, overwrite, result) for i in project.indicators)
    filled = dataclasses.replace(project, indicators=items)
    if filled != project:
        result.saved = save_project(store, user, filled, comment="actuals filled from the statistics")
    return result
