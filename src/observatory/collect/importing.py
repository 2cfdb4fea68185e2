"""``observatory import``: files or folders in, observations in the store, all or nothing.

Every file is parsed and validated before anything is written. If any file has an error and
``skip_invalid`` is off, nothing is stored and :class:`InvalidInput` names the first bad cell. Otherwise
all files are written in one transaction: the original bytes are kept, each observation records its file
and row, changed values keep their previous version as a revision, and re-importing the same data
changes nothing.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from observatory.collect.parsing import ParsedFile, parse_file
from observatory.collect.readers.base import ReadContext
from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.problem import Problem
from observatory.store import observations as repo
from observatory.store.concepts import upsert_concepts
from observatory.store.db import Store
from observatory.store.observations import UpsertCounts
from observatory.store.originals import keep_original
from observatory.store.tables import ImportRun

DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xml"}
Progress = Callable[[str, int, int], None]  # (file name, files done, files total)


@dataclass
class FileResult:
    file: str
    sha256: str
    format: str
    encoding: str
    rows: int
    observations: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    import_id: int | None = None
    rejected_report: str | None = None

    def to_dict(self) -> dict[str, Any]:
        body = {k: v for k, v in vars(self).items() if k != "problems"}
        body["warnings"] = sum(1 for p in self.problems if p.severity == "warning")
        body["problem_counts"] = _count_codes(self.problems)
        return body


@dataclass
class ImportSummary:
    files: list[FileResult] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(f.inserted or f.updated for f in self.files)

    def totals(self) -> dict[str, int]:
        keys = ("rows", "observations", "inserted", "updated", "unchanged", "rejected")
        return {k: sum(getattr(f, k) for f in self.files) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        return {"files": [f.to_dict() for f in self.files], "totals": self.totals()}


def _count_codes(problems: list[Problem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in problems:
        counts[p.code] = counts.get(p.code, 0) + 1
    return counts


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given, and the data files inside folders (documentation such as .md is skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
            )
        elif path.is_file():
            files.append(path)
        else:
            raise InvalidInput(
                "no such file or folder; give files or folders to import",
                code="file-not-found",
                location=ErrorLocation(file=str(path)),
            )
    if not files:
        raise InvalidInput(
            f"no data files ({', '.join(sorted(DATA_SUFFIXES))}) under {', '.join(map(str, paths))}",
            code="empty-file",
        )
    return files


def _refuse(parsed: list[ParsedFile]) -> None:
    errors = [p for f in parsed for p in f.report.errors]
    if not errors:
        return
    first = errors[0]
    more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
    raise InvalidInput(
        f"{first.message} [{first.code}]{more}; nothing was imported. Fix the file, or import the "
        "valid rows with --skip-invalid (rejected rows go to a report)",
        code=first.code,
        location=ErrorLocation(
            file=str(next(f.path for f in parsed if first in f.report.errors)),
            row=first.row,
            column=first.column,
            sheet=first.sheet,
            cell=first.cell,
        ),
        details=[p.to_dict() for p in errors[:100]],
    )


def _write_rejected(store: Store, parsed: ParsedFile) -> str:
    folder = store.settings.resolved_data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"rejected-{parsed.sha256[:12]}.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "column", "sheet", "cell", "key", "code", "message", "value"])
        for p in parsed.report.errors:
            writer.writerow(
                [parsed.path.name, p.row, p.column, p.sheet, p.cell, p.key, p.code, p.message, p.value]
            )
    return str(target)


def import_paths(
    store: Store,
    paths: Sequence[Path],
    *,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    files = expand_paths(paths)
    ctx = ReadContext()
    parsed: list[ParsedFile] = []
    for done, path in enumerate(files):
        if progress:
            progress(path.name, done, len(files))
        parsed.append(parse_file(path, max_bytes=store.settings.max_upload_bytes, ctx=ctx))
    if not skip_invalid:
        _refuse(parsed)
    summary = ImportSummary()
    with store.session() as session:
        for item in parsed:
            summary.files.append(_store_file(store, session, item, skip_invalid))
    if progress:
        progress("", len(files), len(files))
    return summary


def _store_file(store: Store, session: Any, item: ParsedFile, skip_invalid: bool) -> FileResult:
    result = FileResult(
        file=str(item.path),
        sha256=item.sha256,
        format=item.reader.name,
        encoding=item.source.encoding,
        rows=item.rows,
        observations=len(item.observations) + len(item.concepts),
        rejected=len(item.rejected_rows),
        problems=item.report.problems,
    )
    if skip_invalid and item.report.errors:
        result.rejected_report = _write_rejected(store, item)
    keep_original(
        session,
        store.settings,
        item.path,
        fmt=item.reader.name,
        encoding=item.source.encoding,
        sha256=item.sha256,
    )
    seen_before = session.scalar(select(ImportRun.id).where(ImportRun.file_sha256 == item.sha256))
    run = ImportRun(
        file_sha256=item.sha256,
        dataflow=item.reader.dataflow,
        started_at=datetime.now(UTC),
        rows=item.rows,
    )
    session.add(run)
    session.flush()
    counts = repo.upsert(session, item.observations, file_sha256=item.sha256, import_id=run.id)
    concepts = upsert_concepts(session, item.concepts, file_sha256=item.sha256)
    result.inserted = counts.inserted + concepts.inserted
    result.updated = counts.updated + concepts.updated
    result.unchanged = counts.unchanged + concepts.unchanged
    counts = UpsertCounts(result.inserted, result.updated, result.unchanged)
    if seen_before is not None and not (counts.inserted or counts.updated):
        session.delete(run)  # the same file again, nothing new: leave no trace
        return result
    run.inserted, run.updated, run.unchanged = counts.inserted, counts.updated, counts.unchanged
    run.rejected = result.rejected
    run.warnings = len(item.report.warnings)
    run.finished_at = datetime.now(UTC)
    run.report_json = json.dumps([p.to_dict() for p in item.report.problems[:5000]])
    result.import_id = run.id
    return result
