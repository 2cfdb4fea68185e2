"""Vega-Lite chart specifications for the pages: pure functions from observation rows to dicts.

Every spec carries its data inline, so a page needs nothing but the locally served Vega libraries.
Each point's tooltip says where the figure came from: the dataflow, the source's own attribution,
the flags, and the original file (SHA-256 prefix) and row. Figures the platform derives itself
(the unsentenced share) are marked ``computed`` and name both inputs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from observatory.catalog.dataflows import DATAFLOWS
from observatory.model.observation import SERIES_DIMENSIONS, TOTAL, Flag, Unit
from observatory.web.i18n import N_, gettext

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
SHA_PREFIX = 12
SEX_LABELS = {TOTAL: N_("Total"), "F": N_("Female"), "M": N_("Male")}
UNIT_LABELS = {
    Unit.number.value: N_("Count"),
    Unit.rate_per_100k.value: N_("Rate per 100,000 population"),
    Unit.percent.value: N_("Per cent"),
    Unit.persons.value: N_("Persons"),
}
FORMATS = {Unit.number.value: ",.0f", Unit.persons.value: ",.0f", Unit.percent.value: ".1f"}
COUNT = Unit.number.value
HOMICIDE_SERIES = "VC_IHR_PSRC"
PERSONS_HELD = "persons-held"
UNSENTENCED = "unsentenced"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@dataclass(frozen=True)
class Chart:
    """A chart for a page: the spec plus what the page says around it."""

    id: str
    title: str
    description: str
    spec: dict[str, Any]
    points: int
    sources: list[str] = field(default_factory=list)
    computed: bool = False


def provenance(row: Mapping[str, Any]) -> str:
    """``file 3f2a9c0d11aa row 42``: where one observation was read, or ``""`` if unknown."""
    sha = row.get("file_sha256") or ""
    where = f"file {sha[:SHA_PREFIX]}" if sha else ""
    if row.get("row") is not None:
        where = f"{where} row {row['row']}".strip()
    return where


def select_series(
    rows: Iterable[Mapping[str, Any]], variable: str, unit: str, **dims: str | Sequence[str]
) -> list[Mapping[str, Any]]:
    """Rows of ``variable`` in ``unit`` whose other dimensions are ``_T`` unless given in ``dims``.

    A dimension given as a sequence accepts any of its values (``sex=("_T", "F", "M")``).
    """
    wanted: dict[str, tuple[str, ...]] = {}
    for dim in SERIES_DIMENSIONS:
        value = dims.get(dim, TOTAL)
        wanted[dim] = (value,) if isinstance(value, str) else tuple(value)
    wanted["variable"], wanted["unit"] = (variable,), (unit,)
    chosen = [r for r in rows if all(r.get(d) in ok for d, ok in wanted.items())]
    return sorted(chosen, key=lambda r: (str(r.get("sex")), str(r["period"])))


def point(row: Mapping[str, Any], series: str | None = None) -> dict[str, Any]:
    """One chart datum for an observation row."""
    year = str(row["period"])[:4]
    return {
        "date": f"{year}-01-01",
        "year": year,
        "value": row["value"],
        "series": series or gettext(SEX_LABELS.get(str(row.get("sex")), str(row.get("sex")))),
        "unit": UNIT_LABELS.get(str(row.get("unit")), str(row.get("unit"))),
        "dataflow": row.get("dataflow") or "",
        "source": row.get("source") or "",
        "flags": row.get("flags") or "none",
        "provenance": provenance(row),
    }


def line_spec(
    values: list[dict[str, Any]],
    *,
    title: str,
    y_title: str,
    value_format: str = ",.1f",
    description: str = "",
) -> dict[str, Any]:
    """A year-by-year line chart with points; one coloured line per ``series`` when several."""
    several = len({v["series"] for v in values}) > 1
    tooltip: list[dict[str, Any]] = [
        {"field": "year", "type": "nominal", "title": gettext("Year")},
        {"field": "value", "type": "quantitative", "title": y_title, "format": value_format},
    ]
    if several:
        tooltip.append({"field": "series", "type": "nominal", "title": gettext("Series")})
    tooltip += [
        {"field": "source", "type": "nominal", "title": gettext("Source")},
        {"field": "dataflow", "type": "nominal", "title": gettext("Dataflow")},
        {"field": "flags", "type": "nominal", "title": gettext("Flags")},
        {"field": "provenance", "type": "nominal", "title": gettext("Original")},
    ]
    encoding: dict[str, Any] = {
        "x": {"field": "date", "type": "temporal", "timeUnit": "utcyear", "title": gettext("Year")},
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": y_title,
            "axis": {"format": value_format},
        },
        "tooltip": tooltip,
    }
    if several:
        encoding["color"] = {
            "field": "series",
            "type": "nominal",
            "title": None,
            "legend": {"orient": "top"},
        }
    return {
        "$schema": SCHEMA,
        "description": description or title,
        "width": "container",
        "height": 260,
        "autosize": {"type": "fit", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "line", "point": {"filled": True, "size": 45}, "strokeWidth": 2},
        "encoding": encoding,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e6e8eb"},
            "line": {"color": "#1f5f8b"},
            "point": {"color": "#1f5f8b"},
        },
    }


def _sources(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per dataflow: its name and agency, and the attributions its rows carry."""
    attributions: dict[str, set[str]] = {}
    for r in rows:
        attributions.setdefault(str(r.get("dataflow")), set()).add(str(r.get("source") or ""))
    lines = []
    for flow_id, sources in sorted(attributions.items()):
        flow = DATAFLOWS.get(flow_id)
        name = f"{flow.name} ({flow.agency}, {flow_id})" if flow else flow_id
        named = ", ".join(sorted(s for s in sources if s))
        lines.append(f"{name}; attributed to {named}" if named else name)
    return lines


def _series_chart(
    chart_id: str, title: str, description: str, rows: list[Mapping[str, Any]], unit: str
) -> Chart | None:
    if not rows:
        return None
    values = [point(r) for r in rows if r.get("value") is not None]
    title, description = gettext(title), gettext(description)
    spec = line_spec(
        values,
        title=title,
        y_title=gettext(UNIT_LABELS.get(unit, unit)),
        value_format=FORMATS.get(unit, ",.1f"),
        description=description,
    )
    return Chart(chart_id, title, description, spec, len(values), _sources(rows))


def prison_rate_chart(rows: Iterable[Mapping[str, Any]]) -> Chart | None:
    """Persons held per 100,000 population, all breakdowns at their total."""
    chosen = select_series(rows, PERSONS_HELD, Unit.rate_per_100k.value)
    return _series_chart(
        "prison-rate",
        N_("Prison population rate"),
        N_("Persons held in prisons per 100,000 population."),
        chosen,
        Unit.rate_per_100k.value,
    )


def unsentenced_chart(rows: Iterable[Mapping[str, Any]]) -> Chart | None:
    """Persons held who have not been sentenced (count)."""
    chosen = select_series(rows, PERSONS_HELD, Unit.number.value, status=UNSENTENCED)
    return _series_chart(
        "unsentenced",
        N_("Persons held unsentenced"),
        N_("Persons held in prisons who have not been sentenced."),
        chosen,
        Unit.number.value,
    )


def unsentenced_share(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per year, unsentenced persons held as a percentage of all persons held (both counts).

    Only years with both counts and a positive total count; each datum names both inputs.
    """
    materialised = list(rows)
    totals = {str(r["period"]): r for r in select_series(materialised, PERSONS_HELD, COUNT)}
    values: list[dict[str, Any]] = []
    for part in select_series(materialised, PERSONS_HELD, COUNT, status=UNSENTENCED):
        whole = totals.get(str(part["period"]))
        if whole is None or not whole.get("value") or part.get("value") is None:
            continue
        datum = point(part, series="Unsentenced share")
        datum.update(
            value=100.0 * float(part["value"]) / float(whole["value"]),
            unit=gettext(UNIT_LABELS[Unit.percent.value]),
            source=(
                f"computed: {part['value']:,.0f} unsentenced ({part.get('source') or '?'}) / "
                f"{whole['value']:,.0f} persons held ({whole.get('source') or '?'})"
            ),
            flags=Flag.computed.value,
            provenance=f"unsentenced {provenance(part)}; total {provenance(whole)}",
            unsentenced=part["value"],
            persons_held=whole["value"],
        )
        values.append(datum)
    return values


def unsentenced_share_chart(rows: Iterable[Mapping[str, Any]]) -> Chart | None:
    """The computed unsentenced share; its sources are those of the two input counts."""
    materialised = list(rows)
    values = unsentenced_share(materialised)
    if not values:
        return None
    title = gettext("Unsentenced share of persons held (computed)")
    description = gettext(
        "Computed by the Observatory: persons held unsentenced divided by all persons "
        "held, both counts of the same year and release."
    )
    spec = line_spec(
        values,
        title=title,
        y_title=gettext("Per cent of persons held"),
        value_format=".1f",
        description=description,
    )
    inputs = select_series(materialised, PERSONS_HELD, COUNT, status=(TOTAL, UNSENTENCED))
    sources = [f"computed from persons-held counts: {line}" for line in _sources(inputs)]
    return Chart("unsentenced-share", title, description, spec, len(values), sources, computed=True)


def homicide_chart(rows: Iterable[Mapping[str, Any]]) -> Chart | None:
    """SDG 16.1.1 intentional homicide rate (``VC_IHR_PSRC``), total and by sex where given."""
    chosen = select_series(rows, HOMICIDE_SERIES, Unit.rate_per_100k.value, sex=tuple(SEX_LABELS))
    return _series_chart(
        "homicide",
        N_("Victims of intentional homicide (SDG 16.1.1)"),
        gettext("Victims of intentional homicide per 100,000 population, SDG series %(series)s.")
        % {"series": HOMICIDE_SERIES},
        chosen,
        Unit.rate_per_100k.value,
    )


def area_charts(rows: Iterable[Mapping[str, Any]]) -> list[Chart]:
    """The charts an area page shows, in order, leaving out those without data."""
    materialised = list(rows)
    builders = (prison_rate_chart, unsentenced_chart, unsentenced_share_chart, homicide_chart)
    return [chart for build in builders if (chart := build(materialised)) is not None]


EXPLAIN_HINT = "click the point for where it came from"


def linked_line_spec(values: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    """:func:`line_spec` whose points carry a tooltip and link to their explanation (each datum's ``href``).

    The line and the points are two layers, so only a point (one figure) is a link, never the whole line.
    """
    spec = line_spec(values, **options)
    encoding = spec["encoding"]
    tooltip = [
        *encoding.pop("tooltip"),
        {"field": "hint", "type": "nominal", "title": gettext("Explanation")},
    ]
    for datum in values:
        datum.setdefault("hint", EXPLAIN_HINT if datum.get("href") else "")
    del spec["mark"]
    spec["layer"] = [
        {"mark": {"type": "line", "strokeWidth": 2}},
        {
            "mark": {"type": "point", "filled": True, "size": 55, "cursor": "pointer"},
            "encoding": {"tooltip": tooltip, "href": {"field": "href", "type": "nominal"}},
        },
    ]
    return spec


def add_error_bars(spec: dict[str, Any], *, interval_title: str) -> dict[str, Any]:
    """Give a :func:`linked_line_spec` an error-bar layer from each datum's ``lower`` and ``upper`` (data
    without them get no bar) and put the interval (``ci``) and unweighted ``base`` in the points' tooltip."""
    layers = spec["layer"]
    y = spec["encoding"]["y"]
    bars = {
        "transform": [{"filter": "isValid(datum.lower) && isValid(datum.upper)"}],
        "mark": {"type": "errorbar", "ticks": True, "thickness": 1.5},
        "encoding": {
            "y": {"field": "lower", "type": "quantitative", "title": y["title"]},
            "y2": {"field": "upper"},
        },
    }
    tooltip = layers[-1]["encoding"]["tooltip"]
    at = next((n + 1 for n, t in enumerate(tooltip) if t["field"] == "value"), len(tooltip))
    tooltip[at:at] = [
        {"field": "ci", "type": "nominal", "title": interval_title},
        {"field": "base", "type": "quantitative", "title": gettext("Unweighted base"), "format": ",.0f"},
    ]
    layers.insert(1, bars)
    return spec


@dataclass(frozen=True)
class MapData:
    """What a world map shows: per country (keyed by its M49 code) the value and flags of each year."""

    values: list[dict[str, Any]]  # {"m49", "code", "area", "values": {year: value}, "flags": {year: text}}
    years: list[int]
    year: int
    domain: tuple[float, float]


def choropleth_spec(
    data: MapData,
    *,
    topojson_url: str,
    title: str,
    legend_title: str,
    explain_url: str,
    value_format: str = ",.1f",
    description: str = "",
) -> dict[str, Any]:
    """A world choropleth: Natural Earth countries (TopoJSON whose feature ids are M49 codes) looked up
    into the indicator's values by M49 code, coloured by the value of the year the ``year`` slider picks.

    ``explain_url`` is the explanation page's path; each country links to ``?area=CODE&year=YEAR``.
    """
    low, high = data.domain
    key = "'' + year"  # the slider's year as an object key
    return {
        "$schema": SCHEMA,
        "description": description or title,
        "width": "container",
        "height": 420,
        "autosize": {"type": "fit", "contains": "padding"},
        "title": {"text": {"expr": f"{json_string(title + ', ')} + year"}, "anchor": "start", "fontSize": 14},
        "params": [
            {
                "name": "year",
                "value": data.year,
                "bind": {
                    "input": "range",
                    "min": min(data.years),
                    "max": max(data.years),
                    "step": 1,
                    "name": gettext("Year") + " ",
                },
            }
        ],
        "data": {"url": topojson_url, "format": {"type": "topojson", "feature": "countries"}},
        "projection": {"type": "equalEarth"},
        "transform": [
            {
                "lookup": "id",
                "from": {
                    "data": {"values": data.values},
                    "key": "m49",
                    "fields": ["code", "area", "values", "flags"],
                },
            },
            {"calculate": f"isValid(datum.values) ? datum.values[{key}] : null", "as": "value"},
            {
                "calculate": f"isValid(datum.flags) && isValid(datum.flags[{key}]) ? datum.flags[{key}] : ''",
                "as": "flag",
            },
            {"calculate": "isValid(datum.area) ? datum.area : datum.properties.name", "as": "name"},
            {"calculate": "year", "as": "shown_year"},
            {
                "calculate": f"isValid(datum.value) ? {json_string(explain_url + '?area=')} + datum.code + "
                f"'&year=' + year + '#explanation' : null",
                "as": "href",
            },
        ],
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.5, "invalid": None},  # grey: shown
        "encoding": {
            "color": {
                "condition": {
                    "test": "isValid(datum.value)",
                    "field": "value",
                    "type": "quantitative",
                    "title": legend_title,
                    "scale": {"type": "sqrt", "domain": [low, high], "scheme": "orangered", "zero": True},
                    "legend": {"format": value_format, "orient": "bottom-left", "gradientLength": 180},
                },
                "value": "#e3e5e8",
            },
            "tooltip": [
                {"field": "name", "type": "nominal", "title": gettext("Area")},
                {"field": "shown_year", "type": "nominal", "title": gettext("Year")},
                {"field": "value", "type": "quantitative", "title": legend_title, "format": value_format},
                {"field": "flag", "type": "nominal", "title": gettext("Flags")},
            ],
            "href": {"field": "href", "type": "nominal"},
        },
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "legend": {"labelFontSize": 11, "titleFontSize": 11},
        },
    }


def json_string(text: str) -> str:
    """``text`` as a Vega expression string literal."""
    return json.dumps(text, ensure_ascii=False)
