"""What the area page shows: its place among areas, its charts and a table of its series.

Everything is read from the catalogue and the latest release; the page template only lays it out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from observatory.catalog.areas import AreaCatalog
from observatory.catalog.dataflows import DATAFLOWS
from observatory.catalog.questionnaires import load_questionnaire
from observatory.catalog.unodc import load_portal_codelist
from observatory.model.area import Area
from observatory.model.classification import Scheme
from observatory.model.observation import SERIES_DIMENSIONS, TOTAL
from observatory.store.concepts import concept_names
from observatory.store.db import Store
from observatory.warehouse.query import ObservationFilter, query_observations
from observatory.web.charts import (
    HOMICIDE_SERIES,
    SEX_LABELS,
    UNIT_LABELS,
    Chart,
    area_charts,
    provenance,
)
from observatory.web.i18n import gettext
from observatory.web.indicator_page import AreaIndicator, area_indicators
from observatory.web.links import series_links
from observatory.web.lookups import published_series
from observatory.web.page_cache import PageCache

BREAKDOWN_DIMENSIONS = ("sex", "age", "offence", "status", "citizenship", "category")
FIRST_VARIABLES = ("persons-held", "persons-held-unsentenced", HOMICIDE_SERIES)
SDG_NAMES = {
    HOMICIDE_SERIES: "Victims of intentional homicide per 100,000 population (SDG 16.1.1)",
    "VC_PRS_UNSEC": "Unsentenced detainees, share of the prison population (SDG 16.3.2)",
}


def variable_names(known: Mapping[str, str] | None = None) -> dict[str, str]:
    """Variable code -> name: the portal mapping's names, the questionnaire's, and concepts imported
    with the data (``known``, e.g. the SDG series list) under the known SDG series."""
    codelist = load_portal_codelist()
    names: dict[str, str] = {v.code: v.name for v in load_questionnaire().variables.values()}
    names.update(known or {})
    for rule in codelist.indicators.values():
        names.setdefault(rule.variable, rule.name)
    for code, name in codelist.variables().items():
        names.setdefault(code, name)
    return {**SDG_NAMES, **names}


@dataclass(frozen=True)
class SeriesRow:
    """One row of the series table."""

    name: str
    variable: str
    breakdown: str
    unit: str
    dataflow: str
    dataflow_name: str
    observations: int
    first_year: int
    last_year: int
    latest_value: float | None
    latest_period: str
    latest_provenance: str
    sources: list[str]
    flags: list[str]
    links: dict[str, str]
    depth: int = 0  # how many dimensions are broken down; totals first


@dataclass(frozen=True)
class ChartView:
    chart: Chart
    spec_json: str


@dataclass(frozen=True)
class SeriesGroup:
    """The series of one variable, shown as one table."""

    variable: str
    name: str
    dataflow: str
    rows: list[SeriesRow]


@dataclass
class AreaView:
    area: Area
    ancestors: list[Area]
    children: list[Area]
    members: int
    release: int | None
    charts: list[ChartView] = field(default_factory=list)
    series: list[SeriesRow] = field(default_factory=list)
    dataflows: list[str] = field(default_factory=list)
    indicators: list[AreaIndicator] = field(default_factory=list)

    @property
    def groups(self) -> list[SeriesGroup]:
        """The series table split by variable, in table order."""
        grouped: dict[tuple[str, str], list[SeriesRow]] = {}
        for row in self.series:
            grouped.setdefault((row.dataflow, row.variable), []).append(row)
        groups = [
            SeriesGroup(variable, rows[0].name, dataflow, sorted(rows, key=lambda r: (r.depth, r.breakdown)))
            for (dataflow, variable), rows in grouped.items()
        ]
        first = {v: i for i, v in enumerate(FIRST_VARIABLES)}
        return sorted(groups, key=lambda g: (first.get(g.variable, len(first)), g.name))


def series_key(row: Mapping[str, Any]) -> tuple[str, ...]:
    return (str(row["dataflow"]), *(str(row[d]) for d in SERIES_DIMENSIONS))


def describe_breakdown(series: Mapping[str, Any], scheme: Scheme, label: str | None = None) -> str:
    """``Female, unsentenced, ICCS 0101 Intentional homicide``; ``Total`` if not broken down.

    A ``category`` breakdown is shown with the source's own label where there is one.
    """
    parts: list[str] = []
    for dim in BREAKDOWN_DIMENSIONS:
        value = str(series[dim])
        if value == TOTAL:
            continue
        if dim == "sex":
            parts.append(gettext(SEX_LABELS.get(value, value)))
        elif dim == "offence":
            cat = scheme.get(value)
            parts.append(f"ICCS {value} {cat.title()}" if cat else f"offence {value}")
        elif dim == "category" and label:
            parts.append(label)
        else:
            parts.append(value.replace("-", " "))
    return ", ".join(parts) or gettext("Total")


def series_rows(
    code: str,
    series: Sequence[Mapping[str, Any]],
    rows: Sequence[Mapping[str, Any]],
    scheme: Scheme,
    known_names: Mapping[str, str] | None = None,
) -> list[SeriesRow]:
    """The series table: one row per series, with its latest figure and where it came from."""
    names = variable_names(known_names)
    by_key: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        by_key.setdefault(series_key(row), []).append(row)
    table: list[SeriesRow] = []
    for s in series:
        obs = sorted(by_key.get(series_key(s), []), key=lambda r: str(r["period"]))
        latest = obs[-1] if obs else {}
        flow = DATAFLOWS.get(str(s["dataflow"]))
        table.append(
            SeriesRow(
                name=names.get(str(s["variable"]), str(s["variable"])),
                variable=str(s["variable"]),
                breakdown=describe_breakdown(s, scheme, latest.get("label")),
                unit=gettext(UNIT_LABELS.get(str(s["unit"]), str(s["unit"]))),
                dataflow=str(s["dataflow"]),
                dataflow_name=flow.name if flow else str(s["dataflow"]),
                observations=int(s["observations"]),
                first_year=int(s["first_year"]),
                last_year=int(s["last_year"]),
                latest_value=latest.get("value"),
                latest_period=str(latest.get("period", "")),
                latest_provenance=provenance(latest),
                sources=sorted({str(r["source"]) for r in obs if r.get("source")}),
                flags=sorted({f for r in obs for f in str(r.get("flags") or "").split(",") if f}),
                links=series_links(code, s),
                depth=sum(str(s[d]) != TOTAL for d in BREAKDOWN_DIMENSIONS),
            )
        )
    return table


# One model per area with data and language is about 1,300 entries at most; a model is tens of kilobytes.
AREA_VIEWS: PageCache[AreaView] = PageCache(1500)


def area_view(store: Store, catalog: AreaCatalog, scheme: Scheme, area: Area) -> AreaView:
    """Everything the page of ``area`` shows; computed once per release and language (``AREA_VIEWS``)."""
    return AREA_VIEWS.model(store, area.code, lambda: build_area_view(store, catalog, scheme, area))


def build_area_view(store: Store, catalog: AreaCatalog, scheme: Scheme, area: Area) -> AreaView:
    """Everything the page of ``area`` shows, computed now."""
    view = AreaView(
        area=area,
        ancestors=catalog.ancestors(area.code),
        children=catalog.children(area.code),
        members=len(catalog.members(area.code)),
        release=None,
    )
    view.release, series = published_series(store, area.code)
    if not series:
        return view
    rows = query_observations(store, ObservationFilter(area=(area.code,))).data
    view.charts = [
        ChartView(chart, json.dumps(chart.spec, ensure_ascii=False, separators=(",", ":")))
        for chart in area_charts(rows)
    ]
    with store.session() as session:
        known = concept_names(session)
    view.series = series_rows(area.code, series, rows, scheme, known)
    view.dataflows = sorted({s.dataflow for s in view.series})
    view.indicators = area_indicators(store, area.code)
    return view
