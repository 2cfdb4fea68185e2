"""The world map and the ranking table of an indicator page (``/indicators/{id}?year=&sort=``).

Countries are matched to the Natural Earth shapes (``world-atlas`` ``countries-110m.json``, served from
``/static/vendor``) by their M49 code, which is the shapes' feature id. The map's ``year`` slider starts at
the year the server picked; the ranking table below it is the map's accessible alternative for that year and
works without JavaScript (``?year=`` links). Areas without an M49 code (reporting units such as
``GBR_E_W``) are ranked but not drawn; aggregates (regions) are left to the explorer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from observatory.catalog.areas import AreaCatalog
from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.indicator import Indicator, IndicatorUnit
from observatory.web.charts import MapData, choropleth_spec
from observatory.web.i18n import area_name, gettext, number
from observatory.web.indicator_page import Y_TITLES, Figure, figure, is_total, unit_label

TOPOJSON_URL = "/static/vendor/countries-110m.json"
#: ``value``: largest first; ``-value``: smallest first; ``name``: A to Z; ``-name``: Z to A.
SORTS = ("value", "-value", "name", "-name")
SORT_PATTERN = "^-?(name|value)$"
#: The default year is the latest with values for at least this share of the best-covered year's areas.
DEFAULT_YEAR_SHARE = 0.5


@dataclass(frozen=True)
class RankRow:
    """One area's figure in the selected year."""

    rank: int | None
    code: str
    name: str
    m49: str | None
    figure: Figure
    explain: str
    explain_json: str


@dataclass
class MapView:
    """Everything the map section of an indicator page shows."""

    indicator: Indicator
    year: int | None
    years: list[int]
    sort: str
    rows: list[RankRow] = field(default_factory=list)
    spec_json: str | None = None
    description: str = ""

    @property
    def unit(self) -> str:
        return unit_label(self.indicator)

    def link(self, *, year: int | None = None, sort: str | None = None) -> str:
        """This page for another year or sort order (anchored at the map)."""
        params = {"year": year or self.year, "sort": sort or self.sort}
        return f"/indicators/{self.indicator.id}?{urlencode(params)}#map"

    def header_sort(self, column: str) -> str:
        """The sort a header link asks for: the other direction when the table is sorted by it."""
        return f"-{column}" if self.sort == column else column

    def aria_sort(self, column: str) -> str:
        if self.sort.lstrip("-") != column:
            return "none"
        descending = (self.sort == "value") or (self.sort == "-name")
        return "descending" if descending else "ascending"


def explain_link(indicator_id: str, area: str, year: int) -> tuple[str, str]:
    """The explanation page (anchored at the explanation) and JSON of one figure."""
    query = urlencode({"area": area, "year": year})
    return (
        f"/indicators/{indicator_id}?{query}#explanation",
        f"/api/v1/indicators/{indicator_id}/explain?{query}",
    )


def value_format(indicator: Indicator) -> str:
    return ",.2f" if indicator.unit is IndicatorUnit.RATIO else ",.1f"


def country_rows(
    indicator: Indicator, rows: Sequence[Mapping[str, Any]], catalog: AreaCatalog
) -> list[Mapping[str, Any]]:
    """The totals of areas that are not aggregates."""
    kept = []
    for row in rows:
        area = catalog.resolve(str(row["area"]))
        if is_total(indicator, row) and not (area is not None and area.is_aggregate):
            kept.append(row)
    return kept


def default_year(rows: Sequence[Mapping[str, Any]]) -> int | None:
    """The latest year with values for at least half as many areas as the best-covered year."""
    counts: dict[int, int] = {}
    for row in rows:
        if row.get("value") is not None:
            counts[int(row["year"])] = counts.get(int(row["year"]), 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    return max(y for y, n in counts.items() if n >= best * DEFAULT_YEAR_SHARE)


def sort_ranking(rows: list[RankRow], sort: str) -> list[RankRow]:
    if sort.lstrip("-") == "name":
        return sorted(rows, key=lambda r: r.name, reverse=sort.startswith("-"))
    with_value = sorted((r for r in rows if r.figure.value is not None), key=lambda r: r.name)
    with_value.sort(key=lambda r: r.figure.value or 0.0, reverse=sort == "value")
    return with_value + sorted((r for r in rows if r.figure.value is None), key=lambda r: r.name)


def ranking(
    indicator: Indicator, rows: Sequence[Mapping[str, Any]], catalog: AreaCatalog, year: int, sort: str
) -> list[RankRow]:
    """The figures of ``year``, ranked by value (1 = largest), in ``sort`` order."""
    found: list[RankRow] = []
    for row in rows:
        if int(row["year"]) != year:
            continue
        code = str(row["area"])
        area = catalog.resolve(code)
        page, api = explain_link(indicator.id, code, year)
        found.append(
            RankRow(
                None,
                code,
                area.name if area else code,
                area.m49 if area else None,
                figure(indicator, row),
                page,
                api,
            )
        )
    by_value = sorted(
        (r for r in found if r.figure.value is not None), key=lambda r: -(r.figure.value or 0.0)
    )
    ranks = {r.code: n for n, r in enumerate(by_value, start=1)}
    ranked = [
        RankRow(ranks.get(r.code), r.code, r.name, r.m49, r.figure, r.explain, r.explain_json) for r in found
    ]
    return sort_ranking(ranked, sort)


def map_data(rows: Sequence[Mapping[str, Any]], catalog: AreaCatalog, year: int) -> MapData | None:
    """Per M49 code, the values and flags of every year; None when no country has an M49 code."""
    by_m49: dict[str, dict[str, Any]] = {}
    numbers: list[float] = []
    years: set[int] = set()
    for row in rows:
        area = catalog.resolve(str(row["area"]))
        if area is None or not area.m49 or row.get("value") is None:
            continue
        entry = by_m49.setdefault(
            area.m49, {"m49": area.m49, "code": area.code, "area": area.name, "values": {}, "flags": {}}
        )
        entry["values"][str(row["year"])] = float(row["value"])
        entry["flags"][str(row["year"])] = str(row.get("flags") or "")
        numbers.append(float(row["value"]))
        years.add(int(row["year"]))
    if not by_m49:
        return None
    years.add(year)
    return MapData(
        values=sorted(by_m49.values(), key=lambda e: str(e["m49"])),
        years=sorted(years),
        year=year,
        domain=(min(0.0, min(numbers)), max(numbers)),
    )


def describe(indicator: Indicator, year: int, ranked: list[RankRow], unit: str) -> str:
    """The map's text description: how many areas, the highest and lowest values."""
    shown = [r for r in ranked if r.figure.value is not None]
    name = indicator.name.lower()
    if not shown:
        return gettext("World map of %(name)s in %(year)s: no area has a value that year.") % {
            "name": name,
            "year": year,
        }
    top = max(shown, key=lambda r: r.figure.value or 0.0)
    low = min(shown, key=lambda r: r.figure.value or 0.0)
    digits = 2 if indicator.unit is IndicatorUnit.RATIO else 1
    return gettext(
        "World map of %(name)s in %(year)s (%(unit)s): %(n)s areas have a value, from %(low)s (%(low_area)s) "
        "to %(high)s (%(high_area)s). Countries without a value are grey. The ranking table below lists "
        "every value with its flags and explanation."
    ) % {
        "name": name,
        "year": year,
        "unit": unit or indicator.unit.value,
        "n": len(shown),
        "low": number(low.figure.value, digits, fixed=True),
        "low_area": area_name(low.code, low.name),
        "high": number(top.figure.value, digits, fixed=True),
        "high_area": area_name(top.code, top.name),
    }


def map_view(
    indicator: Indicator,
    rows: Sequence[Mapping[str, Any]],
    catalog: AreaCatalog,
    *,
    year: int | None = None,
    sort: str = "value",
) -> MapView:
    """The map, its description and the ranking of ``year`` (default: see :func:`default_year`).

    A year outside the years with values is ``InvalidInput`` naming the field ``year``.
    """
    countries = country_rows(indicator, rows, catalog)
    years = sorted({int(r["year"]) for r in countries if r.get("value") is not None})
    view = MapView(indicator=indicator, year=None, years=years, sort=sort if sort in SORTS else "value")
    if not years:
        return view
    if year is not None and not years[0] <= year <= years[-1]:
        raise InvalidInput(
            f"{indicator.id} has values from {years[0]} to {years[-1]}, not in {year}",
            code="year-out-of-range",
            location=ErrorLocation(field="year"),
        )
    view.year = year if year is not None else default_year(countries)
    assert view.year is not None
    view.rows = ranking(indicator, countries, catalog, view.year, view.sort)
    view.description = describe(indicator, view.year, view.rows, view.unit)
    data = map_data(countries, catalog, view.year)
    if data is not None:
        spec = choropleth_spec(
            data,
            topojson_url=TOPOJSON_URL,
            title=indicator.name,
            legend_title=gettext(Y_TITLES[indicator.unit]),
            explain_url=f"/indicators/{indicator.id}",
            value_format=value_format(indicator),
            description=view.description,
        )
        view.spec_json = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    return view
