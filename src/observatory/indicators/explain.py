"""Provenance of a computed figure: the formula, every input observation (with the SHA-256 of the file it
came from and its row), the flags, and the release.

Where several dataflows hold the same series, ``inputs`` are the observations the figure uses and
``set_aside`` the others, each naming the dataflow preferred to it; ``sources`` says per role which
dataflows were used and which set aside, and ``precedence`` is the order applied
(``catalog/data/source_precedence.toml``)."""

from __future__ import annotations

from typing import Any

from observatory.catalog.indicators import get_indicator
from observatory.catalog.precedence import source_precedence
from observatory.errors import NotFound
from observatory.indicators.compile import SERIES_KEY, selector_candidates
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
        set_aside: dict[str, list[dict[str, Any]]] = {}
        parts = {"numerator": indicator.numerator, "denominator": indicator.denominator}
        for role, selector in parts.items():
            if selector is None:
                continue
            found_rows = selector_candidates(scope, selector, indicator.disaggregations)
            rows = found_rows.select(*INPUT_COLUMNS, "year", "area", "used")
            candidates = rows.order_by(list(INPUT_COLUMNS[:10])).to_pyarrow().to_pylist()
            inputs[role], set_aside[role] = _split(candidates)
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
        "set_aside": set_aside,
        "sources": {role: _sources(inputs[role], set_aside[role]) for role in inputs},
        "precedence": list(source_precedence()),
        "flags": flags,
        "caveats": list(indicator.caveats),
        "release": {"number": release.number, "sha256": release.sha256, "created_at": release.created_at},
    }


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c] for c in SERIES_KEY)


def _split(candidates: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows a figure uses (``INPUT_COLUMNS``) and those set aside (plus ``preferred``: the dataflow
    whose observation of the same series was used instead)."""
    used = {_key(r): str(r["dataflow"]) for r in candidates if r["used"]}
    kept = [{c: r[c] for c in INPUT_COLUMNS} for r in candidates if r["used"]]
    dropped = [
        {**{c: r[c] for c in INPUT_COLUMNS}, "preferred": used[_key(r)]} for r in candidates if not r["used"]
    ]
    return kept, dropped


def _sources(used: list[dict[str, Any]], set_aside: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The dataflows of the observations used and of those set aside, each once, in order."""
    return {
        "used": sorted({str(r["dataflow"]) for r in used}),
        "set_aside": sorted({str(r["dataflow"]) for r in set_aside}),
    }
