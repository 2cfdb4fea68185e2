"""World Bank WDI population (SP.POP.TOTL) in the long form ``Country Name, Country Code, Year, Value``."""

from __future__ import annotations

from collections.abc import Iterator

from observatory.collect.readers.area_rows import resolve_area
from observatory.collect.readers.base import (
    Item,
    ReadContext,
    Reader,
    RowView,
    column_map,
    parse_period,
    parse_value,
)
from observatory.collect.source import TextSource
from observatory.model.area import Area
from observatory.model.observation import Flag, Observation, Provenance, SeriesKey, Unit
from observatory.model.problem import Problem, Severity

POPULATION = "population"


class WorldBankPopulationReader(Reader):
    name = "worldbank-population"
    dataflow = "WB_WDI"
    required = ("Country Name", "Country Code", "Year", "Value")

    def read(self, source: TextSource, ctx: ReadContext) -> Iterator[Item]:
        cols = column_map(source, self.required)
        aggregates: set[str] = set()
        for row_no, row in source.rows():
            view = RowView(source, row_no, {k: row[v] for k, v in cols.items()})
            area = resolve_area(view, ctx, "Country Code", "Country Name", aggregates)
            if isinstance(area, Area):
                yield from self._row(view, area)
            elif area is not None:
                yield area

    def _row(self, row: RowView, area: Area) -> Iterator[Item]:
        value = parse_value(row.cell("Value"))
        period = parse_period(row.cell("Year"))
        problems = [p for p in (value, period) if isinstance(p, Problem)]
        yield from problems
        if any(p.severity is Severity.error for p in problems):
            return
        assert isinstance(value, float)
        assert not isinstance(period, Problem)
        flags: set[Flag] = set()
        if value < 0:
            flags.add(Flag.implausible)
            yield row.cell("Value").problem(
                "negative-count",
                f"a population of {value:g} is below zero; imported flagged, held back from publication",
            )
        if not period.plausible:
            flags.add(Flag.implausible)
            yield row.cell("Year").problem("implausible-year", f"year {period} is outside 1900-2100")
        yield Observation(
            area=area.code,
            period=str(period),
            key=SeriesKey(POPULATION, unit=Unit.persons.value),
            value=value,
            provenance=Provenance(
                self.dataflow, "World Bank WDI SP.POP.TOTL", file_name=row.source.name, row=row.row
            ),
            flags=frozenset(flags),
        )
