"""Parsing one file: detect its format, read it, de-duplicate, and collect the problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from observatory.collect.readers import READERS, Reader
from observatory.collect.readers.base import ReadContext
from observatory.collect.source import TextSource, open_text
from observatory.errors import ErrorLocation, InvalidInput, UnknownFormat
from observatory.model.dataflow import Concept
from observatory.model.observation import Flag, Observation
from observatory.model.problem import Problem, ValidationReport
from observatory.store.originals import sha256_of


@dataclass
class ParsedFile:
    path: Path
    sha256: str
    reader: Reader
    source: TextSource
    observations: list[Observation] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
    rows: int = 0

    @property
    def rejected_rows(self) -> set[int]:
        return {p.row for p in self.report.errors if p.row is not None}


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


def _missing(reader: Reader, header: list[str]) -> list[str]:
    present = {h.casefold() for h in header}
    return [c for c in reader.required if c.casefold() not in present]


def _overlap(reader: Reader, header: list[str]) -> float:
    return 1 - len(_missing(reader, header)) / len(reader.required)


def parse_file(path: Path, *, max_bytes: int, ctx: ReadContext | None = None) -> ParsedFile:
    source = open_text(path, max_bytes=max_bytes)
    reader = detect(source)
    parsed = ParsedFile(path=path, sha256=sha256_of(path), reader=reader, source=source)
    kept: dict[tuple[str, str, str, str], int] = {}
    for item in reader.read(source, ctx or ReadContext()):
        if isinstance(item, Problem):
            parsed.report.add(item)
        elif isinstance(item, Concept):
            parsed.concepts.append(item)
        else:
            _keep(parsed, kept, item)
    parsed.rows = sum(1 for _ in source.rows())
    if not parsed.rows:
        parsed.report.add(Problem("empty-file", "the file has a header but no data rows", file=path.name))
    parsed.report.stats = {
        "rows": parsed.rows,
        "observations": len(parsed.observations),
        "concepts": len(parsed.concepts),
    }
    return parsed


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
            f"{obs.area} {obs.period} {obs.key} is {obs.value:g} here but {first.value:g} in row "
            f"{first.provenance.row}; the first is kept, both are flagged and held back from publication",
            file=parsed.path.name,
            row=obs.provenance.row,
            column="VALUE",
            value=f"{obs.value:g}",
        )
    )
    parsed.observations[index] = first.with_flags(
        Flag.conflict, note=f"row {obs.provenance.row} of {parsed.path.name} gives {obs.value:g}"
    )
