"""What the correspondence pages show: tables with their status counts and coverage, one table's offences
and links, and national counts applied to ICCS at levels 1 to 3.

Views over the service functions of :mod:`observatory.iccs.correspondence`, :mod:`observatory.iccs.coverage`
and :mod:`observatory.model.correspondence`; the routes in ``web/routes/correspondence_pages.py`` render
them. Pasted or uploaded counts are read by :func:`observatory.iccs.correspondence_io.read_counts`, so their
errors name the row and column like a file's.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

from observatory.errors import ErrorLocation, InvalidInput, ObservatoryError
from observatory.iccs import correspondence as corr
from observatory.iccs.correspondence_io import read_counts
from observatory.iccs.coverage import CoverageReport, coverage
from observatory.model.classification import Scheme
from observatory.model.correspondence import (
    Correspondence,
    Link,
    MappingKind,
    MappingStatus,
    NationalOffence,
    aggregate,
    apply,
)
from observatory.store.db import Store

LEVELS = (1, 2, 3)
PASTED = "pasted counts"
RECENT_CHANGES = 20
CONSERVED_TOLERANCE = 1e-9


@dataclass(frozen=True)
class StatusCounts:
    """Links by status, and offences without any link."""

    proposed: int = 0
    confirmed: int = 0
    disputed: int = 0
    unmapped: int = 0


def status_counts(table: Correspondence) -> StatusCounts:
    by = {s: sum(1 for link in table.links if link.status is s) for s in MappingStatus}
    return StatusCounts(
        proposed=by[MappingStatus.proposed],
        confirmed=by[MappingStatus.confirmed],
        disputed=by[MappingStatus.disputed],
        unmapped=len(table.unmapped()),
    )


@dataclass(frozen=True)
class TableSummary:
    """One table version in the list: its info, status counts and the share of offences mapped."""

    info: corr.CorrespondenceInfo
    statuses: StatusCounts
    share_mapped: float
    share_confirmed: float


def table_summaries(store: Store, scheme: Scheme) -> dict[str, list[TableSummary]]:
    """Every table version, by country (alphabetically), oldest version first."""
    found: dict[str, list[TableSummary]] = {}
    for info in corr.list_tables(store):
        table = corr.load(store, info.country, info.version)
        report = coverage(table, scheme)
        summary = TableSummary(info, status_counts(table), report.share_mapped, report.share_confirmed)
        found.setdefault(info.country, []).append(summary)
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class LinkView:
    link: Link
    title: str


@dataclass(frozen=True)
class OffenceView:
    offence: NationalOffence
    kind: MappingKind
    links: list[LinkView]


@dataclass(frozen=True)
class CountRow:
    code: str
    title: str
    count: float
    share: float


@dataclass(frozen=True)
class UnmappedRow:
    code: str
    label: str
    count: float


@dataclass
class ApplyView:
    """National counts converted to ICCS: per level, unmapped, totals (``total_in == mapped + unmapped``)."""

    confirmed_only: bool
    levels: dict[int, list[CountRow]]
    unmapped: list[UnmappedRow]
    total_in: float
    total_mapped: float
    total_unmapped: float
    messages: list[str] = field(default_factory=list)

    @property
    def conserved(self) -> bool:
        scale = max(1.0, abs(self.total_in))
        return abs(self.total_in - self.total_mapped - self.total_unmapped) <= CONSERVED_TOLERANCE * scale


@dataclass
class TableView:
    """One table version: its offences with their links, status counts, coverage, recent history."""

    info: corr.CorrespondenceInfo
    offences: list[OffenceView]
    statuses: StatusCounts
    coverage: CoverageReport
    changes: list[corr.Change]
    change_count: int
    lang: str


def title_of(scheme: Scheme, code: str, lang: str) -> str:
    return scheme[code].title(lang) if code in scheme else ""


def table_view(store: Store, scheme: Scheme, country: str, version: str, lang: str = "en") -> TableView:
    """The table ``country`` ``version`` (NotFound ``unknown-correspondence`` if there is none)."""
    info = corr.info(store, country, version)
    table = corr.load(store, info.country, info.version)
    kinds = table.kinds()
    offences = [
        OffenceView(
            offence,
            kinds[offence.code],
            [LinkView(link, title_of(scheme, link.iccs_code, lang)) for link in table.links_of(offence.code)],
        )
        for offence in table.offences
    ]
    changes = corr.history(store, info.country, info.version)
    return TableView(
        info=info,
        offences=offences,
        statuses=status_counts(table),
        coverage=coverage(table, scheme, lang=lang),
        changes=changes[-RECENT_CHANGES:][::-1],
        change_count=len(changes),
        lang=lang,
    )


def counts_from_text(text: str) -> dict[str, float]:
    """Counts pasted as ``national_code,count`` lines (tab- or semicolon-separated too; header optional)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        raise InvalidInput(
            "paste national counts (national_code,count) or choose a CSV file",
            code="missing-value",
            location=ErrorLocation(file=PASTED, field="counts"),
        )
    separator = next((s for s in ("\t", ";") if s in lines[0] and "," not in lines[0]), ",")
    lines = [line.replace(separator, ",") for line in lines]
    first = [cell.strip().strip('"').lower() for cell in lines[0].split(",")]
    has_header = bool(first) and first[0] in ("national_code", "code")
    if has_header:
        lines[0] = ",".join(["national_code", *first[1:]])
    text = "\n".join(lines if has_header else ["national_code,count", *lines]) + "\n"
    try:
        return read_counts(Path(PASTED), text.encode("utf-8"))
    except ObservatoryError as exc:
        where = exc.location
        if not has_header and where is not None and where.row is not None:
            exc.location = dataclasses.replace(where, row=where.row - 1)  # the line as pasted
        raise


def apply_view(
    store: Store,
    scheme: Scheme,
    country: str,
    version: str,
    counts: dict[str, float],
    *,
    confirmed_only: bool = False,
    lang: str = "en",
) -> ApplyView:
    """``counts`` through the table, rolled up to ICCS levels 1, 2 and 3."""
    table = corr.load(store, country, version)
    statuses = [MappingStatus.confirmed] if confirmed_only else None
    result = apply(table, counts, statuses=statuses)
    mapped = result.total_mapped
    levels = {
        level: [
            CountRow(code, title_of(scheme, code, lang), count, count / mapped if mapped else 0.0)
            for code, count in aggregate(scheme, result.iccs_counts, level).items()
        ]
        for level in LEVELS
    }
    labels = {o.code: o.label for o in table.offences}
    unmapped = [UnmappedRow(code, labels.get(code, ""), n) for code, n in sorted(result.unmapped.items())]
    return ApplyView(
        confirmed_only=confirmed_only,
        levels=levels,
        unmapped=unmapped,
        total_in=math.fsum(counts.values()),
        total_mapped=mapped,
        total_unmapped=math.fsum(result.unmapped.values()),
        messages=[p.message for p in result.problems],
    )
