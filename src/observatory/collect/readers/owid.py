"""Our World in Data grapher CSV of UNODC's homicide rate (``Entity, Code, Year, <indicator>``).

The chart "homicide-rate-unodc" republishes UNODC's intentional-homicide rate per 100,000 population.
Country rows become observations of dataflow ``OWID_UNODC`` (variable ``homicide-rate``, unit
``rate-per-100k``, source "UNODC via Our World in Data"). The published aggregates (the ``(UN)`` region
rows and ``World``) are UNODC's own estimates, not sums of the country rows: they are kept apart, as
*reference figures* in their own dataflow ``OWID_UNODC_REFERENCE`` with the ``computed`` flag (derived by
the source), so that no query of country data mixes them in and the aggregates benchmark can compare with
them (``benchmarks/homicide_aggregates.py``). Any row whose area the catalogue knows as an aggregate is a
reference figure, so OWID's "Channel Islands" (M49 830, an intermediate region) is one too.
"""

from __future__ import annotations

from collections.abc import Iterator

from observatory.collect.readers.area_rows import AreaRowsReader
from observatory.collect.readers.base import Item, RowView, parse_period, parse_value
from observatory.model.area import Area
from observatory.model.observation import Flag, Observation, Provenance, SeriesKey, Unit
from observatory.model.problem import Problem, Severity

HOMICIDE_RATE = "homicide-rate"
RATE_COLUMN = "Homicide rate per 100,000 population"
DATAFLOW = "OWID_UNODC"
REFERENCE_DATAFLOW = "OWID_UNODC_REFERENCE"
SOURCE = "UNODC via Our World in Data"
REFERENCE_SOURCE = "UNODC regional estimate via Our World in Data"


class OwidHomicideReader(AreaRowsReader):
    name = "owid-homicide"
    dataflow = DATAFLOW
    code_column = "Code"
    name_column = "Entity"
    required = ("Entity", "Code", "Year", RATE_COLUMN)

    def read_row(self, row: RowView, area: Area) -> Iterator[Item]:
        value = parse_value(row.cell(RATE_COLUMN))
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
            yield row.cell(RATE_COLUMN).problem(  # the rate of a count, so the count's code
                "negative-count", f"a rate of {value:g} is below zero; imported flagged, held back"
            )
        if not period.plausible:
            flags.add(Flag.implausible)
            yield row.cell("Year").problem("implausible-year", f"year {period} is outside 1900-2100")
        reference = area.is_aggregate
        if reference:
            flags.add(Flag.computed)
        yield Observation(
            area=area.code,
            period=str(period),
            key=SeriesKey(HOMICIDE_RATE, unit=Unit.rate_per_100k.value),
            value=value,
            provenance=Provenance(
                REFERENCE_DATAFLOW if reference else DATAFLOW,
                REFERENCE_SOURCE if reference else SOURCE,
                file_name=row.source.name,
                row=row.row,
            ),
            flags=frozenset(flags),
            label=row["Entity"].strip() or None,
        )
