"""Extracts of the UN SDG Global Database (long format, one row per data point)."""

from __future__ import annotations

from collections.abc import Iterator

from observatory.catalog.unodc import slug
from observatory.collect.readers.area_rows import AreaRowsReader
from observatory.collect.readers.base import (
    Item,
    ReadContext,
    Reader,
    RowView,
    parse_period,
    parse_value,
    row_views,
)
from observatory.collect.source import TextSource
from observatory.model.area import Area
from observatory.model.dataflow import Concept
from observatory.model.observation import TOTAL, Flag, Observation, Provenance, SeriesKey, Unit
from observatory.model.problem import Problem, Severity

SEX = {
    "": TOTAL,
    "bothsex": TOTAL,
    "_t": TOTAL,
    "female": "F",
    "f": "F",
    "male": "M",
    "m": "M",
    "u": "_U",  # SDMX "unknown"
    "_u": "_U",
}
AGE_TOTALS = {"", "allage", "_t"}
UNITS = {
    "number": Unit.number.value,
    "percent": Unit.percent.value,
    "per_100000_pop": Unit.rate_per_100k.value,
}
# SDG "nature" codes: E estimated, M modelled, G global monitoring data
NATURE = {
    "c": "country data",
    "ca": "country adjusted data",
    "e": "estimated data",
    "g": "global monitoring data",
    "m": "modelled data",
    "n": "non-relevant",
    "notspec": "nature not specified",
}
ESTIMATED_NATURE = {"e", "m", "g"}
BREAKDOWNS = ("cause_of_death", "disability_status", "grounds_of_discrimination")


class SdgReader(AreaRowsReader):
    name = "un-sdg"
    dataflow = "UN_SDG"
    code_column = "geo_area_m49"
    name_column = "geo_area_name"
    required = (
        "indicator",
        "series_code",
        "geo_area_m49",
        "geo_area_name",
        "year",
        "units",
        "value",
    )
    optional = ("sex", "age", "nature", *BREAKDOWNS)

    def read_row(self, row: RowView, area: Area) -> Iterator[Item]:
        value = parse_value(row.cell("value"))
        period = parse_period(row.cell("year"))
        problems = [p for p in (value, period) if isinstance(p, Problem)]
        sex = SEX.get(row["sex"].strip().casefold())
        unit = UNITS.get(row["units"].strip().casefold())
        if sex is None:
            problems.append(
                row.cell("sex").problem(
                    "unknown-code", f"{row['sex']!r} is not one of bothsex, female, male, u"
                )
            )
        if unit is None:
            problems.append(
                row.cell("units").problem(
                    "unknown-code", f"{row['units']!r} is not one of {', '.join(sorted(UNITS))}"
                )
            )
        yield from problems
        if any(p.severity is Severity.error for p in problems):
            return
        assert isinstance(value, float) and sex and unit
        assert not isinstance(period, Problem)
        breakdown = "-".join(slug(row[b]) for b in BREAKDOWNS if row[b].strip()) or TOTAL
        age = row["age"].strip().casefold()
        age = TOTAL if age in AGE_TOTALS else age
        flags = {Flag.estimated} if row["nature"].strip().casefold() in ESTIMATED_NATURE else set()
        key = SeriesKey(row["series_code"].strip(), sex, age, TOTAL, TOTAL, TOTAL, breakdown, unit)
        yield Observation(
            area=area.code,
            period=str(period),
            key=key,
            value=value,
            provenance=Provenance(
                self.dataflow, _attribution(row["nature"]), file_name=row.source.name, row=row.row
            ),
            flags=frozenset(flags),
            label=f"SDG {row['indicator'].strip()}",
        )


def _attribution(nature: str) -> str:
    """The SDG database as source, with the observation's nature spelled out (``C`` -> country data)."""
    code = nature.strip()
    described = NATURE.get(code.casefold())
    if not code:
        return "UN SDG Global Database"
    return f"UN SDG Global Database ({code}: {described or 'nature code'})"


class SdgSeriesMetadataReader(Reader):
    """The SDG database's series list: what each series code (``VC_IHR_PSRC``) measures."""

    name = "un-sdg-series"
    dataflow = "UN_SDG"
    required = ("series_code", "indicator", "series_description")

    def read(self, source: TextSource, ctx: ReadContext) -> Iterator[Item]:
        for view in row_views(source, self.required):
            code, text = view["series_code"].strip(), view["series_description"].strip()
            if not code or not text:
                column = "series_code" if not code else "series_description"
                yield view.cell(column).problem("missing-value", f"the {column} is empty")
                continue
            yield Concept(self.dataflow, code, text, indicator=view["indicator"].strip() or None)
