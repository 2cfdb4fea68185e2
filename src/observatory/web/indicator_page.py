"""What the indicator pages and the area page's "Indicators" section show.

Values come from :mod:`observatory.indicators.compute` on the latest release (for one area only on an
area page) and explanations from :mod:`observatory.indicators.explain`. A value whose denominator is
missing or zero is shown as a note, never as a number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from observatory.catalog.areas import AreaCatalog
from observatory.catalog.indicators import load_indicators
from observatory.errors import InvalidInput, NotFound
from observatory.indicators.compute import compute
from observatory.indicators.explain import explain
from observatory.model.indicator import TOTAL, Indicator, IndicatorFlag, IndicatorUnit
from observatory.store.db import Store
from observatory.web.charts import Chart, add_error_bars, linked_line_spec
from observatory.web.i18n import N_, gettext
from observatory.web.survey_intervals import SUPPRESSED, Interval, attach_intervals, survey_intervals

#: The indicators an area page charts, in order.
HEADLINE = ("prison_population_rate", "prison_occupancy", "sdg_16_3_2", "sdg_16_1_1")
UNIT_LABELS = {
    IndicatorUnit.COUNT: "",
    IndicatorUnit.RATE_PER_100K: N_("per 100,000"),
    IndicatorUnit.RATE_PER_10K: N_("per 10,000"),
    IndicatorUnit.RATE_PER_1K: N_("per 1,000"),
    IndicatorUnit.YES_NO: N_("1 yes, 0 no"),
    IndicatorUnit.PERCENT: "%",
    IndicatorUnit.RATIO: N_("ratio"),
}
Y_TITLES = {
    IndicatorUnit.COUNT: N_("Count"),
    IndicatorUnit.RATE_PER_100K: N_("Rate per 100,000"),
    IndicatorUnit.RATE_PER_10K: N_("Rate per 10,000"),
    IndicatorUnit.RATE_PER_1K: N_("Rate per 1,000"),
    IndicatorUnit.YES_NO: N_("Yes (1) or no (0)"),
    IndicatorUnit.PERCENT: N_("Per cent"),
    IndicatorUnit.RATIO: N_("Ratio"),
}
NOTES = {
    IndicatorFlag.MISSING_DENOMINATOR.value: N_("missing denominator"),
    IndicatorFlag.ZERO_DENOMINATOR.value: N_("zero denominator"),
    SUPPRESSED: N_("suppressed: unweighted base too small"),
}


def unit_label(indicator: Indicator) -> str:
    label = UNIT_LABELS.get(indicator.unit, indicator.unit.value)
    return gettext(label) if label else label


def split_flags(text: object) -> list[str]:
    return [f.strip() for f in str(text or "").split(",") if f.strip()]


def breakdown(indicator: Indicator, row: Mapping[str, Any]) -> str:
    """``sex=F`` for a disaggregated row; ``""`` at the total."""
    parts = [f"{d}={row[d]}" for d in indicator.disaggregations if str(row.get(d)) != TOTAL]
    return ", ".join(parts)


def is_total(indicator: Indicator, row: Mapping[str, Any]) -> bool:
    return all(str(row.get(d)) == TOTAL for d in indicator.disaggregations)


def explain_links(indicator_id: str, area: str, year: int) -> dict[str, str]:
    """The JSON explanation of one figure and the human page showing it (at the explanation)."""
    query = urlencode({"area": area, "year": year})
    return {
        "json": f"/api/v1/indicators/{indicator_id}/explain?{query}",
        "page": f"/indicators/{indicator_id}?{query}#explanation",
    }


@dataclass(frozen=True)
class Figure:
    """One computed value as a page shows it."""

    area: str
    year: int
    value: float | None
    breakdown: str
    flags: list[str]
    numerator: float | None
    denominator: float | None
    interval: Interval | None = None

    @property
    def notes(self) -> list[str]:
        """Why there is no number (``missing denominator``)."""
        return [gettext(NOTES[f]) for f in self.flags if f in NOTES]

    @property
    def other_flags(self) -> list[str]:
        return [f for f in self.flags if f not in NOTES]


def figure(indicator: Indicator, row: Mapping[str, Any]) -> Figure:
    value = row.get("value")
    return Figure(
        area=str(row["area"]),
        year=int(row["year"]),
        value=None if value is None else float(value),
        breakdown=breakdown(indicator, row),
        flags=split_flags(row.get("flags")),
        numerator=row.get("numerator"),
        denominator=row.get("denominator"),
        interval=row.get("interval"),
    )


def latest(indicator: Indicator, rows: Sequence[Mapping[str, Any]]) -> list[Figure]:
    """The latest year's figures: the latest year with a value, or the latest year when none has one."""
    if not rows:
        return []
    with_value = [r for r in rows if r.get("value") is not None]
    year = max(int(r["year"]) for r in (with_value or rows))
    chosen = [figure(indicator, r) for r in rows if int(r["year"]) == year]
    return sorted(chosen, key=lambda f: (f.breakdown != "", f.breakdown))


@dataclass(frozen=True)
class IndicatorChart:
    chart: Chart
    spec_json: str


def indicator_chart(
    indicator: Indicator, rows: Iterable[Mapping[str, Any]], release: int
) -> IndicatorChart | None:
    """A small year-by-year line of the indicator's total (and its breakdowns when it has some).

    Each point links to the explanation of its figure."""
    values = [
        {
            "date": f"{int(r['year'])}-01-01",
            "year": str(r["year"]),
            "value": float(r["value"]),
            "series": breakdown(indicator, r) or gettext("Total"),
            "unit": gettext(Y_TITLES[indicator.unit]),
            "dataflow": "computed",
            "source": f"computed: {indicator.formula()}",
            "flags": ", ".join(["computed", *split_flags(r.get("flags"))]),
            "provenance": f"release {release}",
            "href": explain_links(indicator.id, str(r["area"]), int(r["year"]))["page"],
        }
        for r in rows
        if r.get("value") is not None
    ]
    if not values:
        return None
    intervals = [r.get("interval") for r in rows if r.get("value") is not None]
    for datum, interval in zip(values, intervals, strict=True):
        if interval is not None and interval.lower is not None and interval.upper is not None:
            datum.update(lower=interval.lower, upper=interval.upper, base=interval.base)
            datum["ci"] = f"{interval.lower:,.1f} – {interval.upper:,.1f}"
    description = f"Indicator {indicator.id}: {indicator.name}, computed from release {release}."
    spec = linked_line_spec(
        values,
        title=indicator.name,
        y_title=gettext(Y_TITLES[indicator.unit]),
        value_format=",.1f" if indicator.unit != IndicatorUnit.RATIO else ",.2f",
        description=description,
    )
    spec["height"] = 180
    if any("lower" in datum for datum in values):
        add_error_bars(spec, interval_title=interval_title(intervals))
    chart = Chart(
        f"indicator-{indicator.id}",
        indicator.name,
        description,
        spec,
        len(values),
        [f"Computed by the Observatory from release {release}: {indicator.formula()}"],
        computed=True,
    )
    return IndicatorChart(chart, json.dumps(spec, ensure_ascii=False, separators=(",", ":")))


def interval_title(intervals: Iterable[Interval | None]) -> str:
    """``95% CI`` (the level the publishing note states; 95% when none does)."""
    levels = {i.level for i in intervals if i is not None and i.level}
    return gettext("%(level)s CI") % {"level": levels.pop() if len(levels) == 1 else "95%"}


@dataclass
class AreaIndicator:
    """One indicator on an area page: its latest figures, links to explanations and maybe a chart."""

    indicator: Indicator
    figures: list[Figure]
    links: dict[str, str]
    years: int
    chart: IndicatorChart | None = None

    @property
    def unit(self) -> str:
        return unit_label(self.indicator)


def safe_compute(
    store: Store, indicator_id: str, area: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Rows and release number; no rows when the data are refused (mixed units) or nothing is published."""
    try:
        values = compute(store, indicator_id, area=area)
    except (InvalidInput, NotFound):
        return [], 0
    return values.rows, values.release.number


def area_indicators(store: Store, area: str) -> list[AreaIndicator]:
    """Every registry indicator with at least one computed row for ``area`` (headline ones first)."""
    found: list[AreaIndicator] = []
    for indicator in load_indicators().values():
        rows, release = safe_compute(store, indicator.id, area)
        figures = latest(indicator, rows)
        if not figures:
            continue
        chart = None
        if indicator.id in HEADLINE:
            chart = indicator_chart(indicator, [r for r in rows if is_total(indicator, r)], release)
        found.append(
            AreaIndicator(
                indicator=indicator,
                figures=figures,
                links=explain_links(indicator.id, area, figures[0].year),
                years=len({int(r["year"]) for r in rows}),
                chart=chart,
            )
        )
    order = {i: n for n, i in enumerate(HEADLINE)}
    return sorted(found, key=lambda a: order.get(a.indicator.id, len(order)))


@dataclass(frozen=True)
class CountryRow:
    """The latest value of one indicator for one area."""

    code: str
    name: str
    figure: Figure


@dataclass
class IndicatorView:
    """``/indicators/{id}``: the definition, the latest value per area, and optionally one area's series."""

    indicator: Indicator
    release: int
    latest: list[CountryRow] = field(default_factory=list)
    area: str | None = None
    area_name: str | None = None
    series: list[Figure] = field(default_factory=list)
    chart: IndicatorChart | None = None
    explanation: dict[str, Any] | None = None
    links: dict[str, str] = field(default_factory=dict)
    intervals: bool = False  # a survey indicator with published intervals: the tables show them

    @property
    def unit(self) -> str:
        return unit_label(self.indicator)

    @property
    def interval_title(self) -> str:
        return interval_title([*(c.figure.interval for c in self.latest), *(f.interval for f in self.series)])


def latest_by_area(
    indicator: Indicator, rows: Sequence[Mapping[str, Any]], catalog: AreaCatalog
) -> list[CountryRow]:
    """One row per area: the total of its latest year with a value (or its latest year when none)."""
    by_area: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        if is_total(indicator, row):
            by_area.setdefault(str(row["area"]), []).append(row)
    table: list[CountryRow] = []
    for code, area_rows in by_area.items():
        figures = latest(indicator, area_rows)
        known = catalog.resolve(code)
        table.append(CountryRow(code, known.name if known else code, figures[0]))
    return table


def sort_rows(rows: list[CountryRow], sort: str) -> list[CountryRow]:
    """By name (default), or by value, largest first, missing values last."""
    if sort == "value":
        return sorted(rows, key=lambda r: (r.figure.value is None, -(r.figure.value or 0.0), r.name))
    return sorted(rows, key=lambda r: r.name)


def indicator_view(
    store: Store,
    catalog: AreaCatalog,
    indicator: Indicator,
    *,
    area: str | None = None,
    sort: str = "name",
    year: int | None = None,
    computed: tuple[list[dict[str, Any]], int] | None = None,
) -> IndicatorView:
    """Everything ``/indicators/{id}`` shows; with ``area``, the explanation of its ``year`` value (of its
    latest year when it has no value that year). ``computed`` is :func:`safe_compute`'s answer if known."""
    rows, release = computed or safe_compute(store, indicator.id)
    intervals = survey_intervals(store, indicator)
    if intervals:
        rows = attach_intervals(indicator, rows, intervals)
    view = IndicatorView(indicator=indicator, release=release, intervals=bool(intervals))
    view.latest = sort_rows(latest_by_area(indicator, rows, catalog), sort)
    if area is None:
        return view
    known = catalog.resolve(area)
    view.area, view.area_name = area, known.name if known else area
    mine = [r for r in rows if str(r["area"]) == area]
    view.series = sorted((figure(indicator, r) for r in mine), key=lambda f: (-f.year, f.breakdown))
    view.chart = indicator_chart(indicator, [r for r in mine if is_total(indicator, r)], release)
    figures = latest(indicator, mine)
    if year is not None and any(int(r["year"]) == year and r.get("value") is not None for r in mine):
        figures = [figure(indicator, r) for r in mine if int(r["year"]) == year]
    if figures:
        view.links = explain_links(indicator.id, area, figures[0].year)
        try:
            view.explanation = explain(store, indicator.id, area=area, year=figures[0].year)
        except NotFound:
            view.explanation = None
    return view
