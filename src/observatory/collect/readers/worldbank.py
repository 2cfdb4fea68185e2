"""World Bank WDI population (SP.POP.TOTL) in the long form ``Country Name, Country Code, Year, Value``."""

from __future__ import annotations

from collections.abc import Iterator

from observatory.collect.readers.area_rows import AreaRowsReader
from observatory.collect.readers.base import (
    Item,
    RowView,
    parse_period,
    parse_value,
)
from observatory.model.area import Area
from observatory.model.observation import Flag, Observation, Provenance, SeriesKey, Unit
from observatory.model.problem import Problem, Severity

POPULATION = "population"


class WorldBankPopulationReader(AreaRowsReader):
    name = "worldbank-population"
    dataflow = "WB_WDI"
    code_column = "Country Code"
    name_column = "Country Name"
    required = ("Country Name", "Country Code", "Year", "Value")

    def read_row(self, row: RowView, area: Area) -> Iterator[Item]:
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
