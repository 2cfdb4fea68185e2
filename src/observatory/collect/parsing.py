"""Parsing one file: detect its format, read it, de-duplicate, and collect the problems.

The first bytes decide the kind (:func:`observatory.collect.source.open_source`): text goes to the first of
:data:`READERS` that handles its header, a workbook or an XML message to the first of :data:`BINARY_READERS`
for its kind. Partial files of one submission (workbooks split across agencies) merge when they are parsed
with one shared :class:`ReadContext`: a key given again with another value is a ``duplicate-key`` naming
both places; the same value again is fine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from observatory.collect.readers import BINARY_READERS, READERS, Reader
from observatory.collect.readers.base import BinaryReader, Claim, Item, ReadContext
from observatory.collect.source import BinarySource, Source, TextSource, open_source
from observatory.errors import ErrorLocation, InvalidInput, UnknownFormat
from observatory.model.dataflow import Concept
from observatory.model.observation import Flag, Observation
from observatory.model.problem import Problem, ValidationReport
from observatory.store.originals import sha256_of


@dataclass
class ParsedFile:
    path: Path
    sha256: str
    reader: Reader | BinaryReader
    source: Source
    observations: list[Observation] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
    rows: int = 0

    @property
    def rejected_rows(self) -> set[tuple[str | None, int | str | None]]:
        """The places refused: (None, row) in text files, (sheet, cell) in workbooks, key in SDMX."""
        places: set[tuple[str | None, int | str | None]] = set()
        for p in self.report.errors:
            if p.row is not None:
                places.add((None, p.row))
            elif p.cell is not None:
                places.add((p.sheet, p.cell))
            elif p.key is not None:
                places.add((None, p.key))
        return places


def detect(source: TextSource, readers: list[Reader] | None = None) -> Reader:
    """The first reader that handles the file's header, or ``UnknownFormat`` listing the choices."""
    candidates = READERS if readers is None else readers
    for reader in candidates:
        if reader.handles(source.header):
            return reader
    closest = max(candidates, key=lambda r: _overlap(r, source.header))
    missing = _missing(closest, source.header)
    if _overlap(closest, source.header) >= 0.5:
        raise InvalidInput(
            f"the file looks like {closest.name} but lacks the column(s) {', '.join(missing)}; "
            f"that format needs {', '.join(closest.required)}",
            code="missing-column",
            location=ErrorLocation(file=str(source.path), row=1, column=missing[0]),
        )
    accepted = "; ".join(r.describe() for r in candidates)
    raise UnknownFormat(
        f"no reader recognises the columns {source.header[:12]}; accepted formats: {accepted}",
        location=ErrorLocation(file=str(source.path), row=1),
    )


def detect_binary(source: BinarySource, readers: list[BinaryReader] | None = None) -> BinaryReader:
    """The first binary reader for the file's kind, or ``UnknownFormat`` listing the choices."""
    candidates = BINARY_READERS if readers is None else readers
    for reader in candidates:
        if reader.handles_kind(source.kind):
            return reader
    raise UnknownFormat(
        f"no reader accepts a {source.kind.value} file; accepted: "
        f"{'; '.join(r.describe() for r in candidates) or 'none'}",
        location=ErrorLocation(file=str(source.path)),
    )


def _missing(reader: Reader, header: list[str]) -> list[str]:
    present = {h.casefold() for h in header}
    return [c for c in reader.required if c.casefold() not in present]


def _overlap(reader: Reader, header: list[str]) -> float:
    return 1 - len(_missing(reader, header)) / len(reader.required)


def parse_file(
    path: Path,
    *,
    max_bytes: int,
    ctx: ReadContext | None = None,
    round_year: int | None = None,
    country: str | None = None,
) -> ParsedFile:
    """Read one file of any accepted format (CSV, workbook, SDMX-CSV, SDMX-ML) into observations.

    ``round_year`` and ``country`` are what a questionnaire workbook must have been made for
    (``wrong-round`` otherwise). Unreadable or unsafe files raise ``InvalidInput``; bad data are problems
    in the report.
    """
    source = open_source(path, max_bytes=max_bytes)
    context = ctx or ReadContext()
    if round_year is not None or country is not None:
        context = replace(context, round_year=round_year, country=country)  # shares areas and claims
    items: Iterator[Item]
    if isinstance(source, TextSource):
        text_reader = detect(source)
        reader: Reader | BinaryReader = text_reader
        items = text_reader.read(source, context)
    else:
        binary_reader = detect_binary(source)
        reader = binary_reader
        items = binary_reader.read(source, context)
    parsed = ParsedFile(path=path, sha256=sha256_of(path), reader=reader, source=source)
    kept: dict[tuple[str, str, str, str], int] = {}
    for item in items:
        if isinstance(item, Problem):
            parsed.report.add(item)
        elif isinstance(item, Concept):
            parsed.concepts.append(item)
        else:
            _keep(parsed, kept, item)
    if isinstance(reader, BinaryReader) and reader.merges_files:
        _claim(parsed, context)
    parsed.rows = _count_rows(parsed)
    if not parsed.rows and not parsed.report.errors:
        what = "data rows" if isinstance(source, TextSource) else "filled cells or observations"
        parsed.report.add(Problem("empty-file", f"the file has no {what}", file=path.name))
    parsed.report.stats = {
        "rows": parsed.rows,
        "observations": len(parsed.observations),
        "concepts": len(parsed.concepts),
    }
    return parsed


def _count_rows(parsed: ParsedFile) -> int:
    """Data rows of a text file; for a workbook or message, its values (read or refused)."""
    if isinstance(parsed.source, TextSource):
        return sum(1 for _ in parsed.source.rows())
    refused = {(p.sheet, p.cell, p.row, p.key) for p in parsed.report.errors if p.cell or p.row or p.key}
    return len(parsed.observations) + len(refused)


def _claim(parsed: ParsedFile, ctx: ReadContext) -> None:
    """Record where each key was given; a key given before in another file with another value is an error."""
    for obs in parsed.observations:
        where = Claim(
            parsed.path.name, obs.value, obs.provenance.sheet, obs.provenance.cell, obs.provenance.row
        )
        first = ctx.claims.setdefault(obs.identity(), where)
        if first is where or first.value == where.value:
            continue
        parsed.report.add(
            Problem(
                "duplicate-key",
                f"{obs.area} {obs.period} {obs.key} is {_fmt(obs.value)} in {where.describe()} but "
                f"{_fmt(first.value)} in {first.describe()}; give each figure once, or the same figure",
                file=parsed.path.name,
                row=obs.provenance.row,
                sheet=obs.provenance.sheet,
                cell=obs.provenance.cell,
                key=f"{obs.key} {obs.period}",
                value=_fmt(obs.value),
            )
        )


def _fmt(value: float | None) -> str:
    return "empty" if value is None else f"{value:g}"


def _keep(parsed: ParsedFile, kept: dict[tuple[str, str, str, str], int], obs: Observation) -> None:
    """Add ``obs`` unless an earlier row has its key; report duplicates and flag conflicts."""
    identity = obs.identity()
    index = kept.get(identity)
    if index is None:
        kept[identity] = len(parsed.observations)
        parsed.observations.append(obs)
        return
    first = parsed.observations[index]
    if first.value == obs.value:
        parsed.report.add(
            Problem(
                "exact-duplicate",
                f"repeats row {first.provenance.row} ({obs.key}, {obs.area}, {obs.period})",
                file=parsed.path.name,
                row=obs.provenance.row,
            )
        )
        return
    parsed.report.add(
        Problem(
            "conflicting-duplicate",
            f"{obs.area} {obs.period} {obs.key} is {_fmt(obs.value)} here but {_fmt(first.value)} in row "
            f"{first.provenance.row}; the first is kept, both are flagged and held back from publication",
            file=parsed.path.name,
            row=obs.provenance.row,
            column="VALUE",
            value=_fmt(obs.value),
        )
    )
    parsed.observations[index] = first.with_flags(
        Flag.conflict, note=f"row {obs.provenance.row} of {parsed.path.name} gives {_fmt(obs.value)}"
    )
