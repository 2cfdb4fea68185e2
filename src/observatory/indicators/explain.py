"""Provenance of a computed figure: the formula, every input observation (with the SHA-256 of the file it
came from and its row), the flags, and the release."""

from __future__ import annotations

from typing import Any

from observatory.catalog.indicators import get_indicator
from observatory.errors import NotFound
from observatory.indicators.compile import selector_filter
from observatory.indicators.compute import compute_table, restrict
from observatory.store.db import Store
from observatory.warehouse import query as warehouse
from observatory.warehouse.query import release_table

INPUT_COLUMNS = (
    "dataflow",
    "variable",
    "sex",
    "age",
    "offence",
    "status",
    "citizenship",
    "category",
    "unit",
    "period",
    "value",
    "flags",
    "source",
    "file_sha256",
    "row",
)


def explain(store: Store, indicator_id: str, *, area: str, year: int) -> dict[str, Any]:
    """How ``indicator_id`` for ``area`` and ``year`` was computed, down to the rows of the source files."""
    indicator = get_indicator(indicator_id)
    table, release = release_table(store)
    scope = restrict(table, area, year)
    with warehouse.RELEASE_LOCK:
        values = compute_table(indicator, scope)
        inputs: dict[str, list[dict[str, Any]]] = {}
        parts = {"numerator": indicator.numerator, "denominator": indicator.denominator}
        for role, selector in parts.items():
            if selector is None:
                continue
            rows = selector_filter(scope, selector, indicator.disaggregations).select(*INPUT_COLUMNS)
            inputs[role] = rows.order_by(list(INPUT_COLUMNS[:10])).to_pyarrow().to_pylist()
    if not values:
        raise NotFound(
            f"indicator {indicator_id!r} has no value for {area} in {year} in release {release.number}",
            code="no-indicator-value",
        )
    found = [str(v["flags"] or "") for v in values]
    found += [str(r["flags"] or "") for rows in inputs.values() for r in rows]
    flags = sorted({f.strip() for text in found for f in text.split(",") if f.strip()})
    return {
        "indicator": indicator.id,
        "name": indicator.name,
        "area": area,
        "year": year,
        "formula": indicator.formula(),
        "multiplier": indicator.multiplier,
        "unit": indicator.unit.value,
        "values": values,
        "inputs": inputs,
        "flags": flags,
        "caveats": list(indicator.caveats),
        "release": {"number": release.number, "sha256": release.sha256, "created_at": release.created_at},
    }
