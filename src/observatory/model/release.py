"""Releases: immutable, numbered snapshots of the publishable observations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Release:
    number: int
    created_at: datetime
    observations: int
    sha256: str  # of the Parquet file, so a published figure can be checked byte for byte
    path: str
    note: str | None = None

    @property
    def name(self) -> str:
        return f"release-{self.number:04d}"
