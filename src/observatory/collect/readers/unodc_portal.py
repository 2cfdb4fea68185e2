"""UNODC data-portal exports (UN-CTS based): Iso3_code, Country, ..., VALUE, Source."""

from __future__ import annotations

from collections.abc import Iterator

from observatory.catalog.unodc import PortalCodelist, load_portal_codelist, slug
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
from observatory.model.observation import TOTAL, Flag, Observation, Provenance, SeriesKey, Unit
from observatory.model.problem import Problem, Severity

SEX = {"total": TOTAL, "male": "M", "female": "F"}
AGE = {
    "total": TOTAL,
    "adult": "adult",
    "adults": "adult",
    "juveniles": "juvenile",
    "juvenile": "juvenile",
}
UNITS = {
    "counts": Unit.number.value,
    "rate per 100,000 population": Unit.rate_per_100k.value,
    "percentage of total persons held": Unit.percent.value,
}


def source_flags(source_text: str | None) -> set[Flag]:
    """Flags implied by the source attribution (``Computed/CTS``, ``UNODC estimates ...``)."""
    text = (source_text or "").casefold()
    flags: set[Flag] = set()
    if "computed" in text:
        flags.add(Flag.computed)
    if "estimate" in text:
        flags.add(Flag.estimated)
    return flags


class UnodcPortalReader(Reader):
    name = "unodc-portal"
    dataflow = "UNODC_CTS"
    required = (
        "Iso3_code",
        "Country",
        "Indicator",
        "Dimension",
        "Category",
        "Sex",
        "Age",
        "Year",
        "Unit of measurement",
        "VALUE",
    )
    optional = ("Region", "Subregion", "Source")

    def read(self, source: TextSource, ctx: ReadContext) -> Iterator[Item]:
        codes = load_portal_codelist()
        for view in row_views(source, self.required + self.optional):
            yield from self._row(view, codes, ctx)

    def _row(self, row: RowView, codes: PortalCodelist, ctx: ReadContext) -> Iterator[Item]:
        area = ctx.areas.resolve(row["Iso3_code"].strip())
        value = parse_value(row.cell("VALUE"))
        period = parse_period(row.cell("Year"))
        key, problems = series_key(row, codes)
        problems += [p for p in (value, period) if isinstance(p, Problem)]
        if area is None:
            problems.append(
                row.cell("Iso3_code").problem(
                    "unknown-area",
                    f"{row['Iso3_code']!r} is not an ISO 3166 alpha-3 code, a UNODC "
                    "reporting unit (GBR_E_W, GBR_S, GBR_NI, IRQ_C, IRQ_KRI, XKX) or WORLD",
                )
            )
        yield from problems
        if any(p.severity is Severity.error for p in problems):
            return
        assert area is not None and key is not None
        assert not isinstance(value, Problem) and not isinstance(period, Problem)
        source_text = row["Source"].strip() or None
        flags = source_flags(source_text)
        if not period.plausible:
            flags.add(Flag.implausible)
            yield row.cell("Year").problem(
                "implausible-year",
                f"year {period} is outside 1900-2100; imported flagged, held back from publication",
            )
        if value < 0 and key.unit == Unit.number.value:
            flags.add(Flag.implausible)
            yield row.cell("VALUE").problem(
                "negative-count",
                f"a count of {value:g} is below zero; imported flagged, held back from publication",
            )
        yield Observation(
            area=area.code,
            period=str(period),
            key=key,
            value=value,
            provenance=Provenance(self.dataflow, source_text, file_name=row.source.name, row=row.row),
            flags=frozenset(flags),
            label=row["Category"].strip() or None,
        )


def series_key(row: RowView, codes: PortalCodelist) -> tuple[SeriesKey | None, list[Problem]]:
    """The series key of a portal row, and what was odd about its labels."""
    problems: list[Problem] = []
    indicator = codes.indicator(row["Indicator"])
    variable = indicator.variable if indicator else slug(row["Indicator"])
    offence = indicator.offence if indicator else TOTAL
    if indicator is None:
        problems.append(
            row.cell("Indicator").problem(
                "unmapped-category",
                f"indicator {row['Indicator']!r} has no mapping; imported as variable {variable!r}",
            )
        )
    status = citizenship = breakdown = TOTAL
    match = codes.category(row["Dimension"], row["Category"])
    if match is None:
        breakdown = slug(row["Category"])
        problems.append(
            row.cell("Category").problem(
                "unmapped-category",
                f"category {row['Category']!r} of {row['Dimension']!r} has no "
                f"ICCS or codelist mapping; imported as {breakdown!r}",
            )
        )
    else:
        rule = match.rule
        variable = rule.variable or variable
        offence = rule.offence if rule.offence != TOTAL else offence
        status, citizenship, breakdown = rule.status, rule.citizenship, rule.breakdown
        if match.variant_of:
            problems.append(
                row.cell("Category").problem(
                    "nonstandard-category-label",
                    f"{row['Category']!r} read as {match.variant_of!r} (a misspelling in the source)",
                )
            )
    parsed: dict[str, str] = {}
    for column, accepted in (("Sex", SEX), ("Age", AGE), ("Unit of measurement", UNITS)):
        found = accepted.get(row[column].strip().casefold())
        if found is None:
            problems.append(
                row.cell(column).problem(
                    "unknown-code", f"{row[column]!r} is not one of: {', '.join(sorted(accepted))}"
                )
            )
        else:
            parsed[column] = found
    if len(parsed) < 3:
        return None, problems
    key = SeriesKey(
        variable,
        parsed["Sex"],
        parsed["Age"],
        offence,
        status,
        citizenship,
        breakdown,
        parsed["Unit of measurement"],
    )
    return key, problems
