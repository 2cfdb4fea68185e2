"""The report model: a report is sections of paragraphs and tables whose figures carry their provenance.

A :class:`Figure` is a value as printed (``"6.3"``, ``"45%"``) with a :class:`Provenance`: the indicator,
area and year it was computed for, the release (number and SHA-256) it was computed from, the formula and
the link to its explanation, or the service query that produced it and on which date. Every writer numbers
the figures in reading order (:meth:`Report.footnotes`) and prints each provenance once as a footnote, so
every figure of a generated document can be traced.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from observatory.model.release import Release


@dataclass(frozen=True)
class Provenance:
    """Where a figure comes from: an indicator computed from a release, or a query of a store service."""

    query: str  # what was asked, in words: "indicator sdg_16_1_1, ETH, 2021" or "round_dashboard(2025)"
    as_of: date  # the day the figure was computed
    indicator: str | None = None
    area: str | None = None
    year: int | None = None
    release: int | None = None
    sha256: str | None = None
    formula: str | None = None
    link: str | None = None
    source: str = ""  # what else a reader needs (assessment ids, exchange rates, the store table)

    def text(self) -> str:
        """The footnote: one line naming the query, the release and the date."""
        parts = [self.query]
        if self.formula:
            parts.append(f"formula {self.formula}")
        if self.release is not None:
            parts.append(f"release {self.release} (SHA-256 {self.sha256})")
        if self.source:
            parts.append(self.source)
        parts.append(f"computed on {self.as_of.isoformat()}")
        if self.link:
            parts.append(f"explanation {self.link}")
        return "; ".join(parts)


def explanation_link(indicator: str, area: str, year: int) -> str:
    """The page showing how one indicator value was computed (at its explanation)."""
    return f"/indicators/{indicator}?{urlencode({'area': area, 'year': year})}#explanation"


def indicator_provenance(
    indicator: str, area: str, year: int, release: Release, formula: str, as_of: date, query: str = ""
) -> Provenance:
    return Provenance(
        query=query or f"indicator {indicator}, {area}, {year}",
        as_of=as_of,
        indicator=indicator,
        area=area,
        year=year,
        release=release.number,
        sha256=release.sha256,
        formula=formula,
        link=explanation_link(indicator, area, year),
    )


@dataclass(frozen=True)
class Figure:
    """A value as printed, with where it comes from."""

    text: str
    provenance: Provenance


Part = str | Figure


@dataclass(frozen=True)
class Paragraph:
    """Running text with figures in it: ``["Of the ", Figure("12", ...), " countries invited, ..."]``."""

    parts: tuple[Part, ...]

    @classmethod
    def of(cls, *parts: Part) -> Paragraph:
        return cls(tuple(parts))

    def figures(self) -> Iterator[Figure]:
        return (p for p in self.parts if isinstance(p, Figure))

    def plain(self) -> str:
        return "".join(p.text if isinstance(p, Figure) else p for p in self.parts)


Cell = str | Figure | None


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def figures(self) -> Iterator[Figure]:
        return (c for row in self.rows for c in row if isinstance(c, Figure))


Block = Paragraph | Table


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *parts: Part) -> None:
        self.blocks.append(Paragraph(tuple(parts)))

    def table(self, caption: str, columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
        self.blocks.append(Table(caption, tuple(columns), tuple(tuple(r) for r in rows)))


@dataclass
class Report:
    """A generated document: what it is (``kind``: profile, portfolio, annex), its title and sections."""

    kind: str
    title: str
    subtitle: str
    as_of: date
    sections: list[Section] = field(default_factory=list)

    def section(self, title: str) -> Section:
        section = Section(title)
        self.sections.append(section)
        return section

    def figures(self) -> Iterator[Figure]:
        for section in self.sections:
            for block in section.blocks:
                yield from block.figures()

    def footnotes(self) -> dict[Provenance, int]:
        """Each distinct provenance numbered from 1 in reading order (a figure shown twice has one note)."""
        numbers: dict[Provenance, int] = {}
        for figure in self.figures():
            numbers.setdefault(figure.provenance, len(numbers) + 1)
        return numbers

    def filename(self, suffix: str) -> str:
        return f"{self.kind}-{self.subtitle_slug()}.{suffix}"

    def subtitle_slug(self) -> str:
        slug = "".join(c if c.isalnum() else "-" for c in self.subtitle.lower())
        return "-".join(p for p in slug.split("-") if p) or self.kind


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    return cell.text if isinstance(cell, Figure) else cell
