"""Keeping originals: every submitted file is stored byte for byte under its SHA-256."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from observatory.settings import Settings
from observatory.store.tables import SourceFile


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def keep_original(
    session: Session,
    settings: Settings,
    path: Path,
    *,
    fmt: str,
    encoding: str | None = None,
    sha256: str | None = None,
) -> SourceFile:
    """Copy ``path`` into the originals folder (once) and record it; return its row."""
    digest = sha256 or sha256_of(path)
    existing = session.get(SourceFile, digest)
    if existing is not None:
        return existing
    target = settings.originals_dir / digest[:2] / digest
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        tmp = target.with_suffix(".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
    row = SourceFile(
        sha256=digest,
        original_name=path.name,
        size=path.stat().st_size,
        format=fmt,
        encoding=encoding,
        stored_path=str(target.relative_to(settings.resolved_data_dir)),
        first_seen_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()  # rows that reference the file may be flushed next
    return row
