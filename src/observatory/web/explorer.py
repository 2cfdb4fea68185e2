"""The data explorer: one indicator for chosen areas, years and breakdowns, as a table, a chart and downloads.

The query string is the whole state (``?indicator=sdg_16_1_1&area=MEX&area=019&from=2010&to=2018&sex=F``),
so every view has a permalink and its downloads (``/api/v1/indicators/{id}/values.{format}`` with the same
parameters) hold exactly the rows shown. Countries' values come from
:func:`observatory.indicators.compute.compute`; a region or the World without values of its own is
aggregated by :func:`observatory.indicators.regional.regional_values` (coverage, imputation and interval in
the row). Every row names where it came from: the explanation page of a computed figure (formula, input
observations with file SHA-256 and row, flags, release) or, for an aggregate, its method, coverage and
imputed member-years.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from observatory.catalog.areas import AreaCatalog
from observatory.catalog.indicators import load_indicators
from observatory.errors import ErrorLocation, InvalidInput, NotFound
from observatory.indicators.compute import compute
from observatory.indicators.regional import can_aggregate, regional_values
from observatory.model.indicator import TOTAL, Indicator, IndicatorFlag
from observatory.model.observation import Flag
from observatory.reports.export import ExportFormat
from observatory.store.db import Store
from observatory.web.charts import linked_line_spec
from observatory.web.i18n import gettext
from observatory.web.indicator_page import Y_TITLES, breakdown, explain_links, split_flags

MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_SERIES = 12  # lines in one chart
MAX_SHOWN = 500  # table rows on the page (downloads have them all)
DOWNLOADS = (ExportFormat.csv, ExportFormat.xlsx, ExportFormat.sdmx_csv, ExportFormat.sdmx_ml)
LABELS = {
    ExportFormat.csv: "CSV",
    ExportFormat.xlsx: "Excel (xlsx)",
    ExportFormat.sdmx_csv: "SDMX-CSV",
    ExportFormat.sdmx_ml: "SDMX-ML",
    ExportFormat.json: "JSON",
}
AGGREGATE_COLUMNS = ("method", "coverage", "lower", "upper", "imputed")


@dataclass(frozen=True)
class ExplorerQuery:
    """What the explorer shows: the form's fields, in canonical order."""

    indicator: str | None = None
    areas: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    breakdowns: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def items(self, *, with_indicator: bool = True) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if with_indicator and self.indicator:
            found.append(("indicator", self.indicator))
        found += [("area", a) for a in self.areas]
        if self.year_from is not None:
            found.append(("from", str(self.year_from)))
        if self.year_to is not None:
            found.append(("to", str(self.year_to)))
        found += [(dim, v) for dim, values in self.breakdowns for v in values]
        return found

    @property
    def permalink(self) -> str:
        return f"/explore?{urlencode(self.items())}"

    def download(self, fmt: ExportFormat) -> str:
        query = urlencode(self.items(with_indicator=False))
        return f"/api/v1/indicators/{self.indicator}/values.{fmt.value}" + (f"?{query}" if query else "")

    def selected(self, dim: str) -> tuple[str, ...]:
        return dict(self.breakdowns).get(dim, ())


def _year(text: str, name: str, errors: dict[str, str]) -> int | None:
    if not text.strip():
        return None
    try:
        year = int(text)
    except ValueError:
        errors[name] = f"{text!r} is not a year"
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors[name] = f"{year} is not between {MIN_YEAR} and {MAX_YEAR}"
        return None
    return year


def parse_query(
    items: Iterable[tuple[str, str]], catalog: AreaCatalog
) -> tuple[ExplorerQuery, dict[str, str]]:
    """The query the parameters describe and, per field, what is wrong with it (empty when nothing).

    Parameters of breakdowns the indicator does not have, and unknown parameters, are ignored.
    """
    params: dict[str, list[str]] = {}
    for key, value in items:
        params.setdefault(key, []).append(value)
    errors: dict[str, str] = {}
    registry = load_indicators()
    indicator_id = (params.get("indicator") or [""])[-1].strip() or None
    indicator = registry.get(indicator_id) if indicator_id else None
    if indicator_id and indicator is None:
        errors["indicator"] = f"unknown indicator {indicator_id!r}; see /indicators"
    areas: list[str] = []
    unknown: list[str] = []
    for text in params.get("area", []):
        if not text.strip():
            continue
        found = catalog.resolve(text.strip())
        (areas.append(found.code) if found else unknown.append(text))
    if unknown:
        errors["area"] = f"unknown area{'s' if len(unknown) > 1 else ''}: {', '.join(map(repr, unknown))}"
    year_from = _year((params.get("from") or [""])[-1], "from", errors)
    year_to = _year((params.get("to") or [""])[-1], "to", errors)
    if year_from is not None and year_to is not None and year_from > year_to:
        errors["to"] = f"the last year {year_to} is before the first year {year_from}"
    dims = indicator.disaggregations if indicator else ()
    chosen = tuple(
        (dim, tuple(dict.fromkeys(v for v in params[dim] if v.strip())))
        for dim in dims
        if any(v.strip() for v in params.get(dim, []))
    )
    query = ExplorerQuery(indicator_id, tuple(dict.fromkeys(areas)), year_from, year_to, chosen)
    return query, errors


def field_error(errors: Mapping[str, str]) -> InvalidInput:
    """One error for the API naming every field (the first as its location)."""
    first = next(iter(errors))
    return InvalidInput(
        next(iter(errors.values()))
        if len(errors) == 1
        else "; ".join(f"{k}: {v}" for k, v in errors.items()),
        code="invalid-parameter",
        location=ErrorLocation(field=first),
        details=[{"field": name, "message": message} for name, message in errors.items()],
    )


@dataclass
class ExplorerView:
    """Everything ``/explore`` shows and its downloads contain."""

    query: ExplorerQuery
    indicator: Indicator | None = None
    release: int | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)
    years: tuple[int, int] | None = None
    chart_json: str | None = None
    chart_note: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        if self.indicator is None:
            return []
        dims = list(self.indicator.disaggregations)
        extra = list(AGGREGATE_COLUMNS) if any(r.get("method") for r in self.rows) else []
        head = ["indicator", "area", "area_name", "year", *dims, "value", "unit", "numerator", "denominator"]
        return [*head, "flags", *extra, "release", "explanation"]

    @property
    def shown(self) -> list[dict[str, Any]]:
        return self.rows[:MAX_SHOWN]

    @property
    def downloads(self) -> list[tuple[str, str, str]]:
        """(label, format, URL) of each download of this view."""
        if self.indicator is None or self.errors:
            return []
        return [(LABELS[f], f.value, self.query.download(f)) for f in DOWNLOADS]


def _computed_row(indicator: Indicator, row: Mapping[str, Any], name: str, release: int) -> dict[str, Any]:
    year = int(row["year"])
    return {
        "indicator": indicator.id,
        "area": str(row["area"]),
        "area_name": name,
        "year": year,
        **{d: row.get(d) for d in indicator.disaggregations},
        "value": row.get("value"),
        "unit": indicator.unit.value,
        "numerator": row.get("numerator"),
        "denominator": row.get("denominator"),
        "flags": ",".join(split_flags(row.get("flags"))),
        "release": release,
        "explanation": explain_links(indicator.id, str(row["area"]), year)["page"],
    }


def _aggregate_rows(
    store: Store, indicator: Indicator, codes: Sequence[str], catalog: AreaCatalog
) -> list[dict[str, Any]]:
    found = regional_values(store, indicator.id, areas=codes)
    rows: list[dict[str, Any]] = []
    for v in found.values:
        if v.value is None:
            continue
        imputed = ", ".join(f"{m.value} {n}" for m, n in sorted(v.imputed.items()))
        rows.append(
            {
                "indicator": indicator.id,
                "area": v.area,
                "area_name": catalog.get(v.area).name,
                "year": v.year,
                "value": v.value,
                "unit": indicator.unit.value,
                "numerator": None,
                "denominator": None,
                "flags": ",".join(sorted(f.value for f in v.flags)),
                "method": f"{found.method}; {v.reporting} of {v.members} member countries reporting",
                "coverage": round(v.coverage, 4),
                "lower": v.lower,
                "upper": v.upper,
                "imputed": imputed,
                "release": found.release.number,
                "explanation": None,
            }
        )
    return rows


def _wanted(query: ExplorerQuery, row: Mapping[str, Any]) -> bool:
    year = int(row["year"])
    if query.year_from is not None and year < query.year_from:
        return False
    if query.year_to is not None and year > query.year_to:
        return False
    return all(str(row.get(dim)) in values for dim, values in query.breakdowns)


def _check_breakdowns(query: ExplorerQuery, choices: Mapping[str, list[str]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for dim, values in query.breakdowns:
        bad = [v for v in values if v not in choices.get(dim, [])]
        if bad:
            known = ", ".join(choices.get(dim, [])) or "none"
            errors[dim] = f"no {dim} {', '.join(map(repr, bad))} in this indicator's values (known: {known})"
    return errors


def explorer_view(store: Store, catalog: AreaCatalog, query: ExplorerQuery) -> ExplorerView:
    """The rows, chart and downloads of ``query`` (already parsed without errors).

    Unknown breakdown values and a region that cannot be aggregated end up in ``errors``.
    """
    view = ExplorerView(query=query)
    if query.indicator is None:
        return view
    indicator = load_indicators()[query.indicator]
    view.indicator = indicator
    try:
        values = compute(store, indicator.id)
    except NotFound:
        return view  # nothing published: the page says so
    view.release = values.release.number
    years = [int(r["year"]) for r in values.rows]
    view.years = (min(years), max(years)) if years else None
    view.choices = {
        dim: sorted({str(r[dim]) for r in values.rows}, key=lambda v: (v != TOTAL, v))
        for dim in indicator.disaggregations
    }
    view.errors = _check_breakdowns(query, view.choices)
    chosen = set(query.areas)
    direct = {str(r["area"]) for r in values.rows}
    to_aggregate = [c for c in query.areas if c not in direct and catalog.get(c).is_aggregate]
    if to_aggregate and not can_aggregate(indicator):
        names = ", ".join(catalog.get(c).name for c in to_aggregate)
        view.errors["area"] = f"{indicator.id} cannot be aggregated to {names}: pick countries"
    if view.errors:
        return view
    known = {c: catalog.resolve(c) for c in direct}
    rows: list[dict[str, Any]] = []
    for r in values.rows:
        code = str(r["area"])
        area = known[code]
        if (code in chosen) if chosen else not (area is not None and area.is_aggregate):
            rows.append(_computed_row(indicator, r, area.name if area else code, view.release))
    if to_aggregate:
        rows += _aggregate_rows(store, indicator, to_aggregate, catalog)
    order = {c: n for n, c in enumerate(query.areas)}
    kept = [r for r in rows if _wanted(query, r)]
    kept.sort(
        key=lambda r: (order.get(r["area"], len(order)), r["area_name"], *_dim_key(indicator, r), r["year"])
    )
    view.rows = kept
    view.chart_json, view.chart_note = _chart(indicator, kept)
    return view


def _dim_key(indicator: Indicator, row: Mapping[str, Any]) -> list[str]:
    return ["" if str(row.get(d)) == TOTAL else str(row.get(d)) for d in indicator.disaggregations]


def _series(indicator: Indicator, row: Mapping[str, Any]) -> str:
    part = breakdown(indicator, row)
    return f"{row['area_name']} ({part})" if part else str(row["area_name"])


def _chart(indicator: Indicator, rows: Sequence[Mapping[str, Any]]) -> tuple[str | None, str]:
    """The Vega-Lite line chart of the rows with a value, or why there is none."""
    with_value = [r for r in rows if r.get("value") is not None]
    series = {_series(indicator, r) for r in with_value}
    if not with_value:
        return None, "No value to chart."
    if len(series) > MAX_SERIES:
        return (
            None,
            f"{len(series)} series are too many to chart: pick at most {MAX_SERIES} areas or breakdowns.",
        )
    values = [
        {
            "date": f"{r['year']}-01-01",
            "year": str(r["year"]),
            "value": float(r["value"]),
            "series": _series(indicator, r),
            "unit": gettext(Y_TITLES[indicator.unit]),
            "dataflow": "aggregate" if r.get("method") else "computed",
            "source": r.get("method") or f"computed: {indicator.formula()}",
            "flags": r.get("flags") or "none",
            "provenance": f"release {r['release']}"
            + (f", coverage {float(r['coverage']):.0%}" if r.get("coverage") is not None else ""),
            "href": r.get("explanation"),
        }
        for r in with_value
    ]
    spec = linked_line_spec(
        values,
        title=indicator.name,
        y_title=gettext(Y_TITLES[indicator.unit]),
        value_format=",.2f" if indicator.unit.value == "ratio" else ",.1f",
        description=f"{indicator.name}: {len(values)} values of {len(series)} series.",
    )
    spec["height"] = 300
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":")), ""


SDMX_FLAGS = {
    IndicatorFlag.MISSING_DENOMINATOR.value: Flag.missing.value,
    IndicatorFlag.ZERO_DENOMINATOR.value: Flag.missing.value,
    "imputed": Flag.estimated.value,
}


def sdmx_rows(indicator: Indicator, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows as observations for the SDMX writers: dataflow and variable are the indicator, period the
    year; an aggregate's imputation becomes ``estimated``, a missing denominator ``missing``."""
    found: list[dict[str, Any]] = []
    for r in rows:
        flags = {SDMX_FLAGS.get(f, f) for f in split_flags(r.get("flags"))}
        note = r.get("method") or f"computed: {indicator.formula()}"
        if r.get("coverage") is not None:
            note += f"; coverage {float(r['coverage']):.1%}"
        found.append(
            {
                "dataflow": indicator.id.upper(),
                "area": r["area"],
                "variable": indicator.id,
                **{d: str(r.get(d) or TOTAL) for d in indicator.disaggregations},
                "unit": indicator.unit.value,
                "period": str(r["year"]),
                "value": r.get("value"),
                "flags": ",".join(sorted(flags)),
                "note": note,
            }
        )
    return found
