"""Filling indicator-backed checklist items from the statistics of the latest release.

For an item that names an indicator, the latest year with a value for the country is taken (for an
indicator broken down by a dimension, the total ``_T`` row); its bands turn the value into a rating (an
item without bands records the figure as evidence only). The finding carries the figure's provenance:
indicator, value, year, release number and the link that explains it down to the file and row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from observatory.errors import ObservatoryError
from observatory.indicators.compute import compute
from observatory.model.assessment import (
    Checklist,
    ChecklistItem,
    Evidence,
    EvidenceKind,
    Finding,
    FindingSource,
    Provenance,
)
from observatory.store.db import Store

API = "/api/v1"  # the API prefix (web.links.API), spelled here so the service does not import the web layer


@dataclass(frozen=True)
class Figure:
    value: float
    year: int
    release: int
    unit: str


def latest_figure(store: Store, indicator_id: str, country: str) -> Figure | str:
    """The latest value of ``indicator_id`` for ``country``, or why there is none."""
    try:
        values = compute(store, indicator_id, area=country)
    except ObservatoryError as exc:
        return f"{exc} [{exc.code}]"
    rows: list[dict[str, Any]] = [
        r
        for r in values.rows
        if r.get("value") is not None
        and all(r.get(d) in (None, "_T") for d in values.indicator.disaggregations)
    ]
    if not rows:
        return f"no value of {indicator_id} for {country} in release {values.release.number}"
    latest = max(rows, key=lambda r: int(r["year"]))
    return Figure(
        float(latest["value"]), int(latest["year"]), values.release.number, values.indicator.unit.value
    )


def explain_link(indicator_id: str, country: str, year: int) -> str:
    return f"{API}/indicators/{indicator_id}/explain?area={country}&year={year}"


def fill(
    store: Store, checklist: Checklist, country: str, findings: list[Finding]
) -> tuple[list[Finding], list[str]]:
    """Findings with every indicator-backed item the assessor left unrated filled from the statistics; and a
    note per item that could not be filled."""
    by_item = {f.item: f for f in findings}
    notes: list[str] = []
    for item in checklist.items:
        if item.indicator is None:
            continue
        current = by_item.get(item.id)
        if current is not None and (current.rated or current.not_applicable):
            continue
        figure = latest_figure(store, item.indicator.indicator, country)
        if isinstance(figure, str):
            notes.append(f"{item.id}: {figure}")
            continue
        by_item[item.id] = _filled(item, country, figure, current)
    order = {i.id: n for n, i in enumerate(checklist.items)}
    return sorted(by_item.values(), key=lambda f: order[f.item]), notes


def _filled(item: ChecklistItem, country: str, figure: Figure, current: Finding | None) -> Finding:
    assert item.indicator is not None
    link = item.indicator
    provenance = Provenance(
        link.indicator,
        figure.value,
        figure.year,
        figure.release,
        explain_link(link.indicator, country, figure.year),
        figure.unit,
    )
    evidence = Evidence(
        EvidenceKind.statistic,
        f"{link.indicator} = {figure.value:.4g} ({figure.unit}) in {figure.year}, release {figure.release}",
        provenance.explain,
    )
    rating = link.rate(figure.value)
    base = current or Finding(item=item.id)
    return replace(
        base,
        rating=rating,
        evidence=(*base.evidence, evidence),
        source=FindingSource.indicator,
        provenance=provenance,
        comment=base.comment or (link.note if rating is not None else f"context figure: {link.note}"),
    )
