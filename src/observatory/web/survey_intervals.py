"""The confidence intervals and bases of survey-based indicators, for the indicator pages.

A survey indicator reads its estimates from dataflow ``SURVEY`` (category ``_T``); beside each estimate
:mod:`observatory.surveys.publishing` stores the same series with category ``ci-lower``, ``ci-upper``,
``se``, ``base-unweighted`` and ``base-weighted``. :func:`survey_intervals` reads those companions from the
latest release, keyed like the indicator's computed rows (area, year, disaggregation values), and
:func:`attach_intervals` puts them on the rows. A suppressed figure has no estimate nor interval in the
release, only its bases: it becomes a row without a value, flagged ``suppressed``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from observatory.errors import NotFound
from observatory.model.indicator import TOTAL, Indicator
from observatory.model.observation import SERIES_DIMENSIONS, Flag
from observatory.store.db import Store
from observatory.surveys.publishing import COMPANIONS, DATAFLOW
from observatory.warehouse.query import release_table

SUPPRESSED = "suppressed"
#: The level as the publishing note states it (``95% CI 12.30 to 15.60; ...``).
LEVEL = re.compile(r"^(\d+(?:\.\d+)?)% CI\b")
#: (area, year, values of the indicator's disaggregations in order)
IntervalKey = tuple[str, int, tuple[str, ...]]


@dataclass(frozen=True)
class Interval:
    """The interval and bases stored beside one survey estimate."""

    lower: float | None = None
    upper: float | None = None
    se: float | None = None
    base: int | None = None
    weighted_base: float | None = None
    level: str | None = None  # "95%", from the note
    small_base: bool = False  # flagged small-base when published

    @property
    def suppressed(self) -> bool:
        """Only the bases are published: the estimate was withheld."""
        return self.lower is None and self.upper is None and self.base is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "lower": self.lower,
            "upper": self.upper,
            "se": self.se,
            "base": self.base,
            "weighted_base": self.weighted_base,
            "level": self.level,
            "small_base": self.small_base,
        }


def is_survey(indicator: Indicator) -> bool:
    """Whether the indicator's values are survey estimates (its numerator reads dataflow ``SURVEY``)."""
    return indicator.numerator.dataflow == DATAFLOW and indicator.denominator is None


def interval_key(indicator: Indicator, row: Mapping[str, Any]) -> IntervalKey:
    return (
        str(row["area"]),
        int(row["year"]),
        tuple(str(row.get(d, TOTAL)) for d in indicator.disaggregations),
    )


def survey_intervals(
    store: Store, indicator: Indicator, *, area: str | None = None
) -> dict[IntervalKey, Interval]:
    """The intervals and bases of ``indicator`` in the latest release (of ``area`` only when given);
    empty for an indicator that is not survey-based or when nothing is published."""
    if not is_survey(indicator):
        return {}
    try:
        table, _ = release_table(store)
    except NotFound:
        return {}
    selector = indicator.numerator
    fixed = selector.fixed()
    predicates = [
        table.dataflow == DATAFLOW,
        table.variable == selector.variable,
        table.category.isin(list(COMPANIONS)),
    ]
    for dim in SERIES_DIMENSIONS:
        if dim in ("variable", "unit", "category") or dim in indicator.disaggregations:
            continue
        predicates.append(table[dim].isin(list(fixed.get(dim, (TOTAL,)))))
    if area is not None:
        predicates.append(table.area == area)
    found: dict[IntervalKey, dict[str, Any]] = {}
    for row in table.filter(predicates).to_pyarrow().to_pylist():
        if row.get("value") is None:
            continue
        parts = found.setdefault(interval_key(indicator, row), {})
        parts[str(row["category"])] = float(row["value"])
        if Flag.small_base.value in str(row.get("flags") or ""):
            parts["small"] = True
        stated = LEVEL.match(str(row.get("note") or ""))
        if stated:
            parts["level"] = f"{stated.group(1)}%"
    return {
        key: Interval(
            lower=parts.get("ci-lower"),
            upper=parts.get("ci-upper"),
            se=parts.get("se"),
            base=None if parts.get("base-unweighted") is None else int(parts["base-unweighted"]),
            weighted_base=parts.get("base-weighted"),
            level=parts.get("level"),
            small_base=bool(parts.get("small")),
        )
        for key, parts in found.items()
    }


def attach_intervals(
    indicator: Indicator, rows: Sequence[Mapping[str, Any]], intervals: Mapping[IntervalKey, Interval]
) -> list[dict[str, Any]]:
    """Copies of ``rows``, each with its ``interval`` (``None`` when it has none) and flagged ``small-base``
    when its estimate was, plus a row without a
    value flagged ``suppressed`` for every suppressed estimate (bases published, estimate withheld)."""
    out: list[dict[str, Any]] = []
    seen: set[IntervalKey] = set()
    for row in rows:
        key = interval_key(indicator, row)
        seen.add(key)
        interval = intervals.get(key)
        flags = str(row.get("flags") or "")
        if interval is not None and interval.small_base:
            flags = ",".join(f for f in (flags, Flag.small_base.value) if f)
        out.append({**row, "flags": flags, "interval": interval})
    for key, interval in intervals.items():
        if key in seen or not interval.suppressed:
            continue
        area, year, values = key
        row = {"indicator": indicator.id, "area": area, "year": year, "value": None}
        row.update(numerator=None, denominator=None, flags=SUPPRESSED, interval=interval)
        row.update(zip(indicator.disaggregations, values, strict=True))
        out.append(row)
    return out
